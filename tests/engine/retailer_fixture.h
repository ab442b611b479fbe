// A small retailer for pipeline and projection tests: a warehouse and two stores (real French
// post offices' coordinates), two items, a web channel (every site, 100%) and a marketplace
// (warehouse only, 80%), on a real RocksDB store in a temporary directory.
#pragma once

#include <gtest/gtest.h>

#include "engine/pipeline.h"
#include "projections/projector.h"
#include "tests/eventstore/test_support.h"

namespace ordo::engine::testing {

inline constexpr domain::Instant kNow = 1'795'000'000'000'000;  // 2026-11-18T...Z

inline domain::site::Profile profile(domain::site::SiteType type, std::string name,
                                     std::string postcode, double lat, double lon) {
  domain::site::Profile p;
  p.name = std::move(name);
  p.type = type;
  p.country = "FR";
  p.region = postcode.substr(0, 2);
  p.postcode = std::move(postcode);
  p.latitude = lat;
  p.longitude = lon;
  p.time_zone = "Europe/Paris";
  p.capabilities = {true, type == domain::site::SiteType::store, true};
  for (auto& day : p.opening_hours) day = {540, 1140};
  p.daily_capacity = 100;
  return p;
}

inline domain::InventoryViews views() {
  using T = domain::site::SiteType;
  domain::InventoryViews v;
  v.channels.push_back({"web", {{}, {T::store, T::warehouse}, {"FR"}, {}}, 100, {}, 0, 0});
  v.channels.push_back({"marketplace", {{}, {T::warehouse}, {}, {}}, 80, {}, 0, 0});
  return v;
}

inline Submission submit(Command command, std::string key = {}) {
  Submission s;
  s.command = std::move(command);
  s.idempotency_key = std::move(key);
  s.actor = {eventstore::ActorKind::system, "test"};
  return s;
}

inline domain::order::PlaceOrder order(std::string id, std::string channel,
                                       std::vector<std::pair<std::string, std::int64_t>> lines) {
  domain::order::PlaceOrder p;
  p.order_id = std::move(id);
  p.channel = std::move(channel);
  p.customer_id = "C1";
  p.email = "lea.martin@example.com";
  p.delivery = {"Léa Martin", "12 rue Oberkampf", "", "75011", "Paris", "FR", ""};
  p.billing = p.delivery;
  p.currency = "EUR";
  p.at = kNow;
  std::uint32_t n = 1;
  for (auto& [sku, quantity] : lines) p.lines.push_back({n++, sku, quantity, 1990});
  return p;
}

class Retailer {
 public:
  explicit Retailer(const std::filesystem::path& dir, PipelineOptions options = {})
      : dir_(dir), options_(std::move(options)) {
    open();
  }

  void open() {
    eventstore::Options options = eventstore::testing::options_for(dir_);
    options.projection_families = projections::projection_families();
    store = std::move(eventstore::EventStore::open(options).value());
    pipeline = std::move(Pipeline::start(*store, options_).value());
  }
  void close() {
    pipeline.reset();
    store.reset();
  }

  Answer run(Command command, std::string key = {}) {
    return pipeline->execute(submit(std::move(command), std::move(key)));
  }
  void ok(Command command) {
    auto answer = run(std::move(command));
    ASSERT_TRUE(answer) << describe(answer.error());
  }

  /// Warehouse WH-LYON, stores FR-PARIS and FR-STRAS; items SHOE-1 and CAP-1; stock
  /// WH-LYON: SHOE-1 10, CAP-1 5; FR-PARIS: SHOE-1 2; FR-STRAS: none.
  void stock_up() {
    using T = domain::site::SiteType;
    ok(domain::configuration::Command{
        domain::configuration::ChangeConfiguration{views(), "test", "initial", kNow}});
    ok(domain::site::Command{domain::site::RegisterSite{
        "WH-LYON", profile(T::warehouse, "Lyon", "69003", 45.75, 4.85), kNow}});
    ok(domain::site::Command{domain::site::RegisterSite{
        "FR-PARIS", profile(T::store, "Paris", "75011", 48.86, 2.38), kNow}});
    ok(domain::site::Command{domain::site::RegisterSite{
        "FR-STRAS", profile(T::store, "Strasbourg", "67000", 48.58, 7.75), kNow}});
    for (const char* sku : {"SHOE-1", "CAP-1"}) {
      const bool shoe = std::string(sku) == "SHOE-1";
      ok(domain::catalog::Command{
          domain::catalog::DefineItem{{sku,
                                       sku,
                                       shoe ? "shoes/running" : "accessories/caps",
                                       "",
                                       500,
                                       1500,
                                       {shoe ? 9900 : 1990, "EUR"},
                                       false,
                                       true,
                                       {}},
                                      kNow}});
    }
    receive("WH-LYON", "SHOE-1", 10);
    receive("WH-LYON", "CAP-1", 5);
    receive("FR-PARIS", "SHOE-1", 2);
  }

  void receive(const std::string& site, const std::string& sku, std::int64_t quantity) {
    ok(StockCommand{site, sku, domain::stock::ReceiveStock{quantity, "test", kNow}});
  }

  static std::string describe(const Refusal& refusal) {
    if (const auto* r = std::get_if<domain::Rejection>(&refusal)) return "rejected: " + r->reason;
    return "error: " + std::get<Error>(refusal).to_string();
  }

  std::unique_ptr<eventstore::EventStore> store;
  std::unique_ptr<Pipeline> pipeline;

 private:
  std::filesystem::path dir_;
  PipelineOptions options_;
};

}  // namespace ordo::engine::testing
