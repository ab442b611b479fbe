// Events as JSON for auditors: every alternative of every event variant, with every field, under
// the names the header documents.
#include "gateway/json/events_json.h"

#include <gtest/gtest.h>

#include "gateway/json/inventory_views_json.h"

namespace ordo::json {
namespace {

using nlohmann::json;
namespace site = domain::site;
namespace catalog = domain::catalog;
namespace stock = domain::stock;
namespace order = domain::order;
namespace configuration = domain::configuration;

// A new alternative must be added to the tests below (and the encoder will not compile without it).
static_assert(std::variant_size_v<site::Event> == 4);
static_assert(std::variant_size_v<catalog::Event> == 2);
static_assert(std::variant_size_v<stock::Event> == 11);
static_assert(std::variant_size_v<order::Event> == 17);
static_assert(std::variant_size_v<configuration::Event> == 1);
static_assert(std::variant_size_v<domain::brand::Event> == 2);
static_assert(std::variant_size_v<domain::channel::Event> == 2);

constexpr domain::Instant kAt = 1'700'000'000'000'000;

site::Profile kleber() {
  site::Profile profile;
  profile.name = "Strasbourg Kléber";
  profile.type = site::SiteType::dark_store;
  profile.country = "FR";
  profile.region = "67";
  profile.postcode = "67000";
  profile.latitude = 48.5839;
  profile.longitude = 7.7455;
  profile.time_zone = "Europe/Paris";
  profile.capabilities = {.ship_from_store = true, .click_and_collect = false, .returns = true};
  for (std::size_t day = 0; day < 6; ++day) profile.opening_hours.at(day) = {540, 1170};
  profile.daily_capacity = 120;
  profile.brands = {"kalenji"};
  profile.closed_days = {20'812};  // 2026-12-25
  return profile;
}

TEST(EventsJson, SiteEventsCarryTheSiteIdAndTheWholeProfile) {
  const json expected = json::parse(R"({"site_id": "STR-01", "profile": {
    "site_id": "STR-01",
    "name": "Strasbourg Kléber", "type": "dark_store", "country": "FR", "region": "67",
    "postcode": "67000", "latitude": 48.5839, "longitude": 7.7455, "time_zone": "Europe/Paris",
    "capabilities": {"ship_from_store": true, "click_and_collect": false, "returns": true,
                     "ship_to_store": false},
    "opening_hours": {"mon": "09:00-19:30", "tue": "09:00-19:30", "wed": "09:00-19:30",
      "thu": "09:00-19:30", "fri": "09:00-19:30", "sat": "09:00-19:30", "sun": "closed"},
    "closed_days": ["2026-12-25"], "brands": ["kalenji"], "status": "open",
    "daily_capacity": 120}})");
  EXPECT_EQ(to_json(site::Event{site::SiteRegistered{"STR-01", kleber()}}), expected);
  EXPECT_EQ(to_json(site::Event{site::SiteUpdated{"STR-01", kleber()}}), expected);
}

TEST(EventsJson, SiteClosuresSayWhyAndWhetherForGood) {
  EXPECT_EQ(to_json(site::Event{site::SiteClosed{"STR-01", true, "lease ended", kAt}}),
            json::parse(R"({"site_id": "STR-01", "for_good": true, "reason": "lease ended",
              "closed_at_us": 1700000000000000})"));
  EXPECT_EQ(to_json(site::Event{site::SiteReopened{"STR-01", kAt}}),
            json::parse(R"({"site_id": "STR-01", "reopened_at_us": 1700000000000000})"));
}

TEST(EventsJson, BrandAndChannelEventsCarryTheWholeRecord) {
  EXPECT_EQ(to_json(domain::brand::Event{domain::brand::BrandDefined{{"veja", "Veja"}}}),
            json::parse(R"({"brand": {"brand_id": "veja", "name": "Veja"}})"));
  const domain::channel::Channel uk{"web-gb",
                                    "Web shop UK",
                                    {"GB"},
                                    "GBP",
                                    "",
                                    "",
                                    {order::DeliveryMethod::home_standard},
                                    domain::channel::AddressPolicy::hold,
                                    50};
  EXPECT_EQ(to_json(domain::channel::Event{domain::channel::ChannelChanged{uk}}),
            json::parse(R"({"channel": {"channel_id": "web-gb", "name": "Web shop UK",
              "countries": ["GB"], "currency": "GBP", "brand": "", "inventory_view": "",
              "delivery_methods": ["home_standard"], "address_policy": "hold",
              "price_tolerance_bp": 50}})"));
}

