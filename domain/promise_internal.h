// Internal to the promise engine (domain/promise_*.cpp): the compiled network's parts and the
// small calendar helpers they share.
#pragma once

#include <algorithm>
#include <limits>

#include "domain/promise.h"

namespace ordo::domain::promise::detail {

inline constexpr Instant kMinute = 60'000'000;
inline constexpr Instant kNever = std::numeric_limits<Instant>::max();

inline std::uint16_t bit(Cause cause) {
  return static_cast<std::uint16_t>(1u << static_cast<unsigned>(cause));
}

/// True when `list` is empty (no restriction) or holds `value`.
inline bool contains(const std::vector<std::string>& list, std::string_view value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

/// 0 = Monday, for days since the epoch (1970-01-01 was a Thursday).
inline unsigned weekday_of(std::int64_t day) {
  return static_cast<unsigned>(((day % 7) + 7 + 3) % 7);
}

inline bool has_day(Weekdays days, std::int64_t day) { return (days >> weekday_of(day)) & 1u; }

}  // namespace ordo::domain::promise::detail

namespace ordo::domain::promise {

/// Closed days over the Network's range, one byte per day.
struct Network::Mask {
  std::vector<std::uint8_t> closed;
};

/// A time zone's offset for each day of the Network's range, so that a wall-clock time becomes an
/// instant with one subtraction; the days of a daylight-saving change take the zone's own rule.
struct Network::Clock {
  calendar::TimeZone zone;
  std::vector<std::int16_t> offset;   // minutes ahead of UTC at local noon
  std::vector<std::uint8_t> changes;  // 1: the offset changes that day
};

struct Network::Site {
  std::string id;
  const site::Profile* profile = nullptr;
  std::uint32_t clock = 0;  // its time zone: Network::clocks()
  geo::Point point;
  double cos_latitude = 1;
  bool located = false;
  bool ships = false;     // warehouses, dark stores, stores that ship
  bool collects = false;  // click and collect
  bool relay = false;     // a pickup point (relay shop): parcels wait there for the customer
  std::int32_t preparation_minutes = 120;
  std::uint16_t cutoff_minute = 0;
  std::int64_t capacity = 0;
  std::array<site::DayHours, 7> hours{};
  const Mask* closed = nullptr;  // holidays where it is, exceptional closures
};

struct Network::CompiledService {
  const Service* service = nullptr;
  const Mask* closed = nullptr;                            // the carrier's own closed dates
  std::vector<std::pair<Weekdays, std::uint16_t>> pickup;  // per site: days and cut-off
};

}  // namespace ordo::domain::promise
