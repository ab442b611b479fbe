#include "adapters/postcodes.h"

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
               const std::string& longitude, std::string region, std::string& problem) {
  const auto lat = parse_degrees(latitude, 90), lon = parse_degrees(longitude, 180);
  if (!lat || !lon) {
    problem = "bad coordinates '" + latitude.substr(0, 20) + "," + longitude.substr(0, 20) + "'";
    return false;
  }
  auto& sum = sums[std::move(key)];
  sum.latitude += *lat;
  sum.longitude += *lon;
  if (sum.count++ == 0) sum.region = std::move(region);
  return true;
}

void merge(std::unordered_map<std::string, PostcodePlace>& places,
           const std::map<std::string, Sum>& sums) {
  for (const auto& [key, sum] : sums) {
    const auto n = static_cast<double>(sum.count);
    places[key] = {{sum.latitude / n, sum.longitude / n}, sum.region};
  }
}

}  // namespace

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
        return add_point(out, f[0] + ":" + normalize(f[1]), f[9], f[10], region, problem);
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
  return gazetteer;
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
