#include "domain/promise.h"

#include <algorithm>
#include <cmath>

#include "domain/promise_computation.h"

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

namespace detail {

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
    } else if (s.method == DeliveryMethod::pickup_point) {
      ship_to_pickup_point(svc);
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

}  // namespace detail

Result compute(const Network& network, const Request& request, const LoadLookup& load) {
  return detail::Computation(network, request, load).run();
}

}  // namespace ordo::domain::promise
