// Public holidays from ../shared/data/holidays/holidays_fr_gb_de_2025_2027.csv (computed with
// date-holidays, CC BY-SA 3.0): country, region ("*" for the whole country; FR départements,
// DE Länder, GB nations), date, type. Rows of type "public" and "bank" close carriers and sites;
// other types (observances, optional days) are skipped.
//
// Errors: a missing file, a header that is not the expected one, or a malformed row
// (invalid_argument naming the file and line); nothing is half-loaded.
#pragma once

#include <filesystem>

#include "base/result.h"
#include "domain/calendar.h"

namespace ordo::adapters {

Result<domain::calendar::Holidays> load_holidays(const std::filesystem::path& csv);

}  // namespace ordo::adapters
