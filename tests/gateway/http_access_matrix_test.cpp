// Deny by default, route by route, against tables written here (not read from the router's own
// table or the grants): the exact routes open without a token, the permission each route needs,
// each role's grants (docs/API.md), and what a site's or a channel's token reaches.
#include <map>
#include <set>

#include "gateway/api/api.h"
#include "tests/gateway/http_fixture.h"

namespace ordo::gateway::testing {
namespace {

using AccessMatrix = HttpTest;
using verb = bhttp::verb;

// The permission of every route: "open" (no token), "any token", or the grant it needs.
const std::map<std::string, std::string> kRoutes = {
    {"GET /healthz", "open"},
    {"GET /readyz", "open"},
    {"GET /metrics", "metrics_read"},
    {"GET /v1/openapi.json", "any token"},
    {"GET /v1/me", "any token"},
    {"GET /v1/me/explain", "any token"},
    {"POST /v1/orders", "orders_place"},
    {"GET /v1/orders", "orders_read"},
    {"GET /v1/orders/{id}", "orders_read"},
    {"POST /v1/orders/{id}/cancel", "orders_act"},
    {"POST /v1/orders/{id}/delivery-address", "orders_act"},
    {"POST /v1/orders/{id}/preparation-started", "orders_fulfil"},
    {"POST /v1/orders/{id}/prepared", "orders_fulfil"},
    {"POST /v1/orders/{id}/shipped", "orders_fulfil"},
    {"POST /v1/orders/{id}/delivered", "orders_fulfil"},
    {"POST /v1/orders/{id}/reallocate", "orders_act"},
    {"POST /v1/orders/{id}/release", "orders_fulfil"},
    {"GET /v1/sites/{id}/offers", "orders_read"},
    {"GET /v1/sites", "master_read"},
    {"POST /v1/sites", "master_write"},
    {"GET /v1/sites/{id}", "master_read"},
    {"PUT /v1/sites/{id}", "master_write"},
    {"POST /v1/sites/{id}/close", "master_write"},
    {"POST /v1/sites/{id}/reopen", "master_write"},
    {"POST /v1/imports/{kind}", "master_write"},
    {"GET /v1/items", "master_read"},
    {"GET /v1/items/{id}", "master_read"},
    {"PUT /v1/items/{id}", "master_write"},
    {"GET /v1/brands", "master_read"},
    {"GET /v1/brands/{id}", "master_read"},
    {"PUT /v1/brands/{id}", "master_write"},
    {"GET /v1/channels", "master_read"},
    {"GET /v1/channels/{id}", "master_read"},
    {"PUT /v1/channels/{id}", "master_write"},
    {"POST /v1/promises", "sellable_read"},
    {"GET /v1/promises", "sellable_read"},
    {"GET /v1/pickup-points", "sellable_read"},
    {"GET /v1/promise-accuracy", "orders_read"},
    {"POST /v1/stock/movements", "stock_write"},
    {"GET /v1/stock/{site}/{sku}", "stock_read"},
    {"GET /v1/sellable-stock", "sellable_read"},
    {"GET /v1/sellable-stock/{channel}/{sku}", "sellable_read"},
    {"GET /v1/config/{area}", "config_read"},
    {"PUT /v1/config/{area}", "config_write"},
    {"GET /v1/config/{area}/history", "config_read"},
    {"GET /v1/events", "events_read"},
    {"GET /v1/tokens", "tokens_manage"},
    {"POST /v1/tokens", "tokens_manage"},
    {"POST /v1/tokens/{id}/revoke", "tokens_manage"},
};

// docs/API.md's role table.
const std::map<std::string, std::set<std::string>> kGrants = {
    {"admin",
     {"orders_read", "orders_place", "orders_act", "orders_fulfil", "stock_read", "stock_write",
      "sellable_read", "config_read", "config_write", "events_read", "tokens_manage",
      "metrics_read", "master_read", "master_write"}},
    {"customer_service",
     {"orders_read", "orders_act", "stock_read", "sellable_read", "config_read", "master_read"}},
    {"store", {"orders_read", "orders_fulfil", "stock_read", "stock_write", "master_read"}},
    {"integration",
     {"orders_place", "orders_read", "orders_act", "sellable_read", "stock_read", "stock_write",
      "events_read", "master_read", "master_write"}},
    {"auditor",
     {"orders_read", "stock_read", "sellable_read", "config_read", "events_read", "metrics_read",
      "master_read"}},
};

std::string key_of(const api::Route& route) {
  return std::string(bhttp::to_string(route.method)) + " " + std::string(route.pattern);
}

// A path for the pattern; `site` stands for the sites a request names (a store's own).
std::string path_of(std::string pattern, const std::string& site) {
  if (pattern == "/v1/sites/{id}/offers") pattern = "/v1/sites/" + site + "/offers";
  for (const auto& [placeholder, value] :
       std::vector<std::pair<std::string, std::string>>{{"{id}", "MX-1"},
                                                        {"{site}", site},
                                                        {"{sku}", "SKU-00001"},
                                                        {"{channel}", "web"},
                                                        {"{area}", "promise"},
                                                        {"{kind}", "brands"}}) {
    for (auto at = pattern.find(placeholder); at != std::string::npos;
         at = pattern.find(placeholder))
      pattern.replace(at, placeholder.size(), value);
  }
  return pattern;
}

TEST_F(AccessMatrix, TheRouterHasExactlyTheseRoutesAndOnlyTheHealthRoutesAreOpen) {
  std::map<std::string, std::string> routed;
  std::set<std::string> open;
  for (const auto& route : api::routes()) {
    using A = api::Route::Access;
    routed[key_of(route)] = route.access == A::open ? "open"
                            : route.access == A::any_token
                                ? "any token"
                                : std::string(domain::access::to_string(route.permission));
    if (route.access == A::open) open.insert(key_of(route));
  }
  EXPECT_EQ(routed, kRoutes);
  EXPECT_EQ(open, (std::set<std::string>{"GET /healthz", "GET /readyz"}));
}

// Every route with every role's token: 403 exactly where the role lacks the grant; elsewhere the
// request goes past access (it may still be a bad request: the bodies here are empty).
TEST_F(AccessMatrix, EveryRoleIsRefusedExactlyTheRoutesItsGrantsDoNotCover) {
  const auto sites = admin().get("/v1/sites?type=store&limit=1").doc();
  const std::string store_site = sites["sites"].at(0)["site_id"];
  int forbidden = 0, admitted = 0;
  for (const auto& [role, grants] : kGrants) {
    const auto site = role == "store" ? store_site : std::string("MX-SITE");
    Http client(port(), token(role, role == "store" ? site : ""));
    for (const auto& [route, permission] : kRoutes) {
      const auto space = route.find(' ');
      const auto method = bhttp::string_to_verb(route.substr(0, space));
      auto reply = client.request(method, path_of(route.substr(space + 1), site),
                                  method == verb::get ? "" : "{}");
      const bool granted =
          permission == "open" || permission == "any token" || grants.contains(permission);
      EXPECT_NE(reply.status, 401u) << role << " " << route << ": " << reply.body;
      if (granted) {
        EXPECT_NE(reply.status, 403u) << role << " " << route << ": " << reply.body;
        ++admitted;
      } else {
        EXPECT_EQ(reply.status, 403u) << role << " " << route << ": " << reply.body;
        EXPECT_NE(reply.body.find("does not grant " + permission), std::string::npos)
            << role << " " << route << ": " << reply.body;
        ++forbidden;
      }
    }
  }
  EXPECT_EQ(forbidden + admitted, static_cast<int>(kGrants.size() * kRoutes.size()));
  EXPECT_GT(forbidden, 50);
}

struct Case {
  verb method;
  std::string target;
  json body;
  unsigned expected;
};

void expect_cases(Http& client, const std::string& who, const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    auto reply = client.request(
        c.method, c.target, c.body.is_null() ? "" : c.body.dump(),
        {{"Idempotency-Key",
          "mx-" + std::to_string(std::hash<std::string>{}(c.target + c.body.dump()))}});
    EXPECT_EQ(reply.status, c.expected)
        << who << " " << bhttp::to_string(c.method) << " " << c.target << ": " << reply.body;
  }
}

// A channel's integration token, on every route its role has, reaches its own channel only; what
// belongs to no channel (site stock, movements, the raw log, master data changes) it may not
// touch at all.
TEST_F(AccessMatrix, AChannelsTokenReachesItsChannelOnlyOnEveryRouteOfItsRole) {
  auto web_order = order_body("MX-W2", "SKU-00003");
  const std::string at = place("MX-W", "SKU-00003")["position"];
  auto market_order = order_body("MX-M", "SKU-00003");
  market_order["channel"] = "marketplace";
  auto market = admin().post("/v1/orders", market_order, {{"Idempotency-Key", "mx-m"}});
  ASSERT_EQ(market.status, 201u) << market.body;
  const auto market_at = market.header("ordo-position");
  const std::string site = place("MX-S", "SKU-00004")["lines"][0]["site"];
  Http web(port(), token("integration", "", "web"));
  const auto cart = [](const std::string& channel) {
    return json{{"channel", channel},
                {"destination", {{"country", "FR"}, {"postcode", "75011"}}},
                {"lines", json::array({{{"sku", "SKU-00001"}, {"quantity", 1}}})}};
  };
  const json count = {{"movements", json::array({{{"type", "count"},
                                                  {"site", site},
                                                  {"sku", "SKU-00001"},
                                                  {"counted", 3},
                                                  {"source", "erp"}}})}};
  expect_cases(web, "integration(web)",
               {{verb::post, "/v1/orders", market_order, 403},
                {verb::post, "/v1/orders", web_order, 201},
                {verb::get, "/v1/orders?channel=marketplace", {}, 403},
                {verb::get, "/v1/orders?channel=web", {}, 200},
                {verb::get, "/v1/orders/MX-M?min_position=" + market_at, {}, 404},
                {verb::get, "/v1/orders/MX-W?min_position=" + at, {}, 200},
                {verb::post, "/v1/orders/MX-M/cancel", {{"reason", "x"}}, 404},
                {verb::post, "/v1/orders/MX-M/reallocate", {{"site", site}, {"reason", "x"}}, 404},
                {verb::get, "/v1/promise-accuracy?from=2026-01-01&to=2026-12-31", {}, 200},
                {verb::get, "/v1/sellable-stock?channel=marketplace&sku=SKU-00001", {}, 403},
                {verb::get, "/v1/sellable-stock?channel=web&sku=SKU-00001", {}, 200},
                {verb::get, "/v1/sellable-stock/marketplace/SKU-00001", {}, 403},
                {verb::get, "/v1/sellable-stock/web/SKU-00001", {}, 200},
                {verb::post, "/v1/promises", cart("marketplace"), 403},
                {verb::post, "/v1/promises", cart("web"), 200},
                {verb::get,
                 "/v1/promises?sku=SKU-00001&country=FR&postcode=75011&channel=marketplace",
                 {},
                 403},
                {verb::get, "/v1/stock/" + site + "/SKU-00001", {}, 403},
                {verb::get, "/v1/events", {}, 403},
                {verb::put, "/v1/brands/MX-BRAND", {{"name", "Mx"}}, 403},
                {verb::post, "/v1/imports/brands", {}, 403},
                {verb::get, "/v1/sites?limit=1", {}, 200}});
  auto moved = web.post("/v1/stock/movements", count);  // answered per movement
  ASSERT_EQ(moved.status, 200u) << moved.body;
  EXPECT_EQ(moved.doc()["results"][0]["status"], "forbidden") << moved.body;
}

// A store's token reaches its own site: its orders, stock, offers and promise figures.
TEST_F(AccessMatrix, AStoresTokenReachesItsSiteOnlyOnEveryRouteOfItsRole) {
  const auto placed = place("MX-T", "SKU-00005");
  const std::string other = placed["lines"][0]["site"];
  const auto holding = admin().get("/v1/sellable-stock/web/SKU-00005?explain=true").doc();
  std::string own;  // another site that holds the SKU
  for (const auto& s : holding["breakdown"]["sites"]) {
    if (s["site"] != other) own = s["site"];
  }
  ASSERT_FALSE(own.empty());
  Http store(port(), token("store", own));
  const json count = {{"movements", json::array({{{"type", "count"},
                                                  {"site", other},
                                                  {"sku", "SKU-00001"},
                                                  {"counted", 3},
                                                  {"source", "pos"}}})}};
  expect_cases(store, "store(" + own + ")",
               {{verb::get, "/v1/orders?site=" + other, {}, 403},
                {verb::get, "/v1/orders", {}, 200},
                {verb::get,
                 "/v1/orders/MX-T?min_position=" + placed["position"].get<std::string>(),
                 {},
                 404},
                {verb::post, "/v1/orders/MX-T/preparation-started", json::object(), 404},
                {verb::post, "/v1/orders/MX-T/release", {{"reason", "x"}}, 404},
                {verb::get, "/v1/stock/" + other + "/SKU-00001", {}, 403},
                {verb::get, "/v1/stock/" + own + "/SKU-00005", {}, 200},
                {verb::get, "/v1/sites/" + other + "/offers", {}, 403},
                {verb::get, "/v1/sites/" + own + "/offers", {}, 200},
                {verb::get, "/v1/promise-accuracy?by=site&from=2026-01-01&to=2026-12-31", {}, 200},
                {verb::get, "/v1/sites/" + other, {}, 200}});
  auto moved = store.post("/v1/stock/movements", count);
  ASSERT_EQ(moved.status, 200u) << moved.body;
  EXPECT_EQ(moved.doc()["results"][0]["status"], "forbidden");
}

}  // namespace
}  // namespace ordo::gateway::testing
