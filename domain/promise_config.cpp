// The `promise` area's rules: validation, the default, and the names the API shows.
#include <map>

#include "domain/promise_internal.h"

namespace ordo::domain::promise {

std::string_view to_string(Cause cause) {
  switch (cause) {
    case Cause::past_cutoff:
      return "past_cutoff";
    case Cause::site_closed:
      return "site_closed";
    case Cause::carrier_closed:
      return "carrier_closed";
    case Cause::capacity_full:
      return "capacity_full";
    case Cause::awaiting_stock:
      return "awaiting_stock";
    case Cause::no_stock:
      return "no_stock";
    case Cause::over_weight:
      return "over_weight";
    case Cause::over_volume:
      return "over_volume";
    case Cause::not_served:
      return "not_served";
    case Cause::no_store_nearby:
      return "no_store_nearby";
    case Cause::too_late:
      return "too_late";
    case Cause::not_collectable:
      return "not_collectable";
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
  return calendar::TimeZone::find(it->second);
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

void check_minute(std::vector<ConfigError>& errors, const std::string& pointer, int minute,
                  int max) {
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
                 const std::vector<calendar::Date>& dates) {
  for (std::size_t i = 0; i < dates.size(); ++i) {
    if (!calendar::valid(dates[i]))
      errors.push_back({pointer + "/" + std::to_string(i), "is not a date"});
  }
}

}  // namespace

namespace {

void validate_zones(const Config& config, std::vector<ConfigError>& errors) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < config.zones.size(); ++i) {
    const auto& z = config.zones[i];
    const std::string at = "/zones/" + std::to_string(i);
    if (z.name.empty()) {
      errors.push_back({at + "/name", "must not be empty"});
    } else if (std::find(names.begin(), names.end(), z.name) != names.end()) {
      errors.push_back({at + "/name", "zone '" + z.name + "' is defined twice"});
    }
    names.push_back(z.name);
    if (!is_country_code(z.country))
      errors.push_back({at + "/country", "must be an ISO 3166-1 alpha-2 code"});
    for (std::size_t p = 0; p < z.postcode_prefixes.size(); ++p) {
      if (z.postcode_prefixes[p].empty() || z.postcode_prefixes[p].size() > 10) {
        errors.push_back(
            {at + "/postcode_prefixes/" + std::to_string(p), "must be 1 to 10 characters"});
      }
    }
    for (std::size_t r = 0; r < z.regions.size(); ++r) {
      if (z.regions[r].empty())
        errors.push_back({at + "/regions/" + std::to_string(r), "must not be empty"});
    }
  }
}

void validate_transit(const Config& config, const Service& s, const std::string& at,
                      std::vector<ConfigError>& errors) {
  if (s.transit.empty()) errors.push_back({at + "/transit", "must list at least one transit band"});
  for (std::size_t b = 0; b < s.transit.size(); ++b) {
    const auto& band = s.transit[b];
    const std::string bt = at + "/transit/" + std::to_string(b);
    const bool known = std::any_of(config.zones.begin(), config.zones.end(),
                                   [&](const Zone& z) { return z.name == band.zone; });
    if (!band.zone.empty() && !known)
      errors.push_back({bt + "/zone", "unknown zone '" + band.zone + "'"});
    if (band.max_km < 0) errors.push_back({bt + "/max_km", "must be 0 (any distance) or more"});
    if (band.days < 0 || band.days > 60) errors.push_back({bt + "/days", "must be 0..60"});
  }
}

// The calendar of a service: pickup and delivery days, cut-off, window, closures, pickups per site.
void validate_service_calendar(const Service& s, const std::string& at,
                               std::vector<ConfigError>& errors) {
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
  check_dates(errors, at + "/closed_dates", s.closed_dates);
  if (s.max_days < 0 || s.max_days > 366) errors.push_back({at + "/max_days", "must be 0..366"});
  for (std::size_t p = 0; p < s.site_pickups.size(); ++p) {
    const auto& sp = s.site_pickups[p];
    const std::string pt = at + "/site_pickups/" + std::to_string(p);
    validate_site_selector(sp.sites, pt + "/sites", errors);
    if ((sp.days & 0x7f) == 0 || sp.days > 0x7f)
      errors.push_back({pt + "/days", "must name at least one weekday"});
    check_minute(errors, pt + "/cutoff", sp.cutoff_minute, 1440);
  }
}

void validate_services(const Config& config, std::vector<ConfigError>& errors) {
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < config.services.size(); ++i) {
    const auto& s = config.services[i];
    const std::string at = "/services/" + std::to_string(i);
    if (s.id.empty() || s.id.size() > 64 || s.id.find('@') != std::string::npos ||
        s.id == "collect") {
      errors.push_back({at + "/id", "must be 1 to 64 characters without '@' (and not 'collect')"});
    } else if (std::find(ids.begin(), ids.end(), s.id) != ids.end()) {
      errors.push_back({at + "/id", "service '" + s.id + "' is defined twice"});
    }
    ids.push_back(s.id);
    if (s.carrier.empty()) errors.push_back({at + "/carrier", "must not be empty"});
    if (s.method == DeliveryMethod::click_and_collect) {
      errors.push_back({at + "/method",
                        "click and collect is served by stores (see /collect), not by a carrier"});
    }
    check_countries(errors, at + "/countries", s.countries);
    check_countries(errors, at + "/origin_countries", s.origin_countries);
    validate_transit(config, s, at, errors);
    validate_service_calendar(s, at, errors);
    for (const auto& [value, field] :
         {std::pair{s.max_weight_g, "max_weight_g"},
          {s.max_volume_cm3, "max_volume_cm3"},
          {s.price_minor, "price_minor"},
          {s.price_per_kg_minor, "price_per_kg_minor"},
          {s.free_above_minor, "free_above_minor"},
          {std::int64_t{s.carbon_g_per_tonne_km}, "carbon_g_per_tonne_km"},
          {std::int64_t{s.carbon_g_per_parcel}, "carbon_g_per_parcel"}}) {
      if (value < 0) errors.push_back({at + "/" + field, "must not be negative"});
    }
  }
}

