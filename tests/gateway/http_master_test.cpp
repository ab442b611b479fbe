// Master data over HTTP against a real `ordo serve`: brands, channels, items and sites defined,
// changed, listed, read with their history; references checked; sites closed and reopened, with
// what that does to sellable stock and to a closure for good while orders hold stock there.
#include "tests/gateway/http_fixture.h"

namespace ordo::gateway::testing {
namespace {

class HttpMaster : public HttpTest {
 protected:
  // With the postcode gazetteer, which places a site given without coordinates.
  static void SetUpTestSuite() {
    retailer_ = new Retailer(make_retailer("ordo-http-master"));
    server_ = new ServerProcess(retailer_->data_dir, {"--postcodes", ORDO_POSTCODES_DIR});
  }
  void confirm_the_held_address(Http& client);
  static json uk_store(const std::string& id, const std::string& postcode) {
    return {{"site_id", id},
            {"name", "London " + postcode},
            {"type", "store"},
            {"country", "GB"},
            {"postcode", postcode},
            {"time_zone", "Europe/London"},
            {"capabilities", {{"ship_from_store", true}, {"click_and_collect", true}}},
            {"opening_hours", {{"mon", "09:00-20:00"}, {"sat", "10:00-18:00"}}},
            {"closed_days", {"2026-12-25", "2026-12-26"}},
            {"daily_capacity", 80}};
  }
  static std::string detail(const Reply& reply) { return reply.doc().value("detail", ""); }
  // The first French site of a type in the demo, by listing.
  static std::string first_site(const std::string& type) {
    auto reply = admin().get("/v1/sites?country=FR&type=" + type + "&limit=1");
    EXPECT_EQ(reply.status, 200u) << reply.body;
    return reply.doc()["sites"].at(0).value("site_id", "");
  }
};

TEST_F(HttpMaster, ABrandIsDefinedOnceAndReadWithItsHistory) {
  auto client = admin();
  auto created = client.put("/v1/brands/decathlon", {{"name", "Decathlon"}});
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_TRUE(created.doc().value("changed", false));
  auto again = client.put("/v1/brands/decathlon", {{"name", "Decathlon"}});
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_FALSE(again.doc().value("changed", true));
  auto renamed =
      client.put("/v1/brands/decathlon", {{"brand_id", "decathlon"}, {"name", "DECATHLON"}});
  ASSERT_EQ(renamed.status, 200u) << renamed.body;
  EXPECT_TRUE(renamed.doc().value("changed", false));
  auto read = client.get("/v1/brands/decathlon?min_position=" + renamed.header("ordo-position"));
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(read.doc()["brand"]["name"], "DECATHLON");
  ASSERT_EQ(read.doc()["history"].size(), 2u) << read.body;
  EXPECT_EQ(read.doc()["history"][0]["type"], "BrandDefined");
  EXPECT_EQ(read.doc()["history"][1]["type"], "BrandChanged");
  EXPECT_EQ(read.doc()["history"][1]["data"]["brand"]["name"], "DECATHLON");
  EXPECT_EQ(client.get("/v1/brands/nobody").status, 404u);
}

TEST_F(HttpMaster, AnItemNamesAKnownBrandAndPricesInEachChannelsCurrency) {
  auto client = admin();
  json item = {{"sku", "UK-TEE-1"},
               {"name", "Tee"},
               {"category", "apparel/tshirts"},
               {"brand", "no-such-brand"},
               {"price", {{"minor", 1500}, {"currency", "EUR"}}}};
  auto unknown_brand = client.put("/v1/items/UK-TEE-1", item);
  ASSERT_EQ(unknown_brand.status, 422u) << unknown_brand.body;
  EXPECT_NE(detail(unknown_brand).find("brand: no brand has the id 'no-such-brand'"),
            std::string::npos)
      << unknown_brand.body;
  item["brand"] = "veja";
  item["prices"] = {{{"channel", "web"}, {"minor", 1300}, {"currency", "GBP"}}};
  auto wrong_currency = client.put("/v1/items/UK-TEE-1", item);
  ASSERT_EQ(wrong_currency.status, 422u) << wrong_currency.body;
  EXPECT_NE(
      detail(wrong_currency).find("prices/0/currency: GBP is not the currency of channel web"),
      std::string::npos)
      << wrong_currency.body;
  item["prices"] = {{{"channel", "no-channel"}, {"minor", 1300}, {"currency", "EUR"}}};
  auto unknown_channel = client.put("/v1/items/UK-TEE-1", item);
  ASSERT_EQ(unknown_channel.status, 422u) << unknown_channel.body;
  EXPECT_NE(detail(unknown_channel).find("prices/0/channel"), std::string::npos);
  item["prices"] = {{{"channel", "web"}, {"minor", 1300}, {"currency", "EUR"}}};
  auto created = client.put("/v1/items/UK-TEE-1", item);
  ASSERT_EQ(created.status, 201u) << created.body;
  auto listed = client.get("/v1/items?brand=veja&channel=web&min_position=" +
                           created.header("ordo-position"));
  ASSERT_EQ(listed.status, 200u) << listed.body;
  ASSERT_EQ(listed.doc()["items"].size(), 1u) << listed.body;
  EXPECT_EQ(listed.doc()["items"][0]["sku"], "UK-TEE-1");
  EXPECT_EQ(listed.doc()["items"][0]["prices"][0]["minor"], 1300);
  // Nothing refused was written: the item's history is its one definition.
  auto read = client.get("/v1/items/UK-TEE-1");
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(read.doc()["history"].size(), 1u);
  // The item again without its prices (a PIM's nightly file has no price list): prices kept.
  item.erase("prices");
  auto again = client.put("/v1/items/UK-TEE-1", item);
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_FALSE(again.doc().value("changed", true)) << again.body;
  auto file = client.request(bhttp::verb::post, "/v1/imports/items",
                             "sku,name,category,brand,price_minor,currency\n"
                             "UK-TEE-1,Tee,apparel/tshirts,veja,1500,EUR\n",
                             {{"Content-Type", "text/csv"}});
  ASSERT_EQ(file.status, 200u) << file.body;
  EXPECT_EQ(file.doc()["unchanged"], 1) << file.body;
  auto kept = client.get("/v1/items/UK-TEE-1?min_position=" + created.header("ordo-position"));
  EXPECT_EQ(kept.doc()["item"]["prices"].size(), 1u) << kept.body;
}

TEST_F(HttpMaster, AChannelHasCountriesACurrencyAndAnInventoryViewThatExists) {
  auto client = admin();
  json channel = {{"name", "Web shop UK"},
                  {"countries", {"GB"}},
                  {"currency", "GBP"},
                  {"delivery_methods", {"home_standard", "click_and_collect"}}};
  auto no_view = client.put("/v1/channels/web-gb", channel);
  ASSERT_EQ(no_view.status, 422u) << no_view.body;
  EXPECT_NE(detail(no_view).find("inventory_view: the inventory_views configuration has no view "
                                 "'web-gb'"),
            std::string::npos)
      << no_view.body;
  channel["inventory_view"] = "web";
  channel["countries"] = {"UK"};
  auto bad_country = client.put("/v1/channels/web-gb", channel);
  ASSERT_EQ(bad_country.status, 422u) << bad_country.body;
  EXPECT_NE(detail(bad_country).find("countries/0: \"UK\" is not an ISO 3166-1 alpha-2 code"),
            std::string::npos)
      << bad_country.body;
  channel["countries"] = {"GB", "IE"};
  auto created = client.put("/v1/channels/web-gb", channel);
  ASSERT_EQ(created.status, 201u) << created.body;
  auto listed =
      client.get("/v1/channels?country=IE&min_position=" + created.header("ordo-position"));
  ASSERT_EQ(listed.status, 200u) << listed.body;
  ASSERT_EQ(listed.doc()["channels"].size(), 1u) << listed.body;
  EXPECT_EQ(listed.doc()["channels"][0]["currency"], "GBP");
  EXPECT_EQ(listed.doc()["channels"][0]["address_policy"], "refuse");
  // It sells from the web's inventory view, in pounds, to GB and IE only.
  const auto figure = [&](const std::string& id) {
    return client.get("/v1/sellable-stock?channel=" + id + "&sku=SKU-00003").doc()["items"][0];
  };
  EXPECT_GT(figure("web").value("sellable", 0), 0);
  EXPECT_EQ(figure("web-gb"), figure("web"));
  auto order = order_body("GB-ORDER-1", "SKU-00003", 1, "web-gb");
  auto in_euros = client.post("/v1/orders", order, {{"Idempotency-Key", "gb-1"}});
  ASSERT_EQ(in_euros.status, 422u) << in_euros.body;
  EXPECT_NE(detail(in_euros).find("currency: the order is in EUR; channel web-gb sells in GBP"),
            std::string::npos)
      << in_euros.body;
  order["currency"] = "GBP";
  auto to_france = client.post("/v1/orders", order, {{"Idempotency-Key", "gb-2"}});
  ASSERT_EQ(to_france.status, 422u) << to_france.body;
  EXPECT_NE(detail(to_france).find("delivers to GB, IE, not FR"), std::string::npos);
}

TEST_F(HttpMaster, AUkStoreTakesItsCoordinatesFromThePostcodeGazetteer) {
  auto client = admin();
  auto created = client.post("/v1/sites", uk_store("GB-WESTMINSTER", "SW1A"));
  ASSERT_EQ(created.status, 201u) << created.body;
  const double latitude = created.doc().value("latitude", 0.0);
  const double longitude = created.doc().value("longitude", 0.0);
  EXPECT_NEAR(latitude, 51.50, 0.05) << created.body;  // Westminster
  EXPECT_NEAR(longitude, -0.13, 0.05) << created.body;
  auto again = client.post("/v1/sites", uk_store("GB-WESTMINSTER", "SW1A"));
  EXPECT_EQ(again.status, 200u) << again.body;
  auto other = uk_store("GB-WESTMINSTER", "SW1A");
  other["daily_capacity"] = 10;
  auto conflict = client.post("/v1/sites", other);
  EXPECT_EQ(conflict.status, 409u) << conflict.body;
  auto changed = client.put("/v1/sites/GB-WESTMINSTER", other);
  ASSERT_EQ(changed.status, 200u) << changed.body;
  auto read =
      client.get("/v1/sites/GB-WESTMINSTER?min_position=" + changed.header("ordo-position"));
  ASSERT_EQ(read.status, 200u) << read.body;
  const auto site = read.doc()["site"];
  EXPECT_EQ(site["daily_capacity"], 10);
  EXPECT_EQ(site["status"], "open");
  EXPECT_EQ(site["opening_hours"]["mon"], "09:00-20:00");
  EXPECT_EQ(site["opening_hours"]["sun"], "closed");
  EXPECT_EQ(site["closed_days"], json({"2026-12-25", "2026-12-26"}));
  EXPECT_EQ(read.doc()["history"].size(), 2u);
  auto manchester = client.post("/v1/sites", uk_store("GB-MANCHESTER", "M1"));
  ASSERT_EQ(manchester.status, 201u) << manchester.body;
  auto listed = client.get("/v1/sites?country=GB&type=store&min_position=" +
                           manchester.header("ordo-position"));
  ASSERT_EQ(listed.status, 200u) << listed.body;
  // The demo's UK stores (GB-B1, GB-M1, ...) and the two of this test, in id order.
  std::vector<std::string> ids;
  const auto doc = listed.doc();
  for (const auto& s : doc["sites"]) ids.push_back(s["site_id"]);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << listed.body;
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "GB-MANCHESTER"), 1) << listed.body;
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "GB-WESTMINSTER"), 1) << listed.body;
  EXPECT_EQ(ids.size(), 22u) << listed.body;
}

