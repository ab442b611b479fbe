// `ordo demo-data`: the demo retailer (app/demo_data.h) written as a retailer's export files into
// DATA/demo-retailer/, loaded through the import like any retailer's (inventory views, then
// brands, channels, sites, items, prices, stock counts, receipts), then demo orders placed.
// A data directory where the retailer was imported whole (DATA/demo-retailer/imported) keeps what
// it has: the files are not imported again (a stock count would undo the day's sales). A load that
// stopped part way is completed by the next run (every import is idempotent). The orders, each
// with its idempotency key, add nothing twice.
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/cli_import.h"
#include "app/demo_data.h"
#include "engine/pipeline.h"
#include "gateway/json/commands_json.h"
#include "gateway/json/inventory_views_json.h"
#include "projections/projector.h"

namespace ordo::cli {
namespace {

namespace fs = std::filesystem;
using engine::Answer;

std::int64_t wall_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Tally {
  std::size_t accepted = 0, unchanged = 0, rejected = 0;
  std::optional<std::string> first_rejection;
};

// Submits everything with at most `in_flight` outstanding; an operational error stops it.
Result<Tally> submit_all(engine::Pipeline& pipeline, std::vector<engine::Submission> submissions,
                         std::size_t in_flight) {
  std::mutex mutex;
  std::condition_variable cv;
  std::size_t outstanding = 0;
  Tally tally;
  std::optional<Error> error;
  for (auto& submission : submissions) {
    {
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return outstanding < in_flight; });
      if (error) break;
      ++outstanding;
    }
    pipeline.submit(std::move(submission), [&](Answer answer) {
      std::lock_guard lock(mutex);
      --outstanding;
      if (answer) {
        ++(answer->duplicate || answer->first_position == 0 ? tally.unchanged : tally.accepted);
      } else if (const auto* rejection = std::get_if<domain::Rejection>(&answer.error())) {
        ++tally.rejected;
        if (!tally.first_rejection) tally.first_rejection = rejection->reason;
      } else if (!error) {
        error = std::get<Error>(answer.error());
      }
      cv.notify_all();
    });
  }
  std::unique_lock lock(mutex);
  cv.wait(lock, [&] { return outstanding == 0; });
  if (error) return std::unexpected(*error);
  return tally;
}

struct DemoArgs {
  std::string data_dir;
  std::string postcodes_dir;
  demo::DemoOptions options;
  std::size_t orders = 2000;
};

Result<void> write_files(const fs::path& dir, const std::vector<demo::File>& files) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(ErrorCode::io_error, "cannot create " + dir.string() + ": " + ec.message());
  for (const auto& f : files) {
    std::ofstream out(dir / f.name, std::ios::binary | std::ios::trunc);
    out << f.bytes;
    if (!out.flush()) return fail(ErrorCode::io_error, "cannot write " + (dir / f.name).string());
  }
  return {};
}

// The inventory views file, as PUT /v1/config/inventory_views takes it.
Result<void> apply_views(engine::Pipeline& pipeline, const std::string& bytes,
                         domain::Instant now) {
  const auto body = nlohmann::json::parse(bytes, nullptr, false);
  auto change = json::parse_configuration_change(body, now);
  if (!change) return fail(ErrorCode::invalid_argument, "inventory_views.json is not a change");
  auto views = json::parse_inventory_views(change->document);
  if (!views) return fail(ErrorCode::invalid_argument, "inventory_views.json: bad document");
  std::vector<engine::Submission> one;
  one.push_back({domain::configuration::Command{domain::configuration::ChangeConfiguration{
                     domain::configuration::Document{std::move(*views)}, change->author,
                     change->reason, now}},
                 "demo/config/inventory_views",
                 std::nullopt,
                 {eventstore::ActorKind::integration, "ordo demo-data"},
                 {},
                 {},
                 {}});
  auto tally = submit_all(pipeline, std::move(one), 1);
  if (!tally) return std::unexpected(tally.error());
  if (tally->rejected > 0)
    return fail(ErrorCode::invalid_argument, "inventory_views.json: " + *tally->first_rejection);
  std::cout << "inventory_views.json: " << (tally->accepted > 0 ? "applied" : "unchanged") << "\n";
  return {};
}

