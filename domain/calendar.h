// Calendars for delivery promises: civil dates, weekdays, sites' local time in European time
// zones across daylight-saving changes, and public holidays per country and region.
//
// libstdc++ 12 has no time zone database (std::chrono::zoned_time came in GCC 14), so the zones
// Ordo serves are described by their rule: a standard offset and, since 1996, the EU summer time
// (from the last Sunday of March, 01:00 UTC, to the last Sunday of October, 01:00 UTC, one hour
// ahead). That rule is the law in the EU and the UK; a zone outside it is refused by name.
// Pure: no clock, no I/O.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

#include "domain/types.h"

namespace ordo::domain::calendar {

struct Date {
  int year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31
  friend auto operator<=>(const Date&, const Date&) = default;
};

/// Days since 1970-01-01 (negative before), and back (proleptic Gregorian calendar).
std::int64_t days_from_civil(const Date& date);
Date civil_from_days(std::int64_t days);
/// 0 = Monday ... 6 = Sunday.
unsigned weekday(const Date& date);
bool valid(const Date& date);
/// "YYYY-MM-DD", or nullopt.
std::optional<Date> parse_date(std::string_view text);
std::string to_string(const Date& date);

/// A moment on a site's wall clock.
struct LocalTime {
  Date date;
  unsigned minute = 0;  // minutes after local midnight, 0..1439
  friend auto operator<=>(const LocalTime&, const LocalTime&) = default;
};

class TimeZone {
 public:
  /// Europe/Paris, Europe/Berlin, Europe/London and the other EU/UK zones Ordo knows; nullopt for
  /// any other name.
  static std::optional<TimeZone> find(std::string_view iana_name);

  const std::string& name() const { return name_; }
  /// Minutes ahead of UTC at `at`.
  int offset_minutes(Instant at) const;
  LocalTime to_local(Instant at) const;
  /// The instant of a wall-clock time. In the hour skipped in spring, the time is read with the
  /// offset before the change (02:30 in Paris on the last Sunday of March is 03:30 CEST); in the
  /// hour repeated in autumn, the first of the two.
  Instant to_instant(const LocalTime& local) const;

 private:
  TimeZone(std::string name, int standard_minutes)
      : name_(std::move(name)), standard_(standard_minutes) {}
  std::string name_;
  int standard_ = 0;
};

/// Public holidays per country and region (ISO 3166-1 country; FR département, DE Land, GB
/// nation ENG/SCT/WLS/NIR; "*" for the whole country).
class Holidays {
 public:
  void add(std::string country, std::string region, const Date& date);
  /// True when `date` is a holiday in the whole country or in the region.
  bool is_holiday(std::string_view country, std::string_view region, const Date& date) const;
  std::size_t size() const { return days_.size(); }
  /// Every (country, region, day since the epoch), sorted.
  const std::set<std::tuple<std::string, std::string, std::int64_t>>& entries() const {
    return days_;
  }

 private:
  std::set<std::tuple<std::string, std::string, std::int64_t>> days_;
};

}  // namespace ordo::domain::calendar