TEST_F(HttpMaster, ASiteThatCannotBePlacedIsRefusedNamingTheField) {
  auto client = admin();
  auto unknown_postcode = client.post("/v1/sites", uk_store("GB-NOWHERE", "ZZ9"));
  ASSERT_EQ(unknown_postcode.status, 422u) << unknown_postcode.body;
  EXPECT_EQ(pointers(unknown_postcode), std::vector<std::string>{"/latitude"});
  auto site = uk_store("XX-1", "SW1A");
  site["country"] = "ZZ";
  site["latitude"] = 51.5;
  site["longitude"] = -0.1;
  auto unknown_country = client.post("/v1/sites", site);
  ASSERT_EQ(unknown_country.status, 422u) << unknown_country.body;
  EXPECT_NE(detail(unknown_country).find("country \"ZZ\""), std::string::npos);
  site = uk_store("XX-2", "SW1A");
  site["brands"] = {"unknown-brand"};
  auto unknown_brand = client.post("/v1/sites", site);
  ASSERT_EQ(unknown_brand.status, 422u) << unknown_brand.body;
  EXPECT_NE(detail(unknown_brand).find("brands/0: no brand has the id 'unknown-brand'"),
            std::string::npos);
  site = uk_store("XX-3", "SW1A");
  site["opening_hours"] = {{"mon", "19:00-09:00"}};
  site["colour"] = "blue";
  auto malformed = client.post("/v1/sites", site);
  ASSERT_EQ(malformed.status, 422u) << malformed.body;
  EXPECT_EQ(pointers(malformed), (std::vector<std::string>{"/colour", "/opening_hours/mon"}));
  auto mismatch = client.put("/v1/sites/XX-4", uk_store("XX-5", "SW1A"));
  ASSERT_EQ(mismatch.status, 422u) << mismatch.body;
  EXPECT_EQ(pointers(mismatch), std::vector<std::string>{"/site_id"});
  for (const char* id : {"GB-NOWHERE", "XX-1", "XX-2", "XX-3", "XX-4", "XX-5"})
    EXPECT_EQ(client.get(std::string("/v1/sites/") + id).status, 404u) << id;
}

