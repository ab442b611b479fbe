// `ordo demo-data`, `ordo rebuild`, `ordo sellable`, `ordo order`: the engine from the command
// line.
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/demo_data.h"
#include "domain/sellable.h"
#include "engine/pipeline.h"
#include "gateway/json/views_json.h"
#include "projections/projector.h"

namespace ordo::cli {
namespace {

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

void print_tally(const char* what, const Tally& t) {
  std::cout << what << ": " << t.accepted << " applied, " << t.unchanged << " already there, "
            << t.rejected << " rejected";
  if (t.first_rejection) std::cout << " (first: " << *t.first_rejection << ")";
  std::cout << "\n";
}

struct DemoArgs {
  std::string data_dir;
  demo::DemoOptions options;
  std::size_t orders = 2000;
};

int run_demo_data(DemoArgs& args) {
  // The sites file is read first: a bad one must leave no store behind.
  args.options.now = wall_clock_us();
  auto retailer = demo::build_retailer(args.options);
  if (!retailer) return report(retailer.error());
  auto store = open_engine_store(args.data_dir, /*create=*/true);
  if (!store) return report(store.error());
  auto pipeline = engine::Pipeline::start(**store);
  if (!pipeline) return report(pipeline.error());
  auto built = submit_all(**pipeline, std::move(*retailer), 512);
  if (!built) return report(built.error());
  print_tally("retailer (configuration, sites, catalog, stock, receipts)", *built);
  auto placed = submit_all(**pipeline, demo::demo_orders(args.options, args.orders, 1), 256);
  if (!placed) return report(placed.error());
  print_tally("orders", *placed);
  pipeline->reset();
  auto projector = projections::Projector::start(**store, /*follow=*/false);
  if (!projector) return report(projector.error());
  std::cout << "log: " << (*store)->durable_position() << " events; projections at position "
            << (*projector)->position() << "\n";
  return kExitOk;
}

int run_rebuild(const std::string& data_dir, const std::vector<std::string>& names) {
  auto store = open_engine_store(data_dir);
  if (!store) return report(store.error());
  const auto started = std::chrono::steady_clock::now();
  auto position = projections::Projector::rebuild(**store, names);
  if (!position) return report(position.error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "rebuilt " << (names.empty() ? std::string("every projection") : names.front())
            << " from " << *position << " events in " << seconds << " s ("
            << static_cast<std::uint64_t>(static_cast<double>(*position) / seconds)
            << " events/s)\n";
  return kExitOk;
}

int run_sellable(const std::string& data_dir, const std::string& channel, const std::string& sku,
                 bool explain) {
  auto store = open_engine_store(data_dir);
  if (!store) return report(store.error());
  auto projector = projections::Projector::start(**store, /*follow=*/false);
  if (!projector) return report(projector.error());
  auto figure = (*projector)->sellable(channel, sku);
  if (!figure)
    return report(Error{ErrorCode::not_found, "no sellable stock of " + sku + " for " + channel});
  std::cout << sku << " on " << channel << ": " << figure->total << " sellable (" << figure->now
            << " now, " << figure->future << " from receipts)\n";
  if (explain) {
    if (auto result = (*projector)->explain(channel, sku)) {
      for (const auto& line : domain::sellable::explain(*result)) std::cout << "  " << line << "\n";
    }
  }
  return kExitOk;
}

int run_order(const std::string& data_dir, const std::string& order_id) {
  auto store = open_engine_store(data_dir);
  if (!store) return report(store.error());
  auto projector = projections::Projector::start(**store, /*follow=*/false);
  if (!projector) return report(projector.error());
  auto view = (*projector)->order(order_id);
  if (!view) return report(view.error());
  if (!*view) return report(Error{ErrorCode::not_found, "no order " + order_id});
  auto timeline = (*projector)->timeline(**view);
  if (!timeline) return report(timeline.error());
  auto doc = json::order_json(**view);
  doc["timeline"] = nlohmann::json::array();
  for (const auto& entry : *timeline) doc["timeline"].push_back(json::timeline_entry_json(entry));
  std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return kExitOk;
}

}  // namespace

void add_engine_commands(CLI::App& app, int& exit_code) {
  static DemoArgs demo_args;
  auto* demo = app.add_subcommand("demo-data", "Load a demo retailer and place demo orders");
  demo->add_option("--data", demo_args.data_dir, "Data directory")->required();
  demo->add_option("--sites-file", demo_args.options.sites_file,
                   "La Poste points of contact CSV (../shared/data/stores/...)")
      ->required();
  demo->add_option("--stores", demo_args.options.stores, "Stores")->check(CLI::Range(1, 5000));
  demo->add_option("--skus", demo_args.options.skus, "Catalog size")->check(CLI::Range(1, 200000));
  demo->add_option("--orders", demo_args.orders, "Demo orders to place")
      ->check(CLI::Range(0, 10000000));
  demo->add_option("--seed", demo_args.options.seed, "Seed of the generated catalog and stock");
  demo->callback([&] { exit_code = run_demo_data(demo_args); });

  static std::string data_dir, channel, sku, order_id;
  static std::vector<std::string> names;
  static bool explain = false;
  auto* rebuild = app.add_subcommand("rebuild", "Drop projections and rebuild them from the log");
  rebuild->add_option("--data", data_dir, "Data directory")->required();
  rebuild->add_option("--projection", names,
                      "sellable_stock, order_view, order_index or site_stock (default: all)");
  rebuild->callback([&] { exit_code = run_rebuild(data_dir, names); });

  auto* sellable = app.add_subcommand("sellable", "Sellable stock of a SKU for a channel");
  sellable->add_option("--data", data_dir, "Data directory")->required();
  sellable->add_option("--channel", channel, "Sales channel")->required();
  sellable->add_option("--sku", sku, "SKU")->required();
  sellable->add_flag("--explain", explain, "Show the breakdown behind the number");
  sellable->callback([&] { exit_code = run_sellable(data_dir, channel, sku, explain); });

  auto* order = app.add_subcommand("order", "An order's status, lines and full timeline");
  order->add_option("--data", data_dir, "Data directory")->required();
  order->add_option("id", order_id, "Order id")->required();
  order->callback([&] { exit_code = run_order(data_dir, order_id); });
}

}  // namespace ordo::cli
