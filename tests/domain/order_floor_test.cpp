// The order decider's floor: sourcing's plan may split a line across sites (each part a line of
// its own) and pre-order lines on a receipt expected at a site, allocated when it arrives.
#include "tests/domain/order_fixture.h"

namespace ordo::domain {
namespace {

const std::string kLyon = "WH-LYON";
constexpr Instant kArrival = kAt + 5 * kMicrosPerDay;

// Line 3 (3 x SKU-C) split: 1 from Paris as line 3, 2 on receipt asn-7 at Lyon as line 4.
SourceLines split_plan() {
  SourceLines c;
  c.kind = SourceLines::Kind::direct;
  c.strategy = "nearest";
  c.reason = "line 3 split";
  c.at = kAt + 1;
  c.splits = {{3, {{3, 1}, {4, 2}}}};
  c.allocations = {{1, kParis}, {2, kParis}, {3, kParis}};
  c.pre_orders = {{4, kLyon, "asn-7", kArrival}};
  return c;
}

TEST(OrderFloor, ASplitLineIsRecordedThenItsPartsAreAllocatedAndPreOrdered) {
  const auto state =
      Scenario<OrderDecider>()
          .given({placed()})
          .when(split_plan())
          .then({SourcingDecided{"nearest", 0, "direct", "line 3 split", 0, {}, kAt + 1},
                 LinesSplit{{{3, {{3, 1}, {4, 2}}}}},
                 LinesAllocated{{{1, kParis}, {2, kParis}, {3, kParis}}},
                 LinesPreOrdered{{{4, kLyon, "asn-7", kArrival}}}});
  ASSERT_EQ(state.lines.size(), 4u);
  EXPECT_EQ(state.lines[2].line, (OrderLine{3, "SKU-C", 1, 500}));
  EXPECT_EQ(state.lines[3].line, (OrderLine{4, "SKU-C", 2, 500}));
  EXPECT_EQ(state.lines[3].split_from, 3u);
  EXPECT_EQ(state.lines[3].status, LineStatus::pre_ordered);
  EXPECT_EQ(state.lines[3].receipt_id, "asn-7");
  EXPECT_EQ(state.lines[3].expected_at, kArrival);
  // The order waits for its least advanced line: the pre-order.
  EXPECT_EQ(state.status(), LineStatus::pre_ordered);
  // As placed, the order still has three lines and the same total.
  EXPECT_EQ(state.placed.lines.size(), 3u);
  EXPECT_EQ(state.placed.total.minor, 6000);
}

TEST(OrderFloor, ASplitMustAddUpToTheLineAndTakeUnusedNumbers) {
  auto short_split = split_plan();
  short_split.splits = {{3, {{3, 1}, {4, 1}}}};
  Scenario<OrderDecider>()
      .given({placed()})
      .when(short_split)
      .then_rejected(Code::invalid, "add up to 2, not 3");
  auto reused = split_plan();
  reused.splits = {{3, {{3, 1}, {2, 2}}}};
  Scenario<OrderDecider>()
      .given({placed()})
      .when(reused)
      .then_rejected(Code::invalid, "line 2 is already used");
  auto renumbered = split_plan();
  renumbered.splits = {{3, {{5, 1}, {4, 2}}}};
  Scenario<OrderDecider>()
      .given({placed()})
      .when(renumbered)
      .then_rejected(Code::invalid, "the first keeping the number");
  auto one_part = split_plan();
  one_part.splits = {{3, {{3, 3}}}};
  Scenario<OrderDecider>()
      .given({placed()})
      .when(one_part)
      .then_rejected(Code::invalid, "two parts or more");
  // A line already allocated is not split again.
  Scenario<OrderDecider>()
      .given({placed(), allocated(kStrasbourg, {3})})
      .when(split_plan())
      .then_rejected(Code::invalid, "not waiting for a site");
}

TEST(OrderFloor, APreOrderedLineIsAllocatedWhenItsReceiptArrivesAndNotPreparedBefore) {
  const std::vector<Event> history = {placed(), allocated(kParis, {1, 2}),
                                      LinesPreOrdered{{{3, kLyon, "asn-7", kArrival}}}};
  Scenario<OrderDecider>()
      .given(history)
      .when(StartPreparation{kLyon, kAt + 2})
      .then_rejected(Code::wrong_state, "no line at site WH-LYON is allocated");
  const auto state = Scenario<OrderDecider>()
                         .given(history)
                         .when(AllocateLines{{{3, kLyon}}, kArrival})
                         .then({LinesAllocated{{{3, kLyon}}}});
  EXPECT_EQ(state.lines[2].status, LineStatus::allocated);
  EXPECT_EQ(state.lines[2].receipt_id, "asn-7");  // kept: the order's history shows it
  EXPECT_EQ(state.status(), LineStatus::allocated);
  // Allocated elsewhere instead (a receipt short), the receipt no longer applies.
  Scenario<OrderDecider>()
      .given(history)
      .when(AllocateLines{{{3, kParis}}, kArrival})
      .then_rejected(Code::wrong_state, "already allocated to site WH-LYON");
}

TEST(OrderFloor, APreOrderTheReceiptDoesNotCoverGoesBackToSourcing) {
  const std::vector<Event> history = {placed(), allocated(kParis, {1, 2}),
                                      LinesPreOrdered{{{3, kLyon, "asn-7", kArrival}}}};
  const auto state =
      Scenario<OrderDecider>()
          .given(history)
          .when(ReleaseAllocation{kLyon, "receipt asn-7 short", false, kArrival, {3}, "asn-7"})
          .then({AllocationReleased{kLyon, {3}, "receipt asn-7 short", "asn-7"}});
  EXPECT_EQ(state.lines[2].status, LineStatus::sourcing);
  EXPECT_TRUE(state.lines[2].receipt_id.empty());
  EXPECT_EQ(state.sourcing_lines(), (Lines{3}));
  // Not the site's doing: sourcing may choose it again (a store's own release excludes it).
  EXPECT_TRUE(state.tried().empty());
  // A store releasing what it cannot prepare names no line: its pre-orders stay (their units are
  // not on its shelf yet).
  Scenario<OrderDecider>()
      .given(
          {placed(), allocated(kParis, {1, 2}), LinesPreOrdered{{{3, kParis, "asn-7", kArrival}}}})
      .when(ReleaseAllocation{kParis, "shelf empty", true, kAt + 1, {}, {}})
      .then({AllocationReleased{kParis, {1, 2}, "shelf empty", {}}});
  // Naming lines releases only those: Paris keeps lines 1 and 2.
  Scenario<OrderDecider>()
      .given({placed(), allocated(kParis, {1, 2, 3})})
      .when(ReleaseAllocation{kParis, "one missing", false, kAt + 1, {2}, {}})
      .then({AllocationReleased{kParis, {2}, "one missing", {}}});
}

TEST(OrderFloor, ReallocatingToTheSiteOfAPreOrderSaysItWaitsForItsReceipt) {
  Scenario<OrderDecider>()
      .given(
          {placed(), allocated(kParis, {1, 2}), LinesPreOrdered{{{3, kParis, "asn-7", kArrival}}}})
      .when(Reallocate{kParis, "customer asked", kAt + 1})
      .then_rejected(Code::wrong_state,
                     "pre-ordered at PAR-01 (allocated when the receipt arrives)");
}

TEST(OrderFloor, APreOrderNeedsALineWaitingForASiteAndItsReceipt) {
  auto no_receipt = split_plan();
  no_receipt.pre_orders = {{4, kLyon, "", kArrival}};
  Scenario<OrderDecider>()
      .given({placed()})
      .when(no_receipt)
      .then_rejected(Code::invalid, "the site and the receipt are required");
  auto unknown = split_plan();
  unknown.pre_orders = {{9, kLyon, "asn-7", kArrival}};
  Scenario<OrderDecider>()
      .given({placed()})
      .when(unknown)
      .then_rejected(Code::invalid, "pre-order of line 9: the line is not waiting");
}

}  // namespace
}  // namespace ordo::domain
