// Delivery promises over HTTP against a real `ordo serve` with the real postcode gazetteer and
// holiday calendars, configured with the demo's promise area (ops/config/promise.json): checkout
// and product-page promises, an order placed with a promise and kept through sourcing to its
// delivery, promise accuracy, and bad input answered with clear 4xx.
#include <fstream>

#include "domain/calendar.h"
#include "tests/gateway/http_fixture.h"

namespace ordo::gateway::testing {
namespace {

class PromiseHttp : public HttpTest {
 protected:
  static void expect_accuracy_scoped(Http& store, const std::string& site);
  static void SetUpTestSuite() {
    retailer_ = new Retailer(make_retailer("ordo-promise-http"));
    server_ = new ServerProcess(
        retailer_->data_dir, {"--postcodes", ORDO_POSTCODES_DIR, "--holidays", ORDO_HOLIDAYS_FILE});
    std::ifstream in(ORDO_SOURCE_DIR "/ops/config/promise.json");
    const json document = json::parse(in);
    auto reply =
        admin().put("/v1/config/promise",
                    {{"author", "tests"}, {"reason", "demo carriers"}, {"document", document}});
    ASSERT_EQ(reply.status, 200u) << reply.body;
    position_ = reply.header("ordo-position");  // the PUT answers with its position there
    ASSERT_FALSE(position_.empty());
  }
  static inline std::string position_;