TEST_F(HttpMaster, ListsArePagedInIdOrderAndRefuseUnknownFilters) {
  auto client = admin();
  std::vector<std::string> ids;
  std::string after;
  for (int page = 0; page < 50; ++page) {
    auto reply =
        client.get("/v1/sites?country=FR&limit=2" + (after.empty() ? "" : "&after=" + after));
    ASSERT_EQ(reply.status, 200u) << reply.body;
    const auto doc = reply.doc();
    for (const auto& s : doc["sites"]) ids.push_back(s.value("site_id", ""));
    after = doc.value("next_cursor", "");
    if (after.empty()) break;
  }
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  EXPECT_GE(ids.size(), 8u);  // 2 warehouses, 6 stores and the pickup points
  EXPECT_EQ(client.get("/v1/sites?colour=blue").status, 400u);
  EXPECT_EQ(client.get("/v1/sites?type=castle").status, 400u);
  EXPECT_EQ(client.get("/v1/items?limit=0").status, 400u);
  EXPECT_EQ(client.get("/v1/items?limit=501").status, 400u);
  EXPECT_EQ(client.get("/v1/brands?brand=x").status, 400u);
}

TEST_F(HttpMaster, AClosedSiteSellsNothingUntilItReopens) {
  auto client = admin();
  const auto warehouse = first_site("warehouse");
  const auto figure = [&](const std::string& position) {
    auto reply = client.get("/v1/sellable-stock/marketplace/SKU-00001?explain=true&min_position=" +
                            position);
    EXPECT_EQ(reply.status, 200u) << reply.body;
    return reply.doc();
  };
  const auto before = figure("0");
  auto closed = client.post("/v1/sites/" + warehouse + "/close", {{"reason", "inventory day"}});
  ASSERT_EQ(closed.status, 200u) << closed.body;
  const auto during = figure(closed.header("ordo-position"));
  bool saw_closed = false;
  for (const auto& s : during["breakdown"]["sites"]) {
    if (s["site"] == warehouse) {
      EXPECT_EQ(s["available"], 0) << during.dump();
      saw_closed = true;
    }
  }
  EXPECT_TRUE(saw_closed) << during.dump();
  auto site = client.get("/v1/sites/" + warehouse);
  EXPECT_EQ(site.doc()["site"]["status"], "temporarily_closed");
  auto reopened = client.post("/v1/sites/" + warehouse + "/reopen", json::object());
  ASSERT_EQ(reopened.status, 200u) << reopened.body;
  EXPECT_EQ(figure(reopened.header("ordo-position"))["sellable"], before["sellable"]);
  auto twice = client.post("/v1/sites/" + warehouse + "/reopen", json::object());
  ASSERT_EQ(twice.status, 200u) << twice.body;
  EXPECT_FALSE(twice.doc().value("changed", true));
  auto no_reason = client.post("/v1/sites/" + warehouse + "/close", json::object());
  EXPECT_EQ(no_reason.status, 422u) << no_reason.body;
}

