// `ordo import brands|channels|sites|items|prices|stock FILE`: a retailer's own master data and
// stock counts from CSV or JSON Lines files, validated whole, then applied (gateway/import/bulk.h).
// The server must be stopped (the store is opened here); with it running, POST the file to
// /v1/imports/KIND instead.
#include "app/cli_import.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "adapters/postcodes.h"
#include "app/cli.h"
#include "gateway/import/bulk.h"
#include "projections/projector.h"

namespace ordo::cli {
namespace {

constexpr std::size_t kProblemsShown = 50;

struct ImportArgs {
  std::string kind;
  std::string file;
  std::string data_dir = "./data";
  std::string format;  // csv or jsonl; default from the file's extension
  std::string postcodes_dir;
  std::string source;
  bool apply_valid = false;
};

Result<bulk::Format> format_of(const ImportArgs& args) {
  if (args.format == "csv") return bulk::Format::csv;
  if (args.format == "jsonl") return bulk::Format::jsonl;
  if (!args.format.empty())
    return fail(ErrorCode::invalid_argument, "--format is csv or jsonl, not " + args.format);
  if (args.file.ends_with(".csv")) return bulk::Format::csv;
  if (args.file.ends_with(".jsonl") || args.file.ends_with(".ndjson")) return bulk::Format::jsonl;
  return fail(ErrorCode::invalid_argument,
              "cannot tell the format of " + args.file + " from its name: give --format csv|jsonl");
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::not_found, "cannot read " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

Result<bulk::Locate> gazetteer_locate(const std::string& dir) {
  if (dir.empty()) return bulk::Locate{};
  auto loaded = adapters::Gazetteer::load(dir);
  if (!loaded) return std::unexpected(loaded.error());
  auto gazetteer = std::make_shared<adapters::Gazetteer>(std::move(*loaded));
  return bulk::Locate{[gazetteer](std::string_view country, std::string_view postcode)
                          -> std::optional<std::pair<domain::geo::Point, std::string>> {
    auto place = gazetteer->find(country, postcode);
    if (!place) return std::nullopt;
    return std::pair{place->point, place->region};
  }};
}

void import_progress(std::string_view phase, std::size_t done, std::size_t total) {
  static const bool tty = ::isatty(2) != 0;
  if (tty) {
    std::cerr << "\r" << phase << " " << done << "/" << total << (done == total ? "\n" : "")
              << std::flush;
  } else if (done == total) {
    std::cerr << phase << " " << done << " rows\n";
  }
}

void print_import_report(const std::string& file, const bulk::Report& r, double seconds) {
  std::cout << file << ": " << r.rows << " rows: " << r.created << " created, " << r.changed
            << " changed, " << r.unchanged << " unchanged, " << r.refused << " refused";
  if (r.applied) {
    std::cout << " (" << static_cast<std::uint64_t>(seconds * 1000) << " ms)\n";
  } else {
    std::cout << "; nothing applied (fix the rows, or --apply-valid to apply the others)\n";
  }
  for (std::size_t i = 0; i < r.problems.size() && i < kProblemsShown; ++i) {
    const auto& p = r.problems[i];
    std::cout << "  line " << p.line << (p.field.empty() ? "" : ", " + p.field) << ": " << p.message
              << "\n";
  }
  if (r.problems.size() > kProblemsShown)
    std::cout << "  and " << r.problems.size() - kProblemsShown << " more\n";
}

namespace {

int run_import(const ImportArgs& args) {
  const auto kind = bulk::kind_from_string(args.kind);
  if (!kind) {
    return report({ErrorCode::invalid_argument,
                   "unknown kind '" + args.kind + "': " + std::string(bulk::kKindNames)});
  }
  auto format = format_of(args);
  if (!format) return report(format.error());
  auto bytes = read_file(args.file);
  if (!bytes) return report(bytes.error());
  auto locate = gazetteer_locate(args.postcodes_dir);
  if (!locate) return report(locate.error());
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto rows = bulk::read_rows(*kind, *format, *bytes, {now, args.source, *locate});
  if (!rows) return report({rows.error().code, args.file + ": " + rows.error().message});
  auto store = open_engine_store(args.data_dir, /*create=*/true);
  if (!store) return report(store.error());
  auto pipeline = engine::Pipeline::start(**store);
  if (!pipeline) return report(pipeline.error());
  const auto started = std::chrono::steady_clock::now();
  bulk::ApplyOptions options;
  options.apply_valid = args.apply_valid;
  options.actor = {eventstore::ActorKind::integration, "ordo import " + args.kind};
  options.progress = import_progress;
  auto result = bulk::run_import(**pipeline, std::move(*rows), options);
  if (!result) return report(result.error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  pipeline->reset();
  // The query models catch up now, so the next start of the server is quick.
  auto projector = projections::Projector::start(**store, /*follow=*/false);
  if (!projector) return report(projector.error());
  print_import_report(args.file, *result, seconds);
  return result->refused == 0 ? kExitOk : kExitCheckFailed;
}

}  // namespace

void add_import_command(CLI::App& app, int& exit_code) {
  static ImportArgs args;
  auto* command = app.add_subcommand(
      "import",
      "Import brands, channels, sites, items, prices or stock counts from a CSV or JSON "
      "Lines file (the server stopped)");
  command->add_option("kind", args.kind, std::string(bulk::kKindNames))->required();
  command->add_option("file", args.file, "the file (.csv, .jsonl)")->required();
  command->add_option("--data", args.data_dir, "data directory")->capture_default_str();
  command->add_option("--format", args.format, "csv or jsonl (default: from the file's name)");
  command->add_option("--postcodes", args.postcodes_dir,
                      "postcode files, to place sites given without coordinates");
  command->add_option("--source", args.source, "a stock count's source (default: import)");
  command->add_flag("--apply-valid", args.apply_valid,
                    "apply the valid rows even when others are refused");
  command->callback([&exit_code] { exit_code = run_import(args); });
}

}  // namespace ordo::cli
