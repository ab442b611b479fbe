// Site: a store, warehouse, dark store or pickup point that holds stock or serves customers.
// Stream: "site-<site_id>".
#pragma once

#include <array>
#include <variant>

#include "domain/types.h"

namespace ordo::domain::site {

enum class SiteType : std::uint8_t { store, warehouse, dark_store, pickup_point };

struct Capabilities {
  bool ship_from_store = false;
  bool click_and_collect = false;
  bool returns = false;
  friend bool operator==(const Capabilities&, const Capabilities&) = default;
};

/// Opening hours of one weekday in the site's local time, minutes after midnight; open == close
/// means closed that day.
struct DayHours {
  std::uint16_t open_minute = 0;
  std::uint16_t close_minute = 0;
  friend bool operator==(const DayHours&, const DayHours&) = default;
};

struct Profile {
  std::string name;
  SiteType type = SiteType::store;
  std::string country;  // ISO 3166-1 alpha-2
  std::string region;   // e.g. département "67", Land "BY", "ENG"
  std::string postcode;
  double latitude = 0;  // WGS84 degrees
  double longitude = 0;
  std::string time_zone;  // IANA name, e.g. "Europe/Paris"
  Capabilities capabilities;
  std::array<DayHours, 7> opening_hours{};  // Monday first
  std::int64_t daily_capacity = 0;          // order preparations per day; 0 = none
  friend bool operator==(const Profile&, const Profile&) = default;
};

// Commands
struct RegisterSite {
  std::string site_id;
  Profile profile;
  Instant at = 0;
};
struct UpdateSite {
  std::string site_id;
  Profile profile;
  Instant at = 0;
};
using Command = std::variant<RegisterSite, UpdateSite>;

// Events
struct SiteRegistered {
  std::string site_id;
  Profile profile;
  friend bool operator==(const SiteRegistered&, const SiteRegistered&) = default;
};
struct SiteUpdated {
  std::string site_id;
  Profile profile;
  friend bool operator==(const SiteUpdated&, const SiteUpdated&) = default;
};
using Event = std::variant<SiteRegistered, SiteUpdated>;

struct State {
  bool exists = false;
  std::string site_id;
  Profile profile;
  friend bool operator==(const State&, const State&) = default;
};

/// Register: a new site (same profile again: nothing to do; another profile: already_exists).
/// Update: an existing site (not_found otherwise; an unchanged profile: nothing to do).
/// Both validate the profile: name, country code, coordinates, capacity, hours (invalid).
Decision<Event> decide(const Command& command, const State& state);
State evolve(State state, const Event& event);

}  // namespace ordo::domain::site