// Closing a site for good moves its open orders: released from it in the same write and sourced
// again elsewhere, as the order's timeline shows.
TEST_F(HttpMaster, ASiteClosedForGoodHasItsOpenOrdersSourcedAgainElsewhere) {
  auto client = admin();
  // A new French warehouse with the most shoes to spare: the built-in rules source there.
  json warehouse = uk_store("FR-WH-CLOSING", "69003");
  warehouse["type"] = "warehouse";
  warehouse["country"] = "FR";
  warehouse["time_zone"] = "Europe/Paris";
  ASSERT_EQ(client.post("/v1/sites", warehouse).status, 201u);
  auto stocked = client.post("/v1/stock/movements",
                             {{"movements",
                               {{{"type", "receipt"},
                                 {"site", "FR-WH-CLOSING"},
                                 {"sku", "SKU-00002"},
                                 {"quantity", 5000},
                                 {"reference", "opening"}}}}},
                             {{"Idempotency-Key", "closing-stock"}});
  ASSERT_EQ(stocked.status, 200u) << stocked.body;
  const auto placed = place("MASTER-CLOSE-1", "SKU-00002");
  const std::string site = "FR-WH-CLOSING";
  ASSERT_EQ(placed["lines"].at(0).value("site", ""), site) << placed.dump();
  auto closed =
      client.post("/v1/sites/" + site + "/close", {{"for_good", true}, {"reason", "lease ended"}});
  ASSERT_EQ(closed.status, 200u) << closed.body;
  const auto order =
      client.get("/v1/orders/MASTER-CLOSE-1?min_position=" + closed.header("ordo-position")).doc();
  EXPECT_NE(order["lines"][0].value("site", ""), site) << order["lines"];
  bool released = false;
  for (const auto& entry : order["timeline"]) {
    released |= entry.value("type", "") == "AllocationReleased" &&
                entry.dump().find("closed for good: lease ended") != std::string::npos;
  }
  EXPECT_TRUE(released) << order["timeline"];
  // Final: it does not reopen, and lists as closed.
  auto reopen = client.post("/v1/sites/" + site + "/reopen", json::object());
  EXPECT_EQ(reopen.status, 409u) << reopen.body;
  auto listed =
      client.get("/v1/sites?status=closed&min_position=" + closed.header("ordo-position"));
  ASSERT_EQ(listed.status, 200u);
  EXPECT_EQ(listed.doc()["sites"].size(), 1u) << listed.body;
}

