// `ordo serve`: the engine behind the HTTP API on embedded RocksDB; and `ordo token`: API tokens.
#include <sys/resource.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "adapters/address_check.h"
#include "adapters/allocation_relay.h"
#include "adapters/holidays.h"
#include "adapters/postcodes.h"
#include "app/cli.h"
#include "gateway/api/api.h"
#include "gateway/api/problem.h"
#include "gateway/feeds/stock_feed.h"
#include "gateway/security/users.h"

namespace ordo::cli {
namespace {

namespace access = domain::access;

struct ServeArgs {
  std::string data_dir;
  std::string listen = "127.0.0.1:8080";
  gateway::http::ServerOptions server;
  std::string tls_cert, tls_key;
  std::size_t read_timeout_ms = 30000;
  std::size_t shutdown_timeout_ms = 10000;
  engine::PipelineOptions pipeline;
  std::string postcodes_dir;
  std::string holidays_file;
  std::string nats_url;
  std::string nats_user = "ordo";
  std::string nats_password_file;
  std::string nats_tenant = "main";
  std::string first_admin = "admin@ordo.localhost";
};

gateway::api::PlaceLookup place_lookup(std::shared_ptr<adapters::Gazetteer> gazetteer) {
  if (!gazetteer) return {};
  return [gazetteer](std::string_view country,
                     std::string_view postcode) -> std::optional<gateway::api::Place> {
    auto place = gazetteer->find(country, postcode);
    if (!place) return std::nullopt;
    return gateway::api::Place{place->point, place->region};
  };
}

// The address check of an order at intake. An address accepted once normalized (the city's
// name in the data, the postcode's form) is replaced by its normal form, the original kept.
std::function<domain::AddressCheck(domain::Address&)> address_checker(
    std::shared_ptr<adapters::Gazetteer> gazetteer) {
  if (!gazetteer) return {};
  return [gazetteer](domain::Address& address) {
    const auto c =
        adapters::check_address(*gazetteer, address.country, address.postcode, address.city);
    using V = domain::AddressCheck::Verdict;
    domain::AddressCheck out;
    out.verdict = !c.checked                                       ? V::unchecked
                  : c.verdict == adapters::AddressVerdict::accept  ? V::accept
                  : c.verdict == adapters::AddressVerdict::confirm ? V::confirm
                                                                   : V::fix;
    out.field = c.field;
    out.reason = c.reason;
    out.suggestions = c.suggestions;
    if (out.verdict == V::accept &&
        (c.postcode != address.postcode || (!c.city.empty() && c.city != address.city))) {
      out.original = address;
      address.postcode = c.postcode;
      if (!c.city.empty()) address.city = c.city;
    }
    return out;
  };
}

Result<void> parse_listen(ServeArgs& args) {
  const auto colon = args.listen.rfind(':');
  if (colon == std::string::npos) return fail(ErrorCode::invalid_argument, "--listen is HOST:PORT");
  args.server.address = args.listen.substr(0, colon);
  const auto port = args.listen.substr(colon + 1);
  char* end = nullptr;
  const auto value = std::strtoul(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || value > 65535)
    return fail(ErrorCode::invalid_argument, "bad port in --listen");
  args.server.port = static_cast<std::uint16_t>(value);
  if (args.tls_cert.empty() != args.tls_key.empty()) {
    return fail(ErrorCode::invalid_argument, "--tls-cert and --tls-key go together");
  }
  if (!args.tls_cert.empty())
    args.server.tls = gateway::http::TlsFiles{args.tls_cert, args.tls_key};
  args.server.read_timeout = std::chrono::milliseconds(args.read_timeout_ms);
  return {};
}

// Each connection holds a file descriptor, and RocksDB needs its own (SST files, WAL): raise the
// soft limit to the hard one, and keep connections below it with room for the store, so that a
// flood of connections is refused with 503 instead of starving the store of descriptors.
void fit_connections_to_descriptors(gateway::http::ServerOptions& server) {
  constexpr rlim_t kReservedForStore = 1024;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &limit);
    (void)getrlimit(RLIMIT_NOFILE, &limit);
  }
  const rlim_t room = limit.rlim_cur > 2 * kReservedForStore ? limit.rlim_cur - kReservedForStore
                                                             : limit.rlim_cur / 2;
  if (server.connections_max > room) {
    std::cerr << "ordo: --max-connections lowered to " << room << " (open files limit "
              << limit.rlim_cur << ", " << kReservedForStore << " kept for the store)\n";
    server.connections_max = static_cast<std::size_t>(room);
  }
}

