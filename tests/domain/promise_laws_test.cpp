// Laws of the promise engine, checked by rapidcheck over random stock, receipts, full days,
// cut-offs, destinations and moments in 2026: ordering later never gives an earlier promise, no
// delivery falls on a day the carrier does not deliver, every option is one the sites can serve,
// and adding stock never removes an option.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "tests/domain/promise_fixture.h"

namespace ordo::domain::promise::testing {
namespace {

/// A random world: the four sites with random stock, receipts, closures and loads, and a random
/// moment in 2026.
struct RandomCase {
  World world;
  Destination to;
  Instant at = 0;
  std::int64_t quantity = 1;
};

RandomCase random_case() {
  RandomCase c;
  for (auto& [id, units] : c.world.stock) units = *rc::gen::inRange<std::int64_t>(0, 4);
  for (auto& [id, units] : c.world.stock) {
    if (*rc::gen::inRange(0, 3) == 0) {
      c.world.receipts[id] = {
          {utc({2026, 6, 1}, 0) + *rc::gen::inRange<std::int64_t>(0, 200) * kMicrosPerDay, 3}};
    }
  }
  for (int i = *rc::gen::inRange(0, 4); i > 0; --i) {
    const auto day = calendar::days_from_civil({2026, 6, 1}) + *rc::gen::inRange(0, 200);
    c.world.load[{"WH-PARIS", day}] = 100;
  }
  c.world.config.services[0].pickup_cutoff_minute =
      static_cast<std::uint16_t>(*rc::gen::inRange(600, 1200));
  c.world.config.services[1].max_days = *rc::gen::inRange(0, 3);
  c.to = *rc::gen::element(paris_11(), strasbourg(), london_sw1());
  c.at = utc({2026, 6, 1}, 0) + *rc::gen::inRange<std::int64_t>(0, 200 * 24 * 60) * kMinute;
  c.quantity = *rc::gen::inRange<std::int64_t>(1, 3);
  return c;
}

RC_GTEST_PROP(PromiseLaws, OrderingLaterNeverGivesAnEarlierPromise, ()) {
  auto c = random_case();
  const auto later = c.at + *rc::gen::inRange<std::int64_t>(0, 5 * 24 * 60) * kMinute;
  const auto first = c.world.promise(c.at, c.to, c.quantity, false);
  const auto second = c.world.promise(later, c.to, c.quantity, false);
  int compared = 0;  // pairs of options the law compared
  for (const auto& o : second.options) {
    for (const auto& p : first.options) {
      if (p.id == o.id ||
          (p.service == o.service && o.method != DeliveryMethod::click_and_collect)) {
        ++compared;
        RC_ASSERT(o.promised_at >= p.promised_at);
      }
    }
  }
  RC_TAG(compared == 0 ? "no pair of options compared" : "options compared");
  RC_CLASSIFY(later == c.at, "ordered later by 0 minutes");
}

RC_GTEST_PROP(PromiseLaws, NoPromisedDeliveryFallsOnADayTheCarrierDoesNotDeliver, ()) {
  auto c = random_case();
  const auto r = c.world.promise(c.at, c.to, c.quantity, false);
  const auto h = holidays();
  RC_TAG(
      std::ranges::all_of(
          r.options, [](const Option& o) { return o.method == DeliveryMethod::click_and_collect; })
          ? "no delivered option to check"
          : "delivered options checked");
  for (const auto& o : r.options) {
    if (o.method == DeliveryMethod::click_and_collect) continue;
    const Service* s = nullptr;
    for (const auto& svc : c.world.config.services) {
      if (svc.id == o.service) s = &svc;
    }
    RC_ASSERT(s != nullptr);
    RC_ASSERT(((s->delivery_days >> calendar::weekday(o.date)) & 1u) != 0);
    RC_ASSERT(!h.is_holiday(c.to.country, c.to.region, o.date));
    RC_ASSERT(o.promised_at > c.at);
  }
}

RC_GTEST_PROP(PromiseLaws, EveryPromisedOptionIsOneTheSitesCanServe, ()) {
  auto c = random_case();
  const auto r = c.world.promise(c.at, c.to, c.quantity, false);
  RC_TAG(r.options.empty() ? "no option" : "options checked");
  RC_CLASSIFY(
      std::ranges::any_of(r.options,
                          [&](const Option& o) { return c.world.stock[o.ship_from] < c.quantity; }),
      "an option waits for a receipt");
  for (const auto& o : r.options) {
    const auto units = c.world.stock[o.ship_from];
    std::int64_t by_prep = units;
    const auto zone = *TimeZone::find(c.world.profiles[o.ship_from].time_zone);
    for (const auto& [when, q] : c.world.receipts[o.ship_from]) {
      const auto local = zone.to_local(when);
      if (calendar::days_from_civil(local.date) <= o.local_prep_day) by_prep += q;
    }
    RC_ASSERT(by_prep >= c.quantity);  // the site has the cart by its preparation day
    const auto load = c.world.load.find({o.ship_from, o.local_prep_day});
    RC_ASSERT(load == c.world.load.end() ||
              load->second < c.world.profiles[o.ship_from].daily_capacity);
    const auto& p = c.world.profiles[o.ship_from];
    const auto& hours = p.opening_hours[static_cast<std::size_t>(
        calendar::weekday(calendar::civil_from_days(o.local_prep_day)))];
    RC_ASSERT(hours.open_minute < hours.close_minute);  // prepared on a day it is open
    RC_ASSERT(
        !holidays().is_holiday(p.country, p.region, calendar::civil_from_days(o.local_prep_day)));
  }
}

RC_GTEST_PROP(PromiseLaws, AddingStockNeverRemovesAnOption, ()) {
  auto c = random_case();
  const auto before = c.world.promise(c.at, c.to, c.quantity, false);
  const auto site =
      *rc::gen::element<std::string>("WH-PARIS", "ST-STRAS", "ST-LYON", "WH-DAVENTRY");
  c.world.stock[site] += *rc::gen::inRange<std::int64_t>(1, 5);
  const auto after = c.world.promise(c.at, c.to, c.quantity, false);
  RC_TAG(before.options.empty() ? "no option before" : "options to keep");
  RC_CLASSIFY(after.options.size() > before.options.size(), "the added stock gave a new option");
  for (const auto& o : before.options) {
    const bool kept = std::any_of(after.options.begin(), after.options.end(), [&](const Option& a) {
      return a.service == o.service && a.promised_at <= o.promised_at;
    });
    RC_ASSERT(kept);
  }
}

}  // namespace
}  // namespace ordo::domain::promise::testing
