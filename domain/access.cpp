#include "domain/access.h"

#include <algorithm>
#include <array>

#include "base/id.h"

namespace ordo::domain::access {
namespace {

using P = Permission;

// The grants of each role. Store and integration tokens are further limited by their scope.
constexpr std::array<P, 14> kAdmin = {
    P::orders_read,   P::orders_place,  P::orders_service, P::orders_fulfil, P::stock_read,
    P::stock_write,   P::sellable_read, P::config_read,    P::config_write,  P::events_read,
    P::tokens_manage, P::metrics_read,  P::master_read,    P::master_write};
constexpr std::array<P, 6> kCustomerService = {P::orders_read,   P::orders_service, P::stock_read,
                                               P::sellable_read, P::config_read,    P::master_read};
constexpr std::array<P, 5> kStore = {P::orders_read, P::orders_fulfil, P::stock_read,
                                     P::stock_write, P::master_read};
// An ERP or PIM feeds master data; a shop or marketplace connector places orders.
constexpr std::array<P, 9> kIntegration = {P::orders_read, P::orders_place, P::orders_service,
                                           P::stock_read,  P::stock_write,  P::sellable_read,
                                           P::events_read, P::master_read,  P::master_write};
constexpr std::array<P, 7> kAuditor = {P::orders_read, P::stock_read,  P::sellable_read,
                                       P::config_read, P::events_read, P::metrics_read,
                                       P::master_read};

template <std::size_t N>
bool has(const std::array<P, N>& grants, P permission) {
  return std::find(grants.begin(), grants.end(), permission) != grants.end();
}

bool is_lower_alnum(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

bool is_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::optional<std::string> scope_problem(Role role, const Scope& scope) {
  if (role == Role::store && scope.site_id.empty()) return "a store token needs a site";
  if (role != Role::store && !scope.site_id.empty()) return "only a store token has a site";
  if (role != Role::integration && !scope.channel.empty()) {
    return "only an integration token has a channel";
  }
  if (!scope.site_id.empty() && !is_valid_id(scope.site_id)) return "invalid site id";
  if (!scope.channel.empty() && !is_valid_id(scope.channel)) return "invalid channel id";
  return std::nullopt;
}

Decision<Event> issue(const IssueToken& c, const State& state) {
  if (c.token_id.size() < 16 || c.token_id.size() > 64 || !is_lower_alnum(c.token_id)) {
    return reject(Rejection::Code::invalid, "token id must be 16 to 64 characters of [a-z0-9]");
  }
  if (!is_hex64(c.secret_sha256)) {
    return reject(Rejection::Code::invalid, "secret hash must be 64 lower-case hex characters");
  }
  if (auto problem = scope_problem(c.role, c.scope)) {
    return reject(Rejection::Code::invalid, *problem);
  }
  if (c.label.size() > 200) return reject(Rejection::Code::invalid, "label over 200 characters");
  if (state.exists)
    return reject(Rejection::Code::already_exists, "token " + c.token_id + " exists");
  return std::vector<Event>{
      TokenIssued{c.token_id, c.secret_sha256, c.role, c.scope, c.label, c.at}};
}

Decision<Event> revoke(const RevokeToken& c, const State& state) {
  if (!state.exists) return reject(Rejection::Code::not_found, "no token " + c.token_id);
  if (c.reason.empty()) return reject(Rejection::Code::invalid, "a revocation needs a reason");
  if (state.revoked) return std::vector<Event>{};
  return std::vector<Event>{TokenRevoked{c.token_id, c.reason, c.at}};
}

}  // namespace

std::string_view to_string(Role role) {
  switch (role) {
    case Role::admin:
      return "admin";
    case Role::customer_service:
      return "customer_service";
    case Role::store:
      return "store";
    case Role::integration:
      return "integration";
    case Role::auditor:
      return "auditor";
  }
  return "unknown";
}

std::optional<Role> role_from_string(std::string_view name) {
  for (auto role :
       {Role::admin, Role::customer_service, Role::store, Role::integration, Role::auditor}) {
    if (to_string(role) == name) return role;
  }
  return std::nullopt;
}

std::string_view to_string(Permission permission) {
  switch (permission) {
    case P::orders_read:
      return "orders:read";
    case P::orders_place:
      return "orders:place";
    case P::orders_service:
      return "orders:service";
    case P::orders_fulfil:
      return "orders:fulfil";
    case P::stock_read:
      return "stock:read";
    case P::stock_write:
      return "stock:write";
    case P::sellable_read:
      return "sellable:read";
    case P::config_read:
      return "config:read";
    case P::config_write:
      return "config:write";
    case P::events_read:
      return "events:read";
    case P::tokens_manage:
      return "tokens:manage";
    case P::metrics_read:
      return "metrics:read";
    case P::master_read:
      return "master:read";
    case P::master_write:
      return "master:write";
  }
  return "unknown";
}

bool role_grants(Role role, Permission permission) {
  switch (role) {
    case Role::admin:
      return has(kAdmin, permission);
    case Role::customer_service:
      return has(kCustomerService, permission);
    case Role::store:
      return has(kStore, permission);
    case Role::integration:
      return has(kIntegration, permission);
    case Role::auditor:
      return has(kAuditor, permission);
  }
  return false;
}

std::optional<std::string> scope_refuses(const Principal& principal, Permission permission) {
  const auto& scope = principal.scope;
  if (permission != P::master_write || (scope.site_id.empty() && scope.channel.empty()))
    return std::nullopt;
  return "this token is limited to " +
         (scope.site_id.empty() ? "channel " + scope.channel : "site " + scope.site_id) +
         ": master data is changed by tokens without a scope";
}

std::optional<std::string> authorize(const Principal& principal, Permission permission,
                                     const Target& target) {
  if (!role_grants(principal.role, permission)) {
    return "the " + std::string(to_string(principal.role)) + " role does not grant " +
           std::string(to_string(permission));
  }
  const auto& scope = principal.scope;
  if (!scope.site_id.empty() &&
      std::find(target.sites.begin(), target.sites.end(), scope.site_id) == target.sites.end()) {
    return "this token is limited to site " + scope.site_id;
  }
  if (!scope.channel.empty() && target.channel != scope.channel) {
    return "this token is limited to channel " + scope.channel;
  }
  return std::nullopt;
}

Decision<Event> decide(const Command& command, const State& state) {
  return std::visit(
      [&](const auto& c) -> Decision<Event> {
        if constexpr (std::is_same_v<std::decay_t<decltype(c)>, IssueToken>)
          return issue(c, state);
        else
          return revoke(c, state);
      },
      command);
}

State evolve(State state, const Event& event) {
  if (const auto* issued = std::get_if<TokenIssued>(&event)) {
    state.exists = true;
    state.issued = *issued;
  } else {
    state.revoked = true;
  }
  return state;
}

}  // namespace ordo::domain::access
