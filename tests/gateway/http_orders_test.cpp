// Orders over HTTP against a real `ordo serve`: placing (idempotent, durable, validated), reading
// with the timeline, searching, and the actions of customer service and stores, per role.
#include <latch>
#include <thread>

#include "tests/gateway/http_fixture.h"

namespace ordo::gateway::testing {
namespace {

using OrdersHttp = HttpTest;

TEST_F(OrdersHttp, APlacedOrderIsAllocatedDurablyAndReadableWithItsTimeline) {
  auto client = admin();
  auto reply =
      client.post("/v1/orders", order_body("HT-1", "SKU-00001", 2), {{"Idempotency-Key", "ht-1"}});
  ASSERT_EQ(reply.status, 201u) << reply.body;
  const auto placed = reply.doc();
  EXPECT_EQ(placed["order_id"], "HT-1");
  EXPECT_EQ(placed["status"], "allocated");
  EXPECT_FALSE(placed["lines"][0]["site"].get<std::string>().empty());
  ASSERT_FALSE(reply.header("ordo-position").empty());

  auto view = order(client, "HT-1", reply.header("ordo-position"));
  ASSERT_EQ(view.status, 200u) << view.body;
  const auto doc = view.doc();
  EXPECT_EQ(doc["status"], "allocated");
  EXPECT_EQ(doc["lines"][0]["site"], placed["lines"][0]["site"]);
  EXPECT_EQ(doc["total"]["minor"], 3998);
  std::vector<std::string> types;
  for (const auto& entry : doc["timeline"]) types.push_back(entry.value("type", ""));
  EXPECT_NE(std::find(types.begin(), types.end(), "OrderPlaced"), types.end())
      << doc["timeline"].dump();
  EXPECT_NE(std::find(types.begin(), types.end(), "StockReserved"), types.end())
      << doc["timeline"].dump();
}

TEST_F(OrdersHttp, ARetryWithTheSameKeyGetsTheSameAnswerAndAnotherBodyIsRefused) {
  auto client = admin();
  const auto body = order_body("HT-2", "SKU-00002");
  auto first = client.post("/v1/orders", body, {{"Idempotency-Key", "ht-2"}});
  auto again = client.post("/v1/orders", body, {{"Idempotency-Key", "ht-2"}});
  ASSERT_EQ(first.status, 201u) << first.body;
  EXPECT_EQ(again.status, 201u);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("ordo-position"), first.header("ordo-position"));

  auto other =
      client.post("/v1/orders", order_body("HT-2", "SKU-00002", 3), {{"Idempotency-Key", "ht-2"}});
  EXPECT_EQ(other.status, 422u);
  EXPECT_EQ(other.doc()["type"], "urn:ordo:problem:idempotency-key-reused");
  EXPECT_EQ(other.header("content-type"), "application/problem+json");

