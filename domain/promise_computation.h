// Internal to the promise engine: one promise's computation (domain/promise.cpp: shipping;
// domain/promise_collect.cpp: click and collect, ship to store, pickup points).
#pragma once

#include <array>
#include <cmath>
#include <optional>

#include "domain/promise_internal.h"

namespace ordo::domain::promise::detail {

using calendar::Date;
using calendar::TimeZone;

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
  /// Pickup point: to the relay the customer chose, else the nearest within
  /// pickup_point_max_km, else a relay of the carrier's own near the customer (plain shipping).
  void ship_to_pickup_point(const Network::CompiledService& svc);
  /// Ships to a counter (a store, a relay), where the parcel is collectable from its next opening.
  void ship_to_counter(const Network::CompiledService& svc, std::uint32_t counter);
  /// The relay nearest the customer within `max_km`, or -1.
  std::int32_t nearest_relay(std::int32_t max_km) const;
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

/// The main cause among delay bits, the causes listed, and "earliest <date>, beyond N day(s)...".
Cause main_delay(std::uint16_t delays);
std::vector<Cause> causes_of(std::uint16_t delays);
std::string describe_late(const Date& date, std::int32_t max_days, std::uint16_t delays);

}  // namespace ordo::domain::promise::detail