// The names the inventory_views codec reads, so that an auditor can paste them into a selector.
TEST(EventsJson, SiteTypesAreTheNamesOfSiteSelectors) {
  for (const auto type : {site::SiteType::store, site::SiteType::warehouse,
                          site::SiteType::dark_store, site::SiteType::pickup_point}) {
    site::Profile profile;
    profile.type = type;
    const json name = to_json(site::Event{site::SiteRegistered{"S", profile}})["profile"]["type"];
    const auto views = parse_inventory_views(json::parse(
        R"({"channels": [{"channel": "web", "sites": {"types": [)" + name.dump() + "]}}]}"));
    ASSERT_TRUE(views.has_value()) << name;
    EXPECT_EQ(views->channels.at(0).sites.types, std::vector<site::SiteType>{type}) << name;
  }
}

TEST(EventsJson, CatalogEventsCarryTheWholeItem) {
  const catalog::Item item{"SNK-42",
                           "Runner 42",
                           "shoes/running",
                           "ordo",
                           850,
                           6000,
                           {8999, "EUR"},
                           true,
                           false,
                           {{"web-gb", {7999, "GBP"}}}};
  const json expected = json::parse(R"({"item": {"sku": "SNK-42", "name": "Runner 42",
    "category": "shoes/running", "brand": "ordo", "weight_g": 850, "volume_cm3": 6000,
    "price": {"minor": 8999, "currency": "EUR"}, "dangerous_goods": true,
    "click_and_collect": false,
    "prices": [{"channel": "web-gb", "minor": 7999, "currency": "GBP"}]}})");
  EXPECT_EQ(to_json(catalog::Event{catalog::ItemDefined{item}}), expected);
  EXPECT_EQ(to_json(catalog::Event{catalog::ItemChanged{item}}), expected);
}

TEST(EventsJson, EveryStockEventHasItsFields) {
  const auto expect = [](const stock::Event& event, std::string_view text) {
    EXPECT_EQ(to_json(event), json::parse(text)) << text;
  };
  expect(stock::StockReceived{120, "ASN-1"}, R"({"quantity": 120, "reference": "ASN-1"})");
  expect(stock::StockAdjusted{-2, "damaged"}, R"({"delta": -2, "reason": "damaged"})");
  expect(stock::StockCounted{14, -2, 1, "pos"},
         R"({"counted": 14, "delta": -2, "shortage": 1, "source": "pos"})");
  expect(stock::StockReserved{"o-1/2", "o-1", 2, 3, "web", {}},
         R"({"reservation_id": "o-1/2", "order_id": "o-1", "line": 2, "quantity": 3,
             "view": "web"})");
  expect(stock::StockHeld{"o-1/2", "o-1", 2, 3, "web"},
         R"({"reservation_id": "o-1/2", "order_id": "o-1", "line": 2, "quantity": 3,
             "view": "web"})");
  expect(stock::ReservationReleased{"o-1/2", 3, "cancelled"},
         R"({"reservation_id": "o-1/2", "quantity": 3, "reason": "cancelled"})");
  expect(stock::StockPicked{"o-1/2"}, R"({"reservation_id": "o-1/2"})");
  expect(stock::StockShipped{"o-1/2", 3}, R"({"reservation_id": "o-1/2", "quantity": 3})");
  expect(stock::ReceiptExpected{"PO-42", 500, kAt},
         R"({"receipt_id": "PO-42", "quantity": 500, "expected_at_us": 1700000000000000})");
  expect(stock::ReceiptConfirmed{"PO-42", 480}, R"({"receipt_id": "PO-42", "received": 480})");
  expect(stock::ReceiptCancelled{"PO-43"}, R"({"receipt_id": "PO-43"})");
}

domain::Address home() {
  return {"Jeanne Martin",    "3 rue des Orfèvres", "Bâtiment B", "67000", "Strasbourg", "FR",
          "+33 3 88 00 00 00"};
}
constexpr const char* kHome = R"({"name": "Jeanne Martin", "line1": "3 rue des Orfèvres",
  "line2": "Bâtiment B", "postcode": "67000", "city": "Strasbourg", "country": "FR",
  "phone": "+33 3 88 00 00 00"})";

