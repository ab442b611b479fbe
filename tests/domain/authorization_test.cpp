// Authorization with grants: scopes over countries, channels, brands and sites, grants that add
// up, deny grants that win, and no escalation. The laws are checked against a model written here
// that enumerates every point (permission, country, channel, brand, site) of a small retailer.
#include "domain/authorization.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "tests/domain/grant_model.h"

namespace ordo::domain::access {
namespace {

using P = Permission;

Principal person(std::vector<Grant> grants) {
  return {"u-anna", PrincipalKind::user, std::move(grants)};
}

TEST(Grants, AScopeLimitsEveryDimensionItNamesAndNoOther) {
  const auto anna = person({allow(Role::customer_service, {{"FR"}, {}, {"nordika"}, {}})});
  EXPECT_FALSE(authorize(anna, P::orders_act, order_in("FR", "web", "nordika", "FR-CAEN")));
  EXPECT_FALSE(authorize(anna, P::orders_act, order_in("FR", "shop", "nordika", "FR-LYON")));
  const auto germany = authorize(anna, P::orders_act, order_in("DE", "web", "nordika", "DE-KOLN"));
  ASSERT_TRUE(germany);
  EXPECT_NE(germany->find("country FR"), std::string::npos) << *germany;
  EXPECT_TRUE(authorize(anna, P::orders_act, order_in("FR", "web", "velo", "FR-CAEN")));
  EXPECT_TRUE(authorize(anna, P::orders_act, {})) << "what names no country is outside FR";
  EXPECT_TRUE(authorize(anna, P::config_write, order_in("FR", "web", "nordika", "FR-CAEN")))
      << "the role does not grant it anywhere";
}

TEST(Grants, AnObjectOfManyValuesIsReachedThroughAnyOfThem) {
  const auto caen = person({allow(Role::store_manager, {{}, {}, {}, {"FR-CAEN"}})});
  Target split{"web", {"WH-LYON", "FR-CAEN"}, {"FR"}, {"nordika"}};
  EXPECT_FALSE(authorize(caen, P::orders_read, split));
  split.sites = {"WH-LYON"};
  EXPECT_TRUE(authorize(caen, P::orders_read, split));
}

TEST(Grants, GrantsAddUp) {
  const auto anna = person({allow(Role::customer_service, {{"FR"}, {}, {}, {}}),
                            allow(Role::business_analyst, {{}, {"web"}, {}, {}})});
  EXPECT_FALSE(authorize(anna, P::orders_act, order_in("FR", "shop", "velo", "FR-CAEN")));
  EXPECT_FALSE(authorize(anna, P::config_write, order_in("DE", "web", "velo", "DE-KOLN")));
  EXPECT_TRUE(authorize(anna, P::config_write, order_in("FR", "shop", "velo", "FR-CAEN")));
  EXPECT_FALSE(authorize(anna, P::orders_read, order_in("DE", "web", "velo", "DE-KOLN")))
      << "orders_read comes with the analyst's grant on channel web";
}

TEST(Grants, ADenyWinsOverEveryAllow) {
  const auto anna =
      person({allow(Role::admin), deny(Role::customer_service, {{"DE"}, {}, {}, {}})});
  EXPECT_FALSE(authorize(anna, P::orders_act, order_in("FR", "web", "velo", "FR-CAEN")));
  const auto refused = authorize(anna, P::orders_act, order_in("DE", "web", "velo", "DE-KOLN"));
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->find("denied by the grant deny customer_service in country DE"),
            std::string::npos)
      << *refused;
  EXPECT_FALSE(authorize(anna, P::config_write, order_in("DE", "web", "velo", "DE-KOLN")))
      << "the deny covers the permissions of its role only";
  EXPECT_FALSE(holds_everywhere(anna, P::orders_act));
  EXPECT_TRUE(holds_everywhere(anna, P::config_write));
}

TEST(Grants, RetailerWidePermissionsNeedAGrantWithoutAScope) {
  const auto french_admin = person({allow(Role::admin, {{"FR"}, {}, {}, {}})});
  for (const auto p : {P::master_write, P::tokens_manage, P::events_read, P::audit_read}) {
    const auto refused = scope_refuses(french_admin, p);
    ASSERT_TRUE(refused) << to_string(p);
    EXPECT_NE(refused->find("whole retailer"), std::string::npos) << *refused;
  }
  EXPECT_FALSE(scope_refuses(french_admin, P::orders_act)) << "checked on each order instead";
  EXPECT_FALSE(scope_refuses(person({allow(Role::admin)}), P::master_write));
}

TEST(Grants, ExplainNamesTheGrantsBehindTheAnswer) {
  const auto anna =
      person({allow(Role::customer_service, {{"FR"}, {}, {}, {}}), allow(Role::auditor)});
  const auto yes = explain(anna, P::orders_read, order_in("DE", "web", "velo", "DE-KOLN"));
  EXPECT_TRUE(yes.allowed);
  ASSERT_EQ(yes.reasons.size(), 1u);
  EXPECT_NE(yes.reasons[0].find("auditor everywhere"), std::string::npos) << yes.reasons[0];
  const auto no = explain(anna, P::orders_act, order_in("DE", "web", "velo", "DE-KOLN"));
  EXPECT_FALSE(no.allowed);
  ASSERT_EQ(no.reasons.size(), 1u);
  EXPECT_NE(no.reasons[0].find("customer_service in country FR does not reach"), std::string::npos)
      << no.reasons[0];
}

TEST(Grants, TheTokenPrincipalKeepsItsSiteOrChannel) {
  const auto store = token_principal("tok", Role::store, "FR-CAEN", "");
  EXPECT_EQ(store.kind, PrincipalKind::store_token);
  EXPECT_EQ(only_site(store, P::orders_fulfil), "FR-CAEN");
  EXPECT_EQ(only_channel(store, P::orders_fulfil), "");
  const auto shop = token_principal("tok", Role::integration, "", "web");
  EXPECT_EQ(shop.kind, PrincipalKind::integration_token);
  EXPECT_EQ(only_channel(shop, P::orders_place), "web");
  EXPECT_EQ(
      only_site(person({allow(Role::store_manager, {{}, {}, {}, {"A", "B"}})}), P::orders_fulfil),
      "")
      << "two sites: no single one to take";
}

TEST(NoEscalation, NobodyGrantsAPermissionOrAScopeTheyDoNotHold) {
  const std::vector<Grant> french_admin = {allow(Role::admin, {{"FR"}, {}, {}, {}})};
  EXPECT_FALSE(may_grant(french_admin, allow(Role::customer_service, {{"FR"}, {}, {}, {}})));
  EXPECT_FALSE(may_grant(french_admin, allow(Role::store_manager, {{"FR"}, {}, {}, {"FR-CAEN"}})));
  const auto wider = may_grant(french_admin, allow(Role::customer_service));
  ASSERT_TRUE(wider);
  EXPECT_NE(wider->find("everywhere"), std::string::npos) << *wider;
  EXPECT_TRUE(may_grant(french_admin, allow(Role::customer_service, {{"FR", "DE"}, {}, {}, {}})));
  EXPECT_TRUE(may_grant(french_admin, allow(Role::super_admin, {{"FR"}, {}, {}, {}})))
      << "security_manage is the super administrator's alone";
  const std::vector<Grant> admin_but_not_de = {allow(Role::admin),
                                               deny(Role::customer_service, {{"DE"}, {}, {}, {}})};
  EXPECT_TRUE(may_grant(admin_but_not_de, allow(Role::customer_service)));
  EXPECT_FALSE(may_grant(admin_but_not_de, allow(Role::customer_service, {{"FR"}, {}, {}, {}})));
  EXPECT_TRUE(may_grant(admin_but_not_de, allow(Role::business_analyst)))
      << "orders_read, which the analyst's role has, is denied in DE";
}

TEST(NoEscalation, NobodyManagesSomeoneWhoHoldsMoreThanThey) {
  const std::vector<Grant> channel_admin = {allow(Role::admin, {{}, {"web"}, {}, {}})};
  const auto refused = may_manage(channel_admin, {allow(Role::super_admin)});
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->find("more than you hold"), std::string::npos) << *refused;
  EXPECT_FALSE(may_manage(channel_admin, {allow(Role::customer_service, {{}, {"web"}, {}, {}}),
                                          deny(Role::customer_service)}));
  EXPECT_FALSE(may_manage({allow(Role::super_admin)}, {allow(Role::super_admin)}));
}