  // The order is there once: its stream holds one OrderPlaced.
  auto events = client.get("/v1/events?stream=order-HT-2&type=OrderPlaced");
  ASSERT_EQ(events.status, 200u);
  EXPECT_EQ(events.doc()["events"].size(), 1u);
}

// Retries sent at the same moment as their first attempt, on other connections: each waits for
// that attempt's outcome and gets the same answer; the order is placed once. The pipeline counts
// the retries that found their first attempt in flight, so the test knows the case occurred.
TEST_F(OrdersHttp, RetriesSentWhileTheFirstAttemptIsInFlightGetItsAnswerAndPlaceOnce) {
  constexpr int kOrders = 30, kCopies = 4;
  const auto joined = [&] {
    const auto metrics = admin().get("/metrics").body;
    const auto at = metrics.find("\nordo_pipeline_retries_joined_total ");
    return at == std::string::npos ? -1 : std::stoll(metrics.substr(at + 36));
  };
  const auto joined_before = joined();
  const auto admin_token = token("admin");  // keys are the client's: one token for every copy
  ASSERT_GE(joined_before, 0) << "no ordo_pipeline_retries_joined_total in /metrics";
  for (int n = 0; n < kOrders; ++n) {
    const auto id = "HT-F" + std::to_string(n);
    const auto body = order_body(id, "SKU-000" + std::to_string(10 + n % 10)).dump();
    std::vector<Reply> replies(kCopies);
    std::latch start(kCopies);
    std::vector<std::thread> senders;
    for (int c = 0; c < kCopies; ++c) {
      senders.emplace_back([&, c] {
        Http client(port(), admin_token);
        client.get("/healthz");  // connected before the start line
        start.arrive_and_wait();
        replies[c] = client.request(bhttp::verb::post, "/v1/orders", body,
                                    {{"Idempotency-Key", "flight-" + id}});
      });
    }
    for (auto& t : senders) t.join();
    for (const auto& reply : replies) {
      ASSERT_EQ(reply.status, 201u) << id << ": " << reply.body;
      EXPECT_EQ(reply.body, replies[0].body) << id;
      EXPECT_EQ(reply.header("ordo-position"), replies[0].header("ordo-position")) << id;
    }
    const auto placed = admin().get("/v1/events?stream=order-" + id + "&type=OrderPlaced").doc();
    EXPECT_EQ(placed["events"].size(), 1u) << id << " placed more than once";
  }
  EXPECT_GT(joined() - joined_before, 0) << "no retry arrived while its first attempt ran";
}

TEST_F(OrdersHttp, PlacingWithoutAnIdempotencyKeyIsRefusedAndWritesNothing) {
  auto client = admin();
  auto reply = client.post("/v1/orders", order_body("HT-3", "SKU-00003"));
  EXPECT_EQ(reply.status, 400u);
  EXPECT_EQ(pointers(reply), std::vector<std::string>{"#/header/Idempotency-Key"});
  EXPECT_EQ(client.get("/v1/events?stream=order-HT-3").doc()["events"].size(), 0u);
}

TEST_F(OrdersHttp, InvalidOrdersNameEveryOffendingFieldAndWriteNothing) {
  auto client = admin();
  auto body = order_body("HT-4", "SKU-00004");
  body["lines"][0]["quantity"] = "two";
  body["delivery_address"].erase("country");
  body["colour"] = "red";
  auto reply = client.post("/v1/orders", body, {{"Idempotency-Key", "ht-4"}});
  ASSERT_EQ(reply.status, 422u) << reply.body;
  auto found = pointers(reply);
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<std::string>{"/colour", "/delivery_address/country",
                                             "/lines/0/quantity"}));
  EXPECT_EQ(client.get("/v1/events?stream=order-HT-4").doc()["events"].size(), 0u);
}

TEST_F(OrdersHttp, AnOrderBeyondTheStockIsAClearOutOfStockRejection) {
  auto client = admin();
  auto reply = client.post("/v1/orders", order_body("HT-5", "SKU-00005", 100000),
                           {{"Idempotency-Key", "ht-5"}});
  ASSERT_EQ(reply.status, 422u) << reply.body;
  EXPECT_EQ(reply.doc()["type"], "urn:ordo:problem:out-of-stock");
  EXPECT_NE(reply.doc()["detail"].get<std::string>().find("SKU-00005"), std::string::npos);
}

TEST_F(OrdersHttp, UnknownOrdersAreNotFoundAndBadIdsAreBadRequests) {
  auto client = admin();
  EXPECT_EQ(client.get("/v1/orders/NOPE-404").status, 404u);
  EXPECT_EQ(client.get("/v1/orders/bad%20id").status, 400u);
  EXPECT_EQ(client.post("/v1/orders/NOPE-404/cancel", {{"reason", "customer asked"}}).status, 404u);
}