// Waits for SIGINT or SIGTERM (blocked in every thread, taken here).
void wait_for_signal(const sigset_t& signals) {
  int signal = 0;
  sigwait(&signals, &signal);
  std::cout << "ordo: " << (signal == SIGINT ? "SIGINT" : "SIGTERM") << ", shutting down"
            << std::endl;
}

// The postcode gazetteer (also the pipeline's locator for distances) and the public holidays.
struct ReferenceData {
  std::shared_ptr<adapters::Gazetteer> gazetteer;
  domain::calendar::Holidays holidays;
};

Result<ReferenceData> load_reference_data(ServeArgs& args) {
  ReferenceData out;
  if (!args.postcodes_dir.empty()) {
    auto loaded = adapters::Gazetteer::load(args.postcodes_dir);
    if (!loaded) return std::unexpected(loaded.error());
    out.gazetteer = std::make_shared<adapters::Gazetteer>(std::move(*loaded));
    args.pipeline.locate = [gazetteer = out.gazetteer](
                               std::string_view country,
                               std::string_view postcode) -> std::optional<domain::geo::Point> {
      auto place = gazetteer->find(country, postcode);
      if (!place) return std::nullopt;
      return place->point;
    };
  }
  if (!args.holidays_file.empty()) {
    auto loaded = adapters::load_holidays(args.holidays_file);
    if (!loaded) return std::unexpected(loaded.error());
    out.holidays = std::move(*loaded);
  }
  return out;
}

Result<std::unique_ptr<adapters::nats::Connection>> connect_nats(const ServeArgs& args) {
  if (args.nats_url.empty()) return std::unique_ptr<adapters::nats::Connection>();
  adapters::nats::ConnectOptions options{
      args.nats_url,
      args.nats_user,
      {},
      "ordo",
      {},
      2000,
      true,
      [](std::string_view error) { std::cerr << "ordo: NATS: " << error << "\n"; },
      {}};
  if (!args.nats_password_file.empty()) {
    auto password = ordo::read_secret(args.nats_password_file);
    if (!password) return std::unexpected(password.error());
    options.password = *password;
  }
  return adapters::nats::Connection::open(options);
}

// The engine of `ordo serve`: the store, the pipeline, the projector, the NATS relay, the tokens.
// Members are destroyed in reverse order: the relay before the pipeline it submits to.
struct Engine {
  std::unique_ptr<eventstore::EventStore> store;
  std::unique_ptr<engine::Pipeline> pipeline;
  std::unique_ptr<projections::Projector> projector;
  std::unique_ptr<adapters::AllocationRelay> relay;
  std::unique_ptr<gateway::StockFeed> feed;
  std::unique_ptr<gateway::TokenRegistry> tokens;
  std::unique_ptr<gateway::UserRegistry> users;
};

// On the first start (no user yet) the first super administrator is invited, and the one-time
// enrolment code printed: never a password in a log.
Result<void> invite_first_admin(gateway::UserRegistry& users, const std::string& email) {
  if (!users.empty()) return {};
  auto invited = users.invite(
      email, "Administrator", {{access::Role::super_admin, {}, access::Effect::allow}},
      {"system", {{access::Role::super_admin, {}, access::Effect::allow}}},
      "the first administrator of this Ordo", {eventstore::ActorKind::system, "ordo serve"});
  if (!invited) return std::unexpected(invited.error());
  std::cout << "ordo: first super administrator " << email << " invited; enrolment code "
            << invited->enrolment_code << " (once, for 72 hours)" << std::endl;
  return {};
}

