// The promise area's JSON codec: the demo configuration reads back to itself, shapes are refused
// with pointers, and the hot-path writer of promise answers gives valid, escaped JSON.
#include "gateway/json/promise_json.h"

#include <gtest/gtest.h>

#include <fstream>

namespace ordo::json {
namespace {

namespace prom = domain::promise;
using nlohmann::json;

prom::Config demo() {
  std::ifstream in(ORDO_SOURCE_DIR "/ops/config/promise.json");
  auto parsed = parse_promise_config(json::parse(in));
  EXPECT_TRUE(parsed.has_value());
  return parsed.value_or(prom::Config{});
}

TEST(PromiseJson, TheDemoConfigurationIsValidAndReadsBackToItself) {
  const auto config = demo();
  EXPECT_EQ(config.services.size(), 9u);
  EXPECT_TRUE(prom::validate(config).empty());
  EXPECT_EQ(config.services[1].window, (prom::Window{8 * 60, 13 * 60}));
  EXPECT_EQ(config.services[0].delivery_days, prom::kMondayToSaturday);
  const auto again = parse_promise_config(to_json(config));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, config);
}

TEST(PromiseJson, ShapeProblemsComeWithPointers) {
  const json bad = {{"services",
                     {{{"id", "x"},
                       {"carrier", "c"},
                       {"method", "drone"},
                       {"pickup_cutoff", "7h"},
                       {"delivery_days", {"funday"}},
                       {"closed_dates", {"2026-02-30"}}}}},
                    {"colour", "blue"}};
  const auto parsed = parse_promise_config(bad);
  ASSERT_FALSE(parsed.has_value());
  std::vector<std::string> pointers;
  for (const auto& e : parsed.error()) pointers.push_back(e.pointer);
  for (const char* p : {"/services/0/method", "/services/0/pickup_cutoff",
                        "/services/0/delivery_days/0", "/services/0/closed_dates/0", "/colour"}) {
    EXPECT_NE(std::find(pointers.begin(), pointers.end(), p), pointers.end()) << p;
  }
}

TEST(PromiseJson, TheAnswerWriterEscapesAndSeparatesEveryField) {
  prom::Result r;
  prom::Option o;
  o.id = "express@WH-1";
  o.method = prom::DeliveryMethod::home_express;
  o.carrier = "chrono \"post\"\n";
  o.service = "express";
  o.date = {2026, 12, 28};
  o.window = {0, 13 * 60};
  o.earliest_at = 1;
  o.promised_at = 2;
  o.order_by = 3;
  o.ship_from = "WH-1";
  o.ship_date = {2026, 12, 24};
  o.price_minor = 1290;
  o.carbon_g = 300;
  o.distance_km = 12;
  o.delays = {prom::Cause::past_cutoff, prom::Cause::carrier_closed};
  r.options.push_back(o);
  o.collect_at = "ST-2";
  o.carrier.clear();
  o.window = {};
  o.order_by = 0;
  o.delays.clear();
  r.options.push_back(o);
  r.infeasible.push_back({"home", "colissimo", prom::DeliveryMethod::home_standard,
                          prom::Cause::over_weight, "31 kg \\ 30"});
  std::string written;
  append_json(written, r, "EUR");
  written += "}";
  const auto doc = json::parse(written);  // throws, failing the test, on bad escaping or commas
  EXPECT_EQ(doc, json::parse(R"({
    "infeasible": [{"carrier": "colissimo", "detail": "31 kg \\ 30", "method": "home_standard",
                    "reason": "over_weight", "service": "home"}],
    "options": [
      {"carbon_g": 300, "carrier": "chrono \"post\"\n", "date": "2026-12-28",
       "delays": ["past_cutoff", "carrier_closed"], "distance_km": 12, "earliest_at_us": 1,
       "id": "express@WH-1", "method": "home_express", "order_by_us": 3,
       "price": {"currency": "EUR", "minor": 1290}, "promised_at_us": 2, "service": "express",
       "ship_date": "2026-12-24", "ship_from": "WH-1", "window": {"from": "00:00", "to": "13:00"}},
      {"carbon_g": 300, "collect_at": "ST-2", "date": "2026-12-28", "delays": [], "distance_km": 12,
       "earliest_at_us": 1, "id": "express@WH-1", "method": "home_express",
       "price": {"currency": "EUR", "minor": 1290}, "promised_at_us": 2, "service": "express",
       "ship_date": "2026-12-24", "ship_from": "WH-1"}]})"))
      << written;
  // Without infeasible options the key is left out.
  r.infeasible.clear();
  written.clear();
  append_json(written, r, "EUR");
  written += "}";
  EXPECT_FALSE(json::parse(written).contains("infeasible")) << written;
}

TEST(PromiseJson, ACheckoutRequestIsReadStrictly) {
  const auto ok = parse_promise_request(json::parse(
      R"({"destination": {"country": "FR", "postcode": "67000"}, "lines": [{"sku": "SKU-1", "quantity": 2}]})"));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->channel, "web");
  EXPECT_EQ(ok->lines.size(), 1u);
  const auto bad = parse_promise_request(json::parse(
      R"({"destination": {"country": "France"}, "lines": [{"sku": "", "quantity": 20000}]})"));
  ASSERT_FALSE(bad.has_value());
  std::vector<std::string> pointers;
  for (const auto& e : bad.error()) pointers.push_back(e.pointer);
  for (const char* p :
       {"/destination/country", "/destination/postcode", "/lines/0/sku", "/lines/0/quantity"}) {
    EXPECT_NE(std::find(pointers.begin(), pointers.end(), p), pointers.end()) << p;
  }
  EXPECT_FALSE(parse_promise_request(json::array()).has_value());
}

}  // namespace
}  // namespace ordo::json
