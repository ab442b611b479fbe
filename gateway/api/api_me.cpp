// GET /v1/me and GET /v1/me/explain: what the caller may do, and why (or why not) it may do one
// thing on one object. A back office builds its menus from the first.
#include <algorithm>

#include "base/id.h"
#include "gateway/api/handlers.h"
#include "gateway/api/problem.h"
#include "gateway/api/support.h"
#include "gateway/http/asio.h"

namespace ordo::gateway::api {
namespace {

namespace access = domain::access;
using json = nlohmann::json;

json scope_json(const access::GrantScope& scope) {
  return {{"countries", scope.countries},
          {"channels", scope.channels},
          {"brands", scope.brands},
          {"sites", scope.sites}};
}

std::string_view kind_name(access::PrincipalKind kind) {
  switch (kind) {
    case access::PrincipalKind::token:
      return "token";
    case access::PrincipalKind::store_token:
      return "store_token";
    case access::PrincipalKind::integration_token:
      return "integration_token";
    case access::PrincipalKind::user:
      return "user";
  }
  return "unknown";
}

}  // namespace

Awaitable get_me(Engine&, Context& context) {
  const auto& who = context.principal;
  json grants = json::array();
  for (const auto& g : who.grants) {
    grants.push_back({{"role", access::to_string(g.role)},
                      {"effect", g.effect == access::Effect::deny ? "deny" : "allow"},
                      {"scope", scope_json(g.scope)}});
  }
  json permissions = json::object();
  for (const auto permission : access::all_permissions()) {
    const auto scopes = access::scopes_for(who, permission);
    if (scopes.empty()) continue;
    json where = json::array();
    for (const auto& s : scopes) where.push_back(scope_json(s));
    json denied = json::array();
    for (const auto& s : access::denied_scopes_for(who, permission))
      denied.push_back(scope_json(s));
    permissions[std::string(access::to_string(permission))] = {
        {"everywhere", access::holds_everywhere(who, permission)},
        {"scopes", where},
        {"denied", denied}};
  }
  co_return json_response(200, dump({{"id", who.id},
                                     {"kind", kind_name(who.kind)},
                                     {"grants", grants},
                                     {"permissions", permissions}}));
}

Awaitable explain_access(Engine&, Context& context) {
  const auto name = context.param("permission");
  if (!name) co_return bad_parameter("permission", "permission is required (e.g. orders_act)");
  const auto permission = access::permission_from_string(*name);
  if (!permission) {
    std::string names;
    for (const auto p : access::all_permissions())
      names += (names.empty() ? "" : ", ") + std::string(access::to_string(p));
    co_return bad_parameter("permission", "permission is one of " + names);
  }
  access::Target target;
  target.countries = context.all("country");
  target.sites = context.all("site");
  target.brands = context.all("brand");
  if (auto channel = context.param("channel")) target.channel = std::string(*channel);
  for (const auto& c : target.countries) {
    if (!domain::is_country_code(c))
      co_return bad_parameter("country", "country is an ISO 3166-1 alpha-2 code (FR, DE, GB)");
  }
  for (const auto& [parameter, values] :
       {std::pair{"site", &target.sites}, {"brand", &target.brands}}) {
    if (!std::all_of(values->begin(), values->end(), [](const auto& v) { return is_valid_id(v); }))
      co_return bad_parameter(parameter, std::string(parameter) + " is an id");
  }
  if (!target.channel.empty() && !is_valid_id(target.channel))
    co_return bad_parameter("channel", "channel is an id");
  const auto explanation = access::explain(context.principal, *permission, target);
  co_return json_response(200, dump({{"permission", *name},
                                     {"target",
                                      {{"countries", target.countries},
                                       {"channel", target.channel},
                                       {"brands", target.brands},
                                       {"sites", target.sites}}},
                                     {"allowed", explanation.allowed},
                                     {"reasons", explanation.reasons}}));
}

}  // namespace ordo::gateway::api
