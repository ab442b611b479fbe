#include "gateway/security/grant_text.h"

#include <algorithm>

#include "domain/users.h"

namespace ordo::gateway {
namespace {

std::vector<std::string> scope_values(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    const auto comma = std::min(list.find(','), list.size());
    out.emplace_back(list.substr(0, comma));
    list.remove_prefix(std::min(comma + 1, list.size()));
  }
  return out;
}

}  // namespace

Result<domain::access::Grant> parse_grant(std::string_view text) {
  namespace access = domain::access;
  access::Grant grant;
  if (text.starts_with("deny:")) {
    grant.effect = access::Effect::deny;
    text.remove_prefix(5);
  }
  const auto colon = std::min(text.find(':'), text.size());
  const auto role = access::role_from_string(text.substr(0, colon));
  if (!role) {
    return fail(ErrorCode::invalid_argument,
                "unknown role '" + std::string(text.substr(0, colon)) +
                    "' (super_admin, admin, business_analyst, customer_service, store_manager, "
                    "auditor, technical)");
  }
  grant.role = *role;
  auto rest = text.substr(std::min(colon + 1, text.size()));
  while (!rest.empty()) {
    const auto semicolon = std::min(rest.find(';'), rest.size());
    const auto part = rest.substr(0, semicolon);
    rest.remove_prefix(std::min(semicolon + 1, rest.size()));
    const auto equals = part.find('=');
    const auto name = part.substr(0, std::min(equals, part.size()));
    auto* values = name == "country"   ? &grant.scope.countries
                   : name == "channel" ? &grant.scope.channels
                   : name == "brand"   ? &grant.scope.brands
                   : name == "site"    ? &grant.scope.sites
                                       : nullptr;
    if (values == nullptr || equals == std::string_view::npos || equals + 1 == part.size()) {
      return fail(ErrorCode::invalid_argument,
                  "a scope reads country=FR,DE;channel=web;brand=...;site=..., not '" +
                      std::string(part) + "'");
    }
    for (auto& v : scope_values(part.substr(equals + 1))) values->push_back(std::move(v));
  }
  grant.scope = access::normalized(std::move(grant.scope));
  if (auto problem = domain::users::grant_problem(grant))
    return fail(ErrorCode::invalid_argument, *problem);
  return grant;
}

std::string grant_text(const domain::access::Grant& grant) {
  std::string out = grant.effect == domain::access::Effect::deny ? "deny:" : "";
  out += domain::access::to_string(grant.role);
  std::string scope;
  for (const auto& [name, values] : {std::pair{"country", &grant.scope.countries},
                                     {"channel", &grant.scope.channels},
                                     {"brand", &grant.scope.brands},
                                     {"site", &grant.scope.sites}}) {
    if (values->empty()) continue;
    scope += (scope.empty() ? "" : ";") + std::string(name) + "=";
    for (std::size_t i = 0; i < values->size(); ++i) scope += (i ? "," : "") + (*values)[i];
  }
  return scope.empty() ? out : out + ":" + scope;
}

}  // namespace ordo::gateway
