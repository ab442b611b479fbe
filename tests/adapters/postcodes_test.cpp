// The postcode gazetteer on the real GeoNames files in ../shared/data/postcodes, and the distance
// between places: what sourcing ranks sites by.
#include "adapters/postcodes.h"

#include <gtest/gtest.h>

#include <fstream>

namespace ordo::adapters {
namespace {

using domain::geo::distance_km;

const Gazetteer& gazetteer() {
  static const auto loaded = Gazetteer::load(ORDO_POSTCODES_DIR);
  if (!loaded) throw std::runtime_error(loaded.error().to_string());
  return *loaded;
}

TEST(Gazetteer, FindsFrenchGermanAndBritishPostcodesWithTheirRegions) {
  const auto paris = gazetteer().find("FR", "75002");
  ASSERT_TRUE(paris);
  // Two places carry 75002 (Paris 48.8534,2.3488 and Paris 02 48.8655,2.3426): their mean.
  EXPECT_NEAR(paris->point.latitude, (48.8534 + 48.8655) / 2, 1e-9);
  EXPECT_EQ(paris->region, "75");
  const auto strasbourg = gazetteer().find("FR", "67000");
  ASSERT_TRUE(strasbourg);
  EXPECT_EQ(strasbourg->region, "67") << "Alsace: its own holidays";
  const auto munich = gazetteer().find("DE", "80331");
  ASSERT_TRUE(munich);
  EXPECT_EQ(munich->region, "BY");
  const auto westminster = gazetteer().find("GB", "sw1a 1aa");
  ASSERT_TRUE(westminster);
  EXPECT_EQ(westminster->region, "ENG");
  EXPECT_EQ(gazetteer().find("UK", "SW1A")->point, westminster->point);
  EXPECT_EQ(gazetteer().find("GB", "M1 1AE")->region, "ENG");
  EXPECT_EQ(gazetteer().find("GB", "EH1 1YZ")->region, "SCT");
  // Distinct codes in the files (cut -d, -f2 | sort -u): 20,418 French, 10,814 German, 3,002
  // British.
  EXPECT_EQ(gazetteer().size(), 20418u + 10814u + 3002u);
}

TEST(Gazetteer, UnknownPostcodesAndCountriesAreNotFound) {
  EXPECT_FALSE(gazetteer().find("FR", "00000"));
  EXPECT_FALSE(gazetteer().find("ES", "28001"));
  EXPECT_FALSE(gazetteer().find("FR", ""));
  EXPECT_FALSE(gazetteer().find("GB", "ZZ9 9ZZ"));
}

TEST(Distance, BetweenCitiesMatchesTheGreatCircle) {
  const auto km = [](const char* c1, const char* p1, const char* c2, const char* p2) {
    return distance_km(gazetteer().find(c1, p1)->point, gazetteer().find(c2, p2)->point);
  };
  EXPECT_NEAR(km("FR", "75002", "FR", "69002"), 392, 8);      // Paris - Lyon
  EXPECT_NEAR(km("DE", "10115", "DE", "80331"), 504, 8);      // Berlin - Munich
  EXPECT_NEAR(km("GB", "SW1A 1AA", "GB", "M1 1AE"), 262, 8);  // London - Manchester
  EXPECT_NEAR(km("FR", "75002", "GB", "SW1A 1AA"), 342, 8);   // Paris - London
  EXPECT_DOUBLE_EQ(km("FR", "75002", "FR", "75002"), 0.0);
  const domain::geo::Point north{90, 0}, south{-90, 0};
  EXPECT_NEAR(distance_km(north, south), 3.14159265358979 * domain::geo::kEarthRadiusKm, 1e-6);
}

TEST(Gazetteer, AMalformedFileIsRefusedWithItsLineAndLoadsNothing) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("ordo-gazetteer-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto write = [&](const char* name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  };
  const std::string header =
      "country_code,zipcode,place,state,state_code,province,province_code,community,community_code,"
      "latitude,longitude\n";
  Gazetteer g;
  auto bad_coordinates = g.add_geonames(
      write("a.csv", header + "FR,75001,Paris,IDF,11,Paris,75,Paris,751,48.8,2.3\nFR,75002,Paris,"
                              "IDF,11,Paris,75,Paris,751,north,2.3\n"));
  ASSERT_FALSE(bad_coordinates);
  EXPECT_NE(bad_coordinates.error().message.find("a.csv line 3"), std::string::npos)
      << bad_coordinates.error().message;
  EXPECT_EQ(g.size(), 0u) << "nothing of a refused file is kept";
  EXPECT_FALSE(g.add_geonames(write("b.csv", header + "FR,75001,\"Paris,IDF,11\n")));
  EXPECT_FALSE(g.add_geonames(write("c.csv", header + "FR,75001,Paris\n")));
  EXPECT_FALSE(g.add_geonames(
      write("d.csv", header + "FR,75001,Paris,IDF,11,Paris,75,Paris,751,95.0,2.3\n")));
  EXPECT_FALSE(g.add_geonames(dir / "missing.csv"));
  EXPECT_TRUE(g.add_geonames(write(
      "e.csv",
      header + "DE,70767,\"RTS Rieger Team, Werbeagentur\",BW,01,S,081,E,08116,48.6933,9.1296\n")));
  EXPECT_EQ(g.find("DE", "70767")->region, "01");
  std::filesystem::remove_all(dir);
}

TEST(Csv, QuotedFieldsKeepCommasAndDoubledQuotes) {
  EXPECT_EQ(split_csv_line("a,\"b, c\",\"say \"\"hi\"\"\",")->size(), 4u);
  EXPECT_EQ((*split_csv_line("a,\"b, c\",\"say \"\"hi\"\"\","))[2], "say \"hi\"");
  EXPECT_FALSE(split_csv_line("a,\"open"));
}

}  // namespace
}  // namespace ordo::adapters
