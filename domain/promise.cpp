#include "domain/promise.h"

#include <algorithm>
#include <cmath>

#include "domain/promise_internal.h"

namespace ordo::domain::promise {

using calendar::Date;
using calendar::LocalTime;
using calendar::TimeZone;
using detail::bit;
using detail::contains;
using detail::has_day;
using detail::kMinute;
using detail::kNever;
using detail::weekday_of;

// ---------------------------------------------------------------------------------------------
// Computing a promise

namespace {

struct Ready {
  bool ok = false;
  std::int64_t prep_day =
      0;  // the preparing site's local day the preparation starts (and takes capacity)
  std::int64_t day = 0;  // the local day it is ready: later when preparation outlasts opening hours
  std::uint32_t minute = 0;  // ready at, minutes after that day's midnight, within opening hours
  Instant order_by = 0;      // today's preparation cut-off when the day depends on it
  std::uint16_t delays = 0;
  Cause failure = Cause::site_closed;
};

class Computation {
 public:
  Computation(const Network& network, const Request& request, const LoadLookup& load)
      : n_(network), config_(network.config()), r_(request), load_(load) {}

  Result run();

 private:
  const Network& n_;
  const Config& config_;
  const Request& r_;
  const LoadLookup& load_;
  Result result_;
  std::optional<TimeZone> destination_zone_;
  const std::vector<std::uint8_t>* destination_closed_ = nullptr;
  std::string zone_;
  std::int64_t last_day_ = 0;  // horizon, in days since the epoch

  struct Candidate {
    std::uint32_t site = 0;
    Instant from = 0;  // stock there from (receipts), or the request's time
    std::int32_t distance_km = -1;
    Ready ready;  // shipping preparation, computed lazily
    bool ready_done = false;
  };
  std::vector<Candidate> candidates_;
  std::optional<std::int32_t> nearest_store_;  // for ship to store: found on first use, -1 none

  struct Local {
    std::int64_t day = 0;
    std::uint32_t minute = 0;
  };
  struct LocalMemo {
    Instant at = std::numeric_limits<Instant>::min();
    Local local;
  };
  std::array<LocalMemo, 32> local_memo_{};
  std::uint32_t destination_clock_ = 0;
  std::int64_t today_ = 0;  // at the destination

  /// The instant of a wall-clock time on a site's or destination's clock.
  Instant instant(std::uint32_t clock, std::int64_t day, std::uint32_t minute) const {
    const auto& c = n_.clocks()[clock];
    if (day < n_.first_day() || day > n_.last_day() || c.changes[at(day)] || minute >= 1440) {
      return c.zone.to_instant({calendar::civil_from_days(day + minute / 1440), minute % 1440});
    }
    return (day * 1440 + minute - c.offset[at(day)]) * kMinute;
  }
  /// The local day and minute of an instant on a clock.
  Local local(std::uint32_t clock, Instant when) {
    LocalMemo* memo = clock < local_memo_.size() ? &local_memo_[clock] : nullptr;
    if (memo != nullptr && memo->at == when) return memo->local;
    const auto& c = n_.clocks()[clock];
    const std::int64_t utc_day = (when >= 0 ? when : when - kMicrosPerDay + 1) / kMicrosPerDay;
    Local out;
    if (utc_day - 1 >= n_.first_day() && utc_day + 1 <= n_.last_day() && !c.changes[at(utc_day)] &&
        !c.changes[at(utc_day - 1)] && !c.changes[at(utc_day + 1)]) {
      const Instant wall = when + c.offset[at(utc_day)] * kMinute;
      out.day = (wall >= 0 ? wall : wall - kMicrosPerDay + 1) / kMicrosPerDay;
      out.minute = static_cast<std::uint32_t>((wall - out.day * kMicrosPerDay) / kMinute);
    } else {
      const auto l = c.zone.to_local(when);
      out = {calendar::days_from_civil(l.date), l.minute};
    }
    if (memo != nullptr) *memo = {when, out};
    return out;
  }

