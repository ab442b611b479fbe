// Address validation against the real postcode data, with the cases a French, German and British
// customer service meets: every verdict, the accents, hyphens, "St", CEDEX and exonyms.
#include "adapters/address_check.h"

#include <gtest/gtest.h>

namespace ordo::adapters {
namespace {

const Gazetteer& gazetteer() {
  static const Gazetteer g = *Gazetteer::load(ORDO_POSTCODES_DIR);
  return g;
}

AddressCheck check(std::string_view country, std::string_view postcode, std::string_view city) {
  return check_address(gazetteer(), country, postcode, city);
}

bool suggests(const AddressCheck& c, std::string_view suggestion) {
  return std::find(c.suggestions.begin(), c.suggestions.end(), suggestion) != c.suggestions.end();
}

TEST(FoldPlaceName, AccentsCaseHyphensSaintsCedexAndDistrictsDoNotMatter) {
  EXPECT_EQ(fold_place_name("Saint-Étienne"), "saint etienne");
  EXPECT_EQ(fold_place_name("ST ETIENNE"), "saint etienne");
  EXPECT_EQ(fold_place_name("Ste-Foy-lès-Lyon"), "sainte foy les lyon");
  EXPECT_EQ(fold_place_name("L’Haÿ-les-Roses"), "l hay les roses");
  EXPECT_EQ(fold_place_name("Paris Cedex 07"), "paris");
  EXPECT_EQ(fold_place_name("Paris 02"), "paris");
  EXPECT_EQ(fold_place_name("Großbeeren"), "grossbeeren");
  EXPECT_EQ(fold_place_name("Œuilly"), "oeuilly");
}

TEST(AddressCheck, AcceptsWhatIsRightAsWrittenOrOnceNormalized) {
  for (const auto& [postcode, city, canonical] :
       {std::tuple{"42000", "St Etienne", "Saint-Étienne"},
        std::tuple{"42000", "SAINT-ETIENNE", "Saint-Étienne"},
        std::tuple{"67000", "Strasbourg", "Strasbourg"},
        std::tuple{"67100", "strasbourg", "Strasbourg"}, std::tuple{"20000", "Ajaccio", "Ajaccio"},
        std::tuple{"75002", "Paris", "Paris"},
        std::tuple{"92100", "Boulogne Billancourt", "Boulogne-Billancourt"}}) {
    const auto c = check("FR", postcode, city);
    EXPECT_EQ(c.verdict, AddressVerdict::accept) << postcode << " " << city << ": " << c.reason;
    EXPECT_EQ(c.city, canonical) << postcode << " " << city;
  }
  const auto munich = check("DE", "80331", "Munich");
  EXPECT_EQ(munich.verdict, AddressVerdict::accept) << munich.reason;
  EXPECT_EQ(munich.city, "München");
}

TEST(AddressCheck, RecognizesACedexWrittenWithTheCityOrThePostcode) {
  const auto with_city = check("FR", "75021", "Paris Cedex 01");
  EXPECT_EQ(with_city.verdict, AddressVerdict::accept) << with_city.reason;
  const auto with_postcode = check("FR", "75021 CEDEX 01", "Paris");
  EXPECT_EQ(with_postcode.verdict, AddressVerdict::accept) << with_postcode.reason;
  // Delivered by its CEDEX: kept as written, never "normalized" away.
  EXPECT_EQ(with_postcode.postcode, "75021 CEDEX 01");
  EXPECT_EQ(with_postcode.city, "Paris");
  EXPECT_EQ(with_city.city, "Paris Cedex 01");
}

// English names stand for German cities in Germany only, and only when the name as written is
// not a place there: Cologne (32430) is a French commune, 15230 is Frankfurt (Oder).
TEST(AddressCheck, ExonymsAreAFallbackInGermanyOnly) {
  const auto gers = check("FR", "32430", "Cologne");
  EXPECT_EQ(gers.verdict, AddressVerdict::accept) << gers.reason;
  EXPECT_EQ(gers.city, "Cologne");
  const auto oder = check("DE", "15230", "Frankfurt");
  EXPECT_EQ(oder.verdict, AddressVerdict::accept) << oder.reason;
  const auto koln = check("DE", "50667", "Cologne");
  EXPECT_EQ(koln.verdict, AddressVerdict::accept) << koln.reason;
  EXPECT_EQ(koln.city, "Köln");
}

TEST(AddressCheck, AsksToConfirmACityThatLivesUnderAnotherPostcode) {
  // 62200 is Boulogne-sur-Mer; Boulogne-Billancourt is 92100.
  const auto c = check("FR", "62200", "Boulogne-Billancourt");
  EXPECT_EQ(c.verdict, AddressVerdict::confirm);
  EXPECT_EQ(c.field, "city");
  EXPECT_TRUE(suggests(c, "62200 Boulogne-sur-Mer")) << c.suggestions.size();
  EXPECT_TRUE(suggests(c, "92100 Boulogne-Billancourt"));
  // A postcode with many places still suggests where the city really is.
  const auto crowded = check("FR", "62190", "Boulogne-Billancourt");
  EXPECT_EQ(crowded.verdict, AddressVerdict::confirm);
  EXPECT_TRUE(suggests(crowded, "92100 Boulogne-Billancourt")) << crowded.suggestions.size();
  const auto typo = check("FR", "67000", "Strasbourgg");
  EXPECT_EQ(typo.verdict, AddressVerdict::confirm);
  EXPECT_TRUE(suggests(typo, "67000 Strasbourg"));
}

TEST(AddressCheck, AsksToFixWhatCannotBeDelivered) {
  const auto paris = check("FR", "75102", "Paris");  // 75002 was meant: 75102 does not exist
  EXPECT_EQ(paris.verdict, AddressVerdict::fix);
  EXPECT_EQ(paris.field, "postcode");
  EXPECT_EQ(paris.reason, "postcode 75102 does not exist in FR");
  EXPECT_TRUE(suggests(paris, "75002 Paris"));
  EXPECT_EQ(check("FR", "00000", "Paris").verdict, AddressVerdict::fix);
  const auto short_code = check("FR", "7500", "Paris");
  EXPECT_EQ(short_code.verdict, AddressVerdict::fix);
  EXPECT_EQ(short_code.reason, "\"7500\" is not a postcode of FR (five digits)");
  EXPECT_EQ(check("DE", "SW1A 1AA", "London").verdict, AddressVerdict::fix);
  const auto elsewhere = check("FR", "67000", "Lyon");
  EXPECT_EQ(elsewhere.verdict, AddressVerdict::confirm);  // Lyon exists, not at 67000
  const auto nowhere = check("FR", "67000", "Xyzzyville");
  EXPECT_EQ(nowhere.verdict, AddressVerdict::fix);
  EXPECT_TRUE(suggests(nowhere, "67000 Strasbourg"));
}

TEST(AddressCheck, ChecksUkPostcodesByTheirDistrict) {
  for (const auto* postcode : {"SW1A 1AA", "sw1a1aa", "M1 1AE", "M1"}) {
    const auto c = check("GB", postcode, "London");
    EXPECT_EQ(c.verdict, AddressVerdict::accept) << postcode << ": " << c.reason;
  }
  EXPECT_EQ(check("GB", "sw1a1aa", "London").postcode, "SW1A 1AA");
  const auto malformed = check("GB", "12345", "London");
  EXPECT_EQ(malformed.verdict, AddressVerdict::fix);
  EXPECT_EQ(malformed.field, "postcode");
  EXPECT_EQ(check("GB", "ZZ9 9ZZ", "Nowhere").verdict, AddressVerdict::fix);
  const auto unchecked = check("IT", "00100", "Roma");
  EXPECT_EQ(unchecked.verdict, AddressVerdict::accept);
  EXPECT_FALSE(unchecked.checked);
}

}  // namespace
}  // namespace ordo::adapters
