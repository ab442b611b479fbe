// `ordo rebuild`, `ordo sellable`, `ordo order`: the engine from the command line.
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "domain/sellable.h"
#include "gateway/json/views_json.h"
#include "projections/projector.h"

namespace ordo::cli {
namespace {

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
