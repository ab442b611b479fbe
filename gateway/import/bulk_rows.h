// The rows of each kind of import file: CSV columns, a CSV row as the JSON object the API takes,
// and a JSON object as an engine command. Internal to gateway/import.
#pragma once

#include <nlohmann/json.hpp>

#include "gateway/import/bulk.h"

namespace ordo::bulk {

/// The header's columns checked against the kind's: every required one present, none unknown or
/// twice. Error invalid_argument naming the column (line 1).
Result<void> check_columns(Kind kind, const std::vector<std::string>& header);

/// A CSV row as the JSON object of the kind (empty cells left out, numbers and booleans typed,
/// '|' lists as arrays).
nlohmann::json csv_object(Kind kind, const std::vector<std::string>& header,
                          const std::vector<std::string>& fields);

/// Reads one object into a row of `out`, or its problems (fields named as CSV columns when
/// `csv`, else as JSON pointers).
void read_row(Kind kind, const nlohmann::json& object, std::size_t line, bool csv,
              const ReadOptions& options, Rows& out);

}  // namespace ordo::bulk