Result<Engine> start_engine(ServeArgs& args, adapters::nats::Connection* nats,
                            ReferenceData& reference) {
  Engine e;
  auto store = open_engine_store(args.data_dir, true);
  if (!store) return std::unexpected(store.error());
  e.store = std::move(*store);
  auto pipeline = engine::Pipeline::start(*e.store, args.pipeline);
  if (!pipeline) return std::unexpected(pipeline.error());
  e.pipeline = std::move(*pipeline);
  auto projector = projections::Projector::start(*e.store);
  if (!projector) return std::unexpected(projector.error());
  e.projector = std::move(*projector);
  e.projector->set_holidays(std::move(reference.holidays));
  if (nats != nullptr) {
    adapters::RelayOptions relay_options;
    relay_options.tenant = args.nats_tenant;
    auto relay =
        adapters::AllocationRelay::start(*e.store, *e.pipeline, *e.projector, *nats, relay_options);
    if (!relay) return std::unexpected(relay.error());
    e.relay = std::move(*relay);
    auto feed = gateway::StockFeed::start(*e.pipeline, *nats, {args.nats_tenant, {}});
    if (!feed) return std::unexpected(feed.error());
    e.feed = std::move(*feed);
  }
  auto tokens = gateway::TokenRegistry::load(*e.store);
  if (!tokens) return std::unexpected(tokens.error());
  e.tokens = std::move(*tokens);
  auto users = gateway::UserRegistry::load(*e.store);
  if (!users) return std::unexpected(users.error());
  e.users = std::move(*users);
  if (auto first = invite_first_admin(*e.users, args.first_admin); !first)
    return std::unexpected(first.error());
  return e;
}

// The server's own gauges for /metrics.
std::string server_gauges(const gateway::http::Server* server) {
  if (server == nullptr) return {};
  const auto s = server->stats();
  return "# TYPE ordo_http_connections_open gauge\nordo_http_connections_open " +
         std::to_string(s.connections_open) +
         "\n# TYPE ordo_http_connections_refused_total counter\n" +
         "ordo_http_connections_refused_total " + std::to_string(s.connections_refused) + "\n";
}

void announce(const ServeArgs& args, const gateway::http::Server& server, const Engine& e,
              bool nats, bool gazetteer) {
  std::cout << "ordo: serving " << (server.tls() ? "https" : "http") << "://" << args.server.address
            << ":" << server.port() << " (data " << args.data_dir << ", log at position "
            << e.store->durable_position() << ", " << args.server.io_threads << " I/O threads"
            << (nats ? ", offers and stock feeds on NATS " + args.nats_url + " tenant " +
                           args.nats_tenant
                     : std::string())
            << (gazetteer ? ", postcodes from " + args.postcodes_dir : std::string())
            << (args.holidays_file.empty() ? std::string()
                                           : ", holidays from " + args.holidays_file)
            << ")" << std::endl;
}

