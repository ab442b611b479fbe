// What `ordo import` and `ordo demo-data` share: placing sites at their postcode, progress on the
// terminal and the summary of an import.
#pragma once

#include <string>
#include <string_view>

#include "gateway/import/bulk.h"

namespace ordo::cli {

/// Places a site at its postcode's centroid from the postcode files in `dir`; an empty `dir`
/// places nothing (sites then need coordinates).
Result<bulk::Locate> gazetteer_locate(const std::string& dir);

/// Progress on stderr: rewritten in place on a terminal, a line per phase otherwise.
void import_progress(std::string_view phase, std::size_t done, std::size_t total);

/// "FILE: N rows: C created, ..." and the first problems, on stdout.
void print_import_report(const std::string& file, const bulk::Report& report, double seconds);

}  // namespace ordo::cli