  bool in_range(std::int64_t day) const {
    return day >= n_.first_day() && day <= n_.last_day() && day <= last_day_;
  }
  std::size_t at(std::int64_t day) const { return static_cast<std::size_t>(day - n_.first_day()); }

  void gather();
  std::int32_t distance(const Network::Site& site, const geo::Point& to) const;
  Ready prepare(std::uint32_t site_index, Instant from, std::int32_t minutes);
  const Ready& ready(Candidate& c) {
    if (!c.ready_done) {
      const auto& s = n_.sites()[c.site];
      c.ready = prepare(c.site, c.from, s.preparation_minutes);
      c.ready_done = true;
    }
    return c.ready;
  }
  bool delivers(const Network::CompiledService& svc, std::int64_t day) const {
    return has_day(svc.service->delivery_days, day) && !(*destination_closed_)[at(day)] &&
           !svc.closed->closed[at(day)];
  }
  // Home, express and relay options, one service at a time.
  struct Shipment {
    std::int64_t pickup = 0;
    std::int64_t delivery = 0;
    std::uint16_t delays = 0;
  };
  struct ShipBest {
    bool found = false;
    std::int32_t distance = 0;
    std::uint32_t site = 0;
    Ready ready;
    Shipment shipment;
  };
  struct ShipSearch {
    ShipBest best;
    bool any_origin = false, any_band = false, any_ready = false;
    Cause ready_failure = Cause::site_closed;
    std::int64_t late_best = kNever;  // the first day beyond the service's max days, if any
    std::uint16_t late_delays = 0;
  };
  const TransitBand* band_for(const Service& s, const Candidate& c) const;
  std::optional<Shipment> route(const Network::CompiledService& svc, std::uint32_t site_index,
                                const Ready& rd, const TransitBand& band) const;
  void refuse_ship(const Service& s, const ShipSearch& search);
  Option ship_option(const Network::CompiledService& svc, const ShipBest& best);
  std::string zone_of_destination() const;
  std::optional<std::pair<Cause, std::string>> service_refusal(const Service& s) const;
  void ship(const Network::CompiledService& svc);
  // Click and collect.
  struct CollectChoice {
    Instant ready_at = 0;
    std::int32_t km = 0;
    std::uint32_t site = 0;
    Ready ready;
    std::int64_t day = 0;
    std::uint32_t minute = 0;
  };
  struct CollectSearch {
    bool any_nearby = false, any_late = false;
    std::uint16_t late_delays = 0;
    Cause failure = Cause::site_closed;
  };
  std::optional<CollectChoice> collectable(const Candidate& cand, const Ready& rd) const;
  void refuse_collect(const CollectSearch& search);
  Option collect_option(const CollectChoice& ch);
  void collect();
  void ship_to_store(const Network::CompiledService& svc);
  /// The click-and-collect store nearest the customer within `max_km`, or -1.
  std::int32_t nearest_collect_store(std::int32_t max_km) const;
  /// Click-and-collect stores within `max_km` of the customer, with or without stock.
  std::int32_t collect_stores_within(std::int32_t max_km) const;
  void refuse(const Service* s, DeliveryMethod method, Cause cause, std::string detail) {
    if (!r_.explain) return;
    result_.infeasible.push_back({s != nullptr ? s->id : "collect", s != nullptr ? s->carrier : "",
                                  method, cause, std::move(detail)});
  }
  std::int64_t price(const Service& s) const {
    if (s.free_above_minor > 0 && r_.value_minor >= s.free_above_minor) return 0;
    const std::int64_t kg = r_.weight_g / 1000 + (r_.weight_g % 1000 != 0 ? 1 : 0);
    std::int64_t per_kg = 0, total = 0;
    if (__builtin_mul_overflow(s.price_per_kg_minor, kg, &per_kg) ||
        __builtin_add_overflow(s.price_minor, per_kg, &total)) {
      return std::numeric_limits<std::int64_t>::max();
    }
    return total;
  }
  std::int64_t carbon(const Service& s, std::int32_t km) const {
    const double tonne_km = static_cast<double>(r_.weight_g) / 1e6 * std::max(0, km);
    const double grams =
        std::min(1e15, tonne_km * s.carbon_g_per_tonne_km);  // an absurd cart stays a number
    return s.carbon_g_per_parcel + static_cast<std::int64_t>(std::llround(grams));
  }
};

void Computation::gather() {
  // For each site: how many distinct SKUs it can supply, and from when.
  thread_local std::vector<std::uint16_t> supplied;
  thread_local std::vector<Instant> from;
  thread_local std::vector<std::uint32_t> touched;
  supplied.assign(n_.size(), 0);
  from.assign(n_.size(), 0);
  touched.clear();
  const Instant horizon_end = r_.at + static_cast<Instant>(config_.horizon_days) * kMicrosPerDay;
  thread_local std::vector<std::pair<Instant, std::int64_t>> receipts;
  for (const auto& line : r_.lines) {
    for (const auto& s : line.sites) {
      if (s.site >= n_.size()) continue;
      Instant when = r_.at;
      if (s.now < line.quantity) {
        receipts.assign(s.receipts.begin(), s.receipts.end());
        std::sort(receipts.begin(), receipts.end());
        std::int64_t units = std::max<std::int64_t>(0, s.now);
        when = kNever;
        for (const auto& [expected, quantity] : receipts) {
          if (expected < r_.at) continue;  // overdue: not counted until it is received
          units += quantity;
          if (units >= line.quantity) {
            when = std::max(expected, r_.at);
            break;
          }
        }
        if (when == kNever || when > horizon_end) continue;
      }
      if (supplied[s.site] == 0) touched.push_back(s.site);
      ++supplied[s.site];
      from[s.site] = std::max(from[s.site], when);
    }
  }
  const auto needed = static_cast<std::uint16_t>(r_.lines.size());
  for (const auto site : touched) {
    if (supplied[site] != needed) continue;
    Candidate c;
    c.site = site;
    c.from = from[site];
    if (r_.destination.point) c.distance_km = distance(n_.sites()[site], *r_.destination.point);
    candidates_.push_back(c);
  }
}

std::int32_t Computation::distance(const Network::Site& site, const geo::Point& to) const {
  if (!site.located) return -1;
  // Equirectangular projection: within 0.5% of the great circle below 1,000 km, and a tenth of
  // the cost of the haversine; distances rank sites and pick transit bands.
  constexpr double kRadians = 3.14159265358979323846 / 180.0;
  const double x = (to.longitude - site.point.longitude) * kRadians * site.cos_latitude;
  const double y = (to.latitude - site.point.latitude) * kRadians;
  return static_cast<std::int32_t>(geo::kEarthRadiusKm * std::sqrt(x * x + y * y) + 0.5);
}

Ready Computation::prepare(std::uint32_t site_index, Instant from, std::int32_t minutes) {
  const auto& s = n_.sites()[site_index];
  Ready ready;
  if (from > r_.at) ready.delays |= bit(Cause::awaiting_stock);
  if (s.capacity <= 0) {
    ready.failure = Cause::capacity_full;
    return ready;
  }
  const Local start_at = local(s.clock, from);
  std::int64_t day = start_at.day;
  std::uint32_t minute = start_at.minute;
  const std::int64_t today = day;
  for (; in_range(day); ++day, minute = 0) {
    const auto& hours = s.hours[weekday_of(day)];
    if (s.closed->closed[at(day)] || hours.open_minute >= hours.close_minute) {
      ready.delays |= bit(Cause::site_closed);
      continue;
    }
    const std::uint32_t cutoff = std::min<std::uint32_t>(s.cutoff_minute, hours.close_minute);
    const std::uint32_t start = std::max<std::uint32_t>(minute, hours.open_minute);
    if (start >= cutoff) {
      ready.delays |= bit(Cause::past_cutoff);
      continue;
    }
    if (load_ && load_(site_index, day) >= s.capacity) {
      ready.delays |= bit(Cause::capacity_full);
      continue;
    }
    ready.prep_day = day;
    if (day == today) ready.order_by = instant(s.clock, day, cutoff);
    // Preparation takes working minutes: what does not fit before closing goes on at the next
    // opening.
    std::uint32_t left = static_cast<std::uint32_t>(std::max(0, minutes));
    std::uint32_t at_minute = start;
    for (std::int64_t d = day; in_range(d); ++d, at_minute = 0) {
      const auto& h = s.hours[weekday_of(d)];
      if (s.closed->closed[at(d)] || h.open_minute >= h.close_minute) continue;
      at_minute = std::max<std::uint32_t>(at_minute, h.open_minute);
      if (at_minute + left <= h.close_minute) {
        ready.ok = true;
        ready.day = d;
        ready.minute = at_minute + left;
        return ready;
      }
      if (at_minute < h.close_minute) left -= h.close_minute - at_minute;
    }
    ready.failure = Cause::site_closed;
    return ready;
  }
  ready.failure = (ready.delays & bit(Cause::capacity_full)) ? Cause::capacity_full
                  : (ready.delays & bit(Cause::past_cutoff)) ? Cause::past_cutoff
                                                             : Cause::site_closed;
  return ready;
}

Cause main_delay(std::uint16_t delays) {
  for (Cause c : {Cause::awaiting_stock, Cause::capacity_full, Cause::past_cutoff,
                  Cause::site_closed, Cause::carrier_closed}) {
    if (delays & bit(c)) return c;
  }
  return Cause::too_late;
}

std::vector<Cause> causes_of(std::uint16_t delays) {
  std::vector<Cause> out;
  for (unsigned c = 0; c <= static_cast<unsigned>(Cause::too_late); ++c) {
    if (delays & (1u << c)) out.push_back(static_cast<Cause>(c));
  }
  return out;
}

std::string describe_late(const Date& date, std::int32_t max_days, std::uint16_t delays) {
  std::string text =
      "earliest " + calendar::to_string(date) + ", beyond " + std::to_string(max_days) + " day(s)";
  const auto causes = causes_of(delays);
  if (!causes.empty()) {
    text += ", delayed by ";
    for (std::size_t i = 0; i < causes.size(); ++i) {
      if (i > 0) text += ", ";
      text += to_string(causes[i]);
    }
  }
  return text;
}

// The first transit band of the service for the destination's zone and the site's distance.
const TransitBand* Computation::band_for(const Service& s, const Candidate& c) const {
  for (const auto& b : s.transit) {
    if (!b.zone.empty() && b.zone != zone_) continue;
    if (b.max_km > 0 && (c.distance_km < 0 || c.distance_km > b.max_km)) continue;
    return &b;
  }
  return nullptr;
}

// The carrier's pickup (the first pickup day from the ready day, before the cut-off that day)
// and the delivery after the band's transit days; nullopt beyond the horizon.
std::optional<Computation::Shipment> Computation::route(const Network::CompiledService& svc,
                                                        std::uint32_t site_index, const Ready& rd,
                                                        const TransitBand& band) const {
  const auto& site = n_.sites()[site_index];
  const Service& s = *svc.service;
  Shipment out{rd.day, rd.day, rd.delays};
  const auto [pickup_days, pickup_cutoff] = svc.pickup[site_index];
  for (; in_range(out.pickup); ++out.pickup) {
    const auto& hours = site.hours[weekday_of(out.pickup)];
    const bool open = has_day(pickup_days, out.pickup) && !site.closed->closed[at(out.pickup)] &&
                      hours.open_minute < hours.close_minute && !svc.closed->closed[at(out.pickup)];
    if (open && (out.pickup > rd.day || rd.minute <= pickup_cutoff)) break;
    if (open) {
      out.delays |= bit(Cause::past_cutoff);
    } else if (has_day(pickup_days, out.pickup)) {
      out.delays |= bit(Cause::carrier_closed);
    }
  }
  if (!in_range(out.pickup)) return std::nullopt;
  // Transit in delivery days; a 0-day band delivers the day of the pickup.
  out.delivery = out.pickup;
  std::int32_t left = band.days;
  if (left == 0) {
    while (in_range(out.delivery) && !delivers(svc, out.delivery)) ++out.delivery;
  } else {
    while (left > 0 && in_range(out.delivery + 1)) {
      ++out.delivery;
      if (delivers(svc, out.delivery)) {
        --left;
      } else if (has_day(s.delivery_days, out.delivery)) {
        out.delays |= bit(Cause::carrier_closed);
      }
    }
    if (left > 0) return std::nullopt;
  }
  if (!in_range(out.delivery)) return std::nullopt;
  return out;
}

// Why a service has no option: the first thing every candidate site failed at.
void Computation::refuse_ship(const Service& s, const ShipSearch& search) {
  if (!search.any_origin) {
    refuse(&s, s.method, Cause::no_stock, "no site it collects from can supply the whole cart");
  } else if (!search.any_band) {
    refuse(&s, s.method, Cause::not_served,
           "no transit band serves zone '" + zone_ + "' at that distance");
  } else if (!search.any_ready) {
    refuse(&s, s.method, search.ready_failure, "no site can prepare the cart within the horizon");
  } else if (search.late_best != kNever) {
    const auto delay = main_delay(search.late_delays);
    refuse(
        &s, s.method, delay == Cause::too_late ? Cause::too_late : delay,
        describe_late(calendar::civil_from_days(search.late_best), s.max_days, search.late_delays));
  } else {
    refuse(&s, s.method, Cause::carrier_closed, "no pickup or delivery day within the horizon");
  }
}

/// The home, express or relay option of one service: the candidate site delivering first (then
/// nearest, then by id).
void Computation::ship(const Network::CompiledService& svc) {
  const Service& s = *svc.service;
  const std::string& country = r_.destination.country;
  ShipSearch search;
  const std::int64_t max_day = s.max_days > 0 ? today_ + s.max_days : last_day_;
  for (auto& c : candidates_) {
    const auto& site = n_.sites()[c.site];
    if (!site.ships) continue;
    const auto& origin = site.profile->country;
    if (s.origin_countries.empty() ? origin != country : !contains(s.origin_countries, origin))
      continue;
    search.any_origin = true;
    const TransitBand* band = band_for(s, c);
    if (band == nullptr) continue;
    search.any_band = true;
    const Ready& rd = ready(c);
    if (!rd.ok) {
      search.ready_failure = rd.failure;
      continue;
    }
    search.any_ready = true;
    const auto shipment = route(svc, c.site, rd, *band);
    if (!shipment) continue;
    if (shipment->delivery > max_day) {
      if (shipment->delivery < search.late_best) {
        search.late_best = shipment->delivery;
        search.late_delays = shipment->delays;
      }
      continue;
    }
    // Unknown distances rank last among sites delivering the same day.
    const std::int32_t km =
        c.distance_km < 0 ? std::numeric_limits<std::int32_t>::max() : c.distance_km;
    const auto& best = search.best;
    if (!best.found || shipment->delivery < best.shipment.delivery ||
        (shipment->delivery == best.shipment.delivery &&
         (km < best.distance || (km == best.distance && site.id < n_.sites()[best.site].id)))) {
      search.best = {true, km, c.site, rd, *shipment};
    }
  }
  if (!search.best.found) return refuse_ship(s, search);
  result_.options.push_back(ship_option(svc, search.best));
}

Option Computation::ship_option(const Network::CompiledService& svc, const ShipBest& best) {
  const Service& s = *svc.service;
  const auto& site = n_.sites()[best.site];
  const auto delivery = best.shipment.delivery;
  Option o;
  o.id = s.id + "@" + site.id;
  o.method = s.method;
  o.carrier = s.carrier;
  o.service = s.id;
  o.date = calendar::civil_from_days(delivery);
  o.window = s.window;
  o.earliest_at = instant(destination_clock_, delivery, s.window.from_minute);
  o.promised_at = s.window.to_minute > 0 && s.window.to_minute < 1440
                      ? instant(destination_clock_, delivery, s.window.to_minute)
                      : instant(destination_clock_, delivery + 1, 0) - 1;
  if (best.shipment.pickup == best.ready.day && best.ready.prep_day == best.ready.day &&
      best.ready.order_by != 0) {
    // Ordering later than this moves the date: the preparation cut-off, or the latest start that
    // still meets the carrier's pickup and ends before closing.
    const auto close = site.hours[weekday_of(best.ready.day)].close_minute;
    const std::int64_t latest_start =
        std::min<std::int64_t>(svc.pickup[best.site].second, close) - site.preparation_minutes;
    Instant by = best.ready.order_by;
    if (latest_start >= 0 && latest_start < 1440) {
      by = std::min(by,
                    instant(site.clock, best.ready.day, static_cast<std::uint32_t>(latest_start)));
    }
    o.order_by = by;
  }
  o.ship_from = site.id;
  o.ship_date = calendar::civil_from_days(best.shipment.pickup);
  o.local_prep_day = best.ready.prep_day;
  const std::int32_t km =
      best.distance == std::numeric_limits<std::int32_t>::max() ? 0 : best.distance;
  o.price_minor = price(s);
  o.carbon_g = carbon(s, km);
  o.distance_km = km;
  o.delays = causes_of(best.shipment.delays);
  return o;
}

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

/// Ship to store: a carrier takes the cart from the site that delivers it first to the store
/// nearest the customer, where it is collected from the store's next opening.
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
  const std::int32_t store_index = *nearest_store_;
  const Network::Site* store =
      store_index >= 0 ? &n_.sites()[static_cast<std::size_t>(store_index)] : nullptr;
  if (store == nullptr) {
    refuse(&s, s.method, Cause::no_store_nearby,
           "no click and collect store within " + std::to_string(config_.ship_to_store_max_km) +
               " km");
    return;
  }
  const std::size_t before = result_.options.size();
  // The transit is to the store, so the distance bands read the site-to-store distance.
  std::vector<std::int32_t> saved;
  saved.reserve(candidates_.size());
  for (auto& c : candidates_) {
    saved.push_back(c.distance_km);
    c.distance_km = static_cast<std::uint32_t>(store_index) == c.site
                        ? 0
                        : distance(n_.sites()[c.site], store->point);
  }
  ship(svc);
  for (std::size_t i = 0; i < candidates_.size(); ++i) candidates_[i].distance_km = saved[i];
  if (result_.options.size() == before) return;
  Option& o = result_.options.back();
  // The parcel reaches the store during its delivery day: collectable by the store's closing on
  // the first day it opens from then.
  std::int64_t day = calendar::days_from_civil(o.date);
  while (in_range(day)) {
    const auto& hours = store->hours[weekday_of(day)];
    if (!store->closed->closed[at(day)] && hours.open_minute < hours.close_minute) break;
    ++day;
  }
  if (!in_range(day)) {
    result_.options.pop_back();
    refuse(&s, s.method, Cause::site_closed,
           "the store " + store->id + " does not open within the horizon");
    return;
  }
  const std::int64_t max_day = s.max_days > 0 ? today_ + s.max_days : last_day_;
  if (day > max_day) {
    result_.options.pop_back();
    const bool store_closed = day > calendar::days_from_civil(o.date);
    refuse(&s, s.method, store_closed ? Cause::site_closed : Cause::too_late,
           "collectable at " + store->id + " only on " +
               calendar::to_string(calendar::civil_from_days(day)));
    return;
  }
  const auto& hours = store->hours[weekday_of(day)];
  o.date = calendar::civil_from_days(day);
  o.window = {hours.open_minute, hours.close_minute};
  o.earliest_at = instant(store->clock, day, hours.open_minute);
  o.promised_at = instant(store->clock, day, hours.close_minute);
  o.collect_at = store->id;
  o.id = s.id + "@" + o.ship_from;
}

// The destination's zone of the configuration: the first of its country matching its postcode or
// region (a zone with neither covers the whole country).
std::string Computation::zone_of_destination() const {
  for (const auto& z : config_.zones) {
    if (z.country != r_.destination.country) continue;
    const bool by_prefix =
        std::any_of(z.postcode_prefixes.begin(), z.postcode_prefixes.end(),
                    [&](const std::string& p) { return r_.destination.postcode.starts_with(p); });
    const bool by_region =
        std::find(z.regions.begin(), z.regions.end(), r_.destination.region) != z.regions.end();
    if (by_prefix || by_region || (z.postcode_prefixes.empty() && z.regions.empty())) return z.name;
  }
  return {};
}

// Why a service cannot carry this cart at all, whatever the site; nullopt when it may.
std::optional<std::pair<Cause, std::string>> Computation::service_refusal(const Service& s) const {
  if (!contains(s.channels, r_.channel))
    return std::pair{Cause::not_served, "not offered to channel '" + r_.channel + "'"};
  if (!contains(s.countries, r_.destination.country)) {
    return std::pair{Cause::not_served, "does not deliver to " + r_.destination.country};
  }
  if (s.max_weight_g > 0 && r_.weight_g > s.max_weight_g) {
    return std::pair{Cause::over_weight, std::to_string(r_.weight_g) + " g over the limit of " +
                                             std::to_string(s.max_weight_g) + " g"};
  }
  if (s.max_volume_cm3 > 0 && r_.volume_cm3 > s.max_volume_cm3) {
    return std::pair{Cause::over_volume, std::to_string(r_.volume_cm3) + " cm3 over the limit of " +
                                             std::to_string(s.max_volume_cm3) + " cm3"};
  }
  if (candidates_.empty())
    return std::pair{Cause::no_stock, "no site can supply the whole cart within the horizon"};
  return std::nullopt;
}

Result Computation::run() {
  destination_zone_ = destination_zone(r_.destination.country);
  if (!destination_zone_) {
    for (const auto& svc : n_.services()) {
      refuse(svc.service, svc.service->method, Cause::not_served,
             "Ordo has no calendar for " + r_.destination.country);
    }
    return std::move(result_);
  }
  const auto clock = n_.clock_of(destination_zone_->name());
  if (clock < 0) return std::move(result_);
  destination_clock_ = static_cast<std::uint32_t>(clock);
  const auto today = calendar::days_from_civil(destination_zone_->to_local(r_.at).date);
  today_ = today;
  last_day_ = std::min(n_.last_day(), today + config_.horizon_days);
  if (today < n_.first_day() || today >= n_.last_day()) return std::move(result_);
  // The destination's carrier calendar: its public holidays.
  destination_closed_ = &n_.holidays_of(r_.destination.country, r_.destination.region);
  zone_ = zone_of_destination();
  if (!r_.lines.empty()) gather();
  for (const auto& svc : n_.services()) {
    const Service& s = *svc.service;
    if (auto refused = service_refusal(s)) {
      refuse(&s, s.method, refused->first, std::move(refused->second));
    } else if (s.method == DeliveryMethod::ship_to_store) {
      ship_to_store(svc);
    } else {
      ship(svc);
    }
  }
  if (candidates_.empty() && config_.collect.enabled &&
      contains(config_.collect.channels, r_.channel)) {
    refuse(nullptr, DeliveryMethod::click_and_collect, Cause::no_stock,
           "no store has the whole cart");
  } else {
    collect();
  }
  std::stable_sort(result_.options.begin(), result_.options.end(),
                   [](const Option& a, const Option& b) {
                     return std::tie(a.promised_at, a.price_minor, a.id) <
                            std::tie(b.promised_at, b.price_minor, b.id);
                   });
  return std::move(result_);
}

}  // namespace

Result compute(const Network& network, const Request& request, const LoadLookup& load) {
  return Computation(network, request, load).run();
}

}  // namespace ordo::domain::promise