TEST(EventsJson, OrderPlacedHasLinesAddressesPromiseTotalAndTime) {
  domain::Address office = home();
  office.line1 = "1 place Kléber";
  const order::OrderPlaced placed{"o-1001",
                                  "web",
                                  "c-7",
                                  "jeanne@example.com",
                                  {{1, "SKU-A", 2, 1000}, {2, "SKU-B", 1, 2500}},
                                  office,
                                  home(),
                                  order::DeliveryMethod::click_and_collect,
                                  {"collect@ST-STRAS", kAt + 7'200'000'000, "", "ST-STRAS", 19676},
                                  {4500, "EUR"},
                                  kAt,
                                  {}};
  json expected = json::parse(R"({"order_id": "o-1001", "channel": "web", "customer_id": "c-7",
    "email": "jeanne@example.com",
    "lines": [{"line": 1, "sku": "SKU-A", "quantity": 2, "unit_price_minor": 1000},
              {"line": 2, "sku": "SKU-B", "quantity": 1, "unit_price_minor": 2500}],
    "delivery_method": "click_and_collect",
    "promise": {"option_id": "collect@ST-STRAS", "promised_at_us": 1700007200000000, "carrier": "",
                "site_id": "ST-STRAS", "preparation_day": 19676},
    "total": {"minor": 4500, "currency": "EUR"}, "placed_at_us": 1700000000000000,
    "address_check": null})");
  expected["delivery_address"] = json::parse(kHome);
  expected["billing_address"] = json::parse(kHome);
  expected["billing_address"]["line1"] = "1 place Kléber";
  EXPECT_EQ(to_json(order::Event{placed}), expected);
  // Checked at intake: the verdict, and the address as the customer wrote it.
  auto checked = placed;
  checked.address_check = {domain::AddressCheck::Verdict::accept, "", "", {}, placed.delivery};
  checked.address_check.original.city = "St Etienne";
  const auto check = to_json(order::Event{checked})["address_check"];
  EXPECT_EQ(check["verdict"], "accept");
  EXPECT_EQ(check["original_address"]["city"], "St Etienne");
  EXPECT_EQ(check["suggestions"], json::array());
}

TEST(EventsJson, EveryOtherOrderEventHasItsFields) {
  const auto expect = [](const order::Event& event, std::string_view text) {
    EXPECT_EQ(to_json(event), json::parse(text)) << text;
  };
  expect(
      order::LinesAllocated{{{1, "STR-01"}, {2, "WH-LYON"}}},
      R"({"allocations": [{"line": 1, "site_id": "STR-01"}, {"line": 2, "site_id": "WH-LYON"}]})");
  expect(order::PreparationStarted{"STR-01", {1, 3}}, R"({"site_id": "STR-01", "lines": [1, 3]})");
  expect(order::OrderPrepared{"STR-01", {1}, true},
         R"({"site_id": "STR-01", "lines": [1], "ready_for_pickup": true})");
  expect(order::OrderShipped{"STR-01", {1, 3}, "colissimo", "6A1"},
         R"({"site_id": "STR-01", "lines": [1, 3], "carrier": "colissimo", "tracking": "6A1"})");
  expect(order::OrderDelivered{"STR-01", {1, 3}, kAt},
         R"({"site_id": "STR-01", "lines": [1, 3], "delivered_at_us": 1700000000000000})");
  expect(order::LinesCancelled{{2}, "fraud"}, R"({"lines": [2], "reason": "fraud"})");
  EXPECT_EQ(to_json(order::Event{order::DeliveryAddressChanged{home(), {}, {}}}),
            json({{"address", json::parse(kHome)}}));
  const auto kept = to_json(order::Event{order::DeliveryAddressChanged{
      home(),
      {domain::AddressCheck::Verdict::confirm, "city", "no such city", {"67000 Strasbourg"}, {}},
      "confirmed by phone"}});
  EXPECT_EQ(kept["override_reason"], "confirmed by phone");
  EXPECT_EQ(kept["address_check"]["verdict"], "confirm");
}

