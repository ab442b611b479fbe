// Public holidays from the real date-holidays file in ../shared/data/holidays.
#include "adapters/holidays.h"

#include <gtest/gtest.h>

#include <fstream>

namespace ordo::adapters {
namespace {

using domain::calendar::Date;

TEST(Holidays, NationalRegionalAndBankHolidaysOfFranceGermanyAndTheUk) {
  auto holidays = load_holidays(ORDO_HOLIDAYS_FILE);
  ASSERT_TRUE(holidays) << holidays.error().to_string();
  EXPECT_GT(holidays->size(), 300u);
  EXPECT_TRUE(holidays->is_holiday("FR", "75", {2026, 7, 14}));
  // Alsace-Moselle's 26 December: in Strasbourg (67), not in Paris.
  EXPECT_TRUE(holidays->is_holiday("FR", "67", {2026, 12, 26}));
  EXPECT_FALSE(holidays->is_holiday("FR", "75", {2026, 12, 26}));
  // Epiphany in Bavaria, not in Berlin.
  EXPECT_TRUE(holidays->is_holiday("DE", "BY", {2026, 1, 6}));
  EXPECT_FALSE(holidays->is_holiday("DE", "BE", {2026, 1, 6}));
  // The English summer bank holiday is on the regional rows only.
  EXPECT_TRUE(holidays->is_holiday("GB", "ENG", {2026, 8, 31}));
  EXPECT_FALSE(holidays->is_holiday("GB", "SCT", {2026, 8, 31}));
  EXPECT_FALSE(holidays->is_holiday("FR", "75", {2026, 11, 23}));
}

TEST(Holidays, AMissingOrMalformedFileIsAClearErrorNamingTheLine) {
  EXPECT_EQ(load_holidays("/nonexistent/holidays.csv").error().code, ErrorCode::not_found);
  const auto path = std::filesystem::temp_directory_path() / "ordo-bad-holidays.csv";
  std::ofstream(path)
      << "country,region,date,start_local,end_local,type\nFR,*,2026-02-30,,,public\n";
  auto bad = load_holidays(path);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find(":2:"), std::string::npos) << bad.error().message;
  std::ofstream(path) << "not a header\n";
  EXPECT_FALSE(load_holidays(path));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace ordo::adapters
