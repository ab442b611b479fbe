// Promises from the projector's state on real RocksDB: a promise taken by an order consumes its
// site's capacity on the promised day (the next promise moves a day), a stock movement is seen by
// the next promise, and unknown products or channels are refused.
#include "tests/engine/retailer_fixture.h"

namespace ordo::projections::testing {
namespace {

using namespace ordo::engine;
using namespace ordo::engine::testing;

namespace prom = domain::promise;
using domain::calendar::Date;
using eventstore::testing::TempDir;

// One carrier for France: 1 delivery day, Monday to Saturday; the Lyon warehouse prepares one
// order a day.
prom::Config one_carrier() {
  prom::Config c;
  c.zones = {{"FR", "FR", {}, {}}};
  prom::Service home;
  home.id = "home";
  home.carrier = "colissimo";
  home.countries = {"FR"};
  home.transit = {{"", 0, 1}};
  home.pickup_cutoff_minute = 18 * 60;
  home.delivery_days = prom::kMondayToSaturday;
  c.services = {home};
  c.preparation = {{"lyon", {{"WH-LYON"}, {}, {}, {}}, 60, 16 * 60, 1, {}}};
  return c;
}

PromiseQuery query(std::string sku, std::int64_t quantity, std::string postcode = "75011",
                   domain::geo::Point point = {48.857, 2.380}, domain::Instant at = kNow) {
  return {"web", {"FR", std::move(postcode), "", point}, {{std::move(sku), quantity}}, at, true,
          {}};
}
constexpr domain::Instant kEvening = kNow + 6 * 3'600'000'000;  // Wednesday 17:13 in Paris

const prom::Option* find(const prom::Result& r, std::string_view service) {
  for (const auto& o : r.options) {
    if (o.service == service) return &o;
  }
  return nullptr;
}

TEST(PromiseReads, APromiseTakenByAnOrderConsumesItsSitesCapacityThatDay) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  r.ok(domain::configuration::Command{
      domain::configuration::ChangeConfiguration{one_carrier(), "test", "carriers", kNow}});
  // 3 shoes: only Lyon has them (Paris has 2). Wednesday 18 November 2026, 17:13 in Paris: past
  // Lyon's 16:00 cut-off, so prepared on Thursday.
  auto projector = Projector::start(*r.store, false).value();
  auto first = projector->promise(query("SHOE-1", 3, "75011", {48.857, 2.380}, kEvening));
  ASSERT_TRUE(first) << first.error().to_string();
  const auto* option = find(first->result, "home");
  ASSERT_NE(option, nullptr);
  EXPECT_EQ(option->ship_from, "WH-LYON");
  EXPECT_EQ(option->ship_date, (Date{2026, 11, 19}));
  EXPECT_EQ(option->date, (Date{2026, 11, 20}));
  EXPECT_EQ(first->config_version, 1u);

  auto placed = order("P1", "web", {{"SHOE-1", 3}});
  placed.at = kEvening;
  placed.promise = {option->id, option->promised_at, option->carrier, option->ship_from,
                    option->local_prep_day};
  auto answer = r.run(placed);
  ASSERT_TRUE(answer) << Retailer::describe(answer.error());
  ASSERT_EQ(answer->allocations.size(), 1u);
  EXPECT_EQ(answer->allocations[0].site_id, "WH-LYON");

  // Thursday's one preparation is taken by the promise (not Wednesday, the day the order came;
  // Lyon still has 7 shoes): the same promise now ships on Friday.
  projector = Projector::start(*r.store, false).value();
  auto second = projector->promise(query("SHOE-1", 3, "75011", {48.857, 2.380}, kEvening));
  ASSERT_TRUE(second);
  const auto* later = find(second->result, "home");
  ASSERT_NE(later, nullptr);
  EXPECT_EQ(later->ship_date, (Date{2026, 11, 20}));
  EXPECT_EQ(later->date, (Date{2026, 11, 21}));
  EXPECT_NE(std::find(later->delays.begin(), later->delays.end(), prom::Cause::capacity_full),
            later->delays.end());
}

TEST(PromiseReads, TheNextPromiseSeesAStockMovement) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  r.ok(domain::configuration::Command{
      domain::configuration::ChangeConfiguration{one_carrier(), "test", "carriers", kNow}});
  auto projector = Projector::start(*r.store).value();  // following the log
  const auto strasbourg = query("CAP-1", 1, "67000", {48.584, 7.746});
  auto before = projector->promise(strasbourg);
  ASSERT_TRUE(before);
  EXPECT_EQ(find(before->result, "collect"), nullptr);  // no cap in Strasbourg yet
  r.receive("FR-STRAS", "CAP-1", 4);
  projector->wait_for(r.store->durable_position(), std::chrono::seconds(5));
  auto after = projector->promise(strasbourg);
  ASSERT_TRUE(after);
  const auto* collect = find(after->result, "collect");
  ASSERT_NE(collect, nullptr);
  EXPECT_EQ(collect->collect_at, "FR-STRAS");
}

TEST(PromiseReads, UnknownProductsAndChannelsAreRefused) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  auto projector = Projector::start(*r.store, false).value();
  EXPECT_EQ(projector->promise(query("NO-SUCH-SKU", 1)).error().code, ErrorCode::not_found);
  auto q = query("SHOE-1", 1);
  q.channel = "nowhere";
  EXPECT_EQ(projector->promise(q).error().code, ErrorCode::not_found);
  q = query("SHOE-1", 0);
  EXPECT_EQ(projector->promise(q).error().code, ErrorCode::invalid_argument);
  // Unconfigured: the built-in default has no carrier, so click and collect only.
  auto plain = projector->promise(query("SHOE-1", 1));
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->config_version, 0u);
  for (const auto& o : plain->result.options)
    EXPECT_EQ(o.method, domain::order::DeliveryMethod::click_and_collect);
}

}  // namespace
}  // namespace ordo::projections::testing
