// A count below what is reserved (DESIGN.md, "Stock"): the shortfall is not left on the orders. The
// newest orders' lines allocated at the site, not yet in preparation, are released until what
// stays reserved fits the count, and sourced again at once: elsewhere when another site has the
// stock, else to customer service's queue. Lines in preparation stay (the store picking them
// reports what it cannot find), and shipping them waits for the stock.
#include "tests/engine/retailer_fixture.h"

namespace ordo::engine::testing {
namespace {

namespace ord = domain::order;
namespace stock = domain::stock;
using eventstore::testing::TempDir;

struct Fixture {
  TempDir dir;
  Retailer r{dir.path()};

  Fixture() { r.stock_up(); }  // CAP-1: 5 at WH-LYON only

  // Orders O1, O2... of 2 x CAP-1, each placed a second after the one before.
  void place(int count) {
    for (int i = 1; i <= count; ++i) {
      auto o = order("O" + std::to_string(i), "web", {{"CAP-1", 2}});
      o.at = kNow + i * 1'000'000;
      auto placed = r.run(o);
      ASSERT_TRUE(placed) << Retailer::describe(placed.error());
      ASSERT_EQ(placed->allocations.size(), 1u);
      ASSERT_EQ(placed->allocations[0].site_id, "WH-LYON");
    }
  }
  Answer count(const std::string& site, std::int64_t counted) {
    return r.run(StockCommand{site, "CAP-1", stock::CountStock{counted, "cycle count", kNow}});
  }
  std::vector<std::string> types(const std::string& stream) {
    std::vector<std::string> out;
    const auto events = r.store->read_stream(stream, 1, 1000).value();
    for (const auto& e : events) out.push_back(e.type);
    return out;
  }
  stock::State stock_at(const std::string& site) {
    stock::State s;
    const auto events = r.store->read_stream("stock-" + site + ":CAP-1", 1, 1000).value();
    for (const auto& e : events) {
      auto decoded = wire::decode(e.type, e.schema_version, e.payload).value();
      s = stock::evolve(std::move(s), std::get<stock::Event>(decoded));
    }
    return s;
  }
};

const std::vector<std::string> kPlaced = {"OrderPlaced", "SourcingDecided", "LinesAllocated"};

TEST(CountBelowReserved, GivenAnotherSiteHasStockWhenACountFindsLessThenTheNewestOrderMovesThere) {
  Fixture f;
  f.place(2);  // WH-LYON: 5 on hand, 4 reserved
  f.r.receive("FR-PARIS", "CAP-1", 3);
  ASSERT_TRUE(f.count("WH-LYON", 3));       // one unit short
  EXPECT_EQ(f.types("order-O1"), kPlaced);  // the older order keeps its units
  auto moved = kPlaced;
  moved.insert(moved.end(), {"AllocationReleased", "SourcingDecided", "LinesAllocated"});
  EXPECT_EQ(f.types("order-O2"), moved);
  const auto lyon = f.stock_at("WH-LYON");
  EXPECT_EQ(lyon.on_hand, 3);
  EXPECT_EQ(lyon.reserved, 2);
  EXPECT_EQ(f.stock_at("FR-PARIS").reserved, 2);
}

TEST(CountBelowReserved, GivenNoOtherSiteHasStockWhenACountFindsLessThenTheShortfallIsQueued) {
  Fixture f;
  f.place(2);
  ASSERT_TRUE(f.count("WH-LYON", 1));  // three units short: both orders move
  auto queued = kPlaced;
  queued.insert(queued.end(), {"AllocationReleased", "SourcingDecided", "QueuedForService"});
  EXPECT_EQ(f.types("order-O1"), queued);
  EXPECT_EQ(f.types("order-O2"), queued);
  EXPECT_EQ(f.stock_at("WH-LYON").reserved, 0);
}

TEST(CountBelowReserved, GivenEnoughLeftWhenACountFindsLessThenNoOrderMoves) {
  Fixture f;
  f.place(2);
  ASSERT_TRUE(f.count("WH-LYON", 4));  // 4 counted, 4 reserved
  EXPECT_EQ(f.types("order-O1"), kPlaced);
  EXPECT_EQ(f.types("order-O2"), kPlaced);
  EXPECT_EQ(f.types("stock-WH-LYON:CAP-1").back(), "StockCounted");
}

TEST(CountBelowReserved, GivenALineInPreparationWhenACountFindsLessThenItStaysAndShippingWaits) {
  Fixture f;
  f.place(1);
  ASSERT_TRUE(f.r.run(OrderCommand{"O1", ord::StartPreparation{"WH-LYON", kNow}}));
  ASSERT_TRUE(f.count("WH-LYON", 1));
  EXPECT_EQ(f.types("order-O1").back(), "PreparationStarted");
  EXPECT_EQ(f.stock_at("WH-LYON").reserved, 2);
  ASSERT_TRUE(f.r.run(OrderCommand{"O1", ord::MarkPrepared{"WH-LYON", false, kNow}}));
  auto shipped = f.r.run(OrderCommand{"O1", ord::ShipOrder{"WH-LYON", "DPD", "T1", kNow}});
  ASSERT_FALSE(shipped);
  EXPECT_EQ(std::get<domain::Rejection>(shipped.error()).code,
            domain::Rejection::Code::insufficient_stock);
}

}  // namespace
}  // namespace ordo::engine::testing
