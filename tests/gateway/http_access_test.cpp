// Access, errors and the rest of the API over HTTP against a real `ordo serve`: tokens and roles,
// problem answers for every kind of bad request, stock, sellable stock, configuration, the raw
// log, metrics, and the OpenAPI document kept true to the router.
#include <set>

#include "gateway/api/api.h"
#include "tests/gateway/http_fixture.h"

namespace ordo::gateway::testing {
namespace {

using AccessHttp = HttpTest;
using verb = bhttp::verb;

TEST_F(AccessHttp, HealthIsOpenAndEveryOtherRouteNeedsAToken) {
  Http anonymous(port());
  EXPECT_EQ(anonymous.get("/healthz").status, 200u);
  EXPECT_EQ(anonymous.get("/readyz").status, 200u);
  for (const auto& route : api::routes()) {
    if (route.access == api::Route::Access::open) continue;
    std::string path(route.pattern);
    for (auto at = path.find('{'); at != std::string::npos; at = path.find('{')) {
      path.replace(at, path.find('}', at) - at + 1, "X-1");
    }
    auto reply = anonymous.request(route.method, path, route.method == verb::get ? "" : "{}");
    EXPECT_EQ(reply.status, 401u) << route.pattern;
    EXPECT_EQ(reply.header("www-authenticate"), "Bearer realm=\"ordo\"") << route.pattern;
  }
  Http forged(port(), "ordo_0123456789abcdef01234567_" + std::string(64, 'a'));
  EXPECT_EQ(forged.get("/v1/sellable-stock?channel=web&sku=SKU-00001").status, 401u);
  Http garbage(port(), "not-a-token");
  EXPECT_EQ(garbage.get("/v1/sellable-stock?channel=web&sku=SKU-00001").status, 401u);
}

TEST_F(AccessHttp, ARevokedTokenIsRefusedAtOnce) {
  auto client = admin();
  auto created = client.post("/v1/tokens", {{"role", "auditor"}, {"label", "temporary"}});
  ASSERT_EQ(created.status, 201u) << created.body;
  Http auditor(port(), created.doc()["token"]);
  EXPECT_EQ(auditor.get("/v1/config/inventory_views").status, 200u);
  const std::string id = created.doc()["token_id"];
  EXPECT_EQ(client.post("/v1/tokens/" + id + "/revoke", {{"reason", "contractor left"}}).status,
            200u);
  auto refused = auditor.get("/v1/config/inventory_views");
  EXPECT_EQ(refused.status, 401u);
  EXPECT_NE(refused.body.find("revoked"), std::string::npos);
  auto listed = client.get("/v1/tokens").doc()["tokens"];
  auto it = std::find_if(listed.begin(), listed.end(),
                         [&](const json& t) { return t["token_id"] == id; });
  ASSERT_NE(it, listed.end());
  EXPECT_EQ((*it)["revoked"], true);
  EXPECT_EQ(listed.dump().find("sha256"), std::string::npos) << "never the secret's hash";
  EXPECT_EQ(client.post("/v1/tokens/nope/revoke", {{"reason", "x"}}).status, 404u);
  EXPECT_EQ(client.post("/v1/tokens", {{"role", "store"}}).status, 422u)
      << "a store token needs a site";
  EXPECT_EQ(client.post("/v1/tokens", {{"role", "wizard"}}).status, 422u);
  EXPECT_EQ(client.post("/v1/tokens", {{"role", "auditor"}, {"channel", "web"}}).status, 422u);
}

TEST_F(AccessHttp, EachRoleGetsItsGrantsAndNothingMore) {
  struct Case {
    std::string role, site, channel;
    verb method;
    std::string target;
    json body;
    unsigned expected;
  };
  const std::vector<Case> cases = {
      {"auditor", "", "", verb::get, "/v1/config/inventory_views", nullptr, 200},
      {"auditor", "", "", verb::get, "/v1/events?limit=1", nullptr, 200},
      {"auditor", "", "", verb::get, "/metrics", nullptr, 200},
      {"auditor", "", "", verb::put, "/v1/config/inventory_views", json::object(), 403},
      {"auditor", "", "", verb::post, "/v1/stock/movements", json::object(), 403},
      {"auditor", "", "", verb::get, "/v1/tokens", nullptr, 403},
      {"customer_service", "", "", verb::get, "/v1/sellable-stock?channel=web&sku=SKU-00001",
       nullptr, 200},
      {"customer_service", "", "", verb::get, "/v1/events", nullptr, 403},
      {"customer_service", "", "", verb::get, "/metrics", nullptr, 403},
      {"customer_service", "", "", verb::post, "/v1/stock/movements", json::object(), 403},
      {"store", "STORE-A", "", verb::get, "/v1/sellable-stock?channel=web&sku=SKU-00001", nullptr,
       403},
      {"store", "STORE-A", "", verb::get, "/v1/config/inventory_views", nullptr, 403},
      {"store", "STORE-A", "", verb::get, "/v1/stock/STORE-B/SKU-00001", nullptr, 403},
      {"integration", "", "web", verb::get, "/v1/sellable-stock?channel=web&sku=SKU-00001", nullptr,
       200},
      {"integration", "", "web", verb::get, "/v1/sellable-stock?channel=marketplace&sku=SKU-00001",
       nullptr, 403},
      {"integration", "", "web", verb::get, "/v1/events", nullptr, 403},
      {"integration", "", "", verb::get, "/v1/events?limit=1", nullptr, 200},
      {"integration", "", "", verb::put, "/v1/config/inventory_views", json::object(), 403},
      {"admin", "", "", verb::get, "/v1/openapi.json", nullptr, 200},
  };
  for (const auto& c : cases) {
    Http client(port(), token(c.role, c.site, c.channel));
    auto reply = client.request(c.method, c.target, c.body.is_null() ? "" : c.body.dump());
    EXPECT_EQ(reply.status, c.expected) << c.role << " " << c.target << ": " << reply.body;
    if (reply.status == 403) {
      EXPECT_EQ(reply.doc()["type"], "urn:ordo:problem:forbidden");
    }
  }
}

// GET /v1/me says what the caller holds and where; /v1/me/explain why it may or may not act.
TEST_F(AccessHttp, TheCallerSeesItsGrantsAndWhyItMayOrMayNotAct) {
  Http store(port(), token("store", "FR-CAEN"));
  const auto me = store.get("/v1/me");
  ASSERT_EQ(me.status, 200u) << me.body;
  const auto doc = me.doc();
  EXPECT_EQ(doc["kind"], "store_token");
  ASSERT_EQ(doc["grants"].size(), 1u);
  EXPECT_EQ(doc["grants"][0]["role"], "store");
  EXPECT_EQ(doc["grants"][0]["scope"]["sites"], json::array({"FR-CAEN"}));
  const auto& fulfil = doc["permissions"]["orders_fulfil"];
  EXPECT_EQ(fulfil["everywhere"], false);
  EXPECT_EQ(fulfil["scopes"][0]["sites"], json::array({"FR-CAEN"}));
  EXPECT_FALSE(doc["permissions"].contains("orders_place")) << "a store does not place orders";
  EXPECT_FALSE(doc["permissions"].contains("master_write"));
  EXPECT_TRUE(admin().get("/v1/me").doc()["permissions"]["master_write"]["everywhere"]);

  const auto own = store.get("/v1/me/explain?permission=orders_fulfil&site=FR-CAEN").doc();
  EXPECT_EQ(own["allowed"], true) << own;
  const auto other = store.get("/v1/me/explain?permission=orders_fulfil&site=FR-LYON").doc();
  EXPECT_EQ(other["allowed"], false) << other;
  EXPECT_NE(other["reasons"][0].get<std::string>().find("site FR-CAEN"), std::string::npos)
      << other;
  const auto never = store.get("/v1/me/explain?permission=config_write").doc();
  EXPECT_EQ(never["allowed"], false);
  EXPECT_NE(never["reasons"][0].get<std::string>().find("store role does not grant config_write"),
            std::string::npos)
      << never;
  for (const auto& [query, parameter] : std::vector<std::pair<std::string, std::string>>{
           {"", "permission"},
           {"?permission=orders:read", "permission"},
           {"?permission=orders_read&country=UK", "country"},
           {"?permission=orders_read&site=a%20b", "site"},
           {"?permission=orders_read&colour=red", "colour"}}) {
    const auto refused = store.get("/v1/me/explain" + query);
    EXPECT_EQ(refused.status, 400u) << query << ": " << refused.body;
    EXPECT_NE(refused.body.find(parameter), std::string::npos) << refused.body;
  }
}

TEST_F(AccessHttp, BadRequestsGetTheRightProblemAndTheServerKeepsServing) {
  auto client = admin();
  auto malformed =
      client.request(verb::post, "/v1/orders", "{\"order_id\": ", {{"Idempotency-Key", "bad-1"}});
  EXPECT_EQ(malformed.status, 400u);
  EXPECT_EQ(malformed.doc()["type"], "urn:ordo:problem:malformed-json");
  auto utf8 = client.request(verb::post, "/v1/orders", "{\"order_id\": \"\xff\xfe\"}",
                             {{"Idempotency-Key", "bad-2"}});
  EXPECT_EQ(utf8.status, 400u) << utf8.body;
  auto deep =
      client.request(verb::post, "/v1/orders", std::string(1000, '[') + std::string(1000, ']'),
                     {{"Idempotency-Key", "bad-3"}});
  EXPECT_EQ(deep.status, 400u);
  auto text = client.request(verb::post, "/v1/orders", "hello",
                             {{"Idempotency-Key", "bad-4"}, {"Content-Type", "text/plain"}});
  EXPECT_EQ(text.status, 415u);
  auto array = client.request(verb::post, "/v1/orders", "[1,2]", {{"Idempotency-Key", "bad-5"}});
  EXPECT_EQ(array.status, 422u);
  auto unknown = client.get("/v1/nothing-here");
  EXPECT_EQ(unknown.status, 404u);
  auto method = client.request(verb::delete_, "/v1/orders");
  EXPECT_EQ(method.status, 405u);
  EXPECT_EQ(method.header("allow"), "POST, GET, HEAD");
  auto huge = client.request(verb::post, "/v1/orders", std::string(2 << 20, ' '),
                             {{"Idempotency-Key", "bad-6"}});
  EXPECT_EQ(huge.status, 413u);
  auto escape = client.get("/v1/sellable-stock?channel=web&sku=%zz");
  EXPECT_EQ(escape.status, 400u);
  auto key = client.post("/v1/orders", order_body("BAD-7", "SKU-00001"),
                         {{"Idempotency-Key", std::string(300, 'k')}});
  EXPECT_EQ(key.status, 400u);
  EXPECT_EQ(admin().get("/healthz").status, 200u);
  EXPECT_EQ(client.get("/v1/events?stream=order-BAD-7").doc()["events"].size(), 0u);
}

// A misspelt filter must not answer as if no filter were asked, nor a write act on less than
// was sent: a query parameter the route does not document is refused, naming it.
TEST_F(AccessHttp, AQueryParameterTheRouteDoesNotTakeIsRefusedAndNamed) {
  auto client = admin();
  auto misspelt = client.get("/v1/orders?statut=allocated");
  EXPECT_EQ(misspelt.status, 400u) << misspelt.body;
  const auto doc = misspelt.doc();
  EXPECT_EQ(doc["type"], "urn:ordo:problem:bad-parameter");
  EXPECT_EQ(doc["errors"][0]["pointer"], "#/query/statut") << misspelt.body;
  EXPECT_NE(doc["detail"].get<std::string>().find("known: customer, email"), std::string::npos);
  auto write = client.post("/v1/orders?dry_run=true", order_body("BAD-8", "SKU-00001"),
                           {{"Idempotency-Key", "bad-8"}});
  EXPECT_EQ(write.status, 400u) << write.body;
  EXPECT_EQ(client.get("/v1/events?stream=order-BAD-8").doc()["events"].size(), 0u);
  EXPECT_EQ(client.get("/v1/sites/none?after=x").status, 400u);
  EXPECT_EQ(client.get("/v1/orders?status=allocated&limit=5").status, 200u);
}

TEST_F(AccessHttp, StockMovementsAreAnsweredOneByOneAndMoveSellableStock) {
  auto client = admin();
  auto before = client.get("/v1/sellable-stock/web/SKU-00020?explain=true");
  ASSERT_EQ(before.status, 200u) << before.body;
  const std::string site = before.doc()["breakdown"]["sites"][0]["site"];
  const std::int64_t now = before.doc()["now"];
  json movements = {
      {"movements",
       json::array({
           {{"type", "receipt"},
            {"site", site},
            {"sku", "SKU-00020"},
            {"quantity", 10},
            {"reference", "ASN-1"}},
           {{"type", "adjustment"},
            {"site", site},
            {"sku", "SKU-00020"},
            {"delta", -3},
            {"reason", "damaged"}},
           {{"type", "receipt"}, {"site", site}, {"sku", "SKU-00020"}, {"quantity", -1}},
           {{"type", "expected_receipt"},
            {"site", site},
            {"sku", "SKU-00020"},
            {"receipt_id", "PO-77"},
            {"quantity", 5},
            {"expected_at_us", 0}},
           {{"type", "adjustment"},
            {"site", "NO-SUCH-SITE"},
            {"sku", "SKU-00020"},
            {"delta", 1},
            {"reason", "found"}},
       })}};
  auto reply = client.post("/v1/stock/movements", movements);
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const auto results = reply.doc()["results"];
  EXPECT_EQ(results[0]["status"], "applied");
  EXPECT_EQ(results[1]["status"], "applied");
  EXPECT_EQ(results[2]["status"], "invalid");
  EXPECT_EQ(results[2]["problem"]["errors"][0]["pointer"], "/movements/2/quantity");
  EXPECT_EQ(results[3]["status"], "applied");
  EXPECT_EQ(results[4]["status"], "rejected") << results[4].dump();
  auto after = client.get("/v1/sellable-stock?channel=web&sku=SKU-00020&min_position=" +
                          reply.header("ordo-position"));
  EXPECT_EQ(after.doc()["items"][0]["now"].get<std::int64_t>(), now + 7) << after.body;
  auto stock = client.get("/v1/stock/" + site + "/SKU-00020");
  ASSERT_EQ(stock.status, 200u);
  EXPECT_EQ(stock.doc()["expected_receipts"][0]["receipt_id"], "PO-77");

  Http store(port(), token("store", site));
  auto own = store.post("/v1/stock/movements", {{"movements", json::array({{{"type", "count"},
                                                                            {"site", site},
                                                                            {"sku", "SKU-00021"},
                                                                            {"counted", 4},
                                                                            {"source", "pos"}},
                                                                           {{"type", "count"},
                                                                            {"site", "ELSEWHERE"},
                                                                            {"sku", "SKU-00021"},
                                                                            {"counted", 4},
                                                                            {"source", "pos"}}})}});
  ASSERT_EQ(own.status, 200u) << own.body;
  EXPECT_EQ(own.doc()["results"][0]["status"], "applied");
  EXPECT_EQ(own.doc()["results"][1]["status"], "forbidden");
  EXPECT_EQ(client.post("/v1/stock/movements", {{"movements", json::array()}}).status, 422u);
}

// A key reused for other movements is a refusal, not a failure a client should retry forever.
TEST_F(AccessHttp, AStockMovementKeyReusedForOtherMovementsIsRefusedNotFailed) {
  auto client = admin();
  const std::string site = client.get("/v1/sellable-stock/web/SKU-00022?explain=true")
                               .doc()["breakdown"]["sites"][0]["site"];
  const auto count = [&](int counted) {
    return json{{"movements", json::array({{{"type", "count"},
                                            {"site", site},
                                            {"sku", "SKU-00022"},
                                            {"counted", counted},
                                            {"source", "pos"}}})}};
  };
  auto first = client.post("/v1/stock/movements", count(4), {{"Idempotency-Key", "pos-count-9"}});
  ASSERT_EQ(first.doc()["results"][0]["status"], "applied") << first.body;
  auto reused = client.post("/v1/stock/movements", count(5), {{"Idempotency-Key", "pos-count-9"}});
  EXPECT_EQ(reused.doc()["results"][0]["status"], "rejected") << reused.body;
  EXPECT_EQ(reused.doc()["results"][0]["problem"]["type"],
            "urn:ordo:problem:idempotency-key-reused");
}

TEST_F(AccessHttp, SellableStockForManySkusAndItsExplanation) {
  auto client = admin();
  auto reply = client.get("/v1/sellable-stock?channel=web&sku=SKU-00030,SKU-00031&sku=NOT-A-SKU");
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const auto items = reply.doc()["items"];
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0]["found"], true);
  EXPECT_EQ(items[2]["found"], false);
  auto explain = client.get("/v1/sellable-stock/web/SKU-00030?explain=true");
  ASSERT_EQ(explain.status, 200u);
  EXPECT_EQ(explain.doc()["sellable"], items[0]["sellable"]);
  EXPECT_FALSE(explain.doc()["breakdown"]["explanation"].empty());
  EXPECT_EQ(client.get("/v1/sellable-stock?sku=SKU-00030").status, 400u);
  EXPECT_EQ(client.get("/v1/sellable-stock?channel=web").status, 400u);
  EXPECT_EQ(client.get("/v1/sellable-stock/web/NOT-A-SKU").status, 404u);
}

