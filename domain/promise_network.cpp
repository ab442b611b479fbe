// The configuration compiled against the site network: sites indexed, calendars as day masks,
// each time zone's offset per day, each service's pickup rule per site.
#include <cmath>
#include <map>

#include "domain/promise_internal.h"

namespace ordo::domain::promise {

using calendar::Date;
using calendar::TimeZone;
using detail::kMinute;

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

// Masks of closed days, shared between sites and services that have the same.
struct Network::Interner {
  Network& network;
  std::map<std::vector<std::uint8_t>, const Mask*> shared;

  const Mask* intern(std::vector<std::uint8_t> closed) {
    auto [it, added] = shared.emplace(std::move(closed), nullptr);
    if (added) {
      network.masks_.push_back(std::make_unique<Mask>(Mask{it->first}));
      it->second = network.masks_.back().get();
    }
    return it->second;
  }
  void mark(std::vector<std::uint8_t>& mask, const std::vector<Date>& dates) const {
    for (const auto& d : dates) {
      const auto day = calendar::days_from_civil(d) - network.first_day_;
      if (day >= 0 && day < kDays) mask[static_cast<std::size_t>(day)] = 1;
    }
  }
  void mark(std::vector<std::uint8_t>& mask, const std::vector<std::int64_t>& days) const {
    for (const auto d : days) {
      const auto day = d - network.first_day_;
      if (day >= 0 && day < kDays) mask[static_cast<std::size_t>(day)] = 1;
    }
  }
};

// Public holidays: national ones, then each region's on top of its country's.
void Network::compile_holidays(const calendar::Holidays& holidays) {
  const auto slot = [&](std::int64_t day) { return day - first_day_; };
  for (const auto& [country, region, day] : holidays.entries()) {
    if (region != "*") continue;
    auto& mask = holidays_[country + ":*"];
    if (mask.empty()) mask.assign(static_cast<std::size_t>(kDays), 0);
    if (slot(day) >= 0 && slot(day) < kDays) mask[static_cast<std::size_t>(slot(day))] = 1;
  }
  for (const auto& [country, region, day] : holidays.entries()) {
    if (region == "*") continue;
    auto& mask = holidays_[country + ":" + region];
    if (mask.empty()) {
      const auto national = holidays_.find(country + ":*");
      mask = national != holidays_.end()
                 ? national->second
                 : std::vector<std::uint8_t>(static_cast<std::size_t>(kDays), 0);
    }
    if (slot(day) >= 0 && slot(day) < kDays) mask[static_cast<std::size_t>(slot(day))] = 1;
  }
  no_holidays_.assign(static_cast<std::size_t>(kDays), 0);
}

// The clock of a time zone, made once: its offset at noon of every day, and the days it changes.
std::uint32_t Network::clock_for(const TimeZone& zone) {
  for (std::uint32_t i = 0; i < clocks_.size(); ++i) {
    if (clocks_[i].zone.name() == zone.name()) return i;
  }
  Clock c{zone, std::vector<std::int16_t>(static_cast<std::size_t>(kDays)),
          std::vector<std::uint8_t>(static_cast<std::size_t>(kDays))};
  for (std::int64_t d = 0; d < kDays; ++d) {
    const Instant midnight = (first_day_ + d) * kMicrosPerDay;
    const int at_noon = zone.offset_minutes(midnight + 12 * 60 * kMinute);
    c.offset[static_cast<std::size_t>(d)] = static_cast<std::int16_t>(at_noon);
    c.changes[static_cast<std::size_t>(d)] = zone.offset_minutes(midnight - 3 * 60 * kMinute) !=
                                             zone.offset_minutes(midnight + 27 * 60 * kMinute);
  }
  clocks_.push_back(std::move(c));
  return static_cast<std::uint32_t>(clocks_.size() - 1);
}

void Network::compile_sites(std::span<const SiteInput> sites, Interner& masks) {
  for (const auto& input : sites) {
    // A closed site keeps no promise (domain/site.h).
    if (input.profile == nullptr || input.profile->status != site::Status::open) continue;
    const auto zone = TimeZone::find(input.profile->time_zone);
    if (!zone) continue;
    const auto& p = *input.profile;
    const auto& rule = preparation_of(config_, input);
    Site s{input.site_id,
           input.profile,
           0,
           {p.latitude, p.longitude},
           std::cos(p.latitude * 3.14159265358979323846 / 180.0),
           p.latitude != 0 || p.longitude != 0,
           p.type == site::SiteType::warehouse || p.type == site::SiteType::dark_store ||
               (p.type == site::SiteType::store && p.capabilities.ship_from_store),
           p.type != site::SiteType::pickup_point && p.capabilities.click_and_collect,
           p.type == site::SiteType::pickup_point,
           rule.preparation_minutes,
           rule.cutoff_minute,
           rule.daily_capacity >= 0 ? rule.daily_capacity : p.daily_capacity,
           p.opening_hours,
           nullptr};
    s.clock = clock_for(*zone);
    auto closed = holidays_of(p.country, p.region);
    masks.mark(closed, rule.closed_dates);
    masks.mark(closed, p.closed_days);  // the site's own exceptional closures
    s.closed = masks.intern(std::move(closed));
    index_.emplace_back(s.id, static_cast<std::int32_t>(sites_.size()));
    sites_.push_back(std::move(s));
  }
  std::sort(index_.begin(), index_.end());
}

// Each service's own closed dates, and its pickup rule at each site.
void Network::compile_services(Interner& masks) {
  for (const auto& service : config_.services) {
    std::vector<std::uint8_t> closed(static_cast<std::size_t>(kDays), 0);
    masks.mark(closed, service.closed_dates);
    std::vector<std::pair<Weekdays, std::uint16_t>> pickup;
    pickup.reserve(sites_.size());
    for (const auto& site : sites_) {
      std::pair<Weekdays, std::uint16_t> rule{service.pickup_days, service.pickup_cutoff_minute};
      for (const auto& p : service.site_pickups) {
        if (matches(p.sites, site.id, *site.profile)) {
          rule = {p.days, p.cutoff_minute};
          break;
        }
      }
      pickup.push_back(rule);
    }
    services_.push_back({&service, masks.intern(std::move(closed)), std::move(pickup)});
  }
}

std::shared_ptr<const Network> Network::compile(const Config& config,
                                                std::span<const SiteInput> sites,
                                                const calendar::Holidays& holidays,
                                                Date first_day) {
  std::shared_ptr<Network> n(new Network());
  n->config_ = config;
  n->first_day_ = calendar::days_from_civil(first_day);
  n->compile_holidays(holidays);
  for (const auto country : {"FR", "MC", "DE", "GB", "IE", "PT", "BE", "NL", "LU", "ES", "IT", "AT",
                             "CH", "PL", "CZ", "DK"}) {
    if (const auto zone = destination_zone(country)) n->clock_for(*zone);
  }
  Interner masks{*n, {}};
  n->compile_sites(sites, masks);
  n->compile_services(masks);
  return n;
}

const std::vector<std::uint8_t>& Network::holidays_of(std::string_view country,
                                                      std::string_view region) const {
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
  const auto it =
      std::lower_bound(index_.begin(), index_.end(), site_id,
                       [](const auto& entry, std::string_view id) { return entry.first < id; });
  return it != index_.end() && it->first == site_id ? it->second : -1;
}

}  // namespace ordo::domain::promise