TEST_F(OrdersHttp, CustomerServiceCancelsALineAndChangesTheAddressButCannotShip) {
  place("HT-6", "SKU-00006");
  admin().post("/v1/orders", order_body("HT-6b", "SKU-00006"), {{"Idempotency-Key", "ht-6b"}});
  Http service(port(), token("customer_service"));
  auto address = service.post("/v1/orders/HT-6/delivery-address", {{"address",
                                                                    {{"name", "Jeanne Martin"},
                                                                     {"line1", "3 place Bellecour"},
                                                                     {"postcode", "69002"},
                                                                     {"city", "Lyon"},
                                                                     {"country", "FR"}}}});
  ASSERT_EQ(address.status, 200u) << address.body;
  EXPECT_EQ(address.doc()["changed"], true);
  auto cancel = service.post("/v1/orders/HT-6/cancel", {{"reason", "customer changed their mind"}});
  ASSERT_EQ(cancel.status, 200u) << cancel.body;
  auto again = service.post("/v1/orders/HT-6/cancel", {{"reason", "customer changed their mind"}});
  EXPECT_EQ(again.doc()["changed"], false);
  auto view = order(service, "HT-6", cancel.header("ordo-position")).doc();
  EXPECT_EQ(view["status"], "cancelled");
  EXPECT_EQ(view["delivery_address"]["city"], "Lyon");
  EXPECT_EQ(
      service.post("/v1/orders/HT-6b/shipped", {{"site", "X"}, {"carrier", "colissimo"}}).status,
      403u);
  auto bad = service.post("/v1/orders/HT-6b/cancel", {{"lines", json::array({1})}});
  EXPECT_EQ(bad.status, 422u);
  EXPECT_EQ(pointers(bad), std::vector<std::string>{"/reason"});
}

TEST_F(OrdersHttp, AStoreTakesItsOrderFromPreparationToDeliveryAndCannotSeeAnotherStoresOrders) {
  const auto placed = place("HT-7", "SKU-00007");
  const std::string site = placed["lines"][0]["site"];
  Http store(port(), token("store", site));
  const std::string at = placed["position"];
  ASSERT_EQ(order(store, "HT-7", at).status, 200u);
  for (const auto& [step, body] : std::vector<std::pair<std::string, json>>{
           {"preparation-started", json::object()},
           {"prepared", json::object()},
           {"shipped", {{"carrier", "colissimo"}, {"tracking", "6A12345678901"}}},
           {"delivered", json::object()}}) {
    auto reply = store.post("/v1/orders/HT-7/" + step, body);
    ASSERT_EQ(reply.status, 200u) << step << ": " << reply.body;
    EXPECT_EQ(reply.doc()["changed"], true) << step;
  }
  auto view =
      store
          .get("/v1/orders/HT-7?min_position=" +
               store.post("/v1/orders/HT-7/delivered", json::object()).header("ordo-position"))
          .doc();
  EXPECT_EQ(view["status"], "delivered");
  EXPECT_EQ(view["lines"][0]["status"], "delivered");

  Http other_store(port(), token("store", "SOMEWHERE-ELSE"));
  EXPECT_EQ(other_store.get("/v1/orders/HT-7").status, 404u);
  EXPECT_EQ(other_store.post("/v1/orders/HT-7/prepared", json::object()).status, 404u);
  EXPECT_EQ(store.post("/v1/orders/HT-7/prepared", {{"site", "SOMEWHERE-ELSE"}}).status, 403u);
  EXPECT_EQ(store.post("/v1/orders/HT-7/cancel", {{"reason", "no"}}).status, 403u);
}

// A command is decided against the engine's own state, never against a read model that may lag:
// an action sent the moment the order's 201 arrives, without min_position, finds the order.
TEST_F(OrdersHttp, AnActionRightAfterThe201FindsTheOrderWithoutWaitingForItsView) {
  auto client = admin();
  Http service(port(), token("customer_service"));
  constexpr int kOrders = 20;  // one SKU each for the steps: SKU-00020..SKU-00039
  int cancelled = 0, prepared = 0;
  for (int i = 0; i < kOrders; ++i) {
    const auto id = "HT-FAST-" + std::to_string(i);
    place(id, "SKU-00011");
    const auto cancel =
        service.post("/v1/orders/" + id + "/cancel", {{"reason", "customer asked"}});
    EXPECT_EQ(cancel.status, 200u) << id << ": " << cancel.body;
    cancelled += cancel.status == 200u && cancel.doc().value("changed", false) ? 1 : 0;
    const auto second = "HT-FAST-STEP-" + std::to_string(i);
    const auto site =
        place(second, "SKU-000" + std::to_string(20 + i))["lines"][0].value("site", "");
    ASSERT_FALSE(site.empty()) << "the demo allocates web orders directly";
    const auto step =
        client.post("/v1/orders/" + second + "/preparation-started", {{"site", site}});
    EXPECT_EQ(step.status, 200u) << second << ": " << step.body;
    prepared += step.status == 200u ? 1 : 0;
  }
  EXPECT_EQ(cancelled, kOrders);
  EXPECT_EQ(prepared, kOrders);
}

