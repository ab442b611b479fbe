// Click and collect, ship to store and pickup points: promises the customer collects at a counter.
#include <algorithm>

#include "domain/promise_computation.h"

namespace ordo::domain::promise::detail {

// A store's cart, ready at `rd`, is collectable from the next time the store is open: after
// closing, from the next opening. nullopt beyond the horizon.
std::optional<Computation::CollectChoice> Computation::collectable(const Candidate& cand,
                                                                   const Ready& rd) const {
  const auto& site = n_.sites()[cand.site];
  CollectChoice out{0, cand.distance_km, cand.site, rd, rd.day, rd.minute};
  while (in_range(out.day)) {
    const auto& hours = site.hours[weekday_of(out.day)];
    const bool open = !site.closed->closed[at(out.day)] && hours.open_minute < hours.close_minute;
    if (open && out.minute < hours.close_minute) {
      out.minute = std::max<std::uint32_t>(out.minute, hours.open_minute);
      out.ready_at = instant(site.clock, out.day, out.minute);
      return out;
    }
    if (!open) out.ready.delays |= bit(Cause::site_closed);
    ++out.day;
    out.minute = 0;
  }
  return std::nullopt;
}

void Computation::refuse_collect(const CollectSearch& search) {
  const Collect& c = config_.collect;
  if (!search.any_nearby) {
    if (!r_.explain) return;
    const bool stores = collect_stores_within(c.max_distance_km) > 0;
    const auto km = std::to_string(c.max_distance_km);
    refuse(nullptr, DeliveryMethod::click_and_collect,
           stores ? Cause::no_stock : Cause::no_store_nearby,
           stores ? "no store within " + km + " km has the whole cart"
                  : "no click and collect store within " + km + " km");
  } else if (search.any_late) {
    refuse(nullptr, DeliveryMethod::click_and_collect, main_delay(search.late_delays),
           "ready only beyond " + std::to_string(c.max_days) + " day(s)");
  } else {
    refuse(nullptr, DeliveryMethod::click_and_collect, search.failure,
           "no store nearby can prepare the cart within the horizon");
  }
}

Option Computation::collect_option(const CollectChoice& ch) {
  const Collect& c = config_.collect;
  const auto& site = n_.sites()[ch.site];
  Option o;
  o.id = "collect@" + site.id;
  o.method = DeliveryMethod::click_and_collect;
  o.service = "collect";
  o.date = calendar::civil_from_days(ch.day);
  const auto& hours = site.hours[weekday_of(ch.day)];
  o.window = {static_cast<std::uint16_t>(ch.minute), hours.close_minute};
  o.earliest_at = ch.ready_at;
  o.promised_at = ch.ready_at;
  if (ch.ready.day == ch.day && ch.ready.prep_day == ch.day && ch.ready.order_by != 0) {
    // The preparation cut-off, or the latest start that is ready before closing.
    const std::int64_t latest_start =
        static_cast<std::int64_t>(hours.close_minute) - c.preparation_minutes;
    o.order_by =
        latest_start >= 0
            ? std::min(ch.ready.order_by,
                       instant(site.clock, ch.day, static_cast<std::uint32_t>(latest_start)))
            : ch.ready.order_by;
  }
  o.ship_from = site.id;
  o.collect_at = site.id;
  o.ship_date = o.date;
  o.local_prep_day = ch.ready.prep_day;
  o.price_minor = c.price_minor;
  o.carbon_g = 0;
  o.distance_km = ch.km;
  o.delays = causes_of(ch.ready.delays);
  return o;
}

/// Click and collect: stores near the customer that have the cart, ready soonest first.
void Computation::collect() {
  const Collect& c = config_.collect;
  if (!c.enabled || !contains(c.channels, r_.channel)) return;
  if (!r_.not_collectable.empty()) {
    refuse(nullptr, DeliveryMethod::click_and_collect, Cause::not_collectable,
           r_.not_collectable + " cannot be collected in store");
    return;
  }
  if (!r_.destination.point) {
    refuse(nullptr, DeliveryMethod::click_and_collect, Cause::no_store_nearby,
           "the destination's location is unknown");
    return;
  }
  std::vector<CollectChoice> choices;
  CollectSearch search;
  const std::int64_t max_day = c.max_days > 0 ? today_ + c.max_days : last_day_;
  for (auto& cand : candidates_) {
    const auto& site = n_.sites()[cand.site];
    if (!site.collects || cand.distance_km < 0 || cand.distance_km > c.max_distance_km) continue;
    search.any_nearby = true;
    const Ready rd = prepare(cand.site, cand.from, c.preparation_minutes);
    if (!rd.ok) {
      search.failure = rd.failure;
      continue;
    }
    auto choice = collectable(cand, rd);
    if (!choice) continue;
    if (choice->day > max_day) {
      search.any_late = true;
      search.late_delays |= choice->ready.delays;
      continue;
    }
    choices.push_back(*choice);
  }
  if (choices.empty()) return refuse_collect(search);
  std::sort(choices.begin(), choices.end(), [&](const CollectChoice& a, const CollectChoice& b) {
    return std::tie(a.ready_at, a.km, n_.sites()[a.site].id) <
           std::tie(b.ready_at, b.km, n_.sites()[b.site].id);
  });
  if (choices.size() > static_cast<std::size_t>(c.max_stores))
    choices.resize(static_cast<std::size_t>(c.max_stores));
  for (const auto& ch : choices) result_.options.push_back(collect_option(ch));
}

/// Ship to store: to the click-and-collect store nearest the customer.
std::int32_t Computation::nearest_collect_store(std::int32_t max_km) const {
  std::int32_t best = -1, nearest = std::numeric_limits<std::int32_t>::max();
  if (!r_.destination.point) return best;
  for (std::size_t i = 0; i < n_.size(); ++i) {
    const auto& site = n_.sites()[i];
    if (!site.collects) continue;
    const auto km = distance(site, *r_.destination.point);
    if (km >= 0 && km <= max_km && km < nearest) {
      nearest = km;
      best = static_cast<std::int32_t>(i);
    }
  }
  return best;
}

std::int32_t Computation::collect_stores_within(std::int32_t max_km) const {
  std::int32_t count = 0;
  if (!r_.destination.point) return count;
  for (const auto& site : n_.sites()) {
    const auto km = site.collects ? distance(site, *r_.destination.point) : -1;
    count += km >= 0 && km <= max_km ? 1 : 0;
  }
  return count;
}

void Computation::ship_to_store(const Network::CompiledService& svc) {
  const Service& s = *svc.service;
  if (!nearest_store_) nearest_store_ = nearest_collect_store(config_.ship_to_store_max_km);
  if (*nearest_store_ < 0) {
    refuse(&s, s.method, Cause::no_store_nearby,
           "no click and collect store within " + std::to_string(config_.ship_to_store_max_km) +
               " km");
    return;
  }
  ship_to_counter(svc, static_cast<std::uint32_t>(*nearest_store_));
}

std::int32_t Computation::nearest_relay(std::int32_t max_km) const {
  std::int32_t best = -1, nearest = std::numeric_limits<std::int32_t>::max();
  if (!r_.destination.point) return best;
  for (std::size_t i = 0; i < n_.size(); ++i) {
    const auto& site = n_.sites()[i];
    const auto km = site.relay ? distance(site, *r_.destination.point) : -1;
    if (km >= 0 && km <= max_km && km < nearest) {
      nearest = km;
      best = static_cast<std::int32_t>(i);
    }
  }
  return best;
}

void Computation::ship_to_pickup_point(const Network::CompiledService& svc) {
  const Service& s = *svc.service;
  if (!r_.pickup_point.empty()) {
    const auto chosen = n_.index_of(r_.pickup_point);
    if (chosen < 0 || !n_.sites()[static_cast<std::size_t>(chosen)].relay) {
      refuse(&s, s.method, Cause::no_store_nearby,
             "no open pickup point " + r_.pickup_point.substr(0, 64));
      return;
    }
    ship_to_counter(svc, static_cast<std::uint32_t>(chosen));
    return;
  }
  const auto nearest = nearest_relay(config_.pickup_point_max_km);
  if (nearest >= 0) {
    ship_to_counter(svc, static_cast<std::uint32_t>(nearest));
  } else {
    ship(svc);  // the carrier's own relay near the customer
  }
}

// Ship to a counter: a carrier takes the cart from the site that delivers it first to the
// counter (a store for ship to store, a relay for a pickup point), where it is collected from
// the counter's next opening.
void Computation::ship_to_counter(const Network::CompiledService& svc, std::uint32_t index) {
  const Service& s = *svc.service;
  const Network::Site* counter = &n_.sites()[index];
  const std::size_t before = result_.options.size();
  // The transit is to the counter, so the distance bands read the site-to-counter distance.
  std::vector<std::int32_t> saved;
  saved.reserve(candidates_.size());
  for (auto& c : candidates_) {
    saved.push_back(c.distance_km);
    c.distance_km = index == c.site ? 0 : distance(n_.sites()[c.site], counter->point);
  }
  ship(svc);
  for (std::size_t i = 0; i < candidates_.size(); ++i) candidates_[i].distance_km = saved[i];
  if (result_.options.size() == before) return;
  Option& o = result_.options.back();
  // The parcel reaches the counter during its delivery day: collectable by its closing on the
  // first day it opens from then.
  std::int64_t day = calendar::days_from_civil(o.date);
  while (in_range(day)) {
    const auto& hours = counter->hours[weekday_of(day)];
    if (!counter->closed->closed[at(day)] && hours.open_minute < hours.close_minute) break;
    ++day;
  }
  if (!in_range(day)) {
    result_.options.pop_back();
    refuse(&s, s.method, Cause::site_closed, counter->id + " does not open within the horizon");
    return;
  }
  const std::int64_t max_day = s.max_days > 0 ? today_ + s.max_days : last_day_;
  if (day > max_day) {
    result_.options.pop_back();
    const bool closed = day > calendar::days_from_civil(o.date);
    refuse(&s, s.method, closed ? Cause::site_closed : Cause::too_late,
           "collectable at " + counter->id + " only on " +
               calendar::to_string(calendar::civil_from_days(day)));
    return;
  }
  const auto& hours = counter->hours[weekday_of(day)];
  o.date = calendar::civil_from_days(day);
  o.window = {hours.open_minute, hours.close_minute};
  o.earliest_at = instant(counter->clock, day, hours.open_minute);
  o.promised_at = instant(counter->clock, day, hours.close_minute);
  o.collect_at = counter->id;
  o.id = s.id + "@" + o.ship_from;
}

}  // namespace ordo::domain::promise::detail

namespace ordo::domain::promise {

std::vector<NearbyRelay> relays_near(const Network& network, geo::Point place, std::int32_t max_km,
                                     std::size_t limit) {
  std::vector<NearbyRelay> out;
  for (const auto& site : network.sites()) {
    if (!site.relay || !site.located || site.profile == nullptr) continue;
    const auto km = static_cast<std::int32_t>(geo::distance_km(site.point, place) + 0.5);
    if (km <= max_km) out.push_back({site.id, *site.profile, km});
  }
  std::sort(out.begin(), out.end(), [](const NearbyRelay& a, const NearbyRelay& b) {
    return std::tie(a.distance_km, a.site_id) < std::tie(b.distance_km, b.site_id);
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace ordo::domain::promise