TEST_F(HttpMaster, AFileImportedOverHttpIsValidatedWholeThenAppliedOnce) {
  auto client = admin();
  const auto post = [&](const std::string& kind, const std::string& body, const char* type,
                        const std::string& query = "") {
    return client.request(bhttp::verb::post, "/v1/imports/" + kind + query, body,
                          {{"Content-Type", type}});
  };
  const std::string bad =
      "brand_id,name\r\nmizuno,Mizuno\r\nnew balance,New Balance\r\nsalomon,\r\n";
  auto refused = post("brands", bad, "text/csv");
  ASSERT_EQ(refused.status, 422u) << refused.body;
  const auto report = refused.doc();
  EXPECT_EQ(report["applied"], false);
  EXPECT_EQ(report["rows"], 3);
  EXPECT_EQ(report["refused"], 2);
  EXPECT_EQ(report["problems"][0]["line"], 3);
  EXPECT_EQ(report["problems"][0]["field"], "brand_id");
  EXPECT_EQ(report["problems"][1]["line"], 4);
  EXPECT_EQ(report["problems"][1]["field"], "name");
  EXPECT_EQ(client.get("/v1/brands/mizuno").status, 404u);  // nothing applied
  const std::string good =
      "{\"brand_id\":\"mizuno\",\"name\":\"Mizuno\"}\n"
      "{\"brand_id\":\"newbalance\",\"name\":\"New Balance\"}\n";
  auto applied = post("brands", good, "application/x-ndjson");
  ASSERT_EQ(applied.status, 200u) << applied.body;
  EXPECT_EQ(applied.doc()["created"], 2);
  auto again = post("brands", good, "application/x-ndjson");
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(again.doc()["unchanged"], 2);
  EXPECT_EQ(again.doc()["created"], 0);
  auto partly = post("brands", bad, "text/csv", "?apply_valid=true");
  ASSERT_EQ(partly.status, 422u) << partly.body;
  EXPECT_EQ(partly.doc()["applied"], true);
  EXPECT_EQ(partly.doc()["unchanged"], 1);  // mizuno, already there
  EXPECT_EQ(post("brands", good, "application/json").status, 415u);
  EXPECT_EQ(post("castles", good, "text/csv").status, 404u);
  auto unreadable = post("brands", "id,name\nx,y\n", "text/csv");
  ASSERT_EQ(unreadable.status, 422u) << unreadable.body;
  EXPECT_NE(detail(unreadable).find("line 1: unknown column \"id\""), std::string::npos);
  Http auditor(port(), token("auditor"));
  EXPECT_EQ(auditor
                .request(bhttp::verb::post, "/v1/imports/brands", good,
                         {{"Content-Type", "application/x-ndjson"}})
                .status,
            403u);
}

