#include "domain/site.h"

#include <charconv>
#include <optional>
#include <string_view>
#include <utility>

#include "base/id.h"

namespace ordo::domain::site {
namespace {

constexpr std::uint16_t kMinutesPerDay = 24 * 60;
constexpr std::array<std::string_view, 7> kWeekdays = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

std::optional<std::string> hours_problem(const std::array<DayHours, 7>& hours) {
  for (std::size_t day = 0; day < hours.size(); ++day) {
    const DayHours& h = hours[day];
    const std::string name(kWeekdays[day]);
    // 1440 is allowed as a closing time so that a site open around the clock can say so.
    if (h.close_minute > kMinutesPerDay) {
      return name + " closes at minute " + std::to_string(h.close_minute) +
             ", after the end of the day (minute 1440)";
    }
    // Hours past midnight would need the next day's entry; refusing them keeps "open at minute
    // m of day d" a single comparison for promise and capacity rules.
    if (h.open_minute > h.close_minute) {
      return name + " opens at minute " + std::to_string(h.open_minute) +
             " after it closes at minute " + std::to_string(h.close_minute);
    }
  }
  return std::nullopt;
}

// Shortest form that reads back as the same double ("48.5839", not "48.583900").
std::string degrees(double value) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

// Negated comparisons so that NaN, which compares false with everything, is refused too.
std::optional<std::string> coordinates_problem(double latitude, double longitude) {
  if (!(latitude >= -90.0 && latitude <= 90.0)) {
    return "latitude " + degrees(latitude) + " is outside -90..90 degrees";
  }
  if (!(longitude >= -180.0 && longitude <= 180.0)) {
    return "longitude " + degrees(longitude) + " is outside -180..180 degrees";
  }
  return std::nullopt;
}

std::optional<std::string> lists_problem(const Profile& profile) {
  for (std::size_t i = 0; i < profile.brands.size(); ++i) {
    const auto& b = profile.brands[i];
    if (!is_valid_id(b)) return "brands/" + std::to_string(i) + ": '" + b + "' is not a brand id";
    for (std::size_t j = 0; j < i; ++j) {
      if (profile.brands[j] == b) return "brands/" + std::to_string(i) + ": " + b + " twice";
    }
  }
  for (std::size_t i = 1; i < profile.closed_days.size(); ++i) {
    if (profile.closed_days[i] <= profile.closed_days[i - 1]) {
      return "closed_days/" + std::to_string(i) + ": closed days must be ascending, each once";
    }
  }
  return std::nullopt;
}

std::optional<Rejection> validate(const std::string& site_id, const Profile& profile) {
  auto invalid = [](std::string reason) {
    return Rejection{Rejection::Code::invalid, std::move(reason)};
  };
  if (site_id.empty()) return invalid("the site id is required");
  if (!is_valid_id(site_id)) {
    return invalid("site id '" + site_id + "' must be " + std::string(kIdRule));
  }
  if (profile.name.empty()) return invalid("site " + site_id + " has no name");
  if (!is_country_code(profile.country)) {
    return invalid("site " + site_id + ": country \"" + profile.country +
                   "\" is not an ISO 3166-1 alpha-2 code");
  }
  if (auto problem = coordinates_problem(profile.latitude, profile.longitude)) {
    return invalid("site " + site_id + ": " + *problem);
  }
  if (profile.daily_capacity < 0) {
    return invalid("site " + site_id + ": daily capacity " +
                   std::to_string(profile.daily_capacity) + " is negative");
  }
  if (auto problem = hours_problem(profile.opening_hours)) {
    return invalid("site " + site_id + ": " + *problem);
  }
  if (auto problem = lists_problem(profile)) return invalid("site " + site_id + ": " + *problem);
  return std::nullopt;
}

// The profile a command asks for, with the status the site has (commands do not set it).
Profile with_status(Profile profile, const State& s) {
  profile.status = s.exists ? s.profile.status : Status::open;
  return profile;
}

Decision<Event> decide_one(const RegisterSite& c, const State& s) {
  if (auto rejection = validate(c.site_id, c.profile)) return std::unexpected(*rejection);
  const Profile profile = with_status(c.profile, s);
  if (!s.exists) return std::vector<Event>{SiteRegistered{c.site_id, profile}};
  if (s.site_id == c.site_id && s.profile == profile) return std::vector<Event>{};
  return reject(
      Rejection::Code::already_exists,
      "site " + s.site_id + " is already registered with another profile: update it instead");
}

Decision<Event> decide_one(const UpdateSite& c, const State& s) {
  if (auto rejection = validate(c.site_id, c.profile)) return std::unexpected(*rejection);
  if (!s.exists) return reject(Rejection::Code::not_found, "site " + c.site_id + " does not exist");
  if (s.site_id != c.site_id) {
    return reject(Rejection::Code::invalid,
                  "an update of site " + c.site_id + " was sent to site " + s.site_id);
  }
  const Profile profile = with_status(c.profile, s);
  if (s.profile == profile) return std::vector<Event>{};
  return std::vector<Event>{SiteUpdated{c.site_id, profile}};
}

Decision<Event> decide_one(const DefineSite& c, const State& s) {
  if (!s.exists) return decide_one(RegisterSite{c.site_id, c.profile, c.at}, s);
  return decide_one(UpdateSite{c.site_id, c.profile, c.at}, s);
}

std::optional<Rejection> lifecycle_problem(const std::string& site_id, const State& s) {
  if (!s.exists || s.site_id != site_id) {
    return Rejection{Rejection::Code::not_found, "site " + site_id + " does not exist"};
  }
  if (s.profile.status == Status::closed) {
    return Rejection{Rejection::Code::wrong_state, "site " + site_id + " is closed for good"};
  }
  return std::nullopt;
}

Decision<Event> decide_one(const CloseSite& c, const State& s) {
  if (auto rejection = lifecycle_problem(c.site_id, s)) return std::unexpected(*rejection);
  if (c.reason.empty()) {
    return reject(Rejection::Code::invalid, "closing site " + c.site_id + " needs a reason");
  }
  if (!c.for_good) {
    if (s.profile.status == Status::temporarily_closed) return std::vector<Event>{};
  } else if (c.reserved_units > 0) {
    return reject(Rejection::Code::wrong_state,
                  "site " + c.site_id + " still holds " + std::to_string(c.reserved_units) +
                      " units for competitive rounds still running: close it once they end");
  }
  return std::vector<Event>{SiteClosed{c.site_id, c.for_good, c.reason, c.at}};
}

Decision<Event> decide_one(const ReopenSite& c, const State& s) {
  if (auto rejection = lifecycle_problem(c.site_id, s)) return std::unexpected(*rejection);
  if (s.profile.status == Status::open) return std::vector<Event>{};
  return std::vector<Event>{SiteReopened{c.site_id, c.at}};
}

}  // namespace

Decision<Event> decide(const Command& command, const State& state) {
  return std::visit([&](const auto& c) { return decide_one(c, state); }, command);
}

std::string_view to_string(Status status) {
  constexpr std::string_view kNames[] = {"open", "temporarily_closed", "closed"};
  return kNames[static_cast<std::size_t>(status)];
}

State evolve(State state, const Event& event) {
  // Registered and updated carry the whole profile (with the status the site had); an update of
  // an unknown site still tells us the site exists, so both make the state what the event says.
  struct Visitor {
    State& s;
    void operator()(const SiteRegistered& e) { whole(e.site_id, e.profile); }
    void operator()(const SiteUpdated& e) { whole(e.site_id, e.profile); }
    void operator()(const SiteClosed& e) {
      s.profile.status = e.for_good ? Status::closed : Status::temporarily_closed;
    }
    void operator()(const SiteReopened&) { s.profile.status = Status::open; }
    void whole(const std::string& id, const Profile& profile) {
      s.exists = true;
      s.site_id = id;
      s.profile = profile;
    }
  };
  std::visit(Visitor{state}, event);
  return state;
}

}  // namespace ordo::domain::site
