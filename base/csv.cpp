#include "base/csv.h"

namespace ordo {

std::optional<std::vector<std::string>> split_csv_line(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c != '"')
        fields.back().push_back(c);
      else if (i + 1 < line.size() && line[i + 1] == '"')
        fields.back().push_back(line[++i]);
      else
        quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  if (quoted) return std::nullopt;
  return fields;
}

std::vector<std::string> split_fields(std::string_view line, char separator) {
  std::vector<std::string> fields(1);
  for (char c : line) {
    if (c == separator)
      fields.emplace_back();
    else if (c != '\r')
      fields.back().push_back(c);
  }
  return fields;
}

}  // namespace ordo
