#include "domain/promise.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace ordo::domain::promise {

using calendar::Date;
using calendar::LocalTime;
using calendar::TimeZone;

namespace {

constexpr Instant kMinute = 60'000'000;
constexpr Instant kNever = std::numeric_limits<Instant>::max();

std::uint16_t bit(Cause cause) { return static_cast<std::uint16_t>(1u << static_cast<unsigned>(cause)); }

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

/// 0 = Monday, for days since the epoch (1970-01-01 was a Thursday).
unsigned weekday_of(std::int64_t day) { return static_cast<unsigned>(((day % 7) + 7 + 3) % 7); }

bool has_day(Weekdays days, std::int64_t day) { return (days >> weekday_of(day)) & 1u; }

}  // namespace

std::string_view to_string(Cause cause) {
  switch (cause) {
    case Cause::past_cutoff: return "past_cutoff";
    case Cause::site_closed: return "site_closed";
    case Cause::carrier_closed: return "carrier_closed";
    case Cause::capacity_full: return "capacity_full";
    case Cause::awaiting_stock: return "awaiting_stock";
    case Cause::no_stock: return "no_stock";
    case Cause::over_weight: return "over_weight";
    case Cause::over_volume: return "over_volume";
    case Cause::not_served: return "not_served";
    case Cause::no_store_nearby: return "no_store_nearby";
    case Cause::too_late: return "too_late";
  }
  return "unknown";
}

std::optional<calendar::TimeZone> destination_zone(std::string_view country) {
  static const std::map<std::string, std::string, std::less<>> kZones = {
      {"FR", "Europe/Paris"},     {"MC", "Europe/Monaco"},    {"DE", "Europe/Berlin"},
      {"GB", "Europe/London"},    {"IE", "Europe/Dublin"},    {"PT", "Europe/Lisbon"},
      {"BE", "Europe/Brussels"},  {"NL", "Europe/Amsterdam"}, {"LU", "Europe/Luxembourg"},
      {"ES", "Europe/Madrid"},    {"IT", "Europe/Rome"},      {"AT", "Europe/Vienna"},
      {"CH", "Europe/Zurich"},    {"PL", "Europe/Warsaw"},    {"CZ", "Europe/Prague"},
      {"DK", "Europe/Copenhagen"}};
  const auto it = kZones.find(country);
  if (it == kZones.end()) return std::nullopt;
  return TimeZone::find(it->second);
}

