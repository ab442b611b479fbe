// The order decider's SourceLines: sourcing's plan becomes the order's events, and a plan with no
// site refuses an order being placed.
#include "tests/domain/order_fixture.h"

namespace ordo::domain {
namespace {

const std::vector<SiteVerdict> kConsidered = {
    {kParis, "allocated", "priority 1", 1, 12},
    {kStrasbourg, "dropped", "not enough stock for any line", 0, 400}};

SourceLines plan(SourceLines::Kind kind, bool placing = false) {
  SourceLines c;
  c.kind = kind;
  c.strategy = "nearest";
  c.config_version = 4;
  c.considered = kConsidered;
  c.placing = placing;
  c.at = kAt + 1;
  if (kind == SourceLines::Kind::direct) c.allocations = {{1, kParis}, {2, kParis}, {3, kParis}};
  if (kind == SourceLines::Kind::round) {
    c.offered = {kParis, kStrasbourg};
    c.deadline = kAt + 60'000'000;
  }
  if (kind == SourceLines::Kind::none) c.reason = "no site has every line";
  return c;
}

TEST(OrderSourcing, ADirectPlanIsRecordedThenAllocatesTheLines) {
  Scenario<OrderDecider>()
      .given({placed()})
      .when(plan(SourceLines::Kind::direct))
      .then({SourcingDecided{"nearest", 4, "direct", "", 0, kConsidered, kAt + 1},
             LinesAllocated{{{1, kParis}, {2, kParis}, {3, kParis}}}});
}

TEST(OrderSourcing, ACompetitivePlanOpensTheNextRoundForTheLinesThatWait) {
  Scenario<OrderDecider>()
      .given({placed(), allocated(kParis, {3})})
      .when(plan(SourceLines::Kind::round))
      .then({SourcingDecided{"nearest", 4, "round", "", 1, kConsidered, kAt + 1},
             OfferRoundOpened{1, {kParis, kStrasbourg}, kAt + 1, kAt + 60'000'000, {1, 2}}});
  // After an expired round 1, the next round is round 2.
  Scenario<OrderDecider>()
      .given({placed(), OfferRoundOpened{1, {kParis}, kAt, kAt + 10, {1, 2, 3}},
              OfferRoundClosed{1, RoundEnd::expired, kAt + 10}})
      .when(plan(SourceLines::Kind::round))
      .then({SourcingDecided{"nearest", 4, "round", "", 2, kConsidered, kAt + 1},
             OfferRoundOpened{2, {kParis, kStrasbourg}, kAt + 1, kAt + 60'000'000, {1, 2, 3}}});
}

TEST(OrderSourcing, NoSiteQueuesAPlacedOrderForCustomerServiceButRefusesOneBeingPlaced) {
  Scenario<OrderDecider>()
      .given({placed()})
      .when(plan(SourceLines::Kind::none))
      .then({SourcingDecided{"nearest", 4, "queued", "no site has every line", 0, kConsidered,
                             kAt + 1},
             QueuedForService{"no site has every line"}});
  Scenario<OrderDecider>()
      .given({placed()})
      .when(plan(SourceLines::Kind::none, true))
      .then_rejected(Code::insufficient_stock, "no site has every line");
}

TEST(OrderSourcing, NothingWaitingForASiteIsNothingToDo) {
  Scenario<OrderDecider>()
      .given(allocated_history())
      .when(plan(SourceLines::Kind::direct))
      .then({});
  Scenario<OrderDecider>()
      .when(plan(SourceLines::Kind::direct))
      .then_rejected(Code::not_found, "not been placed");
}

TEST(OrderSourcing, APlanThatDoesNotFitTheOrderIsRefused) {
  auto unknown_line = plan(SourceLines::Kind::direct);
  unknown_line.allocations = {{9, kParis}};
  Scenario<OrderDecider>()
      .given({placed()})
      .when(unknown_line)
      .then_rejected(Code::invalid, "has no line 9");
  auto nobody = plan(SourceLines::Kind::round);
  nobody.offered.clear();
  Scenario<OrderDecider>()
      .given({placed()})
      .when(nobody)
      .then_rejected(Code::invalid, "at least one site");
}

}  // namespace
}  // namespace ordo::domain