TEST_F(AccessHttp, ConfigurationChangesAreValidatedVersionedAndAudited) {
  auto client = admin();
  auto active = client.get("/v1/config/inventory_views");
  ASSERT_EQ(active.status, 200u) << active.body;
  auto document = active.doc()["document"];
  const std::uint64_t version = active.doc()["version"];

  auto invalid_doc = document;
  invalid_doc["channels"][0]["share_percent"] = 150;
  auto invalid = client.put("/v1/config/inventory_views",
                            {{"document", invalid_doc}, {"author", "marie"}, {"reason", "test"}});
  EXPECT_EQ(invalid.status, 422u) << invalid.body;
  EXPECT_EQ(pointers(invalid), std::vector<std::string>{"/document/channels/0/share_percent"});
  auto no_reason =
      client.put("/v1/config/inventory_views", {{"document", document}, {"author", "marie"}});
  EXPECT_EQ(pointers(no_reason), std::vector<std::string>{"/reason"});

  auto changed_doc = document;
  changed_doc["channels"][0]["share_percent"] = 90;
  auto changed =
      client.put("/v1/config/inventory_views",
                 {{"document", changed_doc}, {"author", "marie"}, {"reason", "Black Friday"}});
  ASSERT_EQ(changed.status, 200u) << changed.body;
  EXPECT_EQ(changed.doc()["changed"], true);
  auto now_active = client.get("/v1/config/inventory_views").doc();
  EXPECT_EQ(now_active["version"], version + 1);
  EXPECT_EQ(now_active["document"]["channels"][0]["share_percent"], 90);
  auto history = client.get("/v1/config/inventory_views/history").doc()["versions"];
  ASSERT_EQ(history.size(), version + 1);
  EXPECT_EQ(history.back()["author"], "marie");
  EXPECT_EQ(history.back()["reason"], "Black Friday");
  EXPECT_EQ(client.get("/v1/config/inventory_views?version=1").doc()["version"], 1);
  EXPECT_EQ(client.get("/v1/config/promises").status, 404u);
  Http service(port(), token("customer_service"));
  EXPECT_EQ(service
                .put("/v1/config/inventory_views",
                     {{"document", document}, {"author", "x"}, {"reason", "y"}})
                .status,
            403u);
  // Put the original back for the other tests.
  EXPECT_EQ(client
                .put("/v1/config/inventory_views",
                     {{"document", document}, {"author", "marie"}, {"reason", "undo"}})
                .status,
            200u);
}

