// Laws of the request parsers on arbitrary JSON (any type, number, byte string, nesting): they
// never throw, a failure always says why, and every problem points into the body, at the
// offending value or at the object that lacks a field.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "gateway/json/commands_json.h"

namespace ordo::json {
namespace {

using nlohmann::json;

constexpr domain::Instant kNow = 1'700'000'000'000'000;

// Words the parsers know, so that arbitrary bodies often get past the first check.
const std::vector<std::string> kWords = {"order_id",
                                         "channel",
                                         "customer_id",
                                         "email",
                                         "currency",
                                         "delivery_method",
                                         "promise",
                                         "option_id",
                                         "promised_at_us",
                                         "delivery_address",
                                         "billing_address",
                                         "lines",
                                         "line",
                                         "sku",
                                         "quantity",
                                         "unit_price_minor",
                                         "name",
                                         "line1",
                                         "postcode",
                                         "city",
                                         "country",
                                         "reason",
                                         "address",
                                         "site",
                                         "ready_for_pickup",
                                         "carrier",
                                         "tracking",
                                         "movements",
                                         "type",
                                         "receipt",
                                         "adjustment",
                                         "count",
                                         "expected_receipt",
                                         "receipt_confirmed",
                                         "receipt_cancelled",
                                         "delta",
                                         "counted",
                                         "source",
                                         "receipt_id",
                                         "expected_at_us",
                                         "received",
                                         "document",
                                         "author",
                                         "EUR",
                                         "FR",
                                         "a@b",
                                         "pickup_point",
                                         "o-1",
                                         "",
                                         "~/"};

// Any bytes: rapidcheck's strings never hold NUL, so one is sometimes put in, and a lone lead or
// continuation byte makes the text invalid UTF-8 (possible in a json built in code).
std::string arbitrary_bytes() {
  std::string text = *rc::gen::arbitrary<std::string>();
  const auto at = [&] { return *rc::gen::inRange<std::size_t>(0, text.size() + 1); };
  if (*rc::gen::arbitrary<bool>()) text.insert(at(), 1, '\0');
  if (*rc::gen::arbitrary<bool>()) text.insert(at(), 1, *rc::gen::element('\xC3', '\x80', '\xFF'));
  return text;
}

std::string arbitrary_text() {
  switch (*rc::gen::inRange(0, 6)) {
    case 0:
    case 1:
      return *rc::gen::elementOf(kWords);
    case 2:
    case 3:
      return arbitrary_bytes();
    case 4:
      return std::string(*rc::gen::inRange<std::size_t>(60, 300), 'x');  // at and over limits
    default:
      return *rc::gen::container<std::string>(rc::gen::inRange('-', '{'));
  }
}

json arbitrary_object(int depth);

json arbitrary_json(int depth) {
  const int kinds = depth > 0 ? 9 : 7;
  switch (*rc::gen::inRange(0, kinds)) {
    case 0:
      return nullptr;
    case 1:
      return *rc::gen::arbitrary<bool>();
    case 2:
      return *rc::gen::arbitrary<std::int64_t>();
    case 3:
      return *rc::gen::arbitrary<std::uint64_t>();
    case 4:
      return *rc::gen::element(0.0, 1.5, -2.0, 1e300, *rc::gen::arbitrary<double>());
    case 5:
      return *rc::gen::inRange<std::int64_t>(-2, 3);  // the edges of most ranges
    case 6:
      return arbitrary_text();
    case 7: {
      json array = json::array();
      for (int i = *rc::gen::inRange(0, 4); i > 0; --i) array.push_back(arbitrary_json(depth - 1));
      return array;
    }
    default:
      return arbitrary_object(depth);
  }
}

// An object keyed mostly by the parsers' own field names.
json arbitrary_object(int depth) {
  json object = json::object();
  for (int i = *rc::gen::inRange(0, 7); i > 0; --i) {
    object[arbitrary_text()] = arbitrary_json(depth - 1);
  }
  return object;
}

void check_problems(const json& body, const std::vector<domain::ConfigError>& errors) {
  RC_ASSERT(!errors.empty());
  for (const domain::ConfigError& error : errors) {
    const json::json_pointer pointer(error.pointer);  // throws (failing the law) when malformed
    RC_ASSERT(body.contains(pointer) || body.contains(pointer.parent_pointer()));
    RC_ASSERT(!error.message.empty());
    RC_ASSERT(utf8_characters(error.message).has_value());
  }
}

template <class T>
void check(const json& body, const Parsed<T>& parsed) {
  if (!parsed) check_problems(body, parsed.error());
}

void check_every_parser(const json& body) {
  check(body, parse_place_order(body, kNow));
  check(body, parse_cancel(body, kNow));
  check(body, parse_change_address(body, kNow));
  for (std::string_view step : kStoreSteps) check(body, parse_store_step(body, kNow, step));
  check(body, parse_store_step(body, kNow, arbitrary_text()));
  check(body, parse_configuration_change(body, kNow));
  const auto movements = parse_stock_movements(body, kNow);
  check(body, movements);
  if (body.contains("movements")) {
    RC_TAG(!movements ? "movements: envelope refused"
           : std::ranges::any_of(movements->movements, [](const auto& m) { return m.index() == 1; })
               ? "movements: one refused on its own"
               : "movements: all accepted");
  }
  if (!movements) return;
  RC_ASSERT(movements->movements.size() == body.at("movements").size());
  for (const auto& movement : movements->movements) {
    if (const auto* errors = std::get_if<1>(&movement)) check_problems(body, *errors);
  }
}

// Bodies every parser of which one accepts, to be damaged in one place.
std::vector<json> valid_bodies() {
  const json address = {{"name", "J"},
                        {"line1", "1 rue"},
                        {"postcode", "67000"},
                        {"city", "Strasbourg"},
                        {"country", "FR"}};
  return {
      {{"order_id", "o-1"},
       {"channel", "web"},
       {"customer_id", "c"},
       {"email", "a@b"},
       {"currency", "EUR"},
       {"delivery_method", "pickup_point"},
       {"promise", {{"option_id", "x"}, {"promised_at_us", 5}}},
       {"delivery_address", address},
       {"billing_address", address},
       {"lines", {{{"line", 1}, {"sku", "S"}, {"quantity", 1}, {"unit_price_minor", 0}}}}},
      {{"lines", {1, 2}}, {"reason", "r"}},
      {{"address", address}},
      {{"site", "S"}, {"carrier", "c"}, {"tracking", "t"}},
      {{"movements",
        {{{"type", "receipt"}, {"site", "S"}, {"sku", "K"}, {"quantity", 1}},
         {{"type", "expected_receipt"},
          {"site", "S"},
          {"sku", "K"},
          {"receipt_id", "R"},
          {"quantity", 1},
          {"expected_at_us", 0}}}}},
      {{"document", {{"channels", json::array()}}}, {"author", "a"}, {"reason", "r"}},
  };
}

void places(const json& value, const json::json_pointer& at, std::vector<json::json_pointer>& out) {
  out.push_back(at);
  if (value.is_object()) {
    for (const auto& item : value.items()) places(item.value(), at / item.key(), out);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) places(value[i], at / i, out);
  }
}

RC_GTEST_PROP(CommandsJsonLaws, NoParserThrowsOnArbitraryJson, ()) {
  const json any = arbitrary_json(3);
  check_every_parser(any);
  const json object = arbitrary_object(3);
  check_every_parser(object);
  RC_TAG(std::string("any: ") + any.type_name(),
         std::any_of(object.begin(), object.end(), [](const json& v) { return v.is_structured(); })
             ? "object: a field holds an object or array"
         : object.empty() ? "object: {}"
                          : "object: scalar fields only");
}

// Damages `body` in one place: a value replaced, removed, or given an extra field.
void damage(json& body) {
  std::vector<json::json_pointer> all;
  places(body, json::json_pointer(), all);
  const json::json_pointer at = *rc::gen::elementOf(all);
  switch (*rc::gen::inRange(0, 3)) {
    case 0:  // most fields of a body are text: the nastiest values are strings
      body[at] = *rc::gen::arbitrary<bool>() ? json(arbitrary_text()) : arbitrary_json(2);
      break;
    case 1:
      if (at.empty()) break;
      if (json& parent = body[at.parent_pointer()]; parent.is_object()) {
        parent.erase(at.back());
      } else {
        parent.erase(std::stoul(at.back()));
      }
      break;
    default:
      if (body[at].is_object()) {
        body[at][arbitrary_text()] = arbitrary_json(1);
      } else {
        body[at] = arbitrary_json(0);
      }
  }
}

RC_GTEST_PROP(CommandsJsonLaws, NoParserThrowsOnAValidBodyDamagedInAFewPlaces, ()) {
  for (json body : valid_bodies()) {
    for (int i = *rc::gen::inRange(1, 4); i > 0; --i) damage(body);
    check_every_parser(body);
  }
}

TEST(CommandsJsonLaws, TheValidBodiesOfTheLawsAreValid) {
  const std::vector<json> bodies = valid_bodies();
  EXPECT_TRUE(parse_place_order(bodies[0], kNow));
  EXPECT_TRUE(parse_cancel(bodies[1], kNow));
  EXPECT_TRUE(parse_change_address(bodies[2], kNow));
  EXPECT_TRUE(parse_store_step(bodies[3], kNow, "shipped"));
  const auto movements = parse_stock_movements(bodies[4], kNow);
  ASSERT_TRUE(movements);
  for (const auto& m : movements->movements) EXPECT_EQ(m.index(), 0U);
  EXPECT_TRUE(parse_configuration_change(bodies[5], kNow));
}

}  // namespace
}  // namespace ordo::json