std::optional<std::pair<std::string, std::string>> parse_option_id(std::string_view id) {
  const auto at = id.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == id.size() ||
      id.find('@', at + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  return std::pair{std::string(id.substr(0, at)), std::string(id.substr(at + 1))};
}

// ---------------------------------------------------------------------------------------------
// Validation

namespace {

void check_minute(std::vector<ConfigError>& errors, const std::string& pointer, int minute, int max) {
  if (minute < 0 || minute > max) {
    errors.push_back({pointer, "must be a minute of the day, 0.." + std::to_string(max)});
  }
}

void check_countries(std::vector<ConfigError>& errors, const std::string& pointer,
                     const std::vector<std::string>& countries) {
  for (std::size_t i = 0; i < countries.size(); ++i) {
    if (!is_country_code(countries[i])) {
      errors.push_back({pointer + "/" + std::to_string(i), "must be an ISO 3166-1 alpha-2 code"});
    }
  }
}

void check_dates(std::vector<ConfigError>& errors, const std::string& pointer,
                 const std::vector<Date>& dates) {
  for (std::size_t i = 0; i < dates.size(); ++i) {
    if (!calendar::valid(dates[i])) errors.push_back({pointer + "/" + std::to_string(i), "is not a date"});
  }
}

}  // namespace

std::vector<ConfigError> validate(const Config& config) {
  std::vector<ConfigError> errors;
  std::vector<std::string> zone_names;
  for (std::size_t i = 0; i < config.zones.size(); ++i) {
    const auto& z = config.zones[i];
    const std::string at = "/zones/" + std::to_string(i);
    if (z.name.empty()) errors.push_back({at + "/name", "must not be empty"});
    else if (std::find(zone_names.begin(), zone_names.end(), z.name) != zone_names.end()) {
      errors.push_back({at + "/name", "zone '" + z.name + "' is defined twice"});
    }
    zone_names.push_back(z.name);
    if (!is_country_code(z.country)) errors.push_back({at + "/country", "must be an ISO 3166-1 alpha-2 code"});
    for (std::size_t p = 0; p < z.postcode_prefixes.size(); ++p) {
      if (z.postcode_prefixes[p].empty() || z.postcode_prefixes[p].size() > 10) {
        errors.push_back({at + "/postcode_prefixes/" + std::to_string(p), "must be 1 to 10 characters"});
      }
    }
    for (std::size_t r = 0; r < z.regions.size(); ++r) {
      if (z.regions[r].empty()) errors.push_back({at + "/regions/" + std::to_string(r), "must not be empty"});
    }
  }
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < config.services.size(); ++i) {
    const auto& s = config.services[i];
    const std::string at = "/services/" + std::to_string(i);
    if (s.id.empty() || s.id.size() > 64 || s.id.find('@') != std::string::npos || s.id == "collect") {
      errors.push_back({at + "/id", "must be 1 to 64 characters without '@' (and not 'collect')"});
    } else if (std::find(ids.begin(), ids.end(), s.id) != ids.end()) {
      errors.push_back({at + "/id", "service '" + s.id + "' is defined twice"});
    }
    ids.push_back(s.id);
    if (s.carrier.empty()) errors.push_back({at + "/carrier", "must not be empty"});
    if (s.method == DeliveryMethod::click_and_collect) {
      errors.push_back({at + "/method", "click and collect is served by stores (see /collect), not by a carrier"});
    }
    check_countries(errors, at + "/countries", s.countries);
    check_countries(errors, at + "/origin_countries", s.origin_countries);
    if (s.transit.empty()) errors.push_back({at + "/transit", "must list at least one transit band"});
    for (std::size_t b = 0; b < s.transit.size(); ++b) {
      const auto& band = s.transit[b];
      const std::string bt = at + "/transit/" + std::to_string(b);
      if (!band.zone.empty() && std::find(zone_names.begin(), zone_names.end(), band.zone) == zone_names.end()) {
        errors.push_back({bt + "/zone", "unknown zone '" + band.zone + "'"});
      }
      if (band.max_km < 0) errors.push_back({bt + "/max_km", "must be 0 (any distance) or more"});
      if (band.days < 0 || band.days > 60) errors.push_back({bt + "/days", "must be 0..60"});
    }
    if ((s.pickup_days & 0x7f) == 0 || s.pickup_days > 0x7f) {
      errors.push_back({at + "/pickup_days", "must name at least one weekday"});
    }
    if ((s.delivery_days & 0x7f) == 0 || s.delivery_days > 0x7f) {
      errors.push_back({at + "/delivery_days", "must name at least one weekday"});
    }
    check_minute(errors, at + "/pickup_cutoff", s.pickup_cutoff_minute, 1440);
    check_minute(errors, at + "/window/from", s.window.from_minute, 1439);
    check_minute(errors, at + "/window/to", s.window.to_minute, 1440);
    if (s.window.to_minute != 0 && s.window.to_minute <= s.window.from_minute) {
      errors.push_back({at + "/window", "must end after it starts"});
    }
    if (s.max_weight_g < 0) errors.push_back({at + "/max_weight_g", "must not be negative"});
    if (s.max_volume_cm3 < 0) errors.push_back({at + "/max_volume_cm3", "must not be negative"});
    if (s.price_minor < 0) errors.push_back({at + "/price_minor", "must not be negative"});
    if (s.price_per_kg_minor < 0) errors.push_back({at + "/price_per_kg_minor", "must not be negative"});
    if (s.free_above_minor < 0) errors.push_back({at + "/free_above_minor", "must not be negative"});
    if (s.carbon_g_per_tonne_km < 0) errors.push_back({at + "/carbon_g_per_tonne_km", "must not be negative"});
    if (s.carbon_g_per_parcel < 0) errors.push_back({at + "/carbon_g_per_parcel", "must not be negative"});
    check_dates(errors, at + "/closed_dates", s.closed_dates);
    if (s.max_days < 0 || s.max_days > 366) errors.push_back({at + "/max_days", "must be 0..366"});
    for (std::size_t p = 0; p < s.site_pickups.size(); ++p) {
      const auto& sp = s.site_pickups[p];
      const std::string pt = at + "/site_pickups/" + std::to_string(p);
      validate_site_selector(sp.sites, pt + "/sites", errors);
      if ((sp.days & 0x7f) == 0 || sp.days > 0x7f) errors.push_back({pt + "/days", "must name at least one weekday"});
      check_minute(errors, pt + "/cutoff", sp.cutoff_minute, 1440);
    }
  }
  for (std::size_t i = 0; i < config.preparation.size(); ++i) {
    const auto& p = config.preparation[i];
    const std::string at = "/preparation/" + std::to_string(i);
    if (p.name.empty()) errors.push_back({at + "/name", "must not be empty"});
    validate_site_selector(p.sites, at + "/sites", errors);
    if (p.preparation_minutes < 0 || p.preparation_minutes > 7 * 1440) {
      errors.push_back({at + "/preparation_minutes", "must be 0..10080"});
    }
    check_minute(errors, at + "/cutoff", p.cutoff_minute, 1440);
    if (p.daily_capacity < -1) errors.push_back({at + "/daily_capacity", "must be -1 (the site's own) or more"});
    check_dates(errors, at + "/closed_dates", p.closed_dates);
  }
  const auto& c = config.collect;
  if (c.max_distance_km < 0) errors.push_back({"/collect/max_distance_km", "must not be negative"});
  if (c.preparation_minutes < 0 || c.preparation_minutes > 7 * 1440) {
    errors.push_back({"/collect/preparation_minutes", "must be 0..10080"});
  }
  if (c.max_stores < 1 || c.max_stores > 50) errors.push_back({"/collect/max_stores", "must be 1..50"});
  if (c.max_days < 0 || c.max_days > 366) errors.push_back({"/collect/max_days", "must be 0..366"});
  if (c.price_minor < 0) errors.push_back({"/collect/price_minor", "must not be negative"});
  if (config.ship_to_store_max_km < 0) errors.push_back({"/ship_to_store_max_km", "must not be negative"});
  if (config.horizon_days < 1 || config.horizon_days > 366) errors.push_back({"/horizon_days", "must be 1..366"});
  if (!is_currency_code(config.currency)) errors.push_back({"/currency", "must be an ISO 4217 code"});
  return errors;
}