TEST_F(OrdersHttp, AStepOutOfOrderIsAConflictNamingTheState) {
  const auto placed = place("HT-8", "SKU-00008");
  auto client = admin();
  auto reply = client.post("/v1/orders/HT-8/shipped",
                           {{"site", placed["lines"][0]["site"]}, {"carrier", "colissimo"}});
  EXPECT_EQ(reply.status, 409u) << reply.body;
  EXPECT_EQ(reply.doc()["type"], "urn:ordo:problem:wrong-state");
  EXPECT_EQ(client.post("/v1/orders/HT-8/shipped", {{"carrier", "colissimo"}}).status, 422u)
      << "an admin names the site";
}

TEST_F(OrdersHttp, CustomerServiceFindsOrdersByCustomerEmailAndStatusPageByPage) {
  std::string position;
  for (int n = 0; n < 5; ++n) {
    auto body = order_body("HT-S" + std::to_string(n), "SKU-00009");
    body["customer_id"] = "C-SEARCH";
    body["email"] = "search@example.fr";
    auto reply =
        admin().post("/v1/orders", body, {{"Idempotency-Key", "hts-" + std::to_string(n)}});
    ASSERT_EQ(reply.status, 201u) << reply.body;
    position = reply.header("ordo-position");
  }
  Http service(port(), token("customer_service"));
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    auto reply = service.get("/v1/orders?customer=C-SEARCH&limit=2&min_position=" + position +
                             (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(reply.status, 200u) << reply.body;
    const auto page_doc = reply.doc();  // range-for over a temporary's member would dangle
    for (const auto& o : page_doc["orders"]) seen.push_back(o["order_id"]);
    cursor = page_doc.value("next_cursor", "");
    if (cursor.empty()) break;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"HT-S0", "HT-S1", "HT-S2", "HT-S3", "HT-S4"}));
  EXPECT_EQ(
      service.get("/v1/orders?email=search@example.fr&status=allocated").doc()["orders"].size(),
      5u);
  EXPECT_EQ(service.get("/v1/orders?email=%20Search@Example.FR").doc()["orders"].size(), 5u)
      << "an address is searched as the customer types it";
  EXPECT_EQ(service.get("/v1/orders?customer=C-SEARCH&status=delivered").doc()["orders"].size(),
            0u);
  EXPECT_EQ(service.get("/v1/orders?customer=C-SEARCH&from=2000-01-01&to=2001-01-01")
                .doc()["orders"]
                .size(),
            0u);
  EXPECT_EQ(service.get("/v1/orders?customer=C-SEARCH&from=yesterday").status, 400u);
  EXPECT_EQ(service.get("/v1/orders?customer=C-SEARCH&limit=0").status, 400u);
  EXPECT_EQ(service.get("/v1/orders?customer=C-SEARCH&cursor=zz").status, 400u);
  // A status or queue no order can have is named, not answered with an empty list.
  auto bogus = service.get("/v1/orders?status=bogus");
  EXPECT_EQ(bogus.status, 400u) << bogus.body;
  EXPECT_NE(bogus.body.find("status is one of sourcing, allocated"), std::string::npos)
      << bogus.body;
  EXPECT_EQ(service.get("/v1/orders?status=pre_ordered").status, 200u);
  EXPECT_EQ(service.get("/v1/orders?queue=everyone").status, 400u);
}

TEST_F(OrdersHttp, AStoresSearchIsLimitedToItsSite) {
  const auto placed = place("HT-9", "SKU-00010");
  const std::string site = placed["lines"][0]["site"];
  Http store(port(), token("store", site));
  auto mine = store.get("/v1/orders?min_position=" + placed["position"].get<std::string>());
  ASSERT_EQ(mine.status, 200u) << mine.body;
  const auto found = mine.doc();
  ASSERT_FALSE(found["orders"].empty());
  for (const auto& o : found["orders"]) {
    bool has_site = false;
    for (const auto& l : o["lines"]) has_site = has_site || l["site"] == site;
    EXPECT_TRUE(has_site) << o.dump();
  }
  EXPECT_EQ(store.get("/v1/orders?site=ANOTHER").status, 403u);
}

