// Sellable = orderable, the floor, through the pipeline on real RocksDB: a line no single site has
// enough of is split across sites, and units on a receipt within the channel's horizon are
// pre-ordered, allocated when the receipt arrives, sourced again when it is short or cancelled.
// Read back from the projections as customer service and the channels see them.
#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "tests/engine/retailer_fixture.h"

namespace ordo::engine {
namespace {

using domain::order::LineStatus;
using testing::Retailer;
namespace stock = domain::stock;

// The projections show receipts due from the wall clock on: these tests run at the real time.
const domain::Instant kWallNow = std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
const domain::Instant kArrival = kWallNow + 5 * domain::kMicrosPerDay;

domain::order::PlaceOrder web_order(std::string id,
                                    std::vector<std::pair<std::string, std::int64_t>> lines) {
  auto placing = testing::order(std::move(id), "web", std::move(lines));
  placing.at = kWallNow;
  return placing;
}

// The fixture's retailer, the web channel seeing receipts due within 14 days, and 20 shoes
// expected at the Lyon warehouse in 5 days.
void expecting_shoes(Retailer& r) {
  r.stock_up();
  auto views = testing::views();
  views.channels[0].future_horizon_days = 14;
  r.ok(domain::configuration::Command{
      domain::configuration::ChangeConfiguration{views, "test", "horizon", kWallNow}});
  r.ok(StockCommand{"WH-LYON", "SHOE-1", stock::ExpectReceipt{"asn-1", 20, kArrival, kWallNow}});
}

domain::order::State order_of(Retailer& r, const std::string& id) {
  auto projector = projections::Projector::start(*r.store, /*follow=*/false);
  EXPECT_TRUE(projector.has_value());
  auto view = (*projector)->order(id);
  EXPECT_TRUE(view.has_value() && view->has_value());
  return (*view)->order;
}

std::int64_t figure(Retailer& r, const std::string& channel) {
  auto projector = projections::Projector::start(*r.store, /*follow=*/false);
  return (*projector)->sellable(channel, "SHOE-1")->total;
}

TEST(Floor, ALineNoSiteHasEnoughOfIsSplitAcrossSites) {
  eventstore::testing::TempDir dir;
  Retailer r(dir.path());
  r.stock_up();  // shoes: 10 in Lyon, 2 in Paris
  ASSERT_EQ(figure(r, "web"), 12);
  auto placed = r.run(web_order("O1", {{"SHOE-1", 12}}));
  ASSERT_TRUE(placed) << Retailer::describe(placed.error());
  ASSERT_EQ(placed->lines.size(), 2u);
  EXPECT_EQ(placed->lines[0].site_id, "WH-LYON");
  EXPECT_EQ(placed->lines[0].line.quantity, 10);
  EXPECT_EQ(placed->lines[1].site_id, "FR-PARIS");
  EXPECT_EQ(placed->lines[1].line.quantity, 2);
  EXPECT_EQ(placed->lines[1].split_from, 1u);
  const auto order = order_of(r, "O1");
  EXPECT_EQ(order.status(), LineStatus::allocated);
  EXPECT_NE(order.sourcing.reason.find("line 1 split, no single site having enough: 10 as line 1 "
                                       "from WH-LYON, 2 as line 2 from FR-PARIS"),
            std::string::npos)
      << order.sourcing.reason;
  EXPECT_EQ(figure(r, "web"), 0);
  // Each part is prepared and shipped by its own site.
  for (const char* site : {"WH-LYON", "FR-PARIS"}) {
    r.ok(OrderCommand{"O1", domain::order::StartPreparation{site, kWallNow}});
    r.ok(OrderCommand{"O1", domain::order::MarkPrepared{site, false, kWallNow}});
    r.ok(OrderCommand{"O1", domain::order::ShipOrder{site, "DPD", "T1", kWallNow}});
  }
  EXPECT_EQ(order_of(r, "O1").status(), LineStatus::shipped);
}

TEST(Floor, UnitsOnAReceiptWithinTheHorizonArePreOrderedAndAllocatedOnArrival) {
  eventstore::testing::TempDir dir;
  Retailer r(dir.path());
  expecting_shoes(r);
  ASSERT_EQ(figure(r, "web"), 32);  // 12 on hand, 20 due in 5 days
  // 15: the 12 on hand, and 3 of the receipt.
  auto placed = r.run(web_order("O1", {{"SHOE-1", 15}}));
  ASSERT_TRUE(placed) << Retailer::describe(placed.error());
  ASSERT_EQ(placed->lines.size(), 3u);
  EXPECT_EQ(placed->lines[2].status, LineStatus::pre_ordered);
  EXPECT_EQ(placed->lines[2].line.quantity, 3);
  EXPECT_EQ(placed->lines[2].receipt_id, "asn-1");
  EXPECT_EQ(placed->lines[2].expected_at, kArrival);
  EXPECT_EQ(figure(r, "web"), 17);
  // Until the receipt arrives, the pre-ordered line cannot be prepared.
  auto early = r.run(OrderCommand{"O1", domain::order::StartPreparation{"WH-LYON", kWallNow}});
  ASSERT_TRUE(early);  // the 10 on hand at Lyon can
  EXPECT_EQ(order_of(r, "O1").lines[2].status, LineStatus::pre_ordered);
  // The receipt arrives: the line is allocated and its units reserved.
  r.ok(StockCommand{"WH-LYON", "SHOE-1", stock::ConfirmReceipt{"asn-1", 20, kArrival}});
  const auto order = order_of(r, "O1");
  EXPECT_EQ(order.lines[2].status, LineStatus::allocated);
  EXPECT_EQ(order.lines[2].site_id, "WH-LYON");
  auto projector = projections::Projector::start(*r.store, false);
  const auto lyon = (*projector)->site_stock("WH-LYON", "SHOE-1");
  ASSERT_TRUE(lyon);
  EXPECT_EQ(lyon->on_hand, 30);
  EXPECT_EQ(lyon->reserved, 13);
  EXPECT_EQ(figure(r, "web"), 17);
}

TEST(Floor, APreOrderTheReceiptDoesNotCoverIsSourcedAgain) {
  eventstore::testing::TempDir dir;
  Retailer r(dir.path());
  expecting_shoes(r);
  ASSERT_TRUE(r.run(web_order("O1", {{"SHOE-1", 4}})));  // on hand, at Lyon
  // 6 left at Lyon and 2 at Paris now, and 12 pre-ordered on the receipt.
  auto pre = r.run(web_order("O2", {{"SHOE-1", 20}}));
  ASSERT_TRUE(pre) << Retailer::describe(pre.error());
  ASSERT_EQ(pre->lines.size(), 3u);
  EXPECT_EQ(pre->lines[2].line.quantity, 12);
  // 5 more shoes reach Paris, then the receipt brings only 7: the pre-order is released and
  // sourced again, split between the 7 received at Lyon and Paris's 5.
  r.receive("FR-PARIS", "SHOE-1", 5);
  r.ok(StockCommand{"WH-LYON", "SHOE-1", stock::ConfirmReceipt{"asn-1", 7, kArrival}});
  const auto order = order_of(r, "O2");
  std::map<std::string, std::int64_t> at;
  for (const auto& line : order.lines) {
    EXPECT_EQ(line.status, LineStatus::allocated) << "line " << line.line.line;
    at[line.site_id] += line.line.quantity;
  }
  EXPECT_EQ(at, (std::map<std::string, std::int64_t>{{"WH-LYON", 13}, {"FR-PARIS", 7}}));
  EXPECT_FALSE(order.queued_for_service);
  EXPECT_EQ(figure(r, "web"), 0);
}

TEST(Floor, ACancelledReceiptSendsItsPreOrdersBackToSourcing) {
  eventstore::testing::TempDir dir;
  Retailer r(dir.path());
  expecting_shoes(r);
  auto placed = r.run(web_order("O1", {{"SHOE-1", 5}, {"CAP-1", 1}}));
  ASSERT_TRUE(placed);
  ASSERT_TRUE(r.run(web_order("O2", {{"SHOE-1", 9}})));  // 7 left now, 2 on asn-1
  EXPECT_EQ(order_of(r, "O2").status(), LineStatus::pre_ordered);
  r.ok(StockCommand{"WH-LYON", "SHOE-1", stock::CancelReceipt{"asn-1", kWallNow + 1}});
  const auto order = order_of(r, "O2");
  EXPECT_TRUE(order.queued_for_service);
  EXPECT_EQ(order.status(), LineStatus::sourcing);
  EXPECT_EQ(figure(r, "web"), 0);
}

}  // namespace
}  // namespace ordo::engine
