// The promise engine's test world: four real sites (a warehouse near Paris, stores in Strasbourg
// and Lyon, a warehouse in Daventry), two French services and Royal Mail, the 2026-2027 holidays
// these cases need, and helpers to promise a cart at a site's wall-clock time.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "domain/promise.h"

namespace ordo::domain::promise::testing {

using calendar::Date;
using calendar::TimeZone;
using site::SiteType;
constexpr Instant kMinute = 60'000'000;

inline const TimeZone& paris() {
  static const TimeZone zone = *TimeZone::find("Europe/Paris");
  return zone;
}
inline const TimeZone& london() {
  static const TimeZone zone = *TimeZone::find("Europe/London");
  return zone;
}
inline Instant paris_time(Date date, unsigned hour, unsigned minute = 0) {
  return paris().to_instant({date, hour * 60 + minute});
}
inline Instant utc(Date date, unsigned hour, unsigned minute = 0) {
  return calendar::days_from_civil(date) * kMicrosPerDay + (hour * 60 + minute) * kMinute;
}

inline calendar::Holidays holidays() {
  calendar::Holidays h;
  for (const Date d :
       {Date{2026, 1, 1}, Date{2026, 4, 6}, Date{2026, 5, 1}, Date{2026, 5, 8}, Date{2026, 5, 14},
        Date{2026, 5, 25}, Date{2026, 7, 14}, Date{2026, 8, 15}, Date{2026, 11, 1},
        Date{2026, 11, 11}, Date{2026, 12, 25}, Date{2027, 1, 1}}) {
    h.add("FR", "*", d);
  }
  // Alsace-Moselle: Good Friday and St Stephen's Day.
  for (const char* region : {"57", "67", "68"}) {
    h.add("FR", region, {2026, 4, 3});
    h.add("FR", region, {2026, 12, 26});
  }
  for (const Date d : {Date{2026, 12, 25}, Date{2026, 12, 28}, Date{2027, 1, 1}})
    h.add("GB", "*", d);
  for (const Date d : {Date{2026, 12, 25}, Date{2026, 12, 26}, Date{2027, 1, 1}})
    h.add("DE", "*", d);
  return h;
}

inline site::Profile profile(SiteType type, std::string region, double lat, double lon,
                             std::string zone = "Europe/Paris", std::string country = "FR") {
  site::Profile p;
  p.name = "site";
  p.type = type;
  p.country = std::move(country);
  p.region = std::move(region);
  p.latitude = lat;
  p.longitude = lon;
  p.time_zone = std::move(zone);
  p.capabilities = {type == SiteType::store, type == SiteType::store, false};
  const bool warehouse = type == SiteType::warehouse;
  for (std::size_t d = 0; d < 7; ++d) {
    const bool open = warehouse ? d < 5 : d < 6;  // warehouses Monday to Friday, stores to Saturday
    p.opening_hours[d] =
        open ? site::DayHours{static_cast<std::uint16_t>(warehouse ? 360 : 540), 1140}
             : site::DayHours{0, 0};
  }
  p.daily_capacity = 100;
  return p;
}

inline Service home() {
  Service s;
  s.id = "home";
  s.carrier = "colissimo";
  s.method = DeliveryMethod::home_standard;
  s.countries = {"FR"};
  s.transit = {{"", 0, 1}};
  s.pickup_cutoff_minute = 18 * 60;
  s.delivery_days = kMondayToSaturday;
  s.price_minor = 490;
  s.max_weight_g = 30'000;
  s.carbon_g_per_tonne_km = 500;
  s.carbon_g_per_parcel = 150;
  return s;
}

inline Service express() {
  Service s = home();
  s.id = "express";
  s.carrier = "chronopost";
  s.method = DeliveryMethod::home_express;
  s.delivery_days = kMondayToFriday;
  s.window = {0, 13 * 60};
  s.max_days = 1;
  s.price_minor = 1290;
  return s;
}

/// A warehouse near Paris (Bonneuil-sur-Marne), a store in Strasbourg, one in Lyon, a warehouse
/// in Daventry (England).
struct World {
  std::map<std::string, site::Profile> profiles = {
      {"WH-PARIS", profile(SiteType::warehouse, "94", 48.7701, 2.4889)},
      {"ST-STRAS", profile(SiteType::store, "67", 48.5734, 7.7521)},
      {"ST-LYON", profile(SiteType::store, "69", 45.7640, 4.8357)},
      {"WH-DAVENTRY", profile(SiteType::warehouse, "ENG", 52.2565, -1.1620, "Europe/London", "GB")},
  };
  Config config;
  std::map<std::pair<std::string, std::int64_t>, std::int64_t> load;  // (site, local day)
  std::map<std::string, std::int64_t> stock = {
      {"WH-PARIS", 10}, {"ST-STRAS", 10}, {"ST-LYON", 10}, {"WH-DAVENTRY", 10}};
  std::map<std::string, std::vector<std::pair<Instant, std::int64_t>>> receipts;
  std::shared_ptr<const Network> network;

  World() {
    config.zones = {{"FR-ALL", "FR", {}, {}}, {"GB-ALL", "GB", {}, {}}};
    config.services = {home(), express()};
    Service uk = home();
    uk.id = "royal-mail";
    uk.carrier = "royal-mail";
    uk.countries = {"GB"};
    uk.delivery_days = kMondayToSaturday;
    config.services.push_back(uk);
  }

  std::string not_collectable;  // the cart's SKU the catalog keeps from click and collect
  std::string pickup_point;     // the relay the customer chose

  void compile() {
    std::vector<SiteInput> inputs;
    for (const auto& [id, p] : profiles) inputs.push_back({id, &p});
    network = Network::compile(config, inputs, holidays(), {2026, 1, 1});
  }

  Result promise(Instant at, Destination to, std::int64_t quantity = 1, bool explain = true,
                 std::int64_t weight_g = 1000) {
    if (!network) compile();
    Request r;
    r.channel = "web";
    r.destination = std::move(to);
    r.at = at;
    r.explain = explain;
    r.weight_g = weight_g;
    r.value_minor = 5000;
    r.not_collectable = not_collectable;
    r.pickup_point = pickup_point;
    std::vector<SiteSupply> supply;
    for (const auto& [id, units] : stock) {
      const auto index = network->index_of(id);
      if (index < 0) continue;
      supply.push_back({static_cast<std::uint32_t>(index), units, receipts[id]});
    }
    r.lines.push_back({"SKU-1", quantity, supply});
    return compute(*network, r, [&](std::uint32_t site, std::int64_t day) {
      const auto it = load.find({network->site_id(site), day});
      return it == load.end() ? 0 : it->second;
    });
  }
};

inline Destination paris_11() { return {"FR", "75011", "75", geo::Point{48.8574, 2.3795}}; }
inline Destination strasbourg() { return {"FR", "67000", "67", geo::Point{48.5839, 7.7455}}; }
inline Destination london_sw1() { return {"GB", "SW1A", "ENG", geo::Point{51.5010, -0.1416}}; }

inline const Option* find(const Result& r, std::string_view service) {
  for (const auto& o : r.options) {
    if (o.service == service) return &o;
  }
  return nullptr;
}
inline const Infeasible* refused(const Result& r, std::string_view service) {
  for (const auto& i : r.infeasible) {
    if (i.service == service) return &i;
  }
  return nullptr;
}
inline bool delayed_by(const Option& o, Cause cause) {
  return std::find(o.delays.begin(), o.delays.end(), cause) != o.delays.end();
}

}  // namespace ordo::domain::promise::testing