int run_serve(ServeArgs& args) {
  if (auto parsed = parse_listen(args); !parsed) return report(parsed.error());
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts: they inherit it
  std::signal(SIGPIPE, SIG_IGN);
  fit_connections_to_descriptors(args.server);
  auto reference = load_reference_data(args);
  if (!reference) return report(reference.error());
  auto nats = connect_nats(args);
  if (!nats) return report(nats.error());
  auto engine = start_engine(args, nats->get(), *reference);
  if (!engine) return report(engine.error());
  auto& e = *engine;
  gateway::Metrics metrics(gateway::api::route_labels());
  std::atomic<bool> accepting{true};
  std::atomic<gateway::http::Server*> server_ptr{nullptr};  // read by /metrics on I/O threads
  gateway::api::Api api({*e.store, *e.pipeline, *e.projector, *e.tokens, metrics,
                         [&accepting] { return accepting.load(); },
                         [&server_ptr, feed = e.feed.get()] {
                           return server_gauges(server_ptr.load()) +
                                  (feed != nullptr ? feed->metrics() : std::string());
                         },
                         place_lookup(reference->gazetteer),
                         address_checker(reference->gazetteer)});
  auto server = gateway::http::Server::start(
      args.server, [&api](gateway::http::Request& request) { return api.handle(request); },
      [](unsigned status, std::string title, std::string detail) {
        return gateway::api::problem(status, "http", title, detail);
      },
      [&api](gateway::http::Request& header) { return api.screen(header); });
  if (!server) return report(server.error());
  server_ptr = server->get();
  announce(args, **server, e, *nats != nullptr, reference->gazetteer != nullptr);
  wait_for_signal(signals);
  accepting = false;
  (*server)->shutdown(std::chrono::milliseconds(args.shutdown_timeout_ms));
  server_ptr = nullptr;
  e.relay.reset();                   // no more store requests; those received are answered
  e.feed.reset();                    // nor feed messages
  gateway::api::wait_for_imports();  // an import's thread submits to the pipeline
  e.pipeline.reset();                // answers everything queued, durably
  nats->reset();
  e.projector.reset();
  const auto position = e.store->durable_position();
  e.store.reset();
  std::cout << "ordo: stopped; log at position " << position << std::endl;
  return kExitOk;
}

struct TokenArgs {
  std::string data_dir, role, site, channel, label, token_id, reason;
};

int run_token_create(const TokenArgs& args) {
  const auto role = access::role_from_string(args.role);
  if (!role) return report(Error{ErrorCode::invalid_argument, "unknown role '" + args.role + "'"});
  auto store = open_engine_store(args.data_dir, true);
  if (!store) return report(store.error());
  auto tokens = gateway::TokenRegistry::load(**store);
  if (!tokens) return report(tokens.error());
  auto issued = (*tokens)->issue(*role, {args.site, args.channel}, args.label,
                                 {eventstore::ActorKind::user, "cli"});
  if (!issued) return report(issued.error());
  std::cout << issued->token << std::endl;  // before the note on stderr: scripts read line 1
  std::cerr << "ordo: token " << issued->record.token_id << " (" << args.role
            << (args.site.empty() ? "" : ", site " + args.site)
            << (args.channel.empty() ? "" : ", channel " + args.channel)
            << "); the secret above is shown only once\n";
  return kExitOk;
}

int run_token_list(const TokenArgs& args) {
  auto store = open_engine_store(args.data_dir, false);
  if (!store) return report(store.error());
  auto tokens = gateway::TokenRegistry::load(**store);
  if (!tokens) return report(tokens.error());
  for (const auto& t : (*tokens)->list()) {
    std::cout << t.issued.token_id << "  " << access::to_string(t.issued.role)
              << (t.issued.scope.site_id.empty() ? "" : "  site=" + t.issued.scope.site_id)
              << (t.issued.scope.channel.empty() ? "" : "  channel=" + t.issued.scope.channel)
              << (t.revoked ? "  REVOKED" : "")
              << (t.issued.label.empty() ? "" : "  " + t.issued.label) << "\n";
  }
  return kExitOk;
}

int run_token_revoke(const TokenArgs& args) {
  auto store = open_engine_store(args.data_dir, false);
  if (!store) return report(store.error());
  auto tokens = gateway::TokenRegistry::load(**store);
  if (!tokens) return report(tokens.error());
  auto revoked =
      (*tokens)->revoke(args.token_id, args.reason, {eventstore::ActorKind::user, "cli"});
  if (!revoked) return report(revoked.error());
  std::cout << "revoked " << args.token_id << "\n";
  return kExitOk;
}

}  // namespace

void add_token_commands(CLI::App& app, int& exit_code);

