#include "domain/authorization.h"

#include <algorithm>
#include <array>

namespace ordo::domain::access {
namespace {

using P = Permission;

// The permissions of each role (docs/SECURITY.md has the same table for readers).
constexpr std::array<P, 6> kBusinessAnalyst = {P::orders_read, P::stock_read,   P::sellable_read,
                                               P::config_read, P::config_write, P::master_read};
constexpr std::array<P, 6> kCustomerService = {P::orders_read,   P::orders_act,  P::stock_read,
                                               P::sellable_read, P::config_read, P::master_read};
constexpr std::array<P, 6> kStoreManager = {P::orders_read, P::orders_fulfil, P::stock_read,
                                            P::stock_write, P::sellable_read, P::master_read};
constexpr std::array<P, 8> kAuditor = {P::orders_read, P::stock_read,  P::sellable_read,
                                       P::config_read, P::events_read, P::metrics_read,
                                       P::master_read, P::audit_read};
constexpr std::array<P, 7> kTechnical = {P::stock_read,   P::config_read, P::events_read,
                                         P::metrics_read, P::master_read, P::master_write,
                                         P::tokens_manage};
// Machine roles: a store's app, and an ERP, PIM or sales channel connector.
constexpr std::array<P, 5> kStore = {P::orders_read, P::orders_fulfil, P::stock_read,
                                     P::stock_write, P::master_read};
constexpr std::array<P, 9> kIntegration = {P::orders_read, P::orders_place, P::orders_act,
                                           P::stock_read,  P::stock_write,  P::sellable_read,
                                           P::events_read, P::master_read,  P::master_write};

// What is not about one country, channel, brand or site: only unscoped grants reach it.
constexpr std::array<P, 6> kRetailerWide = {P::master_write,    P::tokens_manage, P::events_read,
                                            P::security_manage, P::audit_read,    P::metrics_read};

template <std::size_t N>
bool has(const std::array<P, N>& permissions, P permission) {
  return std::find(permissions.begin(), permissions.end(), permission) != permissions.end();
}

bool intersects(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::any_of(a.begin(), a.end(),
                     [&](const auto& x) { return std::find(b.begin(), b.end(), x) != b.end(); });
}

bool dimension_matches(const std::vector<std::string>& limit,
                       const std::vector<std::string>& values) {
  return limit.empty() || intersects(limit, values);
}

bool matches(const GrantScope& scope, const Target& target) {
  const std::vector<std::string> channel =
      target.channel.empty() ? std::vector<std::string>{} : std::vector{target.channel};
  return dimension_matches(scope.countries, target.countries) &&
         dimension_matches(scope.channels, channel) &&
         dimension_matches(scope.brands, target.brands) &&
         dimension_matches(scope.sites, target.sites);
}

// Every value `inner` allows in the dimension is allowed by `outer`.
bool dimension_covers(const std::vector<std::string>& outer,
                      const std::vector<std::string>& inner) {
  if (outer.empty()) return true;
  if (inner.empty()) return false;
  return std::all_of(inner.begin(), inner.end(), [&](const auto& v) {
    return std::find(outer.begin(), outer.end(), v) != outer.end();
  });
}

bool covers(const GrantScope& outer, const GrantScope& inner) {
  return dimension_covers(outer.countries, inner.countries) &&
         dimension_covers(outer.channels, inner.channels) &&
         dimension_covers(outer.brands, inner.brands) && dimension_covers(outer.sites, inner.sites);
}

// Some point lies in both scopes.
bool overlaps(const GrantScope& a, const GrantScope& b) {
  auto dimension = [](const auto& x, const auto& y) {
    return x.empty() || y.empty() || intersects(x, y);
  };
  return dimension(a.countries, b.countries) && dimension(a.channels, b.channels) &&
         dimension(a.brands, b.brands) && dimension(a.sites, b.sites);
}

void append_dimension(std::string& out, std::string_view name,
                      const std::vector<std::string>& values) {
  if (values.empty()) return;
  if (!out.empty()) out += "; ";
  out += name;
  out += ' ';
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + values[i];
}

std::string no_role_grants(const Principal& principal, const std::string& permission) {
  std::vector<std::string_view> roles;
  for (const auto& g : principal.grants) {
    if (g.effect == Effect::allow &&
        std::find(roles.begin(), roles.end(), to_string(g.role)) == roles.end())
      roles.push_back(to_string(g.role));
  }
  if (roles.empty()) return principal.id + " holds no grant, so not " + permission;
  if (roles.size() == 1)
    return "the " + std::string(roles[0]) + " role does not grant " + permission;
  std::string names;
  for (const auto role : roles) names += (names.empty() ? "" : ", ") + std::string(role);
  return "none of the roles " + names + " grants " + permission;
}

}  // namespace

std::string_view to_string(Role role) {
  static constexpr std::array<std::string_view, kRoleCount> kNames = {
      "admin",       "customer_service", "store",         "integration", "auditor",
      "super_admin", "business_analyst", "store_manager", "technical"};
  const auto index = static_cast<std::size_t>(role);
  return index < kNames.size() ? kNames[index] : "unknown";
}

const std::vector<Role>& all_roles() {
  static const std::vector<Role> kAll = [] {
    std::vector<Role> roles;
    for (std::size_t i = 0; i < kRoleCount; ++i) roles.push_back(static_cast<Role>(i));
    return roles;
  }();
  return kAll;
}

std::optional<Role> role_from_string(std::string_view name) {
  for (auto role : all_roles()) {
    if (to_string(role) == name) return role;
  }
  return std::nullopt;
}

std::string_view to_string(Permission permission) {
  static constexpr std::array<std::string_view, kPermissionCount> kNames = {
      "orders_read",   "orders_place",   "orders_act",  "orders_fulfil", "stock_read",
      "stock_write",   "sellable_read",  "config_read", "config_write",  "events_read",
      "tokens_manage", "metrics_read",   "master_read", "master_write",  "users_manage",
      "audit_read",    "security_manage"};
  const auto index = static_cast<std::size_t>(permission);
  return index < kNames.size() ? kNames[index] : "unknown";
}

const std::vector<Permission>& all_permissions() {
  static const std::vector<Permission> kAll = [] {
    std::vector<Permission> permissions;
    for (std::size_t i = 0; i < kPermissionCount; ++i)
      permissions.push_back(static_cast<Permission>(i));
    return permissions;
  }();
  return kAll;
}

std::optional<Permission> permission_from_string(std::string_view name) {
  for (auto permission : all_permissions()) {
    if (to_string(permission) == name) return permission;
  }
  return std::nullopt;
}

bool role_grants(Role role, Permission permission) {
  switch (role) {
    case Role::super_admin:
      return true;
    case Role::admin:
      return permission != P::security_manage;
    case Role::business_analyst:
      return has(kBusinessAnalyst, permission);
    case Role::customer_service:
      return has(kCustomerService, permission);
    case Role::store_manager:
      return has(kStoreManager, permission);
    case Role::auditor:
      return has(kAuditor, permission);
    case Role::technical:
      return has(kTechnical, permission);
    case Role::store:
      return has(kStore, permission);
    case Role::integration:
      return has(kIntegration, permission);
  }
  return false;
}

std::vector<Permission> role_permissions(Role role) {
  std::vector<Permission> out;
  for (auto permission : all_permissions()) {
    if (role_grants(role, permission)) out.push_back(permission);
  }
  return out;
}

bool role_requires_mfa(Role role) {
  for (auto permission :
       {P::config_write, P::master_write, P::users_manage, P::tokens_manage, P::security_manage}) {
    if (role_grants(role, permission)) return true;
  }
  return false;
}

bool GrantScope::unlimited() const {
  return countries.empty() && channels.empty() && brands.empty() && sites.empty();
}

std::string describe(const GrantScope& scope) {
  std::string out;
  append_dimension(out, "country", scope.countries);
  append_dimension(out, "channel", scope.channels);
  append_dimension(out, "brand", scope.brands);
  append_dimension(out, "site", scope.sites);
  return out.empty() ? "everywhere" : out;
}

GrantScope normalized(GrantScope scope) {
  for (auto* values : {&scope.countries, &scope.channels, &scope.brands, &scope.sites}) {
    std::sort(values->begin(), values->end());
    values->erase(std::unique(values->begin(), values->end()), values->end());
  }
  return scope;
}

std::string describe(const Grant& grant) {
  return std::string(grant.effect == Effect::deny ? "deny " : "") +
         std::string(to_string(grant.role)) +
         (grant.scope.unlimited() ? " everywhere" : " in " + describe(grant.scope));
}

Principal token_principal(std::string token_id, Role role, std::string site_id,
                          std::string channel) {
  Grant grant{role, {}, Effect::allow};
  if (!site_id.empty()) grant.scope.sites.push_back(std::move(site_id));
  if (!channel.empty()) grant.scope.channels.push_back(std::move(channel));
  const auto kind = role == Role::store         ? PrincipalKind::store_token
                    : role == Role::integration ? PrincipalKind::integration_token
                                                : PrincipalKind::token;
  return Principal{std::move(token_id), kind, {std::move(grant)}};
}

bool holds(const Principal& principal, Permission permission) {
  return std::any_of(principal.grants.begin(), principal.grants.end(), [&](const Grant& g) {
    return g.effect == Effect::allow && role_grants(g.role, permission);
  });
}

bool holds_everywhere(const Principal& principal, Permission permission) {
  bool allowed = false;
  for (const auto& g : principal.grants) {
    if (!role_grants(g.role, permission)) continue;
    if (g.effect == Effect::deny) return false;
    allowed = allowed || g.scope.unlimited();
  }
  return allowed;
}

std::vector<GrantScope> scopes_for(const Principal& principal, Permission permission) {
  std::vector<GrantScope> out;
  for (const auto& g : principal.grants) {
    if (g.effect == Effect::allow && role_grants(g.role, permission)) out.push_back(g.scope);
  }
  return out;
}

std::vector<GrantScope> denied_scopes_for(const Principal& principal, Permission permission) {
  std::vector<GrantScope> out;
  for (const auto& g : principal.grants) {
    if (g.effect == Effect::deny && role_grants(g.role, permission)) out.push_back(g.scope);
  }
  return out;
}

namespace {
std::string only_value(const Principal& principal, Permission permission,
                       std::vector<std::string> GrantScope::*dimension) {
  std::string value;
  for (const auto& scope : scopes_for(principal, permission)) {
    const auto& values = scope.*dimension;
    if (values.size() != 1 || (!value.empty() && value != values.front())) return "";
    value = values.front();
  }
  return value;
}
}  // namespace

std::string only_site(const Principal& principal, Permission permission) {
  return only_value(principal, permission, &GrantScope::sites);
}

std::string only_channel(const Principal& principal, Permission permission) {
  return only_value(principal, permission, &GrantScope::channels);
}

std::optional<std::string> scope_refuses(const Principal& principal, Permission permission) {
  if (!has(kRetailerWide, permission) || !holds(principal, permission) ||
      holds_everywhere(principal, permission)) {
    return std::nullopt;
  }
  return std::string(to_string(permission)) + " is about the whole retailer: it needs a grant " +
         "without a scope, and " + principal.id + " holds it only in part";
}

bool allows(const Principal& principal, Permission permission, const Target& target) {
  bool allowed = false;
  for (const auto& g : principal.grants) {
    if (!role_grants(g.role, permission) || !matches(g.scope, target)) continue;
    if (g.effect == Effect::deny) return false;
    allowed = true;
  }
  return allowed;
}

std::optional<std::string> authorize(const Principal& principal, Permission permission,
                                     const Target& target) {
  if (allows(principal, permission, target)) return std::nullopt;
  const auto explanation = explain(principal, permission, target);
  if (explanation.allowed) return std::nullopt;
  std::string reason;
  for (const auto& r : explanation.reasons) reason += (reason.empty() ? "" : "; ") + r;
  return reason;
}

Explanation explain(const Principal& principal, Permission permission, const Target& target) {
  Explanation out;
  const std::string name(to_string(permission));
  bool role_has_it = false;
  for (const auto& g : principal.grants) {
    if (!role_grants(g.role, permission)) continue;
    role_has_it = true;
    const bool match = matches(g.scope, target);
    if (g.effect == Effect::deny && match) {
      out.reasons.push_back(name + " is denied by the grant " + describe(g));
      out.allowed = false;
      return out;
    }
    if (g.effect == Effect::allow && match) {
      out.allowed = true;
      out.reasons.push_back(name + " is allowed by the grant " + describe(g));
    }
  }
  if (!out.allowed) {
    out.reasons.clear();
    if (!role_has_it) {
      out.reasons.push_back(no_role_grants(principal, name));
    } else {
      for (const auto& g : principal.grants) {
        if (g.effect == Effect::allow && role_grants(g.role, permission))
          out.reasons.push_back("the grant " + describe(g) + " does not reach this " + name);
      }
    }
  }
  return out;
}

std::optional<std::string> may_grant(const std::vector<Grant>& granter, const Grant& grant) {
  for (auto permission : role_permissions(grant.role)) {
    const auto held = std::any_of(granter.begin(), granter.end(), [&](const Grant& g) {
      return g.effect == Effect::allow && role_grants(g.role, permission) &&
             covers(g.scope, grant.scope);
    });
    if (!held) {
      return "you do not hold " + std::string(to_string(permission)) + " " +
             (grant.scope.unlimited() ? "everywhere" : "in all of " + describe(grant.scope)) +
             ", so you cannot grant " + describe(grant);
    }
    for (const auto& g : granter) {
      if (g.effect == Effect::deny && role_grants(g.role, permission) &&
          overlaps(g.scope, grant.scope)) {
        return "your grant " + describe(g) + " denies you " + std::string(to_string(permission)) +
               " within " + describe(grant.scope) + ", so you cannot grant " + describe(grant);
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> may_manage(const std::vector<Grant>& actor,
                                      const std::vector<Grant>& grants) {
  for (const auto& g : grants) {
    if (g.effect == Effect::deny) continue;
    if (auto refused = may_grant(actor, g)) {
      return "this user holds " + describe(g) + ", more than you hold: " + *refused;
    }
  }
  return std::nullopt;
}

}  // namespace ordo::domain::access