TEST_F(AccessHttp, AuditorsReadTheRawLogByPositionTypeAndStream) {
  Http auditor(port(), token("auditor"));
  auto first = auditor.get("/v1/events?from=1&limit=5");
  ASSERT_EQ(first.status, 200u) << first.body;
  const auto events = first.doc()["events"];
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0]["position"], 1);
  EXPECT_EQ(first.doc()["next_from"], 6);
  EXPECT_TRUE(events[0]["data"].is_object());
  auto configs = auditor.get("/v1/events?type=ConfigurationChanged&limit=1000").doc()["events"];
  ASSERT_FALSE(configs.empty());
  for (const auto& e : configs) EXPECT_EQ(e["type"], "ConfigurationChanged");
  auto tokens = auditor.get("/v1/events?type=TokenIssued&limit=1000").doc()["events"];
  ASSERT_FALSE(tokens.empty());
  EXPECT_EQ(tokens.dump().find("secret"), std::string::npos);
  EXPECT_EQ(auditor.get("/v1/events?from=0").status, 400u);
  EXPECT_EQ(auditor.get("/v1/events?limit=5000").status, 400u);
}

TEST_F(AccessHttp, MetricsCountRequestsPerRouteAndShowThePipeline) {
  auto client = admin();
  client.get("/v1/sellable-stock?channel=web&sku=SKU-00001");
  auto reply = client.get("/metrics");
  ASSERT_EQ(reply.status, 200u);
  EXPECT_EQ(reply.header("content-type"), "text/plain; version=0.0.4");
  for (const char* series :
       {"ordo_http_requests_total{method=\"GET\",route=\"/v1/sellable-stock\",status=\"2xx\"}",
        "ordo_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/"
        "sellable-stock\",le=\"+Inf\"}",
        "ordo_pipeline_queue_depth ", "ordo_store_last_fsync_seconds ",
        "ordo_projection_lag_events ", "ordo_http_connections_open "}) {
    EXPECT_NE(reply.body.find(series), std::string::npos) << series;
  }
}

