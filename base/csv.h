// Splitting lines of delimited text files (the reference data: postcodes, holidays, sites).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ordo {

/// The fields of one RFC 4180 CSV line (comma separated, double quotes with "" for a quote);
/// nullopt when a quote is left open.
std::optional<std::vector<std::string>> split_csv_line(std::string_view line);

/// The fields of a line split on `separator`, without quoting; a trailing '\r' is dropped.
std::vector<std::string> split_fields(std::string_view line, char separator);

}  // namespace ordo
