// The request parsers: each documented body parses to its command; every kind of bad input is
// reported with the pointer of the offending value and a message naming it; nothing throws.
#include "gateway/json/commands_json.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ordo::json {
namespace {

using domain::Instant;
using nlohmann::json;
namespace order = domain::order;
namespace stock = domain::stock;

constexpr Instant kNow = 1'700'000'000'000'000;

// A ConfigError of this file, so that gtest prints it readably on a failure.
struct Problem {
  std::string pointer;
  std::string message;
  friend bool operator==(const Problem&, const Problem&) = default;
  friend void PrintTo(const Problem& p, std::ostream* out) {
    *out << "{\"" << p.pointer << "\", \"" << p.message << "\"}";
  }
};
using Problems = std::vector<Problem>;

Problems from(const std::vector<domain::ConfigError>& errors) {
  Problems out;
  for (const auto& e : errors) out.push_back({e.pointer, e.message});
  return out;
}

// The problems of a parse that must fail (none, and a test failure, when it succeeded).
template <class T>
Problems problems(const Parsed<T>& parsed) {
  EXPECT_FALSE(parsed.has_value()) << "parsed, but should not have";
  return parsed ? Problems{} : from(parsed.error());
}
Problems order_problems(const json& body) { return problems(parse_place_order(body, kNow)); }

json body(std::string_view text) { return json::parse(text); }

// `base` with the value at `pointer` set (replaced or added).
json with(json base, const std::string& pointer, json value) {
  base[json::json_pointer(pointer)] = std::move(value);
  return base;
}

// `base` without the object field at `pointer`.
json without(json base, const std::string& pointer) {
  const json::json_pointer field(pointer);
  base[field.parent_pointer()].erase(field.back());
  return base;
}

json strasbourg() {
  return body(R"({"name": "Jeanne Martin", "line1": "3 rue des Orfèvres", "postcode": "67000",
                  "city": "Strasbourg", "country": "FR"})");
}

// The smallest complete order: two lines, defaults for everything optional.
json order_body() {
  json out = body(R"({"order_id": "o-1001", "channel": "web", "customer_id": "c-7",
    "email": "jeanne@example.com", "currency": "EUR",
    "lines": [{"line": 1, "sku": "SKU-A", "quantity": 2, "unit_price_minor": 1000},
              {"line": 2, "sku": "SKU-B", "quantity": 1, "unit_price_minor": 2500}]})");
  out["delivery_address"] = strasbourg();
  return out;
}

// The blocks of the header's comment from "//   {" to "//   }", comments and all.
std::vector<json> header_examples() {
  std::ifstream header(std::filesystem::path(ORDO_SOURCE_DIR) / "gateway/json/commands_json.h");
  EXPECT_TRUE(header) << "header not found in " << ORDO_SOURCE_DIR;
  std::vector<json> examples;
  std::stringstream example;
  bool inside = false;
  for (std::string line; std::getline(header, line);) {
    if (line == "//   {") inside = true;
    if (inside) example << line.substr(2) << '\n';
    if (inside && line == "//   }") {
      examples.push_back(json::parse(example.str(), nullptr, true, true));
      example.str("");
      inside = false;
    }
  }
  return examples;
}

