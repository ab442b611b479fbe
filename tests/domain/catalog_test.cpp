// Catalog item decider: define, change, validate, and the law that defining twice has one effect.
#include "domain/catalog.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "tests/domain/given_when_then.h"

namespace ordo::domain {
namespace {

using namespace catalog;
using testing::Scenario;
using Code = Rejection::Code;

struct CatalogDecider : testing::Decider<Command, Event, State, &decide, &evolve> {};

constexpr Instant kAt = 1'700'000'000'000'000;

Item running_shoe() {
  return Item{"SKU-42", "Trail runner 42", "shoes/running", "kalenji", 820,
              9000,     {8999, "EUR"},     false,           true,      {}};
}

void expect_invalid(const Item& item, std::string_view reason_part) {
  Scenario<CatalogDecider>().when(DefineItem{item, kAt}).then_rejected(Code::invalid, reason_part);
}

TEST(CatalogDefine, DefinesANewItem) {
  const State after = Scenario<CatalogDecider>()
                          .when(DefineItem{running_shoe(), kAt})
                          .then({ItemDefined{running_shoe()}});
  EXPECT_TRUE(after.exists);
  EXPECT_EQ(after.item, running_shoe());
}

TEST(CatalogDefine, DefiningTheSameItemAgainDoesNothing) {
  Scenario<CatalogDecider>()
      .given({ItemDefined{running_shoe()}})
      .when(DefineItem{running_shoe(), kAt})
      .then({});
}

TEST(CatalogDefine, AnyDifferentFieldIsAChange) {
  Item cheaper = running_shoe();
  cheaper.price.minor = 6999;
  Item renamed = running_shoe();
  renamed.brand = "Evadict";
  for (const Item& changed : {cheaper, renamed}) {
    Scenario<CatalogDecider>()
        .given({ItemDefined{running_shoe()}})
        .when(DefineItem{changed, kAt})
        .then({ItemChanged{changed}});
  }
}

TEST(CatalogDefine, AnotherSkuOnThisItemsStreamIsInvalid) {
  Item other = running_shoe();
  other.sku = "SKU-43";
  Scenario<CatalogDecider>()
      .given({ItemDefined{running_shoe()}})
      .when(DefineItem{other, kAt})
      .then_rejected(Code::invalid, "item SKU-43 was sent to the stream of item SKU-42");
}

TEST(CatalogValidate, TheSkuIsRequired) {
  Item item = running_shoe();
  item.sku.clear();
  expect_invalid(item, "SKU is required");
}

TEST(CatalogValidate, TheNameIsRequired) {
  Item item = running_shoe();
  item.name.clear();
  expect_invalid(item, "item SKU-42 has no name");
}

TEST(CatalogValidate, TheWeightCannotBeNegative) {
  Item item = running_shoe();
  item.weight_g = -1;
  expect_invalid(item, "weight -1 g is negative");
}

TEST(CatalogValidate, TheVolumeCannotBeNegative) {
  Item item = running_shoe();
  item.volume_cm3 = -20;
  expect_invalid(item, "volume -20 cm3 is negative");
}

TEST(CatalogValidate, ThePriceCannotBeNegative) {
  Item item = running_shoe();
  item.price.minor = -100;
  expect_invalid(item, "price -100 (minor units) is negative");
}

TEST(CatalogValidate, TheCurrencyMustBeAnIso4217Code) {
  for (const char* currency : {"", "eur", "EURO", "E1R"}) {
    Item item = running_shoe();
    item.price.currency = currency;
    expect_invalid(item, "currency \"" + std::string(currency) + "\" is not an ISO 4217 code");
  }
}

TEST(CatalogValidate, AFreeWeightlessItemIsValid) {
  Item gift_card = running_shoe();
  gift_card.weight_g = 0;
  gift_card.volume_cm3 = 0;
  gift_card.price.minor = 0;
  Scenario<CatalogDecider>().when(DefineItem{gift_card, kAt}).then({ItemDefined{gift_card}});
}

TEST(CatalogEvolve, AChangeOfAnUnknownItemStillRecordsIt) {
  const State s = evolve(State{}, ItemChanged{running_shoe()});
  EXPECT_TRUE(s.exists);
  EXPECT_EQ(s.item, running_shoe());
}

// Law: DefineItem decided, applied, then decided again emits nothing the second time.
RC_GTEST_PROP(CatalogLaws, DefiningTheSameItemTwiceHasOneEffect, ()) {
  State state;
  if (*rc::gen::arbitrary<bool>()) state = evolve(State{}, ItemDefined{running_shoe()});
  Item item = running_shoe();
  // Each field invalid one time in nine: most items are accepted, so that the law is about them.
  item.name =
      *rc::gen::weightedElement<std::string>({{4, "Trail runner 42"}, {4, "Road runner"}, {1, ""}});
  item.weight_g = *rc::gen::weightedElement<std::int64_t>({{4, 820}, {4, 0}, {1, -1}});
  item.price.minor = *rc::gen::weightedElement<std::int64_t>({{4, 8999}, {4, 0}, {1, -1}});
  const auto first = decide(DefineItem{item, kAt}, state);
  RC_TAG(!first           ? "refused"
         : first->empty() ? "nothing to do"
         : state.exists   ? "changed"
                          : "defined");
  RC_ASSERT(testing::has_one_effect<CatalogDecider>(DefineItem{item, kAt}, state));
}

}  // namespace
}  // namespace ordo::domain