TEST_F(OrdersHttp, AnIntegrationPlacesOnItsOwnChannelOnly) {
  Http shop(port(), token("integration", "", "web"));
  EXPECT_EQ(
      shop.post("/v1/orders", order_body("HT-10", "SKU-00011"), {{"Idempotency-Key", "ht-10"}})
          .status,
      201u);
  auto other = shop.post("/v1/orders", order_body("HT-11", "SKU-00011", 1, "marketplace"),
                         {{"Idempotency-Key", "ht-11"}});
  EXPECT_EQ(other.status, 403u) << other.body;
  Http auditor(port(), token("auditor"));
  EXPECT_EQ(
      auditor.post("/v1/orders", order_body("HT-12", "SKU-00011"), {{"Idempotency-Key", "ht-12"}})
          .status,
      403u);
}

TEST_F(OrdersHttp, AnIdempotencyKeyReusedForAnotherStepIsRefusedRatherThanDropped) {
  const auto placed = place("HT-13", "SKU-00012");
  const std::string site = placed["lines"][0]["site"];
  Http store(port(), token("store", site));
  auto started = store.post("/v1/orders/HT-13/preparation-started", json::object(),
                            {{"Idempotency-Key", "HT-13"}});
  ASSERT_EQ(started.status, 200u) << started.body;
  auto again = store.post("/v1/orders/HT-13/preparation-started", json::object(),
                          {{"Idempotency-Key", "HT-13"}});
  EXPECT_EQ(again.status, 200u) << "the same request again: the same answer";
  EXPECT_EQ(again.body, started.body);
  auto prepared =
      store.post("/v1/orders/HT-13/prepared", json::object(), {{"Idempotency-Key", "HT-13"}});
  EXPECT_EQ(prepared.status, 422u) << prepared.body;
  EXPECT_EQ(prepared.doc()["type"], "urn:ordo:problem:idempotency-key-reused");
}

// Sourcing rules over HTTP: the orchestration area is validated and versioned, an order of a
// competitive strategy is offered to stores (listed at /v1/sites/{id}/offers), customer service
// reallocates it, and a store gives it back.
class OrchestrationHttp : public HttpTest {
 protected:
  void reallocate_then_release(Http& client, const std::vector<std::string>& stores);
};

json competitive_rules() {
  return {{"author", "ops"},
          {"reason", "stores compete"},
          {"document",
           {{"default_strategy", "compete"},
            {"strategies", json::array({{{"name", "compete"},
                                         {"site_types", {"store", "warehouse"}},
                                         {"require_capacity", false},
                                         {"ranking", {"priority", "stock_depth"}},
                                         {"groups", json::array({{{"sites", {{"types", {"store"}}}},
                                                                  {"priority", 1}}})},
                                         {"mode", "competitive"},
                                         {"competitive_types", {"store"}},
                                         {"round_size", 2},
                                         {"round_timeout_ms", 600000},
                                         {"max_rounds", 2}}})}}}};
}