TEST(CommandsJson, TheHeaderExamplesParse) {
  const std::vector<json> examples = header_examples();
  ASSERT_EQ(examples.size(), 4U);
  const auto placed = parse_place_order(examples[0], kNow);
  ASSERT_TRUE(placed.has_value()) << placed.error().front().message;
  EXPECT_EQ(placed->promise, (order::Promise{"standard-2d", 1'700'172'800'000'000, "", "", 0}));
  EXPECT_EQ(placed->delivery.line2, "Bâtiment B");
  EXPECT_EQ(placed->billing.line1, "1 place Kléber");
  EXPECT_TRUE(parse_cancel(examples[1], kNow).has_value());
  const auto movements = parse_stock_movements(examples[2], kNow);
  ASSERT_TRUE(movements.has_value());
  for (const auto& movement : movements->movements) {
    EXPECT_TRUE(std::holds_alternative<ParsedMovement>(movement));
  }
  EXPECT_TRUE(parse_configuration_change(examples[3], kNow).has_value());
}

TEST(PlaceOrderJson, AValidBodyIsThePlaceOrderCommand) {
  json full = with(order_body(), "/delivery_method", "click_and_collect");
  full["promise"] = {{"option_id", "c&c-2h"}, {"promised_at_us", kNow + 7'200'000'000}};
  full["billing_address"] = with(strasbourg(), "/line2", "Bâtiment B");
  full["billing_address"]["phone"] = "+33 3 88 00 00 00";

  const auto parsed = parse_place_order(full, kNow);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().front().message;
  const order::PlaceOrder& command = *parsed;
  EXPECT_EQ(command.order_id, "o-1001");
  EXPECT_EQ(command.channel, "web");
  EXPECT_EQ(command.customer_id, "c-7");
  EXPECT_EQ(command.email, "jeanne@example.com");
  EXPECT_EQ(command.currency, "EUR");
  EXPECT_EQ(command.method, order::DeliveryMethod::click_and_collect);
  EXPECT_EQ(command.promise, (order::Promise{"c&c-2h", kNow + 7'200'000'000, "", "", 0}));
  EXPECT_EQ(command.delivery, (domain::Address{"Jeanne Martin", "3 rue des Orfèvres", "", "67000",
                                               "Strasbourg", "FR", ""}));
  EXPECT_EQ(command.billing, (domain::Address{"Jeanne Martin", "3 rue des Orfèvres", "Bâtiment B",
                                              "67000", "Strasbourg", "FR", "+33 3 88 00 00 00"}));
  EXPECT_EQ(command.lines,
            (std::vector<order::OrderLine>{{1, "SKU-A", 2, 1000}, {2, "SKU-B", 1, 2500}}));
  EXPECT_EQ(command.at, kNow);
}

TEST(PlaceOrderJson, OmittedOptionalFieldsTakeTheirDefaults) {
  const auto parsed = parse_place_order(order_body(), kNow);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->method, order::DeliveryMethod::home_standard);
  EXPECT_EQ(parsed->promise, order::Promise{});
  EXPECT_EQ(parsed->billing, parsed->delivery) << "billing defaults to the delivery address";
}

TEST(PlaceOrderJson, EveryDeliveryMethodIsReadByItsName) {
  for (const auto method :
       {order::DeliveryMethod::home_standard, order::DeliveryMethod::home_express,
        order::DeliveryMethod::pickup_point, order::DeliveryMethod::click_and_collect,
        order::DeliveryMethod::ship_to_store}) {
    const std::string name(order::to_string(method));
    EXPECT_EQ(parse_place_order(with(order_body(), "/delivery_method", name), kNow)->method,
              method);
  }
  EXPECT_EQ(order_problems(with(order_body(), "/delivery_method", "drone")),
            (Problems{{"/delivery_method",
                       "unknown delivery method \"drone\" (known: home_standard, home_express, "
                       "pickup_point, click_and_collect, ship_to_store)"}}));
}

TEST(PlaceOrderJson, TheBodyMustBeAnObject) {
  EXPECT_EQ(order_problems(json::array()), (Problems{{"", "expected an object, got an array"}}));
  EXPECT_EQ(order_problems(nullptr), (Problems{{"", "expected an object, got null"}}));
  EXPECT_EQ(order_problems("o-1"), (Problems{{"", "expected an object, got the string \"o-1\""}}));
}

TEST(PlaceOrderJson, AMissingFieldIsReportedWhereItShouldBe) {
  EXPECT_EQ(order_problems(without(order_body(), "/order_id")),
            (Problems{{"/order_id", "order_id is required"}}));
  EXPECT_EQ(order_problems(without(order_body(), "/delivery_address")),
            (Problems{{"/delivery_address", "delivery_address is required"}}));
  EXPECT_EQ(order_problems(without(order_body(), "/delivery_address/city")),
            (Problems{{"/delivery_address/city", "city is required"}}));
  EXPECT_EQ(order_problems(without(order_body(), "/lines/1/unit_price_minor")),
            (Problems{{"/lines/1/unit_price_minor", "unit_price_minor is required"}}));
  EXPECT_EQ(order_problems(with(order_body(), "/promise", {{"option_id", "std"}})),
            (Problems{{"/promise/promised_at_us", "promised_at_us is required"}}));
}

// "." and ".." are normalised away by clients and proxies in a URL path: an order with such an id
// could be placed but never read (GET /v1/orders/..), so they are not ids.
TEST(PlaceOrderJson, DotSegmentsAreNotIds) {
  for (const char* id : {".", ".."}) {
    EXPECT_EQ(order_problems(with(order_body(), "/order_id", id)),
              (Problems{{"/order_id", "\"" + std::string(id) +
                                          "\" is not an id (1..64 characters of [A-Za-z0-9._-], "
                                          "not \".\" or \"..\")"}}));
  }
  EXPECT_TRUE(parse_place_order(with(order_body(), "/order_id", "..."), kNow).has_value());
}

TEST(PlaceOrderJson, AValueOfTheWrongTypeIsNamed) {
  EXPECT_EQ(order_problems(with(order_body(), "/order_id", 1001)),
            (Problems{{"/order_id", "expected a string, got the number 1001"}}));
  EXPECT_EQ(order_problems(with(order_body(), "/lines", json::object())),
            (Problems{{"/lines", "expected an array, got an object"}}));
  EXPECT_EQ(order_problems(with(order_body(), "/lines/0/quantity", "2")),
            (Problems{{"/lines/0/quantity", "expected an integer, got the string \"2\""}}));
  EXPECT_EQ(order_problems(with(order_body(), "/delivery_address", "3 rue des Orfèvres")),
            (Problems{{"/delivery_address",
                       "expected an object, got the string \"3 rue des Orfèvres\""}}));
  EXPECT_EQ(order_problems(with(order_body(), "/lines/0", nullptr)),
            (Problems{{"/lines/0", "expected an object, got null"}}));
  EXPECT_EQ(order_problems(with(order_body(), "/delivery_address/line2", nullptr)),
            (Problems{{"/delivery_address/line2", "expected a string, got null"}}))
      << "null is a value, not an absent field";
}

TEST(PlaceOrderJson, AnUnknownFieldIsRejectedByName) {
  EXPECT_EQ(order_problems(with(order_body(), "/colour", "red")),
            (Problems{{"/colour",
                       "unknown field \"colour\" (known: order_id, channel, customer_id, email, "
                       "currency, delivery_method, promise, delivery_address, billing_address, "
                       "lines)"}}));
  EXPECT_EQ(order_problems(with(order_body(), "/lines/1/price", 10)),
            (Problems{{"/lines/1/price",
                       "unknown field \"price\" (known: line, sku, quantity, unit_price_minor)"}}));
  EXPECT_EQ(order_problems(with(order_body(), "/delivery_address/zip", "67000")).front().pointer,
            "/delivery_address/zip");
}

TEST(PlaceOrderJson, AnIntegerIsAJsonIntegerNeverAFloat) {
  for (const char* number : {"1.5", "2.0", "1e3", "-0.0"}) {
    const json bad = with(order_body(), "/lines/0/quantity", json::parse(number));
    EXPECT_EQ(order_problems(bad),
              (Problems{{"/lines/0/quantity",
                         "expected an integer, got the number " + json::parse(number).dump()}}))
        << number;
  }
  EXPECT_EQ(order_problems(with(order_body(), "/lines/0/quantity", HUGE_VAL)),
            (Problems{{"/lines/0/quantity", "expected an integer, got the number Infinity"}}))
      << "only in a json built in code: nlohmann::json::parse refuses 1e400 (out_of_range.406)";
}

TEST(PlaceOrderJson, AnIntegerMustBeInItsFieldsRange) {
  const auto quantity = [](const json& value) {
    return order_problems(with(order_body(), "/lines/0/quantity", value));
  };
  EXPECT_EQ(quantity(0), (Problems{{"/lines/0/quantity", "0 is smaller than 1"}}));
  EXPECT_EQ(quantity(-3), (Problems{{"/lines/0/quantity", "-3 is smaller than 1"}}));
  EXPECT_EQ(quantity(100'001), (Problems{{"/lines/0/quantity", "100001 is larger than 100000"}}));
  EXPECT_EQ(quantity(json::parse("18446744073709551615")),
            (Problems{{"/lines/0/quantity", "18446744073709551615 is larger than 100000"}}));
  EXPECT_EQ(quantity(json::parse("-9223372036854775808")),
            (Problems{{"/lines/0/quantity", "-9223372036854775808 is smaller than 1"}}));
  EXPECT_EQ(quantity(json::parse("99999999999999999999999")).front().message,
            "expected an integer, got the number 9.999999999999999e+22")
      << "beyond 64 bits JSON numbers are floats";
  EXPECT_EQ(order_problems(with(order_body(), "/lines/0/line", 10'001)),
            (Problems{{"/lines/0/line", "10001 is larger than 10000"}}));
  EXPECT_EQ(order_problems(with(order_body(), "/lines/0/unit_price_minor", -1)),
            (Problems{{"/lines/0/unit_price_minor", "-1 is smaller than 0"}}));
  EXPECT_EQ(
      order_problems(with(order_body(), "/lines/0/unit_price_minor", 1'000'000'000'001)),
      (Problems{{"/lines/0/unit_price_minor", "1000000000001 is larger than 1000000000000"}}));
  EXPECT_TRUE(parse_place_order(with(order_body(), "/lines/0/unit_price_minor", 0), kNow));
}

TEST(PlaceOrderJson, AnIdIsOneTo64LettersDigitsDotsDashesOrUnderscores) {
  const std::string rule =
      " is not an id (1..64 characters of [A-Za-z0-9._-], not \".\" or \"..\")";
  const auto order_id = [](const json& value) {
    return order_problems(with(order_body(), "/order_id", value));
  };
  EXPECT_EQ(order_id("o 1001"), (Problems{{"/order_id", "\"o 1001\"" + rule}}));
  EXPECT_EQ(order_id(""), (Problems{{"/order_id", "\"\"" + rule}}));
  EXPECT_EQ(order_id(std::string("o-1\0x", 5)), (Problems{{"/order_id", "\"o-1\\u0000x\"" + rule}}))
      << "a NUL byte";
  EXPECT_EQ(order_id(std::string(65, 'a')).front().pointer, "/order_id");
  EXPECT_TRUE(parse_place_order(with(order_body(), "/order_id", std::string(64, 'a')), kNow));
  EXPECT_TRUE(parse_place_order(with(order_body(), "/order_id", "Az09._-"), kNow));
  EXPECT_EQ(order_problems(with(order_body(), "/lines/1/sku", "SKU/B")),
            (Problems{{"/lines/1/sku", "\"SKU/B\"" + rule}}));
}

TEST(PlaceOrderJson, TextIsBoundedInCharactersAndHasNoNulByte) {
  const std::string e_acute = "é";  // two bytes, one character
  json name = with(order_body(), "/delivery_address/name", [&] {
    std::string text;
    for (int i = 0; i < 200; ++i) text += e_acute;
    return text;
  }());
  EXPECT_TRUE(parse_place_order(name, kNow)) << "200 characters, 400 bytes";
  name["delivery_address"]["name"] = name["delivery_address"]["name"].get<std::string>() + "x";
  EXPECT_EQ(order_problems(name).front().message,
            "\"ééééééééééééééééééééééééééééé... has 201 characters; expected 1..200")
      << "cut short at a character boundary";
  EXPECT_EQ(order_problems(with(order_body(), "/customer_id", "")),
            (Problems{{"/customer_id", "\"\" has 0 characters; expected 1..128"}}));
  EXPECT_EQ(order_problems(with(order_body(), "/delivery_address/city", std::string("Metz\0", 5))),
            (Problems{{"/delivery_address/city", "\"Metz\\u0000\" contains a NUL character"}}));
  EXPECT_EQ(order_problems(with(order_body(), "/customer_id", std::string("c\xff", 2))),
            (Problems{{"/customer_id", "\"c\xEF\xBF\xBD\" is not valid UTF-8"}}))
      << "possible in a json built in code; quoted with U+FFFD";
}

TEST(PlaceOrderJson, EmailCurrencyAndCountryAreChecked) {
  for (const char* email : {"jeanne", "@example.com", "jeanne@", "a@b@c"}) {
    EXPECT_EQ(
        order_problems(with(order_body(), "/email", email)),
        (Problems{{"/email", json(email).dump() +
                                 " is not an email address (one @ with text on both sides)"}}));
  }
  EXPECT_EQ(order_problems(with(order_body(), "/currency", "eur")),
            (Problems{{"/currency",
                       "\"eur\" is not a currency code (three upper-case letters, e.g. EUR)"}}));
  EXPECT_EQ(order_problems(with(order_body(), "/delivery_address/country", "France")),
            (Problems{{"/delivery_address/country",
                       "\"France\" is not a country code (two upper-case letters, e.g. FR)"}}));
}

TEST(PlaceOrderJson, AnOrderHasOneTo200Lines) {
  EXPECT_EQ(order_problems(with(order_body(), "/lines", json::array())),
            (Problems{{"/lines", "expected 1..200 items, got 0"}}));
  json line = order_body()["lines"][0];
  json lines = json::array();
  for (int i = 0; i < 201; ++i) lines.push_back(with(line, "/quantity", "bad"));
  EXPECT_EQ(order_problems(with(order_body(), "/lines", lines)),
            (Problems{{"/lines", "expected 1..200 items, got 201"}}))
      << "the items of an array too long are not read";
}

TEST(PlaceOrderJson, EveryProblemIsReportedAtOnce) {
  json bad = without(order_body(), "/channel");
  bad["email"] = 7;
  bad["lines"][0]["quantity"] = 0;
  bad["lines"][1]["sku"] = "";
  bad["delivery_address"]["country"] = "fr";
  bad["billing_address"] = json::object();
  bad["note"] = "ring twice";
  std::vector<std::string> pointers;
  for (const Problem& p : order_problems(bad)) pointers.push_back(p.pointer);
  EXPECT_EQ(pointers,
            (std::vector<std::string>{
                "/note", "/channel", "/email", "/delivery_address/country", "/billing_address/name",
                "/billing_address/line1", "/billing_address/postcode", "/billing_address/city",
                "/billing_address/country", "/lines/0/quantity", "/lines/1/sku"}));
}

TEST(OrderActionsJson, CancelNamesTheLinesOrNoneForAll) {
  const auto some = parse_cancel(body(R"({"lines": [2, 3], "reason": "customer asked"})"), kNow);
  ASSERT_TRUE(some.has_value());
  EXPECT_EQ(some->lines, (std::vector<std::uint32_t>{2, 3}));
  EXPECT_EQ(some->reason, "customer asked");
  EXPECT_EQ(some->at, kNow);
  EXPECT_TRUE(parse_cancel(body(R"({"reason": "fraud"})"), kNow)->lines.empty());
  EXPECT_TRUE(parse_cancel(body(R"({"lines": [], "reason": "fraud"})"), kNow)->lines.empty());

  EXPECT_EQ(problems(parse_cancel(json::object(), kNow)),
            (Problems{{"/reason", "reason is required"}}));
  EXPECT_EQ(problems(parse_cancel(body(R"({"lines": [1, 0, 2.5], "reason": ""})"), kNow)),
            (Problems{{"/lines/1", "0 is smaller than 1"},
                      {"/lines/2", "expected an integer, got the number 2.5"},
                      {"/reason", "\"\" has 0 characters; expected 1..500"}}));
  EXPECT_EQ(problems(parse_cancel(body(R"({"lines": 2, "reason": "x"})"), kNow)),
            (Problems{{"/lines", "expected an array, got the number 2"}}));
}

TEST(OrderActionsJson, ChangeAddressTakesACompleteAddress) {
  const auto parsed = parse_change_address(json{{"address", strasbourg()}}, kNow);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->address.city, "Strasbourg");
  EXPECT_EQ(parsed->at, kNow);
  EXPECT_EQ(problems(parse_change_address(json::object(), kNow)),
            (Problems{{"/address", "address is required"}}));
  EXPECT_EQ(problems(parse_change_address(json{{"address", with(strasbourg(), "/country", "DEU")}},
                                          kNow)),
            (Problems{{"/address/country",
                       "\"DEU\" is not a country code (two upper-case letters, e.g. FR)"}}));
}

TEST(OrderActionsJson, EachStoreStepIsItsCommand) {
  const auto started = parse_store_step(body(R"({"site": "STR-01"})"), kNow, "preparation-started");
  ASSERT_TRUE(started.has_value());
  EXPECT_EQ(std::get<order::StartPreparation>(*started).site_id, "STR-01");
  EXPECT_EQ(std::get<order::StartPreparation>(*started).at, kNow);

  const auto prepared = parse_store_step(body(R"({"ready_for_pickup": true})"), kNow, "prepared");
  ASSERT_TRUE(prepared.has_value());
  EXPECT_TRUE(std::get<order::MarkPrepared>(*prepared).ready_for_pickup);
  EXPECT_EQ(std::get<order::MarkPrepared>(*prepared).site_id, "") << "the token names the site";
  EXPECT_FALSE(std::get<order::MarkPrepared>(*parse_store_step(json::object(), kNow, "prepared"))
                   .ready_for_pickup);

  const auto shipped = parse_store_step(
      body(R"({"site": "STR-01", "carrier": "colissimo", "tracking": "6A1"})"), kNow, "shipped");
  ASSERT_TRUE(shipped.has_value());
  const auto& ship = std::get<order::ShipOrder>(*shipped);
  EXPECT_EQ(std::tie(ship.site_id, ship.carrier, ship.tracking, ship.at),
            std::make_tuple("STR-01", "colissimo", "6A1", kNow));

  const auto delivered = parse_store_step(json::object(), kNow, "delivered");
  ASSERT_TRUE(delivered.has_value());
  EXPECT_EQ(std::get<order::DeliverOrder>(*delivered).at, kNow);
}

TEST(OrderActionsJson, StoreStepsAreStrictToo) {
  EXPECT_EQ(problems(parse_store_step(json::object(), kNow, "shipped")),
            (Problems{{"/carrier", "carrier is required"}}));
  EXPECT_EQ(problems(parse_store_step(body(R"({"carrier": "ups"})"), kNow, "prepared")),
            (Problems{{"/carrier", "unknown field \"carrier\" (known: site, ready_for_pickup)"}}));
  EXPECT_EQ(problems(parse_store_step(body(R"({"ready_for_pickup": "yes"})"), kNow, "prepared")),
            (Problems{{"/ready_for_pickup", "expected a boolean, got the string \"yes\""}}));
  EXPECT_EQ(
      problems(parse_store_step(body(R"({"site": "STR 01"})"), kNow, "delivered")).front().pointer,
      "/site");
  EXPECT_EQ(problems(parse_store_step(json::object(), kNow, "packed")),
            (Problems{{"",
                       "unknown step \"packed\" (known: preparation-started, prepared, "
                       "shipped, delivered)"}}));
}

json movement(std::string_view type, json fields) {
  fields["type"] = type;
  fields["site"] = "WH-LYON";
  fields["sku"] = "SNK-42";
  return fields;
}
json batch(json movements) { return {{"movements", std::move(movements)}}; }

TEST(StockMovementsJson, EachTypeIsItsStockCommand) {
  const auto parsed = parse_stock_movements(
      batch({movement("receipt", {{"quantity", 120}, {"reference", "ASN-1"}}),
             movement("adjustment", {{"delta", -2}, {"reason", "damaged"}}),
             movement("count", {{"counted", 14}, {"source", "pos"}}),
             movement("expected_receipt",
                      {{"receipt_id", "PO-42"}, {"quantity", 500}, {"expected_at_us", kNow}}),
             movement("receipt_confirmed", {{"receipt_id", "PO-42"}, {"received", 0}}),
             movement("receipt_cancelled", {{"receipt_id", "PO-43"}})}),
      kNow);
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->movements.size(), 6U);
  std::vector<stock::Command> commands;
  for (const auto& entry : parsed->movements) {
    ASSERT_TRUE(std::holds_alternative<ParsedMovement>(entry));
    const auto& m = std::get<ParsedMovement>(entry);
    EXPECT_EQ(std::tie(m.site_id, m.sku), std::make_tuple("WH-LYON", "SNK-42"));
    EXPECT_EQ(std::visit([](const auto& c) { return c.at; }, m.command), kNow);
    commands.push_back(m.command);
  }
  const auto& receive = std::get<stock::ReceiveStock>(commands[0]);
  EXPECT_EQ(std::tie(receive.quantity, receive.reference), std::make_tuple(120, "ASN-1"));
  const auto& adjust = std::get<stock::AdjustStock>(commands[1]);
  EXPECT_EQ(std::tie(adjust.delta, adjust.reason), std::make_tuple(-2, "damaged"));
  const auto& count = std::get<stock::CountStock>(commands[2]);
  EXPECT_EQ(std::tie(count.counted, count.source), std::make_tuple(14, "pos"));
  const auto& expect = std::get<stock::ExpectReceipt>(commands[3]);
  EXPECT_EQ(std::tie(expect.receipt_id, expect.quantity, expect.expected_at),
            std::make_tuple("PO-42", 500, kNow));
  const auto& confirm = std::get<stock::ConfirmReceipt>(commands[4]);
  EXPECT_EQ(std::tie(confirm.receipt_id, confirm.received), std::make_tuple("PO-42", 0));
  EXPECT_EQ(std::get<stock::CancelReceipt>(commands[5]).receipt_id, "PO-43");
}

TEST(StockMovementsJson, ABadMovementIsAnErrorForItselfOnly) {
  const auto parsed = parse_stock_movements(
      batch({movement("receipt", {{"quantity", 1}}),
             movement("receipt", {{"quantity", 0}, {"delta", 3}}),
             movement("adjustment", {{"delta", 0}, {"reason", "recount"}}),
             movement("transfer", {{"quantity", 1}, {"to", "PAR-01"}}), json{{"site", 5}},
             movement("count", {{"counted", 3}, {"source", "erp"}})}),
      kNow);
  ASSERT_TRUE(parsed.has_value());
  const auto& m = parsed->movements;
  ASSERT_EQ(m.size(), 6U);
  EXPECT_TRUE(std::holds_alternative<ParsedMovement>(m[0]));
  EXPECT_EQ(from(std::get<1>(m[1])),
            (Problems{{"/movements/1/delta",
                       "unknown field \"delta\" (known: type, site, sku, quantity, reference)"},
                      {"/movements/1/quantity", "0 is smaller than 1"}}));
  EXPECT_EQ(
      from(std::get<1>(m[2])),
      (Problems{{"/movements/2/delta", "0 is not a change: an adjustment's delta is non-zero"}}));
  EXPECT_EQ(from(std::get<1>(m[3])),
            (Problems{{"/movements/3/to",
                       "unknown field \"to\" (known: type, site, sku, quantity, "
                       "reference, delta, reason, counted, source, receipt_id, "
                       "expected_at_us, received)"},
                      {"/movements/3/type",
                       "unknown movement type \"transfer\" (known: receipt, adjustment, count, "
                       "expected_receipt, receipt_confirmed, receipt_cancelled)"}}));
  EXPECT_EQ(from(std::get<1>(m[4])),
            (Problems{{"/movements/4/type", "type is required"},
                      {"/movements/4/site", "expected a string, got the number 5"},
                      {"/movements/4/sku", "sku is required"}}));
  EXPECT_TRUE(std::holds_alternative<ParsedMovement>(m[5]));
}

TEST(StockMovementsJson, QuantitiesAreBounded) {
  const auto only = [](json m) {
    const auto parsed = parse_stock_movements(batch({std::move(m)}), kNow);
    return parsed ? from(std::get<1>(parsed->movements.at(0))) : Problems{};
  };
  EXPECT_EQ(only(movement("receipt", {{"quantity", 1'000'000'001}})),
            (Problems{{"/movements/0/quantity", "1000000001 is larger than 1000000000"}}));
  EXPECT_EQ(only(movement("adjustment", {{"delta", -1'000'000'001}, {"reason", "x"}})),
            (Problems{{"/movements/0/delta", "-1000000001 is smaller than -1000000000"}}));
  EXPECT_EQ(only(movement("count", {{"counted", -1}, {"source", "wms"}})),
            (Problems{{"/movements/0/counted", "-1 is smaller than 0"}}));
  EXPECT_EQ(
      only(movement("expected_receipt",
                    {{"receipt_id", "PO 1"}, {"quantity", 5}, {"expected_at_us", -1}})),
      (Problems{{"/movements/0/receipt_id",
                 "\"PO 1\" is not an id (1..64 characters of [A-Za-z0-9._-], not \".\" or \"..\")"},
                {"/movements/0/expected_at_us", "-1 is smaller than 0"}}));
}

TEST(StockMovementsJson, ABadEnvelopeFailsTheWholeBatch) {
  const auto envelope = [](const json& b) { return problems(parse_stock_movements(b, kNow)); };
  EXPECT_EQ(envelope(json::array()), (Problems{{"", "expected an object, got an array"}}));
  EXPECT_EQ(envelope(json::object()), (Problems{{"/movements", "movements is required"}}));
  EXPECT_EQ(envelope(batch(json::object())),
            (Problems{{"/movements", "expected an array, got an object"}}));
  EXPECT_EQ(envelope(batch(json::array())),
            (Problems{{"/movements", "expected 1..1000 items, got 0"}}));
  EXPECT_EQ(envelope(batch(json(std::vector<int>(1001, 0)))),
            (Problems{{"/movements", "expected 1..1000 items, got 1001"}}));
  EXPECT_EQ(envelope(with(batch({movement("receipt", {{"quantity", 1}})}), "/dry_run", true)),
            (Problems{{"/dry_run", "unknown field \"dry_run\" (known: movements)"}}));
}

TEST(ConfigurationChangeJson, TheDocumentStaysJson) {
  const json document = body(R"({"channels": [{"channel": "web"}]})");
  const auto parsed = parse_configuration_change(
      {{"document", document}, {"author", "ops@example.com"}, {"reason", "web sells stores"}},
      kNow);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->document, document);
  EXPECT_EQ(std::tie(parsed->author, parsed->reason, parsed->at),
            std::make_tuple("ops@example.com", "web sells stores", kNow));
  EXPECT_EQ(problems(parse_configuration_change({{"document", json::array()}}, kNow)),
            (Problems{{"/document", "expected an object, got an array"},
                      {"/author", "author is required"},
                      {"/reason", "reason is required"}}));
}

// `levels` objects, each the only field of the one around it.
json nested(std::size_t levels) {
  json out = json::object();
  for (std::size_t i = 1; i < levels; ++i) out = json{{"a", std::move(out)}};
  return out;
}

TEST(ConfigurationChangeJson, ADocumentIsNestedAtMost64Levels) {
  const json change = {{"document", nested(64)}, {"author", "ops"}, {"reason", "deep"}};
  EXPECT_TRUE(parse_configuration_change(change, kNow));
  EXPECT_EQ(problems(parse_configuration_change(with(change, "/document", nested(65)), kNow)),
            (Problems{{"/document", "the document is nested deeper than 64 levels"}}));
}

// nlohmann's parser and destructor are iterative, so a body nested 100000 deep can arrive; its
// copy constructor and dump are recursive, so the parsers must neither copy nor print it.
TEST(CommandsJson, AVeryDeepValueIsRefusedWithoutRecursingIntoIt) {
  const std::string deep_text = std::string(100'000, '[') + std::string(100'000, ']');
  json order = order_body();
  order["order_id"] = json::parse(deep_text);  // moved in, never copied
  EXPECT_EQ(order_problems(order), (Problems{{"/order_id", "expected a string, got an array"}}));
  json change = {{"author", "ops"}, {"reason", "deep"}, {"document", json::object()}};
  change["document"]["a"] = json::parse(deep_text);
  EXPECT_EQ(problems(parse_configuration_change(change, kNow)),
            (Problems{{"/document", "the document is nested deeper than 64 levels"}}));
}

}  // namespace
}  // namespace ordo::json
