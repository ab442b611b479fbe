#include "gateway/api/api.h"

#include <algorithm>
#include <boost/beast/core/string.hpp>

#include "gateway/api/handlers.h"
#include "gateway/api/support.h"

namespace ordo::gateway::api {
namespace {

namespace asio = boost::asio;
using verb = http::bhttp::verb;
using P = domain::access::Permission;
using A = Route::Access;

constexpr Route kRoutes[] = {
    {verb::get, "/healthz", A::open, P::metrics_read, &healthz},
    {verb::get, "/readyz", A::open, P::metrics_read, &readyz},
    {verb::get, "/metrics", A::permission, P::metrics_read, &metrics},
    {verb::get, "/v1/openapi.json", A::any_token, P::metrics_read, &openapi},
    {verb::get, "/v1/me", A::any_token, P::metrics_read, &get_me},
    {verb::get, "/v1/me/explain", A::any_token, P::metrics_read, &explain_access},
    {verb::post, "/v1/orders", A::permission, P::orders_place, &place_order},
    {verb::get, "/v1/orders", A::permission, P::orders_read, &search_orders},
    {verb::get, "/v1/orders/{id}", A::permission, P::orders_read, &get_order},
    {verb::post, "/v1/orders/{id}/cancel", A::permission, P::orders_act, &cancel_order},
    {verb::post, "/v1/orders/{id}/delivery-address", A::permission, P::orders_act, &change_address},
    {verb::post, "/v1/orders/{id}/preparation-started", A::permission, P::orders_fulfil,
     &store_step},
    {verb::post, "/v1/orders/{id}/prepared", A::permission, P::orders_fulfil, &store_step},
    {verb::post, "/v1/orders/{id}/shipped", A::permission, P::orders_fulfil, &store_step},
    {verb::post, "/v1/orders/{id}/delivered", A::permission, P::orders_fulfil, &store_step},
    {verb::post, "/v1/orders/{id}/reallocate", A::permission, P::orders_act, &reallocate_order},
    {verb::post, "/v1/orders/{id}/release", A::permission, P::orders_fulfil, &release_order},
    {verb::get, "/v1/sites/{id}/offers", A::permission, P::orders_read, &site_offers},
    {verb::get, "/v1/sites", A::permission, P::master_read, &list_sites},
    {verb::post, "/v1/sites", A::permission, P::master_write, &post_site},
    {verb::get, "/v1/sites/{id}", A::permission, P::master_read, &get_site},
    {verb::put, "/v1/sites/{id}", A::permission, P::master_write, &put_site},
    {verb::post, "/v1/sites/{id}/close", A::permission, P::master_write, &close_site},
    {verb::post, "/v1/sites/{id}/reopen", A::permission, P::master_write, &reopen_site},
    {verb::post, "/v1/imports/{kind}", A::permission, P::master_write, &import_file},
    {verb::get, "/v1/items", A::permission, P::master_read, &list_items},
    {verb::get, "/v1/items/{id}", A::permission, P::master_read, &get_item},
    {verb::put, "/v1/items/{id}", A::permission, P::master_write, &put_item},
    {verb::get, "/v1/brands", A::permission, P::master_read, &list_brands},
    {verb::get, "/v1/brands/{id}", A::permission, P::master_read, &get_brand},
    {verb::put, "/v1/brands/{id}", A::permission, P::master_write, &put_brand},
    {verb::get, "/v1/channels", A::permission, P::master_read, &list_channels},
    {verb::get, "/v1/channels/{id}", A::permission, P::master_read, &get_channel},
    {verb::put, "/v1/channels/{id}", A::permission, P::master_write, &put_channel},
    {verb::post, "/v1/promises", A::permission, P::sellable_read, &promise_cart},
    {verb::get, "/v1/promises", A::permission, P::sellable_read, &promise_product},
    {verb::get, "/v1/pickup-points", A::permission, P::sellable_read, &pickup_points},
    {verb::get, "/v1/promise-accuracy", A::permission, P::orders_read, &promise_accuracy},
    {verb::post, "/v1/stock/movements", A::permission, P::stock_write, &stock_movements},
    {verb::get, "/v1/stock/{site}/{sku}", A::permission, P::stock_read, &site_stock},
    {verb::get, "/v1/sellable-stock", A::permission, P::sellable_read, &sellable_stock},
    {verb::get, "/v1/sellable-stock/{channel}/{sku}", A::permission, P::sellable_read,
     &sellable_explain},
    {verb::get, "/v1/config/{area}", A::permission, P::config_read, &get_config},
    {verb::put, "/v1/config/{area}", A::permission, P::config_write, &put_config},
    {verb::get, "/v1/config/{area}/history", A::permission, P::config_read, &config_history},
    {verb::get, "/v1/events", A::permission, P::events_read, &read_events},
    {verb::get, "/v1/tokens", A::permission, P::tokens_manage, &list_tokens},
    {verb::post, "/v1/tokens", A::permission, P::tokens_manage, &create_token},
    {verb::post, "/v1/tokens/{id}/revoke", A::permission, P::tokens_manage, &revoke_token},
};

constexpr std::size_t kPathBytesMax = 2048;

// Matches a path against a pattern segment by segment; fills the {placeholders}' raw values.
bool matches(std::string_view pattern, std::string_view path, std::vector<std::string>& params) {
  params.clear();
  while (!pattern.empty() && !path.empty()) {
    if (pattern.front() != '/' || path.front() != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const auto pattern_end = std::min(pattern.find('/'), pattern.size());
    const auto path_end = std::min(path.find('/'), path.size());
    const auto segment = pattern.substr(0, pattern_end);
    const auto value = path.substr(0, path_end);
    if (segment.starts_with('{')) {
      if (value.empty()) return false;
      params.emplace_back(value);
    } else if (segment != value) {
      return false;
    }
    pattern.remove_prefix(pattern_end);
    path.remove_prefix(path_end);
  }
  return pattern.empty() && path.empty();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding ("+" is a space in a query); nullopt for a broken escape.
std::optional<std::string> decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(plus_is_space && text[i] == '+' ? ' ' : text[i]);
    }
  }
  return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(
    std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const auto end = std::min(query.find('&'), query.size());
    const auto pair = query.substr(0, end);
    query.remove_prefix(std::min(end + 1, query.size()));
    if (pair.empty()) continue;
    const auto equals = std::min(pair.find('='), pair.size());
    auto name = decode(pair.substr(0, equals), true);
    auto value = decode(pair.substr(std::min(equals + 1, pair.size())), true);
    if (!name || !value) return std::nullopt;
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

std::string allowed_methods(std::string_view path) {
  std::string allow;
  std::vector<std::string> params;
  for (const auto& route : kRoutes) {
    if (!matches(route.pattern, path, params)) continue;
    if (!allow.empty()) allow += ", ";
    allow += std::string(http::bhttp::to_string(route.method));
    if (route.method == verb::get) allow += ", HEAD";
  }
  return allow;
}

http::Response unauthorized(const std::string& detail) {
  auto response = problem(401, "unauthorized", "Unauthorized", detail);
  response.set(http::bhttp::field::www_authenticate, "Bearer realm=\"ordo\"");
  return response;
}

// Authenticates and checks the role's grant; the scope is the handler's to check.
std::optional<http::Response> admit(Engine& engine, const Route& route, Context& context) {
  if (route.access == A::open) return std::nullopt;
  const auto header = context.request[http::bhttp::field::authorization];
  if (header.empty())
    return unauthorized("an API token is required: Authorization: Bearer <token>");
  if (header.size() < 7 || !boost::beast::iequals(header.substr(0, 7), "Bearer ")) {
    return unauthorized("the Authorization header must be 'Bearer <token>'");
  }
  auto who = engine.tokens.authenticate(header.substr(7));
  if (auto* failure = std::get_if<AuthenticationFailure>(&who))
    return unauthorized(failure->reason);
  context.principal = std::get<domain::access::Principal>(std::move(who));
  if (route.access == A::permission &&
      !domain::access::holds(context.principal, route.permission)) {
    return forbidden(*domain::access::authorize(context.principal, route.permission));
  }
  if (route.access == A::permission) {
    if (auto refused = domain::access::scope_refuses(context.principal, route.permission))
      return forbidden(*refused);
  }
  return std::nullopt;
}

// Refuses a query parameter the route does not take, as an unknown body field is refused: a
// misspelt filter (statut=...) must not answer as if no filter were asked.
std::optional<http::Response> unknown_parameter(const Route& route,
                                                const std::vector<std::string>& known,
                                                const Context& context) {
  for (const auto& entry : context.query) {
    const auto& name = entry.first;
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    return bad_parameter(name, "unknown query parameter '" + name + "' for " +
                                   std::string(http::bhttp::to_string(route.method)) + " " +
                                   std::string(route.pattern) +
                                   (list.empty() ? " (it takes none)" : " (known: " + list + ")"));
  }
  return std::nullopt;
}

struct Admitted {
  const Route* route;
  Context context;
};

// Matches the route and admits the caller: the route and the request's context, or the answer
// that refuses it (bad target, no route, wrong method, no or bad token, role without the grant).
// Reads the request line and headers only, never the body.
std::variant<Admitted, http::Response> admit_request(Engine& engine, http::Request& request,
                                                     std::size_t& route_index) {
  route_index = std::size(kRoutes);
  const std::string_view target = request.target();
  const auto question = std::min(target.find('?'), target.size());
  const auto raw_path = target.substr(0, question);
  if (raw_path.size() > kPathBytesMax || !raw_path.starts_with('/')) {
    return problem(400, "bad-target", "Bad request target",
                   "the path must start with / and be at most 2048 bytes");
  }
  auto query = parse_query(target.substr(std::min(question + 1, target.size())));
  if (!query)
    return problem(400, "bad-target", "Bad request target",
                   "the query has a broken percent-escape");
  Context context{request, {}, std::move(*query), {}};
  // HEAD is GET without the body (the server drops it and keeps Content-Length).
  const auto method = request.method() == verb::head ? verb::get : request.method();
  for (std::size_t i = 0; i < std::size(kRoutes); ++i) {
    const auto& route = kRoutes[i];
    if (route.method != method || !matches(route.pattern, raw_path, context.params)) continue;
    route_index = i;
    for (auto& param : context.params) {
      auto decoded = decode(param, false);
      if (!decoded)
        return problem(400, "bad-target", "Bad request target",
                       "the path has a broken percent-escape");
      param = std::move(*decoded);
    }
    if (auto refused = admit(engine, route, context)) return std::move(*refused);
    if (auto refused = unknown_parameter(route, documented_query_parameters()[i], context))
      return std::move(*refused);
    return Admitted{&route, std::move(context)};
  }
  const auto allow = allowed_methods(raw_path);
  if (allow.empty()) return not_found("no route " + std::string(raw_path));
  auto response = problem(405, "method-not-allowed", "Method not allowed",
                          std::string(request.method_string()) + " is not allowed on " +
                              std::string(raw_path) + "; allowed: " + allow);
  response.set(http::bhttp::field::allow, allow);
  return response;
}

asio::awaitable<http::Response> dispatch(Engine& engine, http::Request& request,
                                         std::size_t& route_index) {
  auto admitted = admit_request(engine, request, route_index);
  if (auto* refused = std::get_if<http::Response>(&admitted)) co_return std::move(*refused);
  auto& [route, context] = std::get<Admitted>(admitted);
  co_return co_await route->handler(engine, context);
}

}  // namespace

std::optional<std::string_view> Context::param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

std::vector<std::string> Context::all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : query) {
    if (key != name) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto comma = std::min(rest.find(','), rest.size());
      out.emplace_back(rest.substr(0, comma));
      rest.remove_prefix(std::min(comma + 1, rest.size()));
    }
  }
  return out;
}

