// The preparation capacity ledger: orders per site and local day, counted when lines are allocated.
#include "domain/capacity.h"

#include <gtest/gtest.h>

namespace ordo::domain::capacity {
namespace {

constexpr Instant kAt = 1'795'000'000'000'000;
const std::int64_t kDay = utc_day(kAt);

order::State placed_with(order::Promise promise) {
  order::OrderPlaced p;
  p.order_id = "O1";
  p.lines = {{1, "SHOE", 1, 100}, {2, "CAP", 1, 100}};
  p.promise = std::move(promise);
  p.placed_at = kAt;
  return order::evolve(order::State{}, p);
}

// Each site's day is the UTC day shifted by the site's own offset: a site "+1" is a day ahead.
LocalDay offsets() {
  return [](std::string_view site, Instant at) { return utc_day(at) + (site == "AHEAD" ? 1 : 0); };
}

TEST(Capacity, AnAllocationCountsOncePerSiteOnTheSitesDayOfTheDecision) {
  Ledger ledger;
  auto order = placed_with({});
  const order::Event placed = order.placed;
  ledger.record("O1", placed, order, offsets());
  const order::Event allocated = order::LinesAllocated{{{1, "AHEAD"}, {2, "AHEAD"}}};
  order = order::evolve(order, allocated);
  ledger.record("O1", allocated, order, offsets());
  EXPECT_EQ(ledger.preparations("AHEAD", kDay + 1), 1);  // two lines, one preparation
  EXPECT_EQ(ledger.preparations("AHEAD", kDay), 0);
}

TEST(Capacity, ThePromisedSitePreparesOnThePromisedDay) {
  Ledger ledger;
  auto order = placed_with({"home@LYON", kAt, "colissimo", "LYON", kDay + 3});
  ledger.record("O1", order::Event{order.placed}, order, offsets());
  const order::Event allocated = order::LinesAllocated{{{1, "LYON"}, {2, "PARIS"}}};
  order = order::evolve(order, allocated);
  ledger.record("O1", allocated, order, offsets());
  EXPECT_EQ(ledger.preparations("LYON", kDay + 3), 1);
  EXPECT_EQ(ledger.preparations("PARIS", kDay), 1);
}

TEST(Capacity, AClaimDecidesTheDayOfTheWinner) {
  Ledger ledger;
  auto order = placed_with({});
  ledger.record("O1", order::Event{order.placed}, order, offsets());
  const Instant tomorrow = kAt + kMicrosPerDay;
  const order::Event claimed = order::OfferClaimed{1, "PARIS", tomorrow};
  ledger.record("O1", claimed, order, offsets());
  const order::Event allocated = order::LinesAllocated{{{1, "PARIS"}, {2, "PARIS"}}};
  order = order::evolve(order, allocated);
  ledger.record("O1", allocated, order, offsets());
  EXPECT_EQ(ledger.preparations("PARIS", kDay + 1), 1);
}

}  // namespace
}  // namespace ordo::domain::capacity