void validate_preparation_and_collect(const Config& config, std::vector<ConfigError>& errors) {
  for (std::size_t i = 0; i < config.preparation.size(); ++i) {
    const auto& p = config.preparation[i];
    const std::string at = "/preparation/" + std::to_string(i);
    if (p.name.empty()) errors.push_back({at + "/name", "must not be empty"});
    validate_site_selector(p.sites, at + "/sites", errors);
    if (p.preparation_minutes < 0 || p.preparation_minutes > 7 * 1440) {
      errors.push_back({at + "/preparation_minutes", "must be 0..10080"});
    }
    check_minute(errors, at + "/cutoff", p.cutoff_minute, 1440);
    if (p.daily_capacity < -1)
      errors.push_back({at + "/daily_capacity", "must be -1 (the site's own) or more"});
    check_dates(errors, at + "/closed_dates", p.closed_dates);
  }
  const auto& c = config.collect;
  if (c.max_distance_km < 0) errors.push_back({"/collect/max_distance_km", "must not be negative"});
  if (c.preparation_minutes < 0 || c.preparation_minutes > 7 * 1440) {
    errors.push_back({"/collect/preparation_minutes", "must be 0..10080"});
  }
  if (c.max_stores < 1 || c.max_stores > 50)
    errors.push_back({"/collect/max_stores", "must be 1..50"});
  for (std::size_t i = 0; i < c.excluded_categories.size(); ++i) {
    if (c.excluded_categories[i].empty())
      errors.push_back({"/collect/excluded_categories/" + std::to_string(i),
                        "a category prefix is required (\"\" would exclude every item)"});
  }
  if (c.max_days < 0 || c.max_days > 366) errors.push_back({"/collect/max_days", "must be 0..366"});
  if (c.price_minor < 0) errors.push_back({"/collect/price_minor", "must not be negative"});
}

}  // namespace

std::vector<ConfigError> validate(const Config& config) {
  std::vector<ConfigError> errors;
  validate_zones(config, errors);
  validate_services(config, errors);
  validate_preparation_and_collect(config, errors);
  if (config.ship_to_store_max_km < 0)
    errors.push_back({"/ship_to_store_max_km", "must not be negative"});
  if (config.pickup_point_max_km < 0)
    errors.push_back({"/pickup_point_max_km", "must not be negative"});
  if (config.horizon_days < 1 || config.horizon_days > 366)
    errors.push_back({"/horizon_days", "must be 1..366"});
  if (!is_currency_code(config.currency))
    errors.push_back({"/currency", "must be an ISO 4217 code"});
  return errors;
}

const Config& default_config() {
  static const Config kDefault{};
  return kDefault;
}

bool collectable(const Collect& collect, bool item_eligible, std::string_view category) {
  if (!item_eligible) return false;
  return std::none_of(collect.excluded_categories.begin(), collect.excluded_categories.end(),
                      [&](const std::string& prefix) { return category.starts_with(prefix); });
}

}  // namespace ordo::domain::promise