eventstore::Actor Context::actor() const {
  using K = domain::access::PrincipalKind;
  const auto kind = principal.kind == K::store_token         ? eventstore::ActorKind::store
                    : principal.kind == K::integration_token ? eventstore::ActorKind::integration
                                                             : eventstore::ActorKind::user;
  return {kind, (principal.kind == K::user ? "user:" : "token:") + principal.id};
}

std::span<const Route> routes() { return kRoutes; }

std::vector<std::string> route_labels() {
  std::vector<std::string> labels;
  for (const auto& route : kRoutes) {
    labels.push_back(std::string(http::bhttp::to_string(route.method)) + " " +
                     std::string(route.pattern));
  }
  return labels;
}

std::optional<http::Response> Api::screen(http::Request& header) {
  const auto started = std::chrono::steady_clock::now();
  std::size_t route_index = 0;
  auto admitted = admit_request(engine_, header, route_index);
  auto* refused = std::get_if<http::Response>(&admitted);
  if (refused == nullptr) return std::nullopt;
  engine_.metrics.record(route_index, refused->result_int(),
                         std::chrono::steady_clock::now() - started);
  return std::move(*refused);
}

asio::awaitable<http::Response> Api::handle(http::Request& request) {
  const auto started = std::chrono::steady_clock::now();
  std::size_t route_index = 0;
  auto response = co_await dispatch(engine_, request, route_index);
  engine_.metrics.record(route_index, response.result_int(),
                         std::chrono::steady_clock::now() - started);
  co_return response;
}

}  // namespace ordo::gateway::api