const Config& default_config() {
  static const Config kDefault{};
  return kDefault;
}

// ---------------------------------------------------------------------------------------------
// The compiled network

/// Closed days over the Network's range, one byte per day.
struct Network::Mask {
  std::vector<std::uint8_t> closed;
};

/// A time zone's offset for each day of the Network's range, so that a wall-clock time becomes an
/// instant with one subtraction; the days of a daylight-saving change take the zone's own rule.
struct Network::Clock {
  TimeZone zone;
  std::vector<std::int16_t> offset;     // minutes ahead of UTC at local noon
  std::vector<std::uint8_t> changes;    // 1: the offset changes that day
};

struct Network::Site {
  std::string id;
  const site::Profile* profile = nullptr;
  TimeZone zone;
  std::uint32_t clock = 0;
  geo::Point point;
  double cos_latitude = 1;
  bool located = false;
  bool ships = false;    // warehouses, dark stores, stores that ship
  bool collects = false; // click and collect
  std::int32_t preparation_minutes = 120;
  std::uint16_t cutoff_minute = 0;
  std::int64_t capacity = 0;
  std::array<site::DayHours, 7> hours{};
  const Mask* closed = nullptr;    // holidays where it is, exceptional closures
};

struct Network::CompiledService {
  const Service* service = nullptr;
  const Mask* closed = nullptr;  // the carrier's own closed dates
  std::vector<std::pair<Weekdays, std::uint16_t>> pickup;  // per site: days and cut-off
};

Network::~Network() = default;

const std::string& Network::site_id(std::size_t index) const { return sites_[index].id; }
std::size_t Network::size() const { return sites_.size(); }

namespace {

const SitePreparation& preparation_of(const Config& config, const SiteInput& site) {
  static const SitePreparation kDefault{};
  for (const auto& rule : config.preparation) {
    if (matches(rule.sites, site.site_id, *site.profile)) return rule;
  }
  return kDefault;
}

}  // namespace

