#include "adapters/holidays.h"

#include <fstream>

#include "adapters/postcodes.h"

namespace ordo::adapters {

Result<domain::calendar::Holidays> load_holidays(const std::filesystem::path& csv) {
  std::ifstream in(csv);
  if (!in) return fail(ErrorCode::not_found, "cannot read the holidays file " + csv.string());
  std::string line;
  std::getline(in, line);
  if (!line.starts_with("country,region,date,")) {
    return fail(ErrorCode::invalid_argument,
                csv.string() + ":1: expected the header country,region,date,...");
  }
  domain::calendar::Holidays holidays;
  for (std::size_t number = 2; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto fields = split_csv_line(line);
    const auto where = csv.string() + ":" + std::to_string(number) + ": ";
    if (!fields || fields->size() < 6)
      return fail(ErrorCode::invalid_argument, where + "expected 6 or more comma-separated fields");
    const auto& f = *fields;
    const auto date = domain::calendar::parse_date(f[2]);
    if (!domain::is_country_code(f[0]) || f[1].empty() || !date) {
      return fail(ErrorCode::invalid_argument, where + "bad country, region or date");
    }
    if (f[5] == "public" || f[5] == "bank") holidays.add(f[0], f[1], *date);
  }
  return holidays;
}

}  // namespace ordo::adapters
