#include "adapters/postcodes.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <map>

namespace ordo::adapters {
namespace {

constexpr std::size_t kLineBytesMax = 4096;

std::string normalize(std::string_view postcode) {
  std::string out;
  for (char c : postcode) {
    if (c == ' ' || c == '\t') continue;
    out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return out;
}

std::optional<double> parse_degrees(const std::string& text, double limit) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < -limit || value > limit) {
    return std::nullopt;
  }
  return value;
}

std::string nation_code(std::string_view nation) {
  if (nation == "England") return "ENG";
  if (nation == "Scotland") return "SCT";
  if (nation == "Wales") return "WLS";
  if (nation == "Northern Ireland") return "NIR";
  return std::string(nation);
}

struct Sum {
  double latitude = 0, longitude = 0;
  std::size_t count = 0;
  std::string region;
  std::vector<std::string> places;
};

// Reads `file` line by line after its header; `row` turns the fields of a line into a key and a
// point, or says what is wrong. All or nothing: the caller merges only a whole file.
template <class Row>
Result<std::map<std::string, Sum>> read_rows(const std::filesystem::path& file, std::size_t columns,
                                             const Row& row) {
  std::ifstream in(file);
  if (!in) return fail(ErrorCode::invalid_argument, "cannot read " + file.string());
  std::map<std::string, Sum> sums;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1 || line.empty()) continue;
    const auto where = file.filename().string() + " line " + std::to_string(number);
    if (line.size() > kLineBytesMax)
      return fail(ErrorCode::invalid_argument, where + ": line too long");
    auto fields = split_csv_line(line);
    if (!fields || fields->size() != columns) {
      return fail(ErrorCode::invalid_argument,
                  where + ": expected " + std::to_string(columns) + " fields");
    }
    std::string problem;
    if (!row(*fields, sums, problem))
      return fail(ErrorCode::invalid_argument, where + ": " + problem);
  }
  return sums;
}

bool add_point(std::map<std::string, Sum>& sums, std::string key, const std::string& latitude,
               const std::string& longitude, std::string region, std::string& problem,
               const std::string& place = {}) {
  const auto lat = parse_degrees(latitude, 90), lon = parse_degrees(longitude, 180);
  if (!lat || !lon) {
    problem = "bad coordinates '" + latitude.substr(0, 20) + "," + longitude.substr(0, 20) + "'";
    return false;
  }
  auto& sum = sums[std::move(key)];
  sum.latitude += *lat;
  sum.longitude += *lon;
  if (sum.count++ == 0) sum.region = std::move(region);
  if (!place.empty() &&
      std::find(sum.places.begin(), sum.places.end(), place) == sum.places.end()) {
    sum.places.push_back(place);
  }
  return true;
}

void merge(std::unordered_map<std::string, PostcodePlace>& places,
           const std::map<std::string, Sum>& sums) {
  for (const auto& [key, sum] : sums) {
    const auto n = static_cast<double>(sum.count);
    places[key] = {{sum.latitude / n, sum.longitude / n}, sum.region, sum.places};
  }
}

