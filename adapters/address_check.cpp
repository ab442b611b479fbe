#include "adapters/address_check.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace ordo::adapters {
namespace {

constexpr std::size_t kSuggestionsMax = 5;

// English names of German cities customers write (the data has the German ones).
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kExonyms = {{
    {"munich", "munchen"},
    {"cologne", "koln"},
    {"nuremberg", "nurnberg"},
    {"hanover", "hannover"},
    {"brunswick", "braunschweig"},
    {"frankfurt", "frankfurt am main"},
}};

bool digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string upper_without_spaces(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '\t') continue;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

// "SW1A1AA" -> "SW1A 1AA"; an outward code alone stays as it is. Empty when malformed: outward
// code A9, A99, AA9, AA99, A9A or AA9A; inward code 9AA.
std::string gb_postcode(const std::string& text) {
  const auto outward_ok = [](std::string_view o) {
    if (o.size() < 2 || o.size() > 4 || !std::isalpha(static_cast<unsigned char>(o[0])))
      return false;
    std::size_t i = std::isalpha(static_cast<unsigned char>(o[1])) ? 2 : 1;
    if (i >= o.size() || !std::isdigit(static_cast<unsigned char>(o[i]))) return false;
    for (++i; i < o.size(); ++i) {
      if (!std::isalnum(static_cast<unsigned char>(o[i]))) return false;
    }
    return true;
  };
  if (outward_ok(text)) return text;
  if (text.size() < 5) return {};
  const auto outward = text.substr(0, text.size() - 3), inward = text.substr(text.size() - 3);
  if (!outward_ok(outward) || !std::isdigit(static_cast<unsigned char>(inward[0])) ||
      !std::isalpha(static_cast<unsigned char>(inward[1])) ||
      !std::isalpha(static_cast<unsigned char>(inward[2]))) {
    return {};
  }
  return outward + " " + inward;
}

// The Levenshtein distance, capped: small typos only.
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const auto above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

AddressCheck verdict(AddressCheck check, AddressVerdict v, std::string field, std::string reason) {
  check.verdict = v;
  check.field = std::move(field);
  check.reason = std::move(reason);
  return check;
}

void suggest_postcodes(const Gazetteer& g, std::string_view country, const std::string& folded,
                       std::string_view city, AddressCheck& check) {
  for (const auto& p : g.postcodes_of(country, folded)) {
    if (check.suggestions.size() >= kSuggestionsMax) break;
    check.suggestions.push_back(p + " " + std::string(city));
  }
}

// A FR or DE postcode found in the data: is the city one of its places?
// The place at the postcode named `folded`, if any.
const std::string* place_named(const PostcodePlace& place, std::string_view folded) {
  for (const auto& name : place.places) {
    if (fold_place_name(name) == folded) return &name;
  }
  // The first words of the place's name: "Frankfurt" for Frankfurt (Oder) at 15230.
  const std::string prefix = std::string(folded) + " ";
  for (const auto& name : place.places) {
    if (fold_place_name(name).starts_with(prefix)) return &name;
  }
  return nullptr;
}

AddressCheck check_city(const Gazetteer& g, std::string_view country, const PostcodePlace& place,
                        std::string_view city, AddressCheck check) {
  auto folded = fold_place_name(city);
  const auto* found = place_named(place, folded);
  // An English name of a German city, tried only when the name as written is not there.
  for (const auto& [english, local] : kExonyms) {
    if (found == nullptr && country == "DE" && folded == english) {
      found = place_named(place, local);
      if (found != nullptr) folded = local;
    }
  }
  if (found != nullptr) {
    check.city = *found;
    return check;
  }
  // Elsewhere under another postcode: which of the two did the customer mean?
  if (!g.postcodes_of(country, folded).empty()) {
    // A few of the postcode's places, then where the city is: both readings are offered.
    for (std::size_t i = 0; i < place.places.size() && i < 2; ++i)
      check.suggestions.push_back(check.postcode + " " + place.places[i]);
    suggest_postcodes(g, country, folded, city, check);
    auto reason = std::string(city) + " is not at postcode " + check.postcode;
    return verdict(std::move(check), AddressVerdict::confirm, "city", std::move(reason));
  }
  for (const auto& name : place.places) {
    if (distance(fold_place_name(name), folded) <= 2) {
      check.suggestions.push_back(check.postcode + " " + name);
      return verdict(std::move(check), AddressVerdict::confirm, "city",
                     "did you mean " + name + "?");
    }
  }
  for (const auto& name : place.places) {
    if (check.suggestions.size() < kSuggestionsMax)
      check.suggestions.push_back(check.postcode + " " + name);
  }
  auto reason = std::string(city) + " is not a place at postcode " + check.postcode;
  return verdict(std::move(check), AddressVerdict::fix, "city", std::move(reason));
}

// FR and DE: five digits; a French CEDEX ("75700 CEDEX 07", or "Paris Cedex 07" as the city).
AddressCheck check_numeric(const Gazetteer& g, std::string_view country, std::string_view city,
                           AddressCheck check) {
  const std::string written = check.postcode;
  const auto text = upper_without_spaces(check.postcode);
  const bool cedex = country == "FR" && text.size() > 5 && text.substr(5).starts_with("CEDEX");
  if (!digits(text.substr(0, 5)) || (text.size() != 5 && !cedex)) {
    auto reason = "\"" + check.postcode + "\" is not a postcode of " + std::string(country) +
                  " (five digits)";
    return verdict(std::move(check), AddressVerdict::fix, "postcode", std::move(reason));
  }
  check.postcode = text.substr(0, 5);
  auto place = g.find(country, text);
  const auto upper_city = upper_without_spaces(city);
  const auto city_cedex = upper_city.find("CEDEX");
  if (!place && country == "FR" && city_cedex != std::string::npos) {  // "Paris Cedex 07"
    place = g.find(country, check.postcode + upper_city.substr(city_cedex));
  }
  if (place && (cedex || city_cedex != std::string::npos)) {
    // A CEDEX address is delivered by its CEDEX: it is kept exactly as written.
    check.postcode = written;
    check.city = std::string(city);
    return check;
  }
  if (!place) {
    const auto folded = fold_place_name(city);
    suggest_postcodes(g, country, folded, city, check);
    return verdict(std::move(check), AddressVerdict::fix, "postcode",
                   "postcode " + text.substr(0, 5) + " does not exist in " + std::string(country));
  }
  return check_city(g, country, *place, city, std::move(check));
}

}  // namespace

std::string_view to_string(AddressVerdict v) {
  constexpr std::string_view kNames[] = {"accept", "confirm", "fix"};
  return kNames[static_cast<std::size_t>(v)];
}

AddressCheck check_address(const Gazetteer& g, std::string_view country, std::string_view postcode,
                           std::string_view city) {
  AddressCheck check;
  check.postcode = std::string(postcode);
  if (country == "FR" || country == "DE") return check_numeric(g, country, city, std::move(check));
  if (country != "GB") {
    check.checked = false;
    return check;
  }
  const auto normalized = gb_postcode(upper_without_spaces(postcode));
  if (normalized.empty()) {
    return verdict(std::move(check), AddressVerdict::fix, "postcode",
                   "\"" + std::string(postcode) + "\" is not a UK postcode (e.g. SW1A 1AA)");
  }
  check.postcode = normalized;
  const auto place = g.find("GB", normalized);
  if (!place) {
    return verdict(std::move(check), AddressVerdict::fix, "postcode",
                   "the postcode district of " + normalized + " does not exist");
  }
  if (!place->places.empty()) check.city = place->places.front();
  return check;
}

}  // namespace ordo::adapters