std::shared_ptr<const Network> Network::compile(const Config& config, std::span<const SiteInput> sites,
                                                const calendar::Holidays& holidays, Date first_day) {
  std::shared_ptr<Network> n(new Network());
  n->config_ = config;
  n->first_day_ = calendar::days_from_civil(first_day);
  // Public holidays: national ones, then each region's on top of its country's.
  const auto slot = [&](std::int64_t day) { return day - n->first_day_; };
  for (const auto& [country, region, day] : holidays.entries()) {
    if (region != "*") continue;
    auto& mask = n->holidays_[country + ":*"];
    if (mask.empty()) mask.assign(static_cast<std::size_t>(kDays), 0);
    if (slot(day) >= 0 && slot(day) < kDays) mask[static_cast<std::size_t>(slot(day))] = 1;
  }
  for (const auto& [country, region, day] : holidays.entries()) {
    if (region == "*") continue;
    auto& mask = n->holidays_[country + ":" + region];
    if (mask.empty()) {
      const auto national = n->holidays_.find(country + ":*");
      mask = national != n->holidays_.end() ? national->second : std::vector<std::uint8_t>(static_cast<std::size_t>(kDays), 0);
    }
    if (slot(day) >= 0 && slot(day) < kDays) mask[static_cast<std::size_t>(slot(day))] = 1;
  }
  n->no_holidays_.assign(static_cast<std::size_t>(kDays), 0);
  std::map<std::vector<std::uint8_t>, const Mask*> shared_masks;
  const auto intern = [&](std::vector<std::uint8_t> closed) {
    auto [it, added] = shared_masks.emplace(std::move(closed), nullptr);
    if (added) {
      n->masks_.push_back(std::make_unique<Mask>(Mask{it->first}));
      it->second = n->masks_.back().get();
    }
    return it->second;
  };
  const auto mark = [&](std::vector<std::uint8_t>& mask, const std::vector<Date>& dates) {
    for (const auto& d : dates) {
      const auto day = calendar::days_from_civil(d) - n->first_day_;
      if (day >= 0 && day < kDays) mask[static_cast<std::size_t>(day)] = 1;
    }
  };

  const auto clock_for = [&](const TimeZone& zone) -> std::uint32_t {
    for (std::uint32_t i = 0; i < n->clocks_.size(); ++i) {
      if (n->clocks_[i].zone.name() == zone.name()) return i;
    }
    Clock c{zone, std::vector<std::int16_t>(static_cast<std::size_t>(kDays)), std::vector<std::uint8_t>(static_cast<std::size_t>(kDays))};
    for (std::int64_t d = 0; d < kDays; ++d) {
      const Instant midnight = (n->first_day_ + d) * kMicrosPerDay;
      const int at_noon = zone.offset_minutes(midnight + 12 * 60 * kMinute);
      c.offset[static_cast<std::size_t>(d)] = static_cast<std::int16_t>(at_noon);
      c.changes[static_cast<std::size_t>(d)] =
          zone.offset_minutes(midnight - 3 * 60 * kMinute) != zone.offset_minutes(midnight + 27 * 60 * kMinute);
    }
    n->clocks_.push_back(std::move(c));
    return static_cast<std::uint32_t>(n->clocks_.size() - 1);
  };
  for (const auto country : {"FR", "MC", "DE", "GB", "IE", "PT", "BE", "NL", "LU", "ES", "IT", "AT", "CH", "PL", "CZ", "DK"}) {
    if (const auto zone = destination_zone(country)) clock_for(*zone);
  }
  for (const auto& input : sites) {
    if (input.profile == nullptr) continue;
    const auto zone = TimeZone::find(input.profile->time_zone);
    if (!zone) continue;
    const auto& p = *input.profile;
    const auto& rule = preparation_of(n->config_, input);
    Site s{input.site_id, input.profile, *zone, 0, {p.latitude, p.longitude},
           std::cos(p.latitude * 3.14159265358979323846 / 180.0),
           p.latitude != 0 || p.longitude != 0,
           p.type == site::SiteType::warehouse || p.type == site::SiteType::dark_store ||
               (p.type == site::SiteType::store && p.capabilities.ship_from_store),
           p.type != site::SiteType::pickup_point && p.capabilities.click_and_collect,
           rule.preparation_minutes, rule.cutoff_minute,
           rule.daily_capacity >= 0 ? rule.daily_capacity : p.daily_capacity, p.opening_hours,
           nullptr};
    s.clock = clock_for(*zone);
    auto closed = n->holidays_of(p.country, p.region);
    mark(closed, rule.closed_dates);
    s.closed = intern(std::move(closed));
    n->index_.emplace_back(s.id, static_cast<std::int32_t>(n->sites_.size()));
    n->sites_.push_back(std::move(s));
  }
  std::sort(n->index_.begin(), n->index_.end());
  for (const auto& service : n->config_.services) {
    std::vector<std::uint8_t> closed(static_cast<std::size_t>(kDays), 0);
    mark(closed, service.closed_dates);
    std::vector<std::pair<Weekdays, std::uint16_t>> pickup;
    pickup.reserve(n->sites_.size());
    for (const auto& site : n->sites_) {
      std::pair<Weekdays, std::uint16_t> rule{service.pickup_days, service.pickup_cutoff_minute};
      for (const auto& p : service.site_pickups) {
        if (matches(p.sites, site.id, *site.profile)) {
          rule = {p.days, p.cutoff_minute};
          break;
        }
      }
      pickup.push_back(rule);
    }
    n->services_.push_back({&service, intern(std::move(closed)), std::move(pickup)});
  }
  return n;
}

