// Access: the ApiToken decider as given / when / then, and authorization against a table of
// grants written here from the role table of docs/API.md (not read from domain/access.cpp), with
// the scopes of store and integration tokens.
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

// docs/API.md's role table, permission by permission.
const std::map<Role, std::set<Permission>>& grants() {
  using P = Permission;
  static const std::map<Role, std::set<Permission>> kGrants = {
      {Role::admin,
       {P::orders_read, P::orders_place, P::orders_service, P::orders_fulfil, P::stock_read,
        P::stock_write, P::sellable_read, P::config_read, P::config_write, P::events_read,
        P::tokens_manage, P::metrics_read, P::master_read, P::master_write}},
      {Role::customer_service,
       {P::orders_read, P::orders_service, P::stock_read, P::sellable_read, P::config_read,
        P::master_read}},
      {Role::store,
       {P::orders_read, P::orders_fulfil, P::stock_read, P::stock_write, P::master_read}},
      {Role::integration,
       {P::orders_place, P::orders_read, P::orders_service, P::sellable_read, P::stock_read,
        P::stock_write, P::events_read, P::master_read, P::master_write}},
      {Role::auditor,
       {P::orders_read, P::stock_read, P::sellable_read, P::config_read, P::events_read,
        P::metrics_read, P::master_read}},
  };
  return kGrants;
}

TEST(Authorize, EachRoleIsGrantedExactlyWhatTheRoleTableSays) {
  int allowed = 0, refused = 0;
  for (const auto& [role, granted] : grants()) {
    for (int p = 0; p <= static_cast<int>(Permission::master_write); ++p) {
      const auto permission = static_cast<Permission>(p);
      const auto answer = authorize({"t", role, {}}, permission, {"web", {"FR-CAEN"}});
      const bool expected = granted.contains(permission);
      EXPECT_EQ(!answer.has_value(), expected) << to_string(role) << " " << to_string(permission);
      EXPECT_EQ(role_grants(role, permission), expected);
      if (answer) {
        EXPECT_NE(answer->find(std::string(to_string(role))), std::string::npos) << *answer;
      }
      (expected ? allowed : refused)++;
    }
  }
  EXPECT_EQ(allowed + refused, 5 * 14);
  EXPECT_GT(refused, 0);
}

TEST(Authorize, AStoreTokenReachesItsOwnSiteOnly) {
  const Principal caen{"t", Role::store, {"FR-CAEN", ""}};
  EXPECT_FALSE(authorize(caen, Permission::orders_read, {"web", {"FR-CAEN"}}));
  EXPECT_FALSE(authorize(caen, Permission::orders_fulfil, {"web", {"WH-LYON", "FR-CAEN"}}));
  const auto other = authorize(caen, Permission::orders_read, {"web", {"WH-LYON"}});
  ASSERT_TRUE(other);
  EXPECT_NE(other->find("FR-CAEN"), std::string::npos) << *other;
  EXPECT_TRUE(authorize(caen, Permission::stock_write, {"", {}})) << "no site: not its own";
  EXPECT_TRUE(scope_refuses(caen, Permission::master_write));
  EXPECT_FALSE(scope_refuses(caen, Permission::master_read));
}

TEST(Authorize, AnIntegrationTokenOfAChannelReachesThatChannelOnly) {
  const Principal shop{"t", Role::integration, {"", "web"}};
  EXPECT_FALSE(authorize(shop, Permission::orders_place, {"web", {}}));
  EXPECT_TRUE(authorize(shop, Permission::orders_place, {"marketplace", {}}));
  EXPECT_FALSE(authorize(shop, Permission::sellable_read, {"web", {}}));
  EXPECT_TRUE(authorize(shop, Permission::sellable_read, {"marketplace", {}}));
  EXPECT_TRUE(authorize(shop, Permission::events_read, {})) << "the raw log is every channel's";
  EXPECT_TRUE(authorize(shop, Permission::stock_write, {})) << "stock is not a channel's";
  EXPECT_TRUE(authorize(shop, Permission::stock_read, {"", {"FR-CAEN"}}));
  EXPECT_TRUE(scope_refuses(shop, Permission::master_write));
  const Principal unscoped{"t", Role::integration, {}};
  EXPECT_FALSE(authorize(unscoped, Permission::events_read, {}));
  EXPECT_FALSE(scope_refuses(unscoped, Permission::master_write));
}

}  // namespace
}  // namespace ordo::domain