TEST_F(AccessHttp, TheOpenApiDocumentDescribesExactlyTheRoutes) {
  auto reply = admin().get("/v1/openapi.json");
  ASSERT_EQ(reply.status, 200u);
  const auto doc = reply.doc();
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["openapi"], "3.0.3");
  std::set<std::string> documented, routed;
  for (const auto& [path, operations] : doc["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      documented.insert(method + " " + path + " " + operation.value("x-ordo-permission", "?"));
    }
  }
  for (const auto& route : api::routes()) {
    std::string method(bhttp::to_string(route.method));
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string grant = route.access == api::Route::Access::open ? "open"
                              : route.access == api::Route::Access::any_token
                                  ? "any token"
                                  : std::string(domain::access::to_string(route.permission));
    routed.insert(method + " " + std::string(route.pattern) + " " + grant);
  }
  EXPECT_EQ(documented, routed);
}

TEST_F(AccessHttp, HeadIsGetWithoutABodyAndTheBearerSchemeIgnoresCase) {
  auto client = admin();
  auto head = client.request(verb::head, "/healthz");
  EXPECT_EQ(head.status, 200u);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(client.request(verb::delete_, "/healthz").header("allow"), "GET, HEAD");
  Http lower(port());
  auto reply = lower.request(verb::get, "/v1/config/inventory_views", "",
                             {{"Authorization", "bearer " + retailer_->admin_token}});
  EXPECT_EQ(reply.status, 200u) << reply.body;
  auto beyond = client.get("/v1/sellable-stock?channel=web&sku=SKU-00001&min_position=999999999");
  EXPECT_EQ(beyond.status, 400u) << "a position the log has not reached cannot be waited for";
}

TEST_F(AccessHttp, ABodyIsReadOnlyAfterItsHeaderPassesAndExpectContinueIsAnswered) {
  // No token: refused on the header, without waiting for the 900 kB announced.
  const auto started = std::chrono::steady_clock::now();
  const auto refused =
      raw_exchange(port(),
                   "POST /v1/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Content-Length: 900000\r\n\r\n{\"order_id\":");
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 401")) << refused;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));

  // With a token and Expect: 100-continue, the server says to go on, then answers the body.
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()));
  stream.expires_after(std::chrono::seconds(10));
  const std::string body = "{\"movements\":[]}";
  const std::string head =
      "POST /v1/stock/movements HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
      retailer_->admin_token +
      "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n";
  asio::write(stream, asio::buffer(head));
  std::string seen(64, '\0');
  seen.resize(stream.read_some(asio::buffer(seen)));
  EXPECT_TRUE(seen.starts_with("HTTP/1.1 100 Continue")) << seen;
  asio::write(stream, asio::buffer(body));
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> answer;
  bhttp::read(stream, buffer, answer);
  EXPECT_EQ(answer.result_int(), 422u) << answer.body() << " (an empty batch is invalid)";
}

}  // namespace
}  // namespace ordo::gateway::testing