const std::vector<std::uint8_t>& Network::holidays_of(std::string_view country, std::string_view region) const {
  std::string key(country);
  key += ':';
  key += region;
  if (auto it = holidays_.find(key); it != holidays_.end()) return it->second;
  key.resize(country.size() + 1);
  key += '*';
  if (auto it = holidays_.find(key); it != holidays_.end()) return it->second;
  return no_holidays_;
}

std::int32_t Network::clock_of(std::string_view zone_name) const {
  for (std::size_t i = 0; i < clocks_.size(); ++i) {
    if (clocks_[i].zone.name() == zone_name) return static_cast<std::int32_t>(i);
  }
  return -1;
}

std::int32_t Network::index_of(std::string_view site_id) const {
  const auto it = std::lower_bound(index_.begin(), index_.end(), site_id,
                                   [](const auto& entry, std::string_view id) { return entry.first < id; });
  return it != index_.end() && it->first == site_id ? it->second : -1;
}

// ---------------------------------------------------------------------------------------------
// Computing a promise

namespace {

struct Ready {
  bool ok = false;
  std::int64_t prep_day = 0;  // the preparing site's local day the preparation starts (and takes capacity)
  std::int64_t day = 0;       // the local day it is ready: later when preparation outlasts opening hours
  std::uint32_t minute = 0;   // ready at, minutes after that day's midnight, within opening hours
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
    Instant from = 0;           // stock there from (receipts), or the request's time
    std::int32_t distance_km = -1;
    Ready ready;                // shipping preparation, computed lazily
    bool ready_done = false;
  };
  std::vector<Candidate> candidates_;
  std::int32_t stores_nearby_ = 0;  // collect-capable stores within reach (with or without stock)

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

