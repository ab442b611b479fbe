#include "domain/calendar.h"

#include <array>
#include <charconv>
#include <cstdio>

namespace ordo::domain::calendar {
namespace {

constexpr std::int64_t kMinute = 60'000'000;

// EU summer time of `year`: [start, end) in UTC microseconds.
std::pair<Instant, Instant> summer(int year) {
  const auto start_day = [&] {
    const std::int64_t last = days_from_civil({year, 4, 1}) - 1;  // 31 March
    return last - static_cast<std::int64_t>((weekday(civil_from_days(last)) + 1) % 7);
  }();
  const auto end_day = [&] {
    const std::int64_t last = days_from_civil({year, 11, 1}) - 1;  // 31 October
    return last - static_cast<std::int64_t>((weekday(civil_from_days(last)) + 1) % 7);
  }();
  return {start_day * kMicrosPerDay + 60 * kMinute, end_day * kMicrosPerDay + 60 * kMinute};
}

struct Known {
  std::string_view name;
  int standard_minutes;
};
constexpr std::array<Known, 16> kZones = {{
    {"Europe/Paris", 60},
    {"Europe/Berlin", 60},
    {"Europe/Brussels", 60},
    {"Europe/Amsterdam", 60},
    {"Europe/Luxembourg", 60},
    {"Europe/Madrid", 60},
    {"Europe/Rome", 60},
    {"Europe/Vienna", 60},
    {"Europe/Zurich", 60},
    {"Europe/Monaco", 60},
    {"Europe/London", 0},
    {"Europe/Dublin", 0},
    {"Europe/Lisbon", 0},
    {"Europe/Warsaw", 60},
    {"Europe/Prague", 60},
    {"Europe/Copenhagen", 60},
}};

}  // namespace

std::int64_t days_from_civil(const Date& d) {
  const int y = d.year - (d.month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (d.month > 2 ? d.month - 3 : d.month + 9) + 2) / 5 + d.day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

Date civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const auto year =
      static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day};
}

unsigned weekday(const Date& date) {
  const std::int64_t days = days_from_civil(date);  // 1970-01-01 was a Thursday (3)
  return static_cast<unsigned>(((days % 7) + 7 + 3) % 7);
}

bool valid(const Date& d) {
  if (d.month < 1 || d.month > 12 || d.day < 1) return false;
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
  return d.day <= kDays[d.month - 1] + (d.month == 2 && leap ? 1 : 0);
}

std::optional<Date> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  Date d;
  auto number = [&](std::size_t from, std::size_t length, auto& out) {
    const auto* begin = text.data() + from;
    const auto [end, ec] = std::from_chars(begin, begin + length, out);
    return ec == std::errc() && end == begin + length;
  };
  if (!number(0, 4, d.year) || !number(5, 2, d.month) || !number(8, 2, d.day) || !valid(d))
    return std::nullopt;
  return d;
}

std::string to_string(const Date& d) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", d.year, d.month, d.day);
  return text;
}

std::optional<TimeZone> TimeZone::find(std::string_view name) {
  for (const auto& z : kZones) {
    if (z.name == name) return TimeZone(std::string(name), z.standard_minutes);
  }
  return std::nullopt;
}

int TimeZone::offset_minutes(Instant at) const {
  const auto year = civil_from_days((at >= 0 ? at : at - kMicrosPerDay + 1) / kMicrosPerDay).year;
  const auto [start, end] = summer(year);
  return standard_ + (at >= start && at < end ? 60 : 0);
}

LocalTime TimeZone::to_local(Instant at) const {
  const Instant local = at + offset_minutes(at) * kMinute;
  const std::int64_t days = (local >= 0 ? local : local - kMicrosPerDay + 1) / kMicrosPerDay;
  return {civil_from_days(days), static_cast<unsigned>((local - days * kMicrosPerDay) / kMinute)};
}

Instant TimeZone::to_instant(const LocalTime& local) const {
  const Instant wall =
      days_from_civil(local.date) * kMicrosPerDay + static_cast<Instant>(local.minute) * kMinute;
  // Try the summer offset first (the earlier instant): it is right for a repeated hour's first
  // occurrence and for summer; otherwise the standard one.
  const Instant summer_guess = wall - (standard_ + 60) * kMinute;
  if (offset_minutes(summer_guess) == standard_ + 60) return summer_guess;
  const Instant standard_guess = wall - standard_ * kMinute;
  if (offset_minutes(standard_guess) == standard_) return standard_guess;
  return standard_guess;  // the skipped hour: read with the offset before the change
}

void Holidays::add(std::string country, std::string region, const Date& date) {
  days_.emplace(std::move(country), std::move(region), days_from_civil(date));
}

bool Holidays::is_holiday(std::string_view country, std::string_view region,
                          const Date& date) const {
  const auto day = days_from_civil(date);
  return days_.contains({std::string(country), "*", day}) ||
         (!region.empty() && days_.contains({std::string(country), std::string(region), day}));
}

}  // namespace ordo::domain::calendar