// Every import file, in order; the first refused file stops the load.
Result<void> import_all(engine::Pipeline& pipeline, const fs::path& dir,
                        const std::vector<demo::File>& files, const bulk::Locate& locate,
                        domain::Instant now) {
  for (const auto& file : files) {
    if (file.name == "inventory_views.json") {
      if (auto applied = apply_views(pipeline, file.bytes, now); !applied) return applied;
      continue;
    }
    const auto kind = bulk::kind_from_string(file.name.substr(0, file.name.find('.')));
    auto rows = bulk::read_rows(*kind, bulk::Format::csv, file.bytes, {now, "", locate});
    if (!rows) return fail(rows.error().code, file.name + ": " + rows.error().message);
    bulk::ApplyOptions options;
    options.actor = {eventstore::ActorKind::integration, "ordo demo-data"};
    options.progress = import_progress;
    const auto started = std::chrono::steady_clock::now();
    auto report = bulk::run_import(pipeline, std::move(*rows), options);
    if (!report) return std::unexpected(report.error());
    print_import_report(
        (dir / file.name).string(), *report,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (report->refused > 0)
      return fail(ErrorCode::invalid_argument, file.name + ": rows refused, nothing applied");
  }
  return {};
}

int run_demo_data(DemoArgs& args) {
  // The files are made first: a bad sites file must leave no store behind.
  args.options.now = wall_clock_us();
  auto files = demo::retailer_files(args.options);
  if (!files) return report(files.error());
  auto locate = gazetteer_locate(args.postcodes_dir);
  if (!locate) return report(locate.error());
  auto store = open_engine_store(args.data_dir, /*create=*/true);
  if (!store) return report(store.error());
  auto pipeline = engine::Pipeline::start(**store);
  if (!pipeline) return report(pipeline.error());
  const fs::path dir = fs::path(args.data_dir) / "demo-retailer";
  const fs::path imported = dir / "imported";
  if (!fs::exists(imported)) {
    if (auto written = write_files(dir, *files); !written) return report(written.error());
    std::cout << "the demo retailer's files, imported from " << dir.string() << ":\n";
    auto loaded = import_all(**pipeline, dir, *files, *locate, args.options.now);
    if (!loaded) return report(loaded.error());
    if (auto marked =
            write_files(dir, {{"imported", "the files of this directory are imported\n"}});
        !marked) {
      return report(marked.error());
    }
  } else {
    std::cout << "the demo retailer is imported already (" << imported.string()
              << "): its files are not imported again (remove the data directory to start "
                 "afresh)\n";
  }
  auto placed = submit_all(**pipeline, demo::demo_orders(args.options, args.orders, 1), 256);
  if (!placed) return report(placed.error());
  std::cout << "orders: " << placed->accepted << " applied, " << placed->unchanged
            << " already there, " << placed->rejected << " rejected";
  if (placed->first_rejection) std::cout << " (first: " << *placed->first_rejection << ")";
  std::cout << "\n";
  pipeline->reset();
  auto projector = projections::Projector::start(**store, /*follow=*/false);
  if (!projector) return report(projector.error());
  std::cout << "log: " << (*store)->durable_position() << " events; projections at position "
            << (*projector)->position() << "\n";
  return kExitOk;
}

}  // namespace

void add_demo_command(CLI::App& app, int& exit_code) {
  static DemoArgs args;
  auto* demo = app.add_subcommand(
      "demo-data", "Write a demo retailer's files, import them and place demo orders");
  demo->add_option("--data", args.data_dir, "Data directory")->required();
  demo->add_option("--sites-file", args.options.sites_file,
                   "La Poste points of contact CSV (../shared/data/stores/...)")
      ->required();
  demo->add_option("--postcodes", args.postcodes_dir,
                   "Postcode files (../shared/data/postcodes), to place the UK and German sites")
      ->required();
  demo->add_option("--stores", args.options.stores, "French stores")->check(CLI::Range(1, 5000));
  demo->add_option("--uk-stores", args.options.uk_stores, "UK stores")->check(CLI::Range(0, 20));
  demo->add_option("--pickup-points", args.options.pickup_points, "Pickup points")
      ->check(CLI::Range(0, 5000));
  demo->add_option("--skus", args.options.skus, "Catalog size")->check(CLI::Range(1, 200000));
  demo->add_option("--orders", args.orders, "Demo orders to place")->check(CLI::Range(0, 10000000));
  demo->add_option("--seed", args.options.seed, "Seed of the generated catalog and stock");
  demo->callback([&] { exit_code = run_demo_data(args); });
}

}  // namespace ordo::cli
