// `ordo nats-config`: the nats-server configuration for competitive allocation (one user per
// store, each kept to its own subjects; Ordo's own user; no anonymous access).
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "adapters/nats.h"
#include "app/cli.h"
#include "base/id.h"
#include "base/secrets.h"
#include "eventstore/codec/codec.h"

namespace ordo::cli {
namespace {

namespace fs = std::filesystem;
namespace nats = adapters::nats;
using nlohmann::json;

// --- nats-config ---------------------------------------------------------------------------------

struct ConfigArgs {
  std::string data_dir;
  std::string dir;
  std::string tenant = "main";
  std::string listen = "127.0.0.1:4222";
  std::vector<std::string> feeds;  // stock feed sources to add
};

// The password in `path`, made (mode 0600) when absent: a second run keeps every credential.
Result<std::string> secret_file(const fs::path& path) {
  if (fs::exists(path)) return ordo::read_secret(path.string());
  auto secret = random_hex(24);
  if (!secret) return secret;
  {
    std::ofstream out(path);
    out << *secret << "\n";
    if (!out) return fail(ErrorCode::io_error, "cannot write " + path.string());
  }
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  return secret;
}

// Every site that prepares orders (pickup points do not), from the log.
Result<std::vector<std::string>> preparing_sites(eventstore::EventStore& store) {
  std::map<std::string, domain::site::SiteType> types;
  std::optional<Error> problem;
  auto visited = store.for_each(1, UINT64_MAX, [&](const eventstore::EventView& e) {
    if (e.type != "SiteRegistered" && e.type != "SiteUpdated") return true;
    auto decoded = wire::decode(e.type, e.schema_version, e.payload);
    if (!decoded) {
      problem = decoded.error();
      return false;
    }
    std::visit(
        [&](const auto& s) {
          if constexpr (requires { s.profile; }) types[s.site_id] = s.profile.type;
        },
        std::get<domain::site::Event>(*decoded));
    return true;
  });
  if (!visited) return std::unexpected(visited.error());
  if (problem) return std::unexpected(*problem);
  std::vector<std::string> sites;
  for (const auto& [id, type] : types) {
    if (type != domain::site::SiteType::pickup_point) sites.push_back(id);
  }
  return sites;
}

int run_nats_config(const ConfigArgs& args) {
  umask(077);  // passwords and the configuration are never readable by others, not even briefly
  auto store = open_engine_store(args.data_dir);
  if (!store) return report(store.error());
  auto sites = preparing_sites(**store);
  if (!sites) return report(sites.error());
  std::error_code ec;
  fs::create_directories(fs::path(args.dir) / "stores", ec);
  if (ec)
    return report(Error{ErrorCode::io_error, "cannot create " + args.dir + ": " + ec.message()});
  auto ordo_secret = secret_file(fs::path(args.dir) / "ordo.password");
  if (!ordo_secret) return report(ordo_secret.error());
  std::vector<std::pair<std::string, std::string>> stores;
  for (const auto& site : *sites) {
    auto secret = secret_file(fs::path(args.dir) / "stores" / (site + ".password"));
    if (!secret) return report(secret.error());
    stores.emplace_back(site, *secret);
  }
  // Feed sources: those named now and those of earlier runs (their password files).
  std::set<std::string> sources(args.feeds.begin(), args.feeds.end());
  for (const auto& source : sources) {
    if (!ordo::is_valid_id(source))
      return report(Error{ErrorCode::invalid_argument,
                          "--feed " + source + ": a source is an id ([A-Za-z0-9._-]{1,64})"});
  }
  fs::create_directories(fs::path(args.dir) / "feeds", ec);
  for (const auto& entry : fs::directory_iterator(fs::path(args.dir) / "feeds", ec)) {
    if (entry.path().extension() == ".password") sources.insert(entry.path().stem().string());
  }
  std::vector<std::pair<std::string, std::string>> feeds;
  for (const auto& source : sources) {
    auto secret = secret_file(fs::path(args.dir) / "feeds" / (source + ".password"));
    if (!secret) return report(secret.error());
    feeds.emplace_back(source, *secret);
  }
  const std::string conf =
      "# Written by `ordo nats-config` from the sites in the log; run it again after adding "
      "sites,\n"
      "# then `nats-server --signal reload`. Passwords live in ordo.password, "
      "stores/<site>.password\n# and feeds/<source>.password.\n" +
      nats::server_config(args.tenant, args.listen, *ordo_secret, stores, feeds);
  const auto path = fs::path(args.dir) / "nats-server.conf";
  {
    std::ofstream out(path);
    out << conf;
    if (!out) return report(Error{ErrorCode::io_error, "cannot write " + path.string()});
  }
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  std::cout << "ordo: wrote " << path.string() << ": user ordo, " << sites->size()
            << " store users (store-<site>) and " << feeds.size()
            << " feed users (feed-<source>), tenant " << args.tenant << ", listening on "
            << args.listen << "\n";
  return kExitOk;
}

}  // namespace

void add_nats_commands(CLI::App& app, int& exit_code) {
  static ConfigArgs config_args;
  auto* config = app.add_subcommand(
      "nats-config",
      "Write the nats-server configuration: a user per store, Ordo's user, no anonymous access");
  config->add_option("--data", config_args.data_dir, "Data directory (its sites get users)")
      ->required();
  config->add_option("--dir", config_args.dir, "Where to write nats-server.conf and the passwords")
      ->required();
  config->add_option("--tenant", config_args.tenant, "Tenant in subjects");
  config->add_option("--listen", config_args.listen, "HOST:PORT nats-server listens on");
  config->add_option("--feed", config_args.feeds,
                     "A stock feed source (ERP, WMS, POS) to give a user; repeatable, kept by "
                     "later runs");
  config->callback([&exit_code] { exit_code = run_nats_config(config_args); });
}

}  // namespace ordo::cli