RC_GTEST_PROP(GrantLaws, AuthorizeAgreesWithTheModelAtEveryPoint, ()) {
  const auto grants = *grants_of(0, 4, true);
  const auto who = person(grants);
  int allowed = 0;
  for_each_point([&](P p, const auto& c, const auto& ch, const auto& b, const auto& s) {
    const bool expected = model_allows(grants, p, c, ch, b, s);
    const auto answer = authorize(who, p, order_in(c, ch, b, s));
    RC_ASSERT(!answer.has_value() == expected);
    RC_ASSERT(allows(who, p, order_in(c, ch, b, s)) == expected);
    allowed += expected ? 1 : 0;
  });
  RC_CLASSIFY(allowed == 0, "allowed nowhere");
  RC_CLASSIFY(allowed > 0, "allowed somewhere");
}

// No sequence of grants accepted by may_grant lets the grantee hold, at any point, a permission
// the granter did not hold there.
RC_GTEST_PROP(GrantLaws, NoSequenceOfGrantsGivesMoreThanTheGranterHeld, ()) {
  const auto granter = *grants_of(1, 4, true);
  // Half of what is asked copies one of the granter's grants (often grantable), half is arbitrary.
  const auto asked = *rc::gen::container<std::vector<Grant>>(
      rc::gen::oneOf(grant(true), rc::gen::elementOf(granter)));
  std::vector<Grant> given;
  for (const auto& g : asked) {
    if (!may_grant(granter, g)) given.push_back(g);
  }
  RC_CLASSIFY(given.empty(), "every grant refused");
  RC_CLASSIFY(!given.empty(), "some grant accepted");
  for_each_point([&](P p, const auto& c, const auto& ch, const auto& b, const auto& s) {
    if (model_allows(given, p, c, ch, b, s)) RC_ASSERT(model_allows(granter, p, c, ch, b, s));
  });
}

// A grant the granter holds everywhere it reaches is never refused: no escalation check refuses
// a grant inside one of the granter's own allow grants (for a granter without denies).
RC_GTEST_PROP(GrantLaws, AGrantInsideOneOfTheGranterOwnIsAccepted, ()) {
  const auto own = *grant(false);
  auto narrower = own;
  for (auto [dimension, values] : {std::pair{&GrantScope::countries, &kCountries},
                                   {&GrantScope::channels, &kChannels},
                                   {&GrantScope::brands, &kBrands},
                                   {&GrantScope::sites, &kSites}}) {
    if (narrower.scope.*dimension == std::vector<std::string>{}) {
      narrower.scope.*dimension = *subset(*values);
    } else {
      narrower.scope.*dimension = {*rc::gen::elementOf(narrower.scope.*dimension)};
    }
  }
  RC_ASSERT(!may_grant({own}, narrower));
  RC_ASSERT(!may_manage({own}, {narrower}));
}

}  // namespace
}  // namespace ordo::domain::access
