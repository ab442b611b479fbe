// Authorization: one check for every caller, person or machine.
//
// A Principal (an API token, or a person signed in with a password and a second factor) holds
// grants. A grant is a role (a named set of permissions, noun_verb) limited by a scope: any
// combination of countries, channels, brands and sites; an empty list does not limit. Grants add
// up, and a deny grant wins over every allow: `authorize` allows a permission on a target when
// some allow grant's role has the permission and its scope matches the target, and no deny grant
// with the permission matches it. Every refusal says why, naming the grant or role that refuses.
//
// A scope matches a target when, in every dimension the scope limits, the target names at least
// one value and one of them is in the scope. A target that names nothing in a limited dimension
// (the raw log, master data, the token list) is outside every scope that limits that dimension:
// what is not about one country, channel, brand or site belongs to unscoped grants only.
//
// No escalation: `may_grant` lets a granter hand out a grant only when, for every permission of
// its role, one of the granter's own allow grants has that permission over the whole of the new
// grant's scope and none of the granter's deny grants touches it. `may_manage` lets an actor
// act on a user (disable, reset a factor, change grants) only when the actor could have granted
// every one of that user's grants. Pure functions; no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ordo::domain::access {

/// People's roles and the machine roles (store, integration) of API tokens. Stored by name.
enum class Role : std::uint8_t {
  admin,
  customer_service,
  store,
  integration,
  auditor,
  super_admin,
  business_analyst,
  store_manager,
  technical,
};
inline constexpr std::size_t kRoleCount = 9;
std::string_view to_string(Role role);
std::optional<Role> role_from_string(std::string_view name);
/// Every role, in declaration order.
const std::vector<Role>& all_roles();

enum class Permission : std::uint8_t {
  orders_read,    // an order, its timeline, the search
  orders_place,   // POST /v1/orders
  orders_act,     // customer service actions: cancel, change the address, reallocate, release
  orders_fulfil,  // store steps: preparation, prepared, shipped, delivered
  stock_read,
  stock_write,  // stock movements (receipts, adjustments, counts, future receipts)
  sellable_read,
  config_read,
  config_write,
  events_read,  // the raw log
  tokens_manage,
  metrics_read,
  master_read,      // sites, items, brands, channels and their history
  master_write,     // define and change them, close and reopen sites, imports
  users_manage,     // create, disable, grant, reset a factor
  audit_read,       // security events: sign-ins, grants, tokens, sessions
  security_manage,  // security settings: session lifetimes, which roles need a second factor
};
inline constexpr std::size_t kPermissionCount = 17;
std::string_view to_string(Permission permission);
std::optional<Permission> permission_from_string(std::string_view name);
const std::vector<Permission>& all_permissions();

/// True when the role has the permission at all (before any scope).
bool role_grants(Role role, Permission permission);
/// The role's permissions, in declaration order.
std::vector<Permission> role_permissions(Role role);
/// Roles whose people must sign in with a second factor by default: those that can change
/// configuration, master data, users, tokens or security settings.
bool role_requires_mfa(Role role);

/// Where a grant applies; an empty list does not limit its dimension. Values are ids (sites,
/// channels, brands) and ISO 3166-1 alpha-2 codes (countries), kept sorted and unique.
struct GrantScope {
  std::vector<std::string> countries;
  std::vector<std::string> channels;
  std::vector<std::string> brands;
  std::vector<std::string> sites;
  bool unlimited() const;
  friend bool operator==(const GrantScope&, const GrantScope&) = default;
};
/// "country FR, DE; channel web" or "everywhere".
std::string describe(const GrantScope& scope);
/// Sorts and removes duplicates in every dimension.
GrantScope normalized(GrantScope scope);

enum class Effect : std::uint8_t { allow, deny };

struct Grant {
  Role role = Role::auditor;
  GrantScope scope;
  Effect effect = Effect::allow;
  friend bool operator==(const Grant&, const Grant&) = default;
};
/// "customer_service in country FR" / "deny business_analyst in channel web".
std::string describe(const Grant& grant);

/// What a request touches. An empty list names nothing in that dimension.
struct Target {
  Target(std::string channel_ = {}, std::vector<std::string> sites_ = {},
         std::vector<std::string> countries_ = {}, std::vector<std::string> brands_ = {})
      : channel(std::move(channel_)),
        sites(std::move(sites_)),
        countries(std::move(countries_)),
        brands(std::move(brands_)) {}
  std::string channel;
  std::vector<std::string> sites;
  std::vector<std::string> countries;
  std::vector<std::string> brands;
};

/// Whether the caller is a token of a store, of an integration, or a person (or another token):
/// it sets the actor kind of what the caller writes.
enum class PrincipalKind : std::uint8_t { token, store_token, integration_token, user };

struct Principal {
  std::string id;  // the token id, or the user id
  PrincipalKind kind = PrincipalKind::token;
  std::vector<Grant> grants;
};

/// The principal of an API token: one allow grant of its role, limited to its site (a store's
/// token) or its channel (an integration's).
Principal token_principal(std::string token_id, Role role, std::string site_id,
                          std::string channel);

/// True when allowed: `authorize` without the reason, for filtering many objects.
bool allows(const Principal& principal, Permission permission, const Target& target);
/// nullopt when allowed; otherwise why not.
std::optional<std::string> authorize(const Principal& principal, Permission permission,
                                     const Target& target = {});
/// True when some allow grant's role has the permission, whatever its scope: routes check this
/// before reading a body.
bool holds(const Principal& principal, Permission permission);
/// True when some allow grant has the permission with no scope at all (and no deny limits it):
/// what the principal may do on retailer-wide objects.
bool holds_everywhere(const Principal& principal, Permission permission);
/// The scopes in which the principal holds the permission (allow grants only): the filters a
/// read applies. Empty: holds it nowhere. A scope that is unlimited means "everything".
std::vector<GrantScope> scopes_for(const Principal& principal, Permission permission);
/// The deny grants' scopes for the permission: a read also leaves out what they match.
std::vector<GrantScope> denied_scopes_for(const Principal& principal, Permission permission);

/// The one site (channel) that every grant holding the permission is limited to, or "" when the
/// grants are not all limited to that same single site (channel): a store token's own site, which
/// a store step or a search takes when the caller names none.
std::string only_site(const Principal& principal, Permission permission);
std::string only_channel(const Principal& principal, Permission permission);

/// Why a principal's scope keeps it from a retailer-wide permission (master data, tokens, users,
/// security settings, the raw log) whatever the target, or nullopt.
std::optional<std::string> scope_refuses(const Principal& principal, Permission permission);

/// nullopt when `granter` may hand out `grant`; otherwise the first permission or scope it lacks.
std::optional<std::string> may_grant(const std::vector<Grant>& granter, const Grant& grant);
/// nullopt when `actor` may act on a user holding `grants`.
std::optional<std::string> may_manage(const std::vector<Grant>& actor,
                                      const std::vector<Grant>& grants);

/// The answer to "why may (or may not) this principal do this on that": the decision, the grants
/// that allowed it and the deny grants that refused it.
struct Explanation {
  bool allowed = false;
  std::vector<std::string> reasons;  // one sentence per grant considered
};
Explanation explain(const Principal& principal, Permission permission, const Target& target);

}  // namespace ordo::domain::access