  bool in_range(std::int64_t day) const { return day >= n_.first_day() && day <= n_.last_day() && day <= last_day_; }
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
  void ship(const Network::CompiledService& svc);
  void collect();
  void ship_to_store(const Network::CompiledService& svc, const Network::Site* store, std::int32_t store_index);
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
    const double grams = std::min(1e15, tonne_km * s.carbon_g_per_tonne_km);  // an absurd cart stays a number
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
  for (Cause c : {Cause::awaiting_stock, Cause::capacity_full, Cause::past_cutoff, Cause::site_closed,
                  Cause::carrier_closed}) {
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
  std::string text = "earliest " + calendar::to_string(date) + ", beyond " + std::to_string(max_days) + " day(s)";
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

/// The home, express or relay option of one service: the candidate site delivering first (then
/// nearest, then by id).
void Computation::ship(const Network::CompiledService& svc) {
  const Service& s = *svc.service;
  const std::string& country = r_.destination.country;
  struct Best {
    bool found = false;
    std::int64_t delivery = 0;
    std::int32_t distance = 0;
    std::uint32_t site = 0;
    std::int64_t pickup = 0;
    Ready ready;
    std::uint16_t delays = 0;
  } best;
  std::uint16_t late_delays = 0;
  bool any_band = false, any_origin = false, any_ready = false;
  Cause ready_failure = Cause::site_closed;
  std::int64_t late_best = kNever;
  const std::int64_t max_day = s.max_days > 0 ? today_ + s.max_days : last_day_;
  for (auto& c : candidates_) {
    const auto& site = n_.sites()[c.site];
    if (!site.ships) continue;
    const auto& origin = site.profile->country;
    if (s.origin_countries.empty() ? origin != country : !contains(s.origin_countries, origin)) continue;
    any_origin = true;
    const TransitBand* band = nullptr;
    for (const auto& b : s.transit) {
      if (!b.zone.empty() && b.zone != zone_) continue;
      if (b.max_km > 0 && (c.distance_km < 0 || c.distance_km > b.max_km)) continue;
      band = &b;
      break;
    }
    if (band == nullptr) continue;
    any_band = true;
    const Ready& rd = ready(c);
    if (!rd.ok) {
      ready_failure = rd.failure;
      continue;
    }
    any_ready = true;
    std::uint16_t delays = rd.delays;
    // The carrier's pickup: the first pickup day from the ready day, before the cut-off that day.
    const auto [pickup_days, pickup_cutoff] = svc.pickup[c.site];
    std::int64_t pickup = rd.day;
    for (; in_range(pickup); ++pickup) {
      const auto& hours = site.hours[weekday_of(pickup)];
      const bool open = has_day(pickup_days, pickup) && !site.closed->closed[at(pickup)] &&
                        hours.open_minute < hours.close_minute && !svc.closed->closed[at(pickup)];
      if (open && (pickup > rd.day || rd.minute <= pickup_cutoff)) break;
      if (open) delays |= bit(Cause::past_cutoff);
      else if (has_day(pickup_days, pickup)) delays |= bit(Cause::carrier_closed);
    }
    if (!in_range(pickup)) continue;
    // Transit in delivery days; a 0-day band delivers the day of the pickup.
    std::int64_t day = pickup;
    std::int32_t left = band->days;
    if (left == 0) {
      while (in_range(day) && !delivers(svc, day)) ++day;
    } else {
      while (left > 0 && in_range(day + 1)) {
        ++day;
        if (delivers(svc, day)) --left;
        else if (has_day(s.delivery_days, day)) delays |= bit(Cause::carrier_closed);
      }
      if (left > 0) continue;
    }
    if (!in_range(day)) continue;
    if (day > max_day) {
      if (day < late_best) {
        late_best = day;
        late_delays = delays;
      }
      continue;
    }
    // Unknown distances rank last among sites delivering the same day.
    const std::int32_t km = c.distance_km < 0 ? std::numeric_limits<std::int32_t>::max() : c.distance_km;
    if (!best.found || day < best.delivery ||
        (day == best.delivery && (km < best.distance || (km == best.distance && site.id < n_.sites()[best.site].id)))) {
      best = {true, day, km, c.site, pickup, rd, delays};
    }
  }
  if (!best.found) {
    if (!any_origin) refuse(&s, s.method, Cause::no_stock, "no site it collects from can supply the whole cart");
    else if (!any_band) refuse(&s, s.method, Cause::not_served, "no transit band serves zone '" + zone_ + "' at that distance");
    else if (!any_ready) refuse(&s, s.method, ready_failure, "no site can prepare the cart within the horizon");
    else if (late_best != kNever) {
      refuse(&s, s.method, main_delay(late_delays) == Cause::too_late ? Cause::too_late : main_delay(late_delays),
             describe_late(calendar::civil_from_days(late_best), s.max_days, late_delays));
    } else {
      refuse(&s, s.method, Cause::carrier_closed, "no pickup or delivery day within the horizon");
    }
    return;
  }
  const auto& site = n_.sites()[best.site];
  Option o;
  o.id = s.id + "@" + site.id;
  o.method = s.method;
  o.carrier = s.carrier;
  o.service = s.id;
  o.date = calendar::civil_from_days(best.delivery);
  o.window = s.window;
  o.earliest_at = instant(destination_clock_, best.delivery, s.window.from_minute);
  o.promised_at = s.window.to_minute > 0 && s.window.to_minute < 1440
                      ? instant(destination_clock_, best.delivery, s.window.to_minute)
                      : instant(destination_clock_, best.delivery + 1, 0) - 1;
  if (best.pickup == best.ready.day && best.ready.prep_day == best.ready.day && best.ready.order_by != 0) {
    // Ordering later than this moves the date: the preparation cut-off, or the latest start that
    // still meets the carrier's pickup.
    const std::int64_t latest_start = static_cast<std::int64_t>(svc.pickup[best.site].second) - site.preparation_minutes;
    Instant by = best.ready.order_by;
    if (latest_start >= 0 && latest_start < 1440) {
      by = std::min(by, instant(site.clock, best.ready.day, static_cast<std::uint32_t>(latest_start)));
    }
    o.order_by = by;
  }
  o.ship_from = site.id;
  o.ship_date = calendar::civil_from_days(best.pickup);
  o.local_prep_day = best.ready.prep_day;
  const std::int32_t km = best.distance == std::numeric_limits<std::int32_t>::max() ? 0 : best.distance;
  o.price_minor = price(s);
  o.carbon_g = carbon(s, km);
  o.distance_km = km;
  o.delays = causes_of(best.delays);
  result_.options.push_back(std::move(o));
}

/// Click and collect: stores near the customer that have the cart, ready soonest first.
void Computation::collect() {
  const Collect& c = config_.collect;
  if (!c.enabled || !contains(c.channels, r_.channel)) return;
  if (!r_.destination.point) {
    refuse(nullptr, DeliveryMethod::click_and_collect, Cause::no_store_nearby, "the destination's location is unknown");
    return;
  }
  struct Choice {
    Instant ready_at;
    std::int32_t km;
    std::uint32_t site;
    Ready ready;
    std::int64_t day;
    std::uint32_t minute;
  };
  std::vector<Choice> choices;
  std::uint16_t late_delays = 0;
  bool any_nearby = false, any_late = false;
  Cause failure = Cause::site_closed;
  const std::int64_t max_day = c.max_days > 0 ? today_ + c.max_days : last_day_;
  for (auto& cand : candidates_) {
    const auto& site = n_.sites()[cand.site];
    if (!site.collects || cand.distance_km < 0 || cand.distance_km > c.max_distance_km) continue;
    any_nearby = true;
    const Ready rd = prepare(cand.site, cand.from, c.preparation_minutes);
    if (!rd.ok) {
      failure = rd.failure;
      continue;
    }
    // Ready after closing: collectable from the next opening.
    std::int64_t day = rd.day;
    std::uint32_t minute = rd.minute;
    std::uint16_t delays = rd.delays;
    while (in_range(day)) {
      const auto& hours = site.hours[weekday_of(day)];
      const bool open = !site.closed->closed[at(day)] && hours.open_minute < hours.close_minute;
      if (open && minute < hours.close_minute) {
        minute = std::max<std::uint32_t>(minute, hours.open_minute);
        break;
      }
      if (!open) delays |= bit(Cause::site_closed);
      ++day;
      minute = 0;
    }
    if (!in_range(day)) continue;
    if (day > max_day) {
      any_late = true;
      late_delays |= delays;
      continue;
    }
    Ready shown = rd;
    shown.delays = delays;
    choices.push_back({instant(site.clock, day, minute), cand.distance_km, cand.site,
                       shown, day, minute});
  }
  if (choices.empty()) {
    if (!any_nearby) {
      refuse(nullptr, DeliveryMethod::click_and_collect, stores_nearby_ > 0 ? Cause::no_stock : Cause::no_store_nearby,
             stores_nearby_ > 0 ? "no store within " + std::to_string(c.max_distance_km) + " km has the whole cart"
                                : "no click and collect store within " + std::to_string(c.max_distance_km) + " km");
    } else if (any_late) {
      refuse(nullptr, DeliveryMethod::click_and_collect, main_delay(late_delays),
             "ready only beyond " + std::to_string(c.max_days) + " day(s)");
    } else {
      refuse(nullptr, DeliveryMethod::click_and_collect, failure, "no store nearby can prepare the cart within the horizon");
    }
    return;
  }
  std::sort(choices.begin(), choices.end(), [&](const Choice& a, const Choice& b) {
    return std::tie(a.ready_at, a.km, n_.sites()[a.site].id) < std::tie(b.ready_at, b.km, n_.sites()[b.site].id);
  });
  if (choices.size() > static_cast<std::size_t>(c.max_stores)) choices.resize(static_cast<std::size_t>(c.max_stores));
  for (const auto& ch : choices) {
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
    if (ch.ready.day == ch.day) o.order_by = ch.ready.order_by;
    o.ship_from = site.id;
    o.collect_at = site.id;
    o.ship_date = o.date;
    o.local_prep_day = ch.ready.prep_day;
    o.price_minor = c.price_minor;
    o.carbon_g = 0;
    o.distance_km = ch.km;
    o.delays = causes_of(ch.ready.delays);
    result_.options.push_back(std::move(o));
  }
}

/// Ship to store: a carrier takes the cart from the site that delivers it first to the store
/// nearest the customer, where it is collected from the store's next opening.
void Computation::ship_to_store(const Network::CompiledService& svc, const Network::Site* store,
                                std::int32_t store_index) {
  const Service& s = *svc.service;
  if (store == nullptr) {
    refuse(&s, s.method, Cause::no_store_nearby,
           "no click and collect store within " + std::to_string(config_.ship_to_store_max_km) + " km");
    return;
  }
  const std::size_t before = result_.options.size();
  // The transit is to the store, so the distance bands read the site-to-store distance.
  std::vector<std::int32_t> saved;
  saved.reserve(candidates_.size());
  for (auto& c : candidates_) {
    saved.push_back(c.distance_km);
    c.distance_km = static_cast<std::uint32_t>(store_index) == c.site ? 0 : distance(n_.sites()[c.site], store->point);
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
    refuse(&s, s.method, Cause::site_closed, "the store " + store->id + " does not open within the horizon");
    return;
  }
  const std::int64_t max_day = s.max_days > 0 ? today_ + s.max_days : last_day_;
  if (day > max_day) {
    result_.options.pop_back();
    refuse(&s, s.method, Cause::too_late,
           "collectable at " + store->id + " only on " + calendar::to_string(calendar::civil_from_days(day)));
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

Result Computation::run() {
  destination_zone_ = destination_zone(r_.destination.country);
  if (!destination_zone_) {
    for (const auto& svc : n_.services()) {
      refuse(svc.service, svc.service->method, Cause::not_served, "Ordo has no calendar for " + r_.destination.country);
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
  for (const auto& z : config_.zones) {
    if (z.country != r_.destination.country) continue;
    const bool by_prefix = std::any_of(z.postcode_prefixes.begin(), z.postcode_prefixes.end(),
                                       [&](const std::string& p) { return r_.destination.postcode.starts_with(p); });
    const bool by_region = std::find(z.regions.begin(), z.regions.end(), r_.destination.region) != z.regions.end();
    if (by_prefix || by_region || (z.postcode_prefixes.empty() && z.regions.empty())) {
      zone_ = z.name;
      break;
    }
  }
  if (!r_.lines.empty()) gather();

  // The store nearest the customer, for ship to store; click and collect stores within reach.
  const Network::Site* store = nullptr;
  std::int32_t store_index = -1;
  if (r_.destination.point) {
    std::int32_t nearest = std::numeric_limits<std::int32_t>::max();
    for (std::size_t i = 0; i < n_.size(); ++i) {
      const auto& site = n_.sites()[i];
      if (!site.collects) continue;
      const auto km = distance(site, *r_.destination.point);
      if (km < 0) continue;
      if (km <= config_.collect.max_distance_km) ++stores_nearby_;
      if (km <= config_.ship_to_store_max_km && km < nearest) {
        nearest = km;
        store = &site;
        store_index = static_cast<std::int32_t>(i);
      }
    }
  }

  for (const auto& svc : n_.services()) {
    const Service& s = *svc.service;
    if (!contains(s.channels, r_.channel)) {
      refuse(&s, s.method, Cause::not_served, "not offered to channel '" + r_.channel + "'");
      continue;
    }
    if (!contains(s.countries, r_.destination.country)) {
      refuse(&s, s.method, Cause::not_served, "does not deliver to " + r_.destination.country);
      continue;
    }
    if (s.max_weight_g > 0 && r_.weight_g > s.max_weight_g) {
      refuse(&s, s.method, Cause::over_weight, std::to_string(r_.weight_g) + " g over the limit of " +
                                                   std::to_string(s.max_weight_g) + " g");
      continue;
    }
    if (s.max_volume_cm3 > 0 && r_.volume_cm3 > s.max_volume_cm3) {
      refuse(&s, s.method, Cause::over_volume, std::to_string(r_.volume_cm3) + " cm3 over the limit of " +
                                                   std::to_string(s.max_volume_cm3) + " cm3");
      continue;
    }
    if (candidates_.empty()) {
      refuse(&s, s.method, Cause::no_stock, "no site can supply the whole cart within the horizon");
      continue;
    }
    if (s.method == DeliveryMethod::ship_to_store) ship_to_store(svc, store, store_index);
    else ship(svc);
  }
  if (candidates_.empty() && config_.collect.enabled && contains(config_.collect.channels, r_.channel)) {
    refuse(nullptr, DeliveryMethod::click_and_collect, Cause::no_stock, "no store has the whole cart");
  } else {
    collect();
  }
  std::stable_sort(result_.options.begin(), result_.options.end(), [](const Option& a, const Option& b) {
    return std::tie(a.promised_at, a.price_minor, a.id) < std::tie(b.promised_at, b.price_minor, b.id);
  });
  return std::move(result_);
}

}  // namespace

Result compute(const Network& network, const Request& request, const LoadLookup& load) {
  return Computation(network, request, load).run();
}

}  // namespace ordo::domain::promise