void add_serve_commands(CLI::App& app, int& exit_code) {
  static ServeArgs serve_args;
  auto* serve = app.add_subcommand("serve", "Serve the HTTP API on embedded RocksDB");
  serve->add_option("--data", serve_args.data_dir, "Data directory (created when absent)")
      ->required();
  serve->add_option("--listen", serve_args.listen, "HOST:PORT (port 0: any free port)");
  serve->add_option("--io-threads", serve_args.server.io_threads, "I/O threads")
      ->check(CLI::Range(1, 64));
  serve
      ->add_option("--max-connections", serve_args.server.connections_max,
                   "Open connections at most")
      ->check(CLI::Range(1, 1000000));
  serve
      ->add_option("--max-body-bytes", serve_args.server.body_bytes_max,
                   "Request body bytes at most")
      ->check(CLI::Range(1024, 64 << 20));
  serve
      ->add_option("--max-header-bytes", serve_args.server.header_bytes_max,
                   "Request header bytes at most")
      ->check(CLI::Range(1024, 1 << 20));
  serve
      ->add_option("--read-timeout-ms", serve_args.read_timeout_ms,
                   "Time to read a request, and idle keep-alive")
      ->check(CLI::Range(100, 3600000));
  serve
      ->add_option("--shutdown-timeout-ms", serve_args.shutdown_timeout_ms,
                   "Time for requests in flight at shutdown")
      ->check(CLI::Range(0, 600000));
  serve
      ->add_option("--pipeline-queue-max", serve_args.pipeline.queue_max,
                   "Commands waiting for the pipeline; beyond, requests get 503")
      ->check(CLI::Range(1, 1000000));
  serve->add_option("--tls-cert", serve_args.tls_cert, "PEM certificate chain: serve HTTPS");
  serve->add_option("--postcodes", serve_args.postcodes_dir,
                    "Postcode centroids (FR.txt, DE.txt, GB outcodes) for distances in sourcing");
  serve->add_option("--holidays", serve_args.holidays_file,
                    "Public holidays CSV (date-holidays export) for delivery promises");
  serve->add_option("--nats", serve_args.nats_url,
                    "NATS URL for competitive allocation, e.g. nats://127.0.0.1:4222");
  serve->add_option("--nats-user", serve_args.nats_user, "Ordo's NATS user");
  serve->add_option("--nats-password-file", serve_args.nats_password_file,
                    "File holding Ordo's NATS password");
  serve->add_option("--nats-tenant", serve_args.nats_tenant,
                    "Tenant in subjects ordo.<tenant>.store.<site>.*");
  serve->add_option("--tls-key", serve_args.tls_key, "PEM private key");
  serve->add_option("--first-admin", serve_args.first_admin,
                    "E-mail address of the super administrator invited on the first start");
  serve->callback([&] { exit_code = run_serve(serve_args); });
  add_token_commands(app, exit_code);
}

void add_token_commands(CLI::App& app, int& exit_code) {
  static TokenArgs token_args;
  auto* token =
      app.add_subcommand("token", "API tokens (while the server is stopped; else POST /v1/tokens)");
  token->require_subcommand(1);
  auto* create = token->add_subcommand("create", "Issue a token; prints the secret once");
  create->add_option("--data", token_args.data_dir, "Data directory")->required();
  create
      ->add_option("--role", token_args.role,
                   "admin, customer_service, store, integration or auditor")
      ->required();
  create->add_option("--site", token_args.site, "The store's site (role store)");
  create->add_option("--channel", token_args.channel,
                     "The integration's channel (role integration)");
  create->add_option("--label", token_args.label, "What the token is for");
  create->callback([&] { exit_code = run_token_create(token_args); });
  auto* list = token->add_subcommand("list", "Every token, with its role, scope and state");
  list->add_option("--data", token_args.data_dir, "Data directory")->required();
  list->callback([&] { exit_code = run_token_list(token_args); });
  auto* revoke = token->add_subcommand("revoke", "Revoke a token");
  revoke->add_option("--data", token_args.data_dir, "Data directory")->required();
  revoke->add_option("id", token_args.token_id, "Token id")->required();
  revoke->add_option("--reason", token_args.reason, "Why")->required();
  revoke->callback([&] { exit_code = run_token_revoke(token_args); });
}

}  // namespace ordo::cli
