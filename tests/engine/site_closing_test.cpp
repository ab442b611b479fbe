// A site closed for good, through the pipeline on real RocksDB: its open orders are released from
// it and sourced again elsewhere in the same write (customer service's queue when nothing else
// can serve them); an order in preparation there keeps it open until it ships or is released.
#include <gtest/gtest.h>

#include "tests/engine/retailer_fixture.h"

namespace ordo::engine {
namespace {

using domain::order::LineStatus;
using testing::kNow;
using testing::Retailer;

domain::site::Command close_for_good(const std::string& site) {
  return domain::site::CloseSite{site, true, "lease ended", 0, kNow + 10};
}

domain::order::State order_of(Retailer& r, const std::string& id) {
  auto projector = projections::Projector::start(*r.store, /*follow=*/false);
  auto view = (*projector)->order(id);
  EXPECT_TRUE(view.has_value() && view->has_value()) << id;
  return (*view)->order;
}

projections::SiteStockView stock_at(Retailer& r, const std::string& site) {
  auto projector = projections::Projector::start(*r.store, /*follow=*/false);
  auto row = (*projector)->site_stock(site, "SHOE-1");
  EXPECT_TRUE(row.has_value()) << site;
  return row.value_or(projections::SiteStockView{});
}

TEST(SiteClosing, AWarehouseClosedForGoodHasItsOrdersSourcedAgainElsewhere) {
  eventstore::testing::TempDir dir;
  Retailer r(dir.path());
  r.stock_up();  // shoes: 10 at the Lyon warehouse, 2 at the Paris store
  ASSERT_TRUE(r.run(testing::order("O1", "web", {{"SHOE-1", 2}})));  // warehouses first: Lyon
  ASSERT_TRUE(r.run(testing::order("O2", "web", {{"SHOE-1", 5}})));
  ASSERT_EQ(order_of(r, "O1").lines[0].site_id, "WH-LYON");
  const auto before = r.store->durable_position();
  auto closed = r.run(close_for_good("WH-LYON"));
  ASSERT_TRUE(closed) << Retailer::describe(closed.error());
  // One write: the site's event, the releases at Lyon, O1 reserved at Paris.
  EXPECT_EQ(closed->first_position, before + 1);
  const auto o1 = order_of(r, "O1");
  EXPECT_EQ(o1.lines[0].status, LineStatus::allocated);
  EXPECT_EQ(o1.lines[0].site_id, "FR-PARIS");
  // Paris's 2 shoes are O1's: O2 has nowhere to go and waits for customer service.
  const auto o2 = order_of(r, "O2");
  EXPECT_EQ(o2.status(), LineStatus::sourcing);
  EXPECT_TRUE(o2.queued_for_service);
  const auto lyon = stock_at(r, "WH-LYON");
  EXPECT_EQ(lyon.reserved, 0);
  EXPECT_EQ(lyon.on_hand, 10) << "the stock stays recorded, unsellable, for a transfer";
  EXPECT_EQ(stock_at(r, "FR-PARIS").reserved, 2);
  // Closed for good is final: closing it again is refused and writes nothing.
  const auto after = r.store->durable_position();
  EXPECT_FALSE(r.run(close_for_good("WH-LYON")));
  EXPECT_EQ(r.store->durable_position(), after);
}

TEST(SiteClosing, AnOrderInPreparationKeepsItsSiteOpenAndNothingIsWritten) {
  eventstore::testing::TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  ASSERT_TRUE(r.run(testing::order("O1", "web", {{"SHOE-1", 2}})));
  r.ok(OrderCommand{"O1", domain::order::StartPreparation{"WH-LYON", kNow + 1}});
  const auto before = r.store->durable_position();
  auto refused = r.run(close_for_good("WH-LYON"));
  ASSERT_FALSE(refused);
  const auto* rejection = std::get_if<domain::Rejection>(&refused.error());
  ASSERT_NE(rejection, nullptr);
  EXPECT_EQ(rejection->code, domain::Rejection::Code::wrong_state);
  EXPECT_NE(rejection->reason.find("order O1 line 1 is in_preparation at WH-LYON"),
            std::string::npos)
      << rejection->reason;
  EXPECT_EQ(r.store->durable_position(), before);
  // Shipped, the order no longer keeps the site: it closes.
  r.ok(OrderCommand{"O1", domain::order::MarkPrepared{"WH-LYON", false, kNow + 2}});
  r.ok(OrderCommand{"O1", domain::order::ShipOrder{"WH-LYON", "DPD", "T1", kNow + 3}});
  EXPECT_TRUE(r.run(close_for_good("WH-LYON")));
}

}  // namespace
}  // namespace ordo::engine