// Addresses checked at intake against the postcode data; what happens is the channel's policy.
TEST_F(HttpMaster, AnOrdersAddressIsCheckedAndTheChannelsPolicyApplies) {
  auto client = admin();
  json strict = {{"name", "Web shop France (strict)"},
                 {"countries", {"FR"}},
                 {"currency", "EUR"},
                 {"inventory_view", "web"},
                 {"delivery_methods", {"home_standard"}},
                 {"address_policy", "refuse"}};
  ASSERT_EQ(client.put("/v1/channels/web-strict", strict).status, 201u);
  auto order = order_body("ADDR-1", "SKU-00004", 1, "web-strict");
  order["delivery_address"]["postcode"] = "62200";
  order["delivery_address"]["city"] = "Boulogne-Billancourt";
  auto refused = client.post("/v1/orders", order, {{"Idempotency-Key", "addr-1"}});
  ASSERT_EQ(refused.status, 422u) << refused.body;
  EXPECT_NE(detail(refused).find("delivery_address/city: Boulogne-Billancourt is not at postcode "
                                 "62200; did you mean 62200 Boulogne-sur-Mer or 92100 "
                                 "Boulogne-Billancourt"),
            std::string::npos)
      << refused.body;
  // The demo's web channel warns: placed, sourced, the verdict kept; and "St Etienne" is
  // Saint-Étienne, kept as written beside.
  auto warned = order_body("ADDR-2", "SKU-00004", 1, "web");
  warned["delivery_address"]["postcode"] = "42000";
  warned["delivery_address"]["city"] = "ST ETIENNE";
  auto placed = client.post("/v1/orders", warned, {{"Idempotency-Key", "addr-2"}});
  ASSERT_EQ(placed.status, 201u) << placed.body;
  auto view = client.get("/v1/orders/ADDR-2?min_position=" + placed.header("ordo-position")).doc();
  EXPECT_EQ(view["delivery_address"]["city"], "Saint-Étienne") << view.dump();
  EXPECT_EQ(view["address_check"]["verdict"], "accept");
  EXPECT_EQ(view["address_check"]["original_address"]["city"], "ST ETIENNE");
  strict["address_policy"] = "hold";
  ASSERT_EQ(client.put("/v1/channels/web-strict", strict).status, 200u);
  order["order_id"] = "ADDR-3";
  auto held = client.post("/v1/orders", order, {{"Idempotency-Key", "addr-3"}});
  ASSERT_EQ(held.status, 201u) << held.body;
  auto held_view =
      client.get("/v1/orders/ADDR-3?min_position=" + held.header("ordo-position")).doc();
  EXPECT_EQ(held_view["queued_for_service"], true) << held_view.dump();
  EXPECT_EQ(held_view["address_check"]["verdict"], "confirm");
  EXPECT_EQ(held_view["lines"][0]["status"], "sourcing");
  confirm_the_held_address(client);
}