  static json cart(const std::string& postcode, std::vector<std::pair<std::string, int>> lines,
                   bool explain = false, const std::string& country = "FR") {
    json out = {{"destination", {{"country", country}, {"postcode", postcode}}},
                {"lines", json::array()},
                {"explain", explain}};
    for (const auto& [sku, quantity] : lines)
      out["lines"].push_back({{"sku", sku}, {"quantity", quantity}});
    return out;
  }
};

std::string today() {
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return domain::calendar::to_string(
      domain::calendar::civil_from_days(now / domain::kMicrosPerDay));
}

TEST_F(PromiseHttp, AProductPageShowsEveryOptionWithADateAPriceAndAReason) {
  auto reply = admin().get(
      "/v1/promises?sku=SKU-00001&postcode=75011&country=FR&explain=true&min_position=" +
      position_);
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const auto doc = reply.doc();
  EXPECT_EQ(doc["destination"]["region"], "75");
  EXPECT_EQ(doc["config_version"], 1);
  ASSERT_FALSE(doc["options"].empty()) << reply.body;
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::int64_t previous = 0;
  for (const auto& o : doc["options"]) {
    EXPECT_GT(o["promised_at_us"].get<std::int64_t>(), now) << o;
    EXPECT_GE(o["promised_at_us"].get<std::int64_t>(), previous) << "earliest first";
    previous = o["promised_at_us"];
    EXPECT_GE(o["date"].get<std::string>(), today());
    EXPECT_FALSE(o["ship_from"].get<std::string>().empty());
    EXPECT_EQ(o["price"]["currency"], "EUR");
    if (o["service"] == "chronopost-13h") {
      EXPECT_EQ(o["window"]["to"], "13:00");
    }
  }
  // The German service is explained, not offered, for a French address.
  bool dhl_explained = false;
  for (const auto& i : doc["infeasible"])
    dhl_explained |= i["service"] == "dhl-paket-de" && i["reason"] == "not_served";
  EXPECT_TRUE(dhl_explained) << reply.body;
}

TEST_F(PromiseHttp, ACheckoutCartAbroadUsesTheCrossBorderService) {
  auto reply = admin().post("/v1/promises?min_position=" + position_,
                            cart("80331", {{"SKU-00002", 1}, {"SKU-00003", 1}}, true, "DE"));
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const auto doc = reply.doc();
  EXPECT_EQ(doc["destination"]["region"], "BY");  // Munich, Bavaria
  ASSERT_FALSE(doc["options"].empty()) << reply.body;
  for (const auto& o : doc["options"]) {
    // From the French warehouses across the border, or from the German one.
    if (o["service"] == "dhl-paket-de-local")
      EXPECT_EQ(o["ship_from"], "DE-WH-HERSFELD") << o;
    else
      EXPECT_EQ(o["service"], "dhl-paket-de") << o;
    // Bavaria's calendar: never on a Sunday, and never on 6 January (Epiphany there).
    const auto date = domain::calendar::parse_date(o["date"].get<std::string>());
    ASSERT_TRUE(date);
    EXPECT_NE(domain::calendar::weekday(*date), 6u);
    EXPECT_FALSE(date->month == 1 && date->day == 6);
  }
}

// Promise accuracy through scoped tokens, once `site` delivered a promised web order today: its
// store sees its own figures only, another store none, a channel's token its own channel's.
void PromiseHttp::expect_accuracy_scoped(Http& store, const std::string& site) {
  auto by_site = store.get("/v1/promise-accuracy?by=site&from=" + today() + "&to=" + today());
  ASSERT_EQ(by_site.status, 200u) << by_site.body;
  const auto site_groups = by_site.doc()["groups"];
  ASSERT_FALSE(site_groups.empty()) << "the store's own delivery is missing: " << by_site.body;
  for (const auto& g : site_groups) EXPECT_EQ(g["site"], site) << "a store sees its own site only";
  // Another store, which delivered nothing, sees nothing of HP-1's site.
  const auto sites = admin().get("/v1/sites?type=store&limit=5").doc();
  std::string other;
  for (const auto& s : sites["sites"]) {
    if (s["site_id"] != site) other = s["site_id"];
  }
  ASSERT_FALSE(other.empty());
  Http other_store(port(), token("store", other));
  auto others = other_store.get("/v1/promise-accuracy?by=site&from=" + today() + "&to=" + today());
  ASSERT_EQ(others.status, 200u) << others.body;
  EXPECT_TRUE(others.doc()["groups"].empty()) << "another site's figures leaked: " << others.body;
  EXPECT_EQ(others.doc()["total"]["fulfilled"], 0) << others.body;
  // A channel's token sees its own channel's figures only (HP-1 was placed on the web).
  const auto fulfilled = [&](const std::string& channel) {
    Http scoped(port(), token("integration", "", channel));
    auto reply = scoped.get("/v1/promise-accuracy?by=method&from=" + today() + "&to=" + today());
    EXPECT_EQ(reply.status, 200u) << reply.body;
    return reply.doc()["total"].value("fulfilled", -1);
  };
  EXPECT_GE(fulfilled("web"), 1);
  EXPECT_EQ(fulfilled("marketplace"), 0);
}

TEST_F(PromiseHttp, AnOrderPlacedWithAPromiseIsSourcedFromItsSiteAndCountsInAccuracy) {
  auto promised =
      admin().post("/v1/promises?min_position=" + position_, cart("75002", {{"SKU-00004", 1}}));
  ASSERT_EQ(promised.status, 200u) << promised.body;
  json chosen;
  const auto options = promised.doc()["options"];
  for (const auto& o : options) {
    if (o["service"] == "colissimo-home") chosen = o;
  }
  ASSERT_FALSE(chosen.is_null()) << promised.body;
  auto body = order_body("HP-1", "SKU-00004");
  body["delivery_method"] = "home_standard";
  body["promise"] = {{"option_id", chosen["id"]}, {"promised_at_us", chosen["promised_at_us"]}};
  auto placed = admin().post("/v1/orders", body, {{"Idempotency-Key", "place-HP-1"}});
  ASSERT_EQ(placed.status, 201u) << placed.body;
  const std::string at = placed.header("ordo-position");
  auto view = admin().get("/v1/orders/HP-1?min_position=" + at).doc();
  EXPECT_EQ(view["promise"]["site_id"], chosen["ship_from"]);
  EXPECT_EQ(view["promise"]["carrier"], "colissimo");
  EXPECT_EQ(view["lines"][0]["site"], chosen["ship_from"]) << "sourcing keeps the promise";
  EXPECT_NE(view["sourcing"].dump().find("keeps the delivery promise"), std::string::npos)
      << view["sourcing"];

  const std::string site = chosen["ship_from"];
  Http store(port(), token("store", site));
  std::string last = at;
  for (const auto& [step, step_body] : std::vector<std::pair<std::string, json>>{
           {"preparation-started", json::object()},
           {"prepared", json::object()},
           {"shipped", {{"carrier", "colissimo"}, {"tracking", "6A00000000001"}}},
           {"delivered", json::object()}}) {
    auto reply = store.post("/v1/orders/HP-1/" + step, step_body);
    ASSERT_EQ(reply.status, 200u) << step << ": " << reply.body;
    last = reply.header("ordo-position");
  }
  auto accuracy = admin().get("/v1/promise-accuracy?by=carrier&from=" + today() + "&to=" + today() +
                              "&min_position=" + last);
  ASSERT_EQ(accuracy.status, 200u) << accuracy.body;
  const auto doc = accuracy.doc();
  bool found = false;
  for (const auto& g : doc["groups"]) {
    if (g["carrier"] != "colissimo") continue;
    found = true;
    EXPECT_GE(g["fulfilled"].get<int>(), 1);
    EXPECT_EQ(g["kept"], g["fulfilled"]);
    EXPECT_EQ(g["kept_share"], 1.0);
  }
  EXPECT_TRUE(found) << accuracy.body;
  expect_accuracy_scoped(store, site);
}

TEST_F(PromiseHttp, AnOrderWhosePromiseCannotBeKeptIsRefusedWithTheReason) {
  auto body = order_body("HP-2", "SKU-00005");
  body["promise"] = {{"option_id", "colissimo-home@NOWHERE"}, {"promised_at_us", 1}};
  auto refused = admin().post("/v1/orders", body, {{"Idempotency-Key", "place-HP-2"}});
  EXPECT_EQ(refused.status, 409u) << refused.body;
  EXPECT_NE(refused.body.find("promise-unavailable"), std::string::npos) << refused.body;

  auto promised =
      admin()
          .post("/v1/promises?min_position=" + position_, cart("75002", {{"SKU-00005", 1}}))
          .doc();
  ASSERT_FALSE(promised["options"].empty());
  const auto& option = promised["options"][0];
  body["delivery_method"] = option["method"];
  body["promise"] = {
      {"option_id", option["id"]},
      {"promised_at_us", option["promised_at_us"].get<std::int64_t>() - 86'400'000'000}};
  auto moved = admin().post("/v1/orders", body, {{"Idempotency-Key", "place-HP-2b"}});
  EXPECT_EQ(moved.status, 409u) << moved.body;
  EXPECT_NE(moved.body.find("promise-changed"), std::string::npos) << moved.body;
  body["promise"]["promised_at_us"] =
      option["promised_at_us"].get<std::int64_t>() + 8 * 86'400'000'000;
  auto invented = admin().post("/v1/orders", body, {{"Idempotency-Key", "place-HP-2d"}});
  EXPECT_EQ(invented.status, 422u) << invented.body;
  EXPECT_EQ(pointers(invented), std::vector<std::string>{"/promise/promised_at_us"});
  body["delivery_method"] = option["method"] == "home_express" ? "home_standard" : "home_express";
  body["promise"]["promised_at_us"] = option["promised_at_us"];
  EXPECT_EQ(admin().post("/v1/orders", body, {{"Idempotency-Key", "place-HP-2c"}}).status, 422u);
}

TEST_F(PromiseHttp, BadCartsUnknownPlacesAndImpossibleWeightsGetClear4xx) {
  auto http = admin();
  const auto expect = [&](const json& body, unsigned status, const std::string& pointer) {
    auto reply = http.post("/v1/promises", body);
    EXPECT_EQ(reply.status, status) << body << " -> " << reply.body;
    if (!pointer.empty()) {
      const auto p = pointers(reply);
      EXPECT_NE(std::find(p.begin(), p.end(), pointer), p.end()) << reply.body;
    }
  };
  expect(cart("99999", {{"SKU-00001", 1}}), 422u, "/destination/postcode");
  expect(cart("10001", {{"SKU-00001", 1}}, false, "US"), 422u, "/destination/country");
  expect(cart("75011", {{"SKU-00001", 1}}, false, "fr"), 422u, "/destination/country");
  expect(cart("75011", {}), 422u, "/lines");
  expect(cart("75011", {{"SKU-00001", 0}}), 422u, "/lines/0/quantity");
  expect(cart("75011", {{"NO-SUCH-SKU", 1}}), 422u, "/lines");
  expect(cart("75011", {{"bad sku!", 1}}), 422u, "/lines/0/sku");
  expect({{"destination", {{"country", "FR"}}}, {"lines", json::array()}}, 422u,
         "/destination/postcode");
  expect({{"destination", {{"country", "FR"}, {"postcode", "75011"}}},
          {"lines", {{{"sku", "SKU-00001"}, {"quantity", 1}}}},
          {"channel", "nowhere"}},
         422u, "");
  expect({{"destination", "75011"}, {"lines", json::array()}}, 422u, "/destination");
  expect({{"destination", {{"country", "FR"}, {"postcode", "75011"}}},
          {"lines", {{{"sku", "SKU-00001"}, {"quantity", 1}}}},
          {"surprise", true}},
         422u, "/surprise");
  EXPECT_EQ(http.request(bhttp::verb::post, "/v1/promises", "{not json").status, 400u);
  // 10,000 jackets weigh 9 t: every carrier refuses, each with its limit.
  auto heavy = http.post("/v1/promises", cart("75011", {{"SKU-00003", 10000}}, true));
  ASSERT_EQ(heavy.status, 200u) << heavy.body;
  const auto heavy_doc = heavy.doc();
  for (const auto& o : heavy_doc["options"]) EXPECT_EQ(o["method"], "click_and_collect") << o;
  int over_weight = 0;
  for (const auto& i : heavy_doc["infeasible"])
    over_weight += i["reason"] == "over_weight" || i["reason"] == "no_stock";
  EXPECT_GE(over_weight, 4) << heavy.body;
  // The product page's parameters.
  EXPECT_EQ(http.get("/v1/promises?postcode=75011&country=FR").status, 400u);
  EXPECT_EQ(http.get("/v1/promises?sku=SKU-00001&country=FR").status, 400u);
  EXPECT_EQ(http.get("/v1/promises?sku=SKU-00001&postcode=75011&country=France").status, 400u);
  EXPECT_EQ(http.get("/v1/promises?sku=SKU-00001&postcode=75011&country=FR&quantity=0").status,
            400u);
  EXPECT_EQ(http.get("/v1/promises?sku=SKU-00001&postcode=00000&country=FR").status, 422u);
  EXPECT_EQ(http.get("/v1/promise-accuracy?by=weather&from=2026-01-01&to=2026-01-31").status, 400u);
  EXPECT_EQ(http.get("/v1/promise-accuracy?by=site&from=2026-02-30&to=2026-03-01").status, 400u);
  EXPECT_EQ(http.get("/v1/promise-accuracy?by=site&from=2026-01-01&to=2027-06-01").status, 400u);
  // The server is still there.
  EXPECT_EQ(http.get("/healthz").status, 200u);
}

TEST_F(PromiseHttp, APromiseConfigurationWithProblemsIsRefusedWithPointers) {
  json bad = {{"services",
               {{{"id", "x"},
                 {"carrier", "c"},
                 {"method", "teleport"},
                 {"transit", json::array()},
                 {"pickup_cutoff", "25:00"}}}},
              {"currency", "euro"}};
  auto reply = admin().put("/v1/config/promise",
                           {{"author", "tests"}, {"reason", "bad"}, {"document", bad}});
  EXPECT_EQ(reply.status, 422u) << reply.body;
  const auto p = pointers(reply);
  EXPECT_NE(std::find(p.begin(), p.end(), "/document/services/0/method"), p.end()) << reply.body;
  EXPECT_NE(std::find(p.begin(), p.end(), "/document/services/0/pickup_cutoff"), p.end())
      << reply.body;
  EXPECT_EQ(admin().get("/v1/config/promise").doc()["version"], 1) << "the active version stays";
}

// Click and collect per category: the promise area excludes a category; its items get no
// collect option (explained "not_collectable") and an order to collect one is refused, whatever
// each item says.
TEST_F(PromiseHttp, ACategoryExcludedFromClickAndCollectIsNeitherPromisedNorOrderedForCollection) {
  auto client = admin();
  const auto item = client.get("/v1/items/SKU-00001").doc();
  const std::string category = item["item"].value("category", "");
  ASSERT_FALSE(category.empty()) << item;
  const auto prefix = category.substr(0, category.find('/'));
  std::ifstream in(ORDO_SOURCE_DIR "/ops/config/promise.json");
  json document = json::parse(in);
  document["collect"]["excluded_categories"] = {prefix};
  auto put = client.put("/v1/config/promise",
                        {{"author", "tests"}, {"reason", "no " + prefix}, {"document", document}});
  ASSERT_EQ(put.status, 200u) << put.body;
  const auto at = put.header("ordo-position");
  EXPECT_EQ(client.get("/v1/config/promise").doc()["document"]["collect"]["excluded_categories"],
            json::array({prefix}));
  const auto promised = client.get(
      "/v1/promises?sku=SKU-00001&postcode=75011&country=FR&explain=true&min_position=" + at);
  ASSERT_EQ(promised.status, 200u) << promised.body;
  const auto answer = promised.doc();
  for (const auto& o : answer["options"]) EXPECT_NE(o["method"], "click_and_collect") << o;
  bool explained = false;
  for (const auto& i : answer["infeasible"])
    explained |= i["method"] == "click_and_collect" && i["reason"] == "not_collectable";
  EXPECT_TRUE(explained) << promised.body;
  auto body = order_body("CC-EXCLUDED", "SKU-00001");
  body["delivery_method"] = "click_and_collect";
  auto refused = client.post("/v1/orders", body, {{"Idempotency-Key", "cc-excluded"}});
  EXPECT_EQ(refused.status, 422u) << refused.body;
  EXPECT_NE(refused.body.find("is excluded from click and collect"), std::string::npos)
      << refused.body;
  // Back to the demo's configuration.
  document["collect"].erase("excluded_categories");
  ASSERT_EQ(client
                .put("/v1/config/promise",
                     {{"author", "tests"}, {"reason", "collect again"}, {"document", document}})
                .status,
            200u);
}

// Two real La Poste relay shops in Paris, registered once for the suite (again is a no-op).
// Marengo closes an hour before Roquette: a promise to one is not a promise to the other.
std::string register_relays(Http& client) {
  const auto relay = [](const std::string& id, const std::string& postcode, double lat, double lon,
                        const std::string& hours) {
    json week = json::object();
    for (const char* day : {"mon", "tue", "wed", "thu", "fri", "sat"}) week[day] = hours;
    return json{{"site_id", id},   {"name", id},           {"type", "pickup_point"},
                {"country", "FR"}, {"postcode", postcode}, {"time_zone", "Europe/Paris"},
                {"latitude", lat}, {"longitude", lon},     {"opening_hours", week}};
  };
  std::string at;
  for (const auto& r : {relay("RP-MARENGO", "75001", 48.8615, 2.33909, "10:00-18:00"),
                        relay("RP-ROQUETTE", "75011", 48.85478, 2.37269, "10:00-19:00")}) {
    auto added = client.post("/v1/sites", r);
    EXPECT_TRUE(added.status == 201u || added.status == 200u) << added.body;
    if (!added.header("ordo-position").empty()) at = added.header("ordo-position");
  }
  return at;
}

// The pickup-point option of a promise to the relay the customer chose.
json relay_option(Http& client, const std::string& at, const std::string& relay) {
  json body = {{"destination", {{"country", "FR"}, {"postcode", "75011"}}},
               {"lines", {{{"sku", "SKU-00001"}, {"quantity", 1}}}},
               {"pickup_point", relay}};
  auto promised = client.post("/v1/promises?min_position=" + at, body);
  EXPECT_EQ(promised.status, 200u) << promised.body;
  const auto options = promised.doc()["options"];
  for (const auto& o : options) {
    if (o["method"] == "pickup_point") return o;
  }
  ADD_FAILURE() << "no pickup-point option: " << promised.body;
  return json::object();
}

// Pickup points: the checkout lists the relay shops near the customer, the customer chooses one,
// and the pickup-point promise goes there, collectable from its opening; a relay that is not one
// is refused with the reason.
TEST_F(PromiseHttp, TheCustomerChoosesARelayNearbyAndThePromiseGoesThere) {
  auto client = admin();
  const auto at = register_relays(client);
  auto listed = client.get("/v1/pickup-points?country=FR&postcode=75011&min_position=" + at);
  ASSERT_EQ(listed.status, 200u) << listed.body;
  const auto relays = listed.doc()["pickup_points"];
  ASSERT_GE(relays.size(), 2u) << listed.body;
  EXPECT_EQ(relays[0]["site_id"], "RP-ROQUETTE");  // in the 11th: nearest
  EXPECT_LE(relays[0]["distance_km"].get<int>(), relays[1]["distance_km"].get<int>());
  for (const auto& r : relays) EXPECT_EQ(r["type"], "pickup_point") << r;

  const auto option = relay_option(client, at, "RP-MARENGO");
  EXPECT_EQ(option["collect_at"], "RP-MARENGO");
  EXPECT_EQ(option["window"]["from"], "10:00");  // the relay's hours
  EXPECT_EQ(option["window"]["to"], "18:00");

  auto body = cart("75011", {{"SKU-00001", 1}}, true);
  body["pickup_point"] = "RP-NOWHERE";
  auto refused = client.post("/v1/promises?min_position=" + at, body);
  ASSERT_EQ(refused.status, 200u) << refused.body;
  bool explained = false;
  const auto infeasible = refused.doc()["infeasible"];
  for (const auto& i : infeasible) explained |= i["detail"] == "no open pickup point RP-NOWHERE";
  EXPECT_TRUE(explained) << refused.body;
  auto by_query = client.get(
      "/v1/promises?sku=SKU-00001&country=FR&postcode=75011&pickup_point=RP-ROQUETTE"
      "&min_position=" +
      at);
  ASSERT_EQ(by_query.status, 200u) << by_query.body;
  EXPECT_NE(by_query.body.find("\"collect_at\":\"RP-ROQUETTE\""), std::string::npos)
      << by_query.body;

  EXPECT_EQ(client.get("/v1/pickup-points?country=FR").status, 400u);
  EXPECT_EQ(client.get("/v1/pickup-points?country=FR&postcode=75011&max_km=0").status, 400u);
  EXPECT_EQ(client.get("/v1/pickup-points?country=FR&postcode=00000").status, 422u);
  EXPECT_EQ(
      client.get("/v1/promises?sku=SKU-00001&country=FR&postcode=75011&pickup_point=a%20b").status,
      400u);
}

// The order placed with a pickup-point promise names the relay again, so Ordo checks the promise
// it made to that relay: the nearest one closes later, and checked against it the order would be
// refused as a changed promise.
TEST_F(PromiseHttp, AnOrderPlacedWithARelaysPromiseKeepsThatPromise) {
  auto client = admin();
  const auto at = register_relays(client);
  const auto option = relay_option(client, at, "RP-MARENGO");
  ASSERT_TRUE(option.contains("id")) << option;
  auto order = order_body("PP-1", "SKU-00001");
  order["delivery_address"]["postcode"] = "75011";
  order["delivery_method"] = "pickup_point";
  order["promise"] = {{"option_id", option["id"]},
                      {"promised_at_us", option["promised_at_us"]},
                      {"pickup_point", "RP-MARENGO"}};
  auto placed = client.post("/v1/orders", order, {{"Idempotency-Key", "place-PP-1"}});
  ASSERT_EQ(placed.status, 201u) << placed.body;
  auto view = client.get("/v1/orders/PP-1?min_position=" + placed.header("ordo-position")).doc();
  EXPECT_EQ(view["promise"]["promised_at_us"], option["promised_at_us"]);
  order["order_id"] = "PP-2";
  order["promise"]["pickup_point"] = "not an id";
  EXPECT_EQ(client.post("/v1/orders", order, {{"Idempotency-Key", "place-PP-2"}}).status, 422u);
}

}  // namespace
}  // namespace ordo::gateway::testing