// ASCII for the Latin-1 letters U+00C0..U+00FF (accents dropped, ß as ss, æ as ae).
constexpr const char* kLatin1Folded[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  " ", "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  " ", "o", "u", "u", "u", "u", "y", "th", "y"};

// "saint", "sainte" for their abbreviations; CEDEX and what follows it, and a district number
// at the end, are dropped.
std::string join_folded(const std::vector<std::string>& words) {
  std::vector<std::string> kept;
  for (const auto& w : words) {
    if (w == "cedex") break;
    kept.push_back(w == "st" ? "saint" : w == "ste" ? "sainte" : w);
  }
  while (kept.size() > 1 && std::all_of(kept.back().begin(), kept.back().end(),
                                        [](char c) { return c >= '0' && c <= '9'; })) {
    kept.pop_back();
  }
  std::string out;
  for (const auto& w : kept) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace

std::string fold_place_name(std::string_view name) {
  std::vector<std::string> words(1);
  auto add = [&](std::string_view text) {
    for (char c : text) {
      if (c == ' ') {
        if (!words.back().empty()) words.emplace_back();
      } else {
        words.back().push_back(c);
      }
    }
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x80) {
      const bool letter_or_digit = std::isalnum(c) != 0;
      add(letter_or_digit ? std::string(1, static_cast<char>(std::tolower(c))) : " ");
    } else if ((c == 0xC3) && i + 1 < name.size()) {
      const auto next = static_cast<unsigned char>(name[++i]);
      add(next >= 0x80 && next <= 0xBF ? kLatin1Folded[next - 0x80] : " ");
    } else if (c == 0xC5 && i + 1 < name.size() &&
               (name[i + 1] == '\x92' || name[i + 1] == '\x93')) {  // Œ, œ
      ++i;
      add("oe");
    } else if (c == 0xE2 && i + 2 < name.size()) {  // ’ and other punctuation
      i += 2;
      add(" ");
    } else {
      add(" ");
    }
  }
  if (words.back().empty()) words.pop_back();
  return join_folded(words);
}

namespace {}  // namespace

Result<void> Gazetteer::add_geonames(const std::filesystem::path& file) {
  // country_code,zipcode,place,state,state_code,province,province_code,community,community_code,
  // latitude,longitude
  auto sums = read_rows(
      file, 11,
      [](const std::vector<std::string>& f, std::map<std::string, Sum>& out, std::string& problem) {
        if (f[0].size() != 2 || f[1].empty()) {
          problem = "a country code and a postcode are required";
          return false;
        }
        const auto& region = f[0] == "FR" ? f[6] : f[4];  // département in France, Land in Germany
        return add_point(out, f[0] + ":" + normalize(f[1]), f[9], f[10], region, problem, f[2]);
      });
  if (!sums) return std::unexpected(sums.error());
  merge(places_, *sums);
  return {};
}

Result<void> Gazetteer::add_gb_outcodes(const std::filesystem::path& file) {
  // outcode,lat_mean,lon_mean,n_places,first_place,state,province
  auto sums = read_rows(
      file, 7,
      [](const std::vector<std::string>& f, std::map<std::string, Sum>& out, std::string& problem) {
        if (f[0].empty()) {
          problem = "an outward code is required";
          return false;
        }
        return add_point(out, "GB:" + normalize(f[0]), f[1], f[2], nation_code(f[5]), problem);
      });
  if (!sums) return std::unexpected(sums.error());
  merge(places_, *sums);
  return {};
}

Result<Gazetteer> Gazetteer::load(const std::filesystem::path& directory) {
  Gazetteer gazetteer;
  for (const char* name : {"geonames_postal_fr.csv", "geonames_postal_de.csv"}) {
    if (auto added = gazetteer.add_geonames(directory / name); !added)
      return std::unexpected(added.error());
  }
  if (auto added = gazetteer.add_gb_outcodes(directory / "derived_gb_outcode_centroids.csv");
      !added) {
    return std::unexpected(added.error());
  }
  gazetteer.index_places();
  return gazetteer;
}

void Gazetteer::index_places() {
  by_place_.clear();
  for (const auto& [key, place] : places_) {
    const auto country = key.substr(0, 2);
    if (country == "GB") continue;
    for (const auto& name : place.places) {
      auto& postcodes = by_place_[country + ":" + fold_place_name(name)];
      const auto postcode = key.substr(3);
      if (std::find(postcodes.begin(), postcodes.end(), postcode) == postcodes.end())
        postcodes.push_back(postcode);
    }
  }
  for (auto& [name, postcodes] : by_place_) std::sort(postcodes.begin(), postcodes.end());
}

const std::vector<std::string>& Gazetteer::postcodes_of(std::string_view country,
                                                        std::string_view folded) const {
  static const std::vector<std::string> kNone;
  auto it = by_place_.find(std::string(country) + ":" + std::string(folded));
  return it == by_place_.end() ? kNone : it->second;
}

std::optional<PostcodePlace> Gazetteer::find(std::string_view country,
                                             std::string_view postcode) const {
  std::string code = normalize(country);
  if (code == "UK") code = "GB";
  std::string key = code + ":" + normalize(postcode);
  if (code == "GB") {
    // The inward code is always a digit and two letters: what is left is the outward code.
    const auto text = normalize(postcode);
    key = "GB:" + (text.size() > 4 ? text.substr(0, text.size() - 3) : text);
  }
  auto it = places_.find(key);
  if (it == places_.end()) return std::nullopt;
  return it->second;
}

}  // namespace ordo::adapters