TEST_F(OrchestrationHttp, RulesAreValidatedThenOrdersAreOfferedReallocatedAndReleasedOverHttp) {
  auto client = admin();
  const json rules = competitive_rules();
  auto bad = rules;
  bad["document"]["strategies"][0]["round_size"] = 0;
  bad["document"]["strategies"][0]["ranking"] = {"priority", "luck"};
  bad["document"]["selectors"] = json::array({{{"strategy", "missing"}}});
  auto refused = client.put("/v1/config/orchestration", bad);
  ASSERT_EQ(refused.status, 422u) << refused.body;
  const auto problems = pointers(refused);
  EXPECT_NE(std::find(problems.begin(), problems.end(), "/document/strategies/0/ranking/1"),
            problems.end())
      << refused.body;
  auto applied = client.put("/v1/config/orchestration", rules);
  ASSERT_EQ(applied.status, 200u) << applied.body;
  EXPECT_EQ(client.get("/v1/config/orchestration").doc()["document"]["strategies"][0]["round_size"],
            2);

  // Two stores get 5 units of a SKU: they are the best candidates (stores first, most stock).
  std::vector<std::string> stores;
  const auto registered = client.get("/v1/events?type=SiteRegistered&limit=100").doc();
  for (const auto& e : registered["events"]) {
    if (e["data"]["profile"]["type"] == "store") stores.push_back(e["data"]["site_id"]);
  }
  ASSERT_GE(stores.size(), 3u) << registered.dump().substr(0, 400);
  json movements = json::array();
  for (int i = 0; i < 2; ++i) {
    movements.push_back({{"type", "receipt"},
                         {"site", stores[static_cast<std::size_t>(i)]},
                         {"sku", "SKU-00033"},
                         {"quantity", 50 + i},
                         {"reference", "orchestration test"}});
  }
  ASSERT_EQ(client
                .post("/v1/stock/movements", {{"movements", movements}},
                      {{"Idempotency-Key", "orch-stock"}})
                .status,
            200u);

  const auto placed = place("OR-1", "SKU-00033");
  EXPECT_EQ(placed["status"], "sourcing");
  auto view = order(client, "OR-1", placed["position"]).doc();
  ASSERT_EQ(view["rounds"].size(), 1u) << view.dump();
  EXPECT_EQ(view["sourcing"]["strategy"], "compete");
  EXPECT_EQ(view["rounds"][0]["offers"][0]["site"], stores[1]);  // 51 units: the deepest stock
  auto offers = client.get("/v1/sites/" + stores[1] +
                           "/offers?min_position=" + placed["position"].get<std::string>());
  ASSERT_EQ(offers.status, 200u) << offers.body;
  ASSERT_EQ(offers.doc()["offers"].size(), 1u) << offers.body;
  EXPECT_EQ(offers.doc()["offers"][0]["order_id"], "OR-1");
  EXPECT_EQ(offers.doc()["offers"][0]["lines"][0]["sku"], "SKU-00033");
  Http other_store(port(), token("store", stores[2]));
  EXPECT_EQ(other_store.get("/v1/sites/" + stores[1] + "/offers").status, 403u);
  EXPECT_EQ(other_store.get("/v1/sites/" + stores[2] + "/offers").doc()["offers"].size(), 0u);

  reallocate_then_release(client, stores);
}

// Customer service moves OR-1 to the first store by hand; that store then gives it back.
void OrchestrationHttp::reallocate_then_release(Http& client,
                                                const std::vector<std::string>& stores) {
  Http service(port(), token("customer_service"));
  auto moved = service.post("/v1/orders/OR-1/reallocate",
                            {{"site", stores[0]}, {"reason", "customer asked"}});
  ASSERT_EQ(moved.status, 200u) << moved.body;
  auto view = order(client, "OR-1", moved.header("ordo-position")).doc();
  EXPECT_EQ(view["lines"][0]["site"], stores[0]);
  EXPECT_EQ(view["rounds"][0]["status"], "withdrawn");
  EXPECT_EQ(
      service.post("/v1/orders/OR-1/reallocate", {{"site", "NOWHERE"}, {"reason", "?"}}).status,
      404u);
  EXPECT_EQ(service.post("/v1/orders/OR-1/reallocate", {{"reason", "?"}}).status, 422u);
  Http store(port(), token("store", stores[0]));
  EXPECT_EQ(store.post("/v1/orders/OR-1/release", {{"site", stores[1]}, {"reason", "x"}}).status,
            403u);
  auto released = store.post("/v1/orders/OR-1/release",
                             {{"reason", "not on the shelf"}, {"stock_missing", true}});
  ASSERT_EQ(released.status, 200u) << released.body;
  view = order(client, "OR-1", released.header("ordo-position")).doc();
  EXPECT_EQ(view["released_by"], json::array({stores[0]}));
  EXPECT_EQ(view["rounds"].back()["status"],
            "open");  // offered again, without the store that gave it back
  for (const auto& offer : view["rounds"].back()["offers"]) EXPECT_NE(offer["site"], stores[0]);
  auto stock = client
                   .get("/v1/stock/" + stores[0] +
                        "/SKU-00033?min_position=" + released.header("ordo-position"))
                   .doc();
  EXPECT_EQ(stock["on_hand"], 49);  // the missing unit left its stock
  EXPECT_EQ(client.get("/v1/orders?queue=customer_service").status, 200u);
}

}  // namespace
}  // namespace ordo::gateway::testing
