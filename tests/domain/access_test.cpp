// Access: the ApiToken decider as given / when / then, and authorization against a table of
// grants written here from the role table of docs/SECURITY.md (not read from
// domain/authorization.cpp), with the scopes of store and integration tokens.
#include "domain/access.h"

#include <map>
#include <set>

#include "tests/domain/given_when_then.h"

namespace ordo::domain {
namespace {

using namespace access;
using testing::Scenario;
using Code = Rejection::Code;

struct TokenDecider : testing::Decider<access::Command, access::Event, access::State,
                                       &access::decide, &access::evolve> {};

const std::string kHash(64, 'a');
constexpr Instant kAt = 1'760'000'000'000'000;

IssueToken issue(Role role, Scope scope = {}) {
  return {"tok0123456789abcd", kHash, role, std::move(scope), "Caen store app", kAt};
}
TokenIssued issued(Role role, Scope scope = {}) {
  return {"tok0123456789abcd", kHash, role, std::move(scope), "Caen store app", kAt};
}

TEST(AccessToken, AnIssuedTokenKeepsTheHashOfItsSecretItsRoleAndScope) {
  Scenario<TokenDecider>()
      .when(issue(Role::store, {"FR-CAEN", ""}))
      .then({issued(Role::store, {"FR-CAEN", ""})});
}

TEST(AccessToken, ATokenIdIsIssuedOnce) {
  Scenario<TokenDecider>()
      .given({issued(Role::auditor)})
      .when(issue(Role::admin))
      .then_rejected(Code::already_exists, "tok0123456789abcd");
}

TEST(AccessToken, MalformedIdsHashesScopesAndLabelsAreRefused) {
  auto with = [](auto change) {
    auto c = issue(Role::integration);
    change(c);
    return c;
  };
  for (const auto& [command, reason] : std::vector<std::pair<IssueToken, std::string>>{
           {with([](IssueToken& c) { c.token_id = "short"; }), "token id"},
           {with([](IssueToken& c) { c.token_id = "UPPERCASE0123456789"; }), "token id"},
           {with([](IssueToken& c) { c.secret_sha256 = std::string(63, 'a'); }), "hash"},
           {with([](IssueToken& c) { c.secret_sha256 = std::string(64, 'G'); }), "hash"},
           {with([](IssueToken& c) { c.label = std::string(201, 'x'); }), "label"},
           {with([](IssueToken& c) { c.role = Role::store; }), "site"},
           {with([](IssueToken& c) { c.scope.site_id = "FR-CAEN"; }), "site"},
           {with([](IssueToken& c) {
              c.role = Role::auditor;
              c.scope.channel = "web";
            }),
            "channel"},
       }) {
    Scenario<TokenDecider>().when(command).then_rejected(Code::invalid, reason);
  }
}

TEST(AccessToken, ARevokedTokenStaysRevokedAndARevocationNeedsAReason) {
  const RevokeToken revoke{"tok0123456789abcd", "rotated", kAt + 1};
  const State after = Scenario<TokenDecider>()
                          .given({issued(Role::admin)})
                          .when(revoke)
                          .then({TokenRevoked{"tok0123456789abcd", "rotated", kAt + 1}});
  EXPECT_TRUE(after.revoked);
  Scenario<TokenDecider>()
      .given({issued(Role::admin), TokenRevoked{"tok0123456789abcd", "rotated", kAt + 1}})
      .when(revoke)
      .then({});
  Scenario<TokenDecider>().when(revoke).then_rejected(Code::not_found, "tok0123456789abcd");
  Scenario<TokenDecider>()
      .given({issued(Role::admin)})
      .when(RevokeToken{"tok0123456789abcd", "", kAt})
      .then_rejected(Code::invalid, "reason");
}

// docs/SECURITY.md's role table, permission by permission (written here, not read from
// domain/authorization.cpp).
const std::map<Role, std::set<Permission>>& grants() {
  using P = Permission;
  static const std::map<Role, std::set<Permission>> kGrants = {
      {Role::super_admin,
       {P::orders_read, P::orders_place, P::orders_act, P::orders_fulfil, P::stock_read,
        P::stock_write, P::sellable_read, P::config_read, P::config_write, P::events_read,
        P::tokens_manage, P::metrics_read, P::master_read, P::master_write, P::users_manage,
        P::audit_read, P::security_manage}},
      {Role::admin,
       {P::orders_read, P::orders_place, P::orders_act, P::orders_fulfil, P::stock_read,
        P::stock_write, P::sellable_read, P::config_read, P::config_write, P::events_read,
        P::tokens_manage, P::metrics_read, P::master_read, P::master_write, P::users_manage,
        P::audit_read}},
      {Role::business_analyst,
       {P::orders_read, P::stock_read, P::sellable_read, P::config_read, P::config_write,
        P::master_read}},
      {Role::customer_service,
       {P::orders_read, P::orders_act, P::stock_read, P::sellable_read, P::config_read,
        P::master_read}},
      {Role::store_manager,
       {P::orders_read, P::orders_fulfil, P::stock_read, P::stock_write, P::sellable_read,
        P::master_read}},
      {Role::auditor,
       {P::orders_read, P::stock_read, P::sellable_read, P::config_read, P::events_read,
        P::metrics_read, P::master_read, P::audit_read}},
      {Role::technical,
       {P::stock_read, P::config_read, P::events_read, P::metrics_read, P::master_read,
        P::master_write, P::tokens_manage}},
      {Role::store,
       {P::orders_read, P::orders_fulfil, P::stock_read, P::stock_write, P::master_read}},
      {Role::integration,
       {P::orders_place, P::orders_read, P::orders_act, P::sellable_read, P::stock_read,
        P::stock_write, P::events_read, P::master_read, P::master_write}},
  };
  return kGrants;
}

Principal unscoped(Role role) { return principal_of("t", role, {}); }

TEST(Authorize, EachRoleIsGrantedExactlyWhatTheRoleTableSays) {
  int allowed = 0, refused = 0;
  ASSERT_EQ(grants().size(), all_roles().size()) << "a role without a row in the table";
  for (const auto& [role, granted] : grants()) {
    for (const auto permission : all_permissions()) {
      const auto answer = authorize(unscoped(role), permission, {"web", {"FR-CAEN"}});
      const bool expected = granted.contains(permission);
      EXPECT_EQ(!answer.has_value(), expected) << to_string(role) << " " << to_string(permission);
      EXPECT_EQ(role_grants(role, permission), expected);
      if (answer) {
        EXPECT_NE(answer->find(std::string(to_string(permission))), std::string::npos) << *answer;
      }
      (expected ? allowed : refused)++;
    }
  }
  EXPECT_EQ(allowed + refused, 9 * 17);
  EXPECT_GT(refused, 0);
}

TEST(Authorize, PermissionsAndRolesAreNamedNounVerbAndReadBack) {
  EXPECT_EQ(to_string(Permission::orders_act), "orders_act");
  EXPECT_EQ(to_string(Permission::users_manage), "users_manage");
  for (const auto permission : all_permissions())
    EXPECT_EQ(permission_from_string(to_string(permission)), permission);
  for (const auto role : all_roles()) EXPECT_EQ(role_from_string(to_string(role)), role);
  EXPECT_FALSE(role_from_string("wizard"));
  EXPECT_FALSE(permission_from_string("orders:read"));
}

TEST(Authorize, TheRolesThatChangeConfigurationUsersTokensOrSecurityNeedASecondFactor) {
  const std::set<Role> mfa = {Role::super_admin, Role::admin, Role::business_analyst,
                              Role::technical, Role::integration};
  for (const auto role : all_roles())
    EXPECT_EQ(role_requires_mfa(role), mfa.contains(role)) << to_string(role);
}

TEST(Authorize, AStoreTokenReachesItsOwnSiteOnly) {
  const Principal caen = principal_of("t", Role::store, {"FR-CAEN", ""});
  EXPECT_FALSE(authorize(caen, Permission::orders_read, {"web", {"FR-CAEN"}}));
  EXPECT_FALSE(authorize(caen, Permission::orders_fulfil, {"web", {"WH-LYON", "FR-CAEN"}}));
  const auto other = authorize(caen, Permission::orders_read, {"web", {"WH-LYON"}});
  ASSERT_TRUE(other);
  EXPECT_NE(other->find("FR-CAEN"), std::string::npos) << *other;
  EXPECT_TRUE(authorize(caen, Permission::stock_write, {"", {}})) << "no site: not its own";
  EXPECT_FALSE(holds(caen, Permission::master_write)) << "refused before any scope";
  EXPECT_FALSE(scope_refuses(caen, Permission::master_read));
}

TEST(Authorize, AnIntegrationTokenOfAChannelReachesThatChannelOnly) {
  const Principal shop = principal_of("t", Role::integration, {"", "web"});
  EXPECT_FALSE(authorize(shop, Permission::orders_place, {"web", {}}));
  EXPECT_TRUE(authorize(shop, Permission::orders_place, {"marketplace", {}}));
  EXPECT_FALSE(authorize(shop, Permission::sellable_read, {"web", {}}));
  EXPECT_TRUE(authorize(shop, Permission::sellable_read, {"marketplace", {}}));
  EXPECT_TRUE(authorize(shop, Permission::events_read, {})) << "the raw log is every channel's";
  EXPECT_TRUE(authorize(shop, Permission::stock_write, {})) << "stock is not a channel's";
  EXPECT_TRUE(authorize(shop, Permission::stock_read, {"", {"FR-CAEN"}}));
  EXPECT_TRUE(scope_refuses(shop, Permission::master_write));
  const Principal all_channels = unscoped(Role::integration);
  EXPECT_FALSE(authorize(all_channels, Permission::events_read, {}));
  EXPECT_FALSE(scope_refuses(all_channels, Permission::master_write));
}

}  // namespace
}  // namespace ordo::domain
