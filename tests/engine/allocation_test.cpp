// Competitive allocation through the pipeline on real RocksDB: rounds open with the order, claims
// reserve the winner's stock in the same append, the pipeline's clock expires rounds and opens the
// next, a store's release corrects its stock and re-sources, customer service reallocates.
#include <chrono>
#include <thread>

#include "tests/engine/retailer_fixture.h"

namespace ordo::engine::testing {
namespace {

namespace ord = domain::order;
namespace orch = domain::orchestration;
using Code = domain::Rejection::Code;
using eventstore::testing::TempDir;

// Stores compete one at a time (the deepest stock first), two rounds, then customer service.
orch::Rules compete(bool fallback_direct = false) {
  orch::Strategy s;
  s.name = "compete";
  s.ranking = {orch::Criterion::priority, orch::Criterion::stock_depth};
  s.groups = {{"stores", {{}, {domain::site::SiteType::store}, {}, {}}, 1, 4, 0, 0}};
  s.mode = orch::AllocationMode::competitive;
  s.round_size = 1;
  s.round_timeout_ms = 60'000;
  s.max_rounds = 2;
  s.fallback_direct = fallback_direct;
  return {{s}, {}, "compete"};
}

struct Fixture {
  TempDir dir;
  std::atomic<domain::Instant> now{kNow};
  std::unique_ptr<Retailer> r;

  explicit Fixture(bool fallback_direct = false) {
    PipelineOptions options;
    options.clock = [this] { return now.load(); };
    r = std::make_unique<Retailer>(dir.path(), options);
    r->stock_up();
    r->receive("FR-STRAS", "SHOE-1", 3);  // Strasbourg 3, Paris 2, Lyon (warehouse) 10
    r->ok(domain::configuration::Command{domain::configuration::ChangeConfiguration{
        compete(fallback_direct), "test", "stores compete", kNow}});
  }

  Answer act(const std::string& order_id, ord::Command command) {
    return r->run(OrderCommand{order_id, std::move(command)});
  }

  std::vector<std::string> types(const std::string& stream) {
    std::vector<std::string> out;
    const auto events = r->store->read_stream(stream, 1, 1000);
    if (!events) return out;
    for (const auto& e : *events) out.push_back(e.type);
    return out;
  }

