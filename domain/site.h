// Site: a store, warehouse, dark store or pickup point that holds stock or serves customers.
// Stream: "site-<site_id>".
#pragma once

#include <array>
#include <variant>

#include "domain/types.h"

namespace ordo::domain::site {

enum class SiteType : std::uint8_t { store, warehouse, dark_store, pickup_point };

/// A site's lifecycle. Only an open site is a sourcing candidate, shows sellable stock or is
/// offered in a promise. A temporary closure keeps everything as it is for the reopening; closing
/// for good is final: the orders allocated or pre-ordered there are sourced again elsewhere (the
/// engine does it in the same write), it is refused while an order is in preparation there or
/// units are held there for a competitive round, and its remaining stock stays recorded,
/// unsellable, for a transfer.
enum class Status : std::uint8_t { open, temporarily_closed, closed };
std::string_view to_string(Status status);

struct Capabilities {
  bool ship_from_store = false;
  bool click_and_collect = false;
  bool returns = false;
  bool ship_to_store = false;  // receives other sites' parcels for customers to collect
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
  std::vector<std::string> brands;          // brand ids it carries; empty: every brand
  std::vector<std::int64_t> closed_days;    // exceptional closures: local days since the epoch
  Status status = Status::open;  // set by SiteClosed/SiteReopened only; ignored in commands
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
/// Register or update, whichever applies: what an import or a PUT means.
struct DefineSite {
  std::string site_id;
  Profile profile;
  Instant at = 0;
};
struct CloseSite {
  std::string site_id;
  bool for_good = false;
  std::string reason;
  /// Stock units held at the site for competitive rounds still running (the engine counts them);
  /// closing for good is refused while any are. Orders allocated there are sourced again.
  std::int64_t reserved_units = 0;
  Instant at = 0;
};
struct ReopenSite {
  std::string site_id;
  Instant at = 0;
};
using Command = std::variant<RegisterSite, UpdateSite, DefineSite, CloseSite, ReopenSite>;

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
struct SiteClosed {
  std::string site_id;
  bool for_good = false;
  std::string reason;
  Instant closed_at = 0;
  friend bool operator==(const SiteClosed&, const SiteClosed&) = default;
};
struct SiteReopened {
  std::string site_id;
  Instant reopened_at = 0;
  friend bool operator==(const SiteReopened&, const SiteReopened&) = default;
};
using Event = std::variant<SiteRegistered, SiteUpdated, SiteClosed, SiteReopened>;

struct State {
  bool exists = false;
  std::string site_id;
  Profile profile;
  friend bool operator==(const State&, const State&) = default;
};

/// Register: a new site (same profile again: nothing to do; another profile: already_exists).
/// Update: an existing site (not_found otherwise; an unchanged profile: nothing to do).
/// Define: register when new, else update. All three validate the profile: name, country code,
/// coordinates, capacity, hours, brands, closed days (invalid), and keep the site's status. Close:
/// an open or temporarily closed site (closed for good: wrong_state; the same closure again:
/// nothing to do); for good only with no reserved units (wrong_state). Reopen: a temporarily closed
/// site (open: nothing to do; closed for good: wrong_state).
Decision<Event> decide(const Command& command, const State& state);
State evolve(State state, const Event& event);

}  // namespace ordo::domain::site