// Customer service fixes the held order's address: a doubtful one is refused with the
// suggestions unless kept with a reason (an event with the verdict); once changed, the order
// leaves the queue and is sourced.
void HttpMaster::confirm_the_held_address(Http& client) {
  Http service(port(), token("customer_service"));
  json doubtful = {{"address",
                    {{"name", "Jeanne Martin"},
                     {"line1", "12 rue de la Paix"},
                     {"postcode", "62200"},
                     {"city", "Boulogne Billancourt sur mer"},
                     {"country", "FR"}}}};
  auto refused = service.post("/v1/orders/ADDR-3/delivery-address", doubtful);
  ASSERT_EQ(refused.status, 422u) << refused.body;
  EXPECT_NE(detail(refused).find("did you mean 62200 Boulogne-sur-Mer"), std::string::npos)
      << refused.body;
  doubtful["override_reason"] = "the customer confirmed the address by phone";
  auto kept = service.post("/v1/orders/ADDR-3/delivery-address", doubtful);
  ASSERT_EQ(kept.status, 200u) << kept.body;
  auto view = client.get("/v1/orders/ADDR-3?min_position=" + kept.header("ordo-position")).doc();
  EXPECT_EQ(view["queued_for_service"], false) << view.dump();
  EXPECT_EQ(view["lines"][0]["status"], "allocated") << view.dump();
  bool overridden = false;
  for (const auto& entry : view["timeline"]) {
    if (entry["type"] != "DeliveryAddressChanged") continue;
    overridden = entry["override_reason"] == doubtful["override_reason"] &&
                 entry["address_verdict"] == "fix";  // no place of that name at 62200
  }
  EXPECT_TRUE(overridden) << view["timeline"].dump();
}

TEST_F(HttpMaster, AnAuditorReadsMasterDataButCannotChangeIt) {
  Http auditor(port(), token("auditor"));
  EXPECT_EQ(auditor.get("/v1/sites?limit=1").status, 200u);
  EXPECT_EQ(auditor.get("/v1/channels").status, 200u);
  EXPECT_EQ(auditor.put("/v1/brands/x", {{"name", "X"}}).status, 403u);
  Http store(port(), token("store", first_site("store")));
  EXPECT_EQ(store.put("/v1/items/X", {{"name", "X"}}).status, 403u);
  // An integration token limited to one channel reads master data but changes none of it.
  Http scoped(port(), token("integration", "", "web"));
  EXPECT_EQ(scoped.get("/v1/channels/web").status, 200u);
  auto refused = scoped.put("/v1/channels/marketplace", {{"name", "X"}});
  EXPECT_EQ(refused.status, 403u) << refused.body;
  EXPECT_EQ(scoped
                .request(bhttp::verb::post, "/v1/imports/brands", "brand_id,name\nx,X\n",
                         {{"Content-Type", "text/csv"}})
                .status,
            403u);
}

}  // namespace
}  // namespace ordo::gateway::testing