  // Waits (up to 5 s) until the order's stream holds `count` events: the pipeline's clock acts
  // on its own thread.
  bool wait_for_events(const std::string& order_id, std::size_t count) {
    for (int i = 0; i < 500; ++i) {
      if (types("order-" + order_id).size() >= count) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
};

Code code_of(const Answer& answer) { return std::get<domain::Rejection>(answer.error()).code; }

TEST(Allocation, GivenCompetingStoresWhenTheOfferedStoreClaimsThenItWinsAndItsStockIsReserved) {
  Fixture f;
  auto placed = f.r->run(order("O1", "web", {{"SHOE-1", 1}}));
  ASSERT_TRUE(placed) << Retailer::describe(placed.error());
  EXPECT_TRUE(placed->allocations.empty());  // offered, not yet allocated
  EXPECT_EQ(f.types("order-O1"),
            (std::vector<std::string>{"OrderPlaced", "SourcingDecided", "OfferRoundOpened"}));
  EXPECT_EQ(code_of(f.act("O1", ord::ClaimOffer{"FR-PARIS", 1, kNow + 1})), Code::invalid);
  auto claimed = f.act("O1", ord::ClaimOffer{"FR-STRAS", 1, kNow + 2});
  ASSERT_TRUE(claimed) << Retailer::describe(claimed.error());
  EXPECT_EQ(f.types("stock-FR-STRAS:SHOE-1").back(), "StockReserved");
  EXPECT_EQ(code_of(f.act("O1", ord::DeclineOffer{"FR-STRAS", 1, "late", kNow + 3})),
            Code::wrong_state);
  auto again = f.act("O1", ord::ClaimOffer{"FR-STRAS", 1, kNow + 4});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->first_position, 0u);  // already won: nothing more
  // Received, held while the round ran, reserved once.
  EXPECT_EQ(f.types("stock-FR-STRAS:SHOE-1"),
            (std::vector<std::string>{"StockReceived", "StockHeld", "StockReserved"}));
}

TEST(Allocation, GivenNoAnswerWhenTheDeadlinePassesThenTheNextStoreIsOfferedThenCustomerService) {
  Fixture f;
  ASSERT_TRUE(f.r->run(order("O2", "web", {{"SHOE-1", 1}})));
  f.now = kNow + 60'000'001;  // past round 1's deadline: the pipeline closes it by itself
  ASSERT_TRUE(f.wait_for_events("O2", 6));
  EXPECT_EQ(f.types("order-O2"),
            (std::vector<std::string>{"OrderPlaced", "SourcingDecided", "OfferRoundOpened",
                                      "OfferRoundClosed", "SourcingDecided", "OfferRoundOpened"}));
  // Round 2 goes to Paris (Strasbourg was tried); a late claim from Strasbourg is expired.
  EXPECT_EQ(code_of(f.act("O2", ord::ClaimOffer{"FR-STRAS", 1, kNow + 60'000'100})), Code::expired);
  f.now = kNow + 200'000'000;
  ASSERT_TRUE(f.wait_for_events("O2", 9));
  EXPECT_EQ(f.types("order-O2").back(), "QueuedForService");
}

TEST(Allocation, WhenEveryOfferedStoreDeclinesTheNextRoundOpensInTheSameAppend) {
  Fixture f;
  ASSERT_TRUE(f.r->run(order("O3", "web", {{"SHOE-1", 1}})));
  auto declined = f.act("O3", ord::DeclineOffer{"FR-STRAS", 1, "no staff", kNow + 5});
  ASSERT_TRUE(declined) << Retailer::describe(declined.error());
  const auto t = f.types("order-O3");
  EXPECT_EQ(std::vector<std::string>(t.begin() + 3, t.end()),
            (std::vector<std::string>{"OfferDeclined", "OfferRoundClosed", "SourcingDecided",
                                      "OfferRoundOpened"}));
  ASSERT_TRUE(f.act("O3", ord::ClaimOffer{"FR-PARIS", 2, kNow + 6}));
  EXPECT_EQ(f.types("stock-FR-PARIS:SHOE-1").back(), "StockReserved");
}

TEST(Allocation, AStoreReleasingForMissingStockHasItsStockCorrectedAndTheOrderGoesElsewhere) {
  Fixture f(/*fallback_direct=*/true);
  ASSERT_TRUE(f.r->run(order("O4", "web", {{"SHOE-1", 1}})));
  ASSERT_TRUE(f.act("O4", ord::ClaimOffer{"FR-STRAS", 1, kNow + 1}));
  auto released =
      f.act("O4", ord::ReleaseAllocation{"FR-STRAS", "not on the shelf", true, kNow + 2, {}, {}});
  ASSERT_TRUE(released) << Retailer::describe(released.error());
  const auto stock = f.types("stock-FR-STRAS:SHOE-1");
  EXPECT_EQ(std::vector<std::string>(stock.end() - 2, stock.end()),
            (std::vector<std::string>{"ReservationReleased", "StockAdjusted"}));
  EXPECT_EQ(f.types("order-O4").back(), "OfferRoundOpened");  // round 2, to Paris
  ASSERT_TRUE(f.act("O4", ord::ClaimOffer{"FR-PARIS", 2, kNow + 3}));
}

TEST(Allocation, WhenAStoreReportsItsLastUnitsMissingItsStockGoesToZero) {
  Fixture f(/*fallback_direct=*/true);
  ASSERT_TRUE(f.r->run(order("O7", "web", {{"SHOE-1", 3}})));  // Strasbourg holds exactly 3
  ASSERT_TRUE(f.act("O7", ord::ClaimOffer{"FR-STRAS", 1, kNow + 1}));
  ASSERT_TRUE(
      f.act("O7", ord::ReleaseAllocation{"FR-STRAS", "shelf empty", true, kNow + 2, {}, {}}));
  const auto events = f.r->store->read_stream("stock-FR-STRAS:SHOE-1", 1, 100);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->back().type, "StockAdjusted");
  auto adjusted =
      wire::decode(events->back().type, events->back().schema_version, events->back().payload);
  ASSERT_TRUE(adjusted);
  EXPECT_EQ(std::get<domain::stock::StockAdjusted>(std::get<domain::stock::Event>(*adjusted)).delta,
            -3);
}

TEST(Allocation, CustomerServiceReallocatesAnOfferedOrderToTheWarehouse) {
  Fixture f;
  ASSERT_TRUE(f.r->run(order("O5", "web", {{"SHOE-1", 1}})));
  auto moved = f.act("O5", ord::Reallocate{"WH-LYON", "urgent: ship from the warehouse", kNow + 1});
  ASSERT_TRUE(moved) << Retailer::describe(moved.error());
  const auto t = f.types("order-O5");
  EXPECT_EQ(std::vector<std::string>(t.begin() + 3, t.end()),
            (std::vector<std::string>{"SourcingDecided", "OfferRoundClosed", "LinesAllocated"}));
  EXPECT_EQ(f.types("stock-WH-LYON:SHOE-1").back(), "StockReserved");
  EXPECT_EQ(code_of(f.act("O5", ord::ClaimOffer{"FR-STRAS", 1, kNow + 2})), Code::expired);
  EXPECT_EQ(code_of(f.act("O5", ord::Reallocate{"NOWHERE", "?", kNow + 3})), Code::not_found);
}

TEST(Allocation, RoundsSurviveARestartAndStillExpire) {
  Fixture f;
  ASSERT_TRUE(f.r->run(order("O6", "web", {{"SHOE-1", 1}})));
  f.r->close();
  f.r->open();  // the pipeline rebuilds its open rounds from the log
  f.now = kNow + 60'000'001;
  ASSERT_TRUE(f.wait_for_events("O6", 6));
  EXPECT_EQ(f.types("order-O6").back(), "OfferRoundOpened");
}

}  // namespace
}  // namespace ordo::engine::testing