TEST(EventsJson, AllocationEventsHaveTheirRoundsSitesAndReasons) {
  EXPECT_EQ(to_json(order::Event{
                order::SourcingDecided{"stores-first",
                                       3,
                                       "round",
                                       "",
                                       1,
                                       {{"FR-1", "offered", "priority 10, 4 km", 1, 4},
                                        {"FR-2", "dropped", "no click and collect", 0, -1}},
                                       kAt}}),
            json::parse(R"({"strategy": "stores-first", "config_version": 3, "outcome": "round",
              "reason": "", "round": 1, "decided_at_us": 1700000000000000, "considered": [
              {"site_id": "FR-1", "verdict": "offered", "reason": "priority 10, 4 km", "rank": 1, "distance_km": 4},
              {"site_id": "FR-2", "verdict": "dropped", "reason": "no click and collect", "rank": 0, "distance_km": -1}]})"));
  EXPECT_EQ(
      to_json(order::Event{order::OfferRoundOpened{2, {"FR-1", "FR-2"}, kAt, kAt + 1, {1, 3}}}),
      json::parse(
          R"({"round": 2, "site_ids": ["FR-1", "FR-2"], "lines": [1, 3], "opened_at_us": 1700000000000000,
              "deadline_us": 1700000000000001})"));
  EXPECT_EQ(to_json(order::Event{order::OfferClaimed{2, "FR-1", kAt}}),
            json::parse(R"({"round": 2, "site_id": "FR-1", "claimed_at_us": 1700000000000000})"));
  EXPECT_EQ(
      to_json(order::Event{order::OfferDeclined{2, "FR-2", "busy", kAt}}),
      json::parse(
          R"({"round": 2, "site_id": "FR-2", "reason": "busy", "declined_at_us": 1700000000000000})"));
  EXPECT_EQ(
      to_json(order::Event{order::OfferRoundClosed{2, order::RoundEnd::all_declined, kAt}}),
      json::parse(R"({"round": 2, "end": "all_declined", "closed_at_us": 1700000000000000})"));
  EXPECT_EQ(to_json(order::Event{order::QueuedForService{"no store claimed"}}),
            json::parse(R"({"reason": "no store claimed"})"));
  EXPECT_EQ(to_json(order::Event{order::AllocationReleased{"FR-1", {1, 2}, "not found", {}}}),
            json::parse(R"({"site_id": "FR-1", "lines": [1, 2], "reason": "not found"})"));
  EXPECT_EQ(to_json(order::Event{order::LinesSplit{{{1, {{1, 3}, {4, 2}}}}}}),
            json::parse(R"({"splits": [{"line": 1, "parts": [{"line": 1, "quantity": 3},
                                                             {"line": 4, "quantity": 2}]}]})"));
  EXPECT_EQ(to_json(order::Event{order::LinesPreOrdered{{{4, "WH-LYON", "asn-7", kAt}}}}),
            json::parse(R"({"pre_orders": [{"line": 4, "site_id": "WH-LYON", "receipt_id": "asn-7",
                                            "expected_at_us": 1700000000000000}]})"));
}

TEST(EventsJson, ConfigurationChangedNamesItsAreaAndWritesItsDocument) {
  domain::InventoryViews views;
  domain::ChannelView web;
  web.channel = "web";
  web.share_percent = 80;
  views.channels.push_back(web);
  const configuration::ConfigurationChanged changed{views, "ops@example.com", "web at 80%", 3, kAt};
  EXPECT_EQ(to_json(configuration::Event{changed}), json({{"area", "inventory_views"},
                                                          {"document", to_json(views)},
                                                          {"author", "ops@example.com"},
                                                          {"reason", "web at 80%"},
                                                          {"version", 3},
                                                          {"changed_at_us", kAt}}));
}

TEST(EventsJson, KeysAreSortedSoTheTextIsStable) {
  EXPECT_EQ(to_json(stock::Event{stock::StockCounted{14, -2, 0, "pos"}}).dump(),
            R"({"counted":14,"delta":-2,"shortage":0,"source":"pos"})");
}

// A string imported by another way than the HTTP API may hold any bytes: encoding does not throw,
// and dumping with error_handler_t::replace (as the header asks) does not either.
TEST(EventsJson, InvalidUtf8IsCopiedAndDumpsWithReplacement) {
  const json encoded = to_json(stock::Event{stock::StockAdjusted{1, "bad \xff byte"}});
  EXPECT_EQ(encoded["reason"], "bad \xff byte");
  EXPECT_EQ(encoded.dump(-1, ' ', false, json::error_handler_t::replace),
            "{\"delta\":1,\"reason\":\"bad \xEF\xBF\xBD byte\"}");
}

}  // namespace
}  // namespace ordo::json
