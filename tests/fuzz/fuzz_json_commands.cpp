// The HTTP API's JSON command parsers (gateway/json/commands_json.h, promise requests) on any
// JSON the fuzzer finds: an order, its actions, a batch of stock movements, a configuration
// change, a promise request, a site, an item, a brand, a channel. The first byte picks the parser.
// Properties: a body is accepted or refused, never crashes; a refusal names at least one problem,
// each with a JSON pointer into the body ("" or starting with "/") and a message; parsing is
// deterministic; an accepted order keeps within the documented bounds (1..200 lines, positive
// quantities, ids); accepted master data written back out (what GET answers) reads back equal (it
// can be PUT again).
#include <nlohmann/json.hpp>

#include "base/id.h"
#include "gateway/json/commands_json.h"
#include "gateway/json/master_json.h"
#include "gateway/json/promise_json.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace ordo;
using nlohmann::json;
namespace oj = ordo::json;
constexpr domain::Instant kNow = 1'800'000'000'000'000;

void check_errors(const std::vector<domain::ConfigError>& errors) {
  ORDO_FUZZ_CHECK(!errors.empty());
  for (const auto& e : errors) {
    ORDO_FUZZ_CHECK(e.pointer.empty() || e.pointer.front() == '/');
    ORDO_FUZZ_CHECK(!e.message.empty());
  }
}

template <class Parsed>
bool accepted(const Parsed& parsed) {
  if (!parsed) check_errors(parsed.error());
  return parsed.has_value();
}

void place_order(const json& body) {
  const auto order = oj::parse_place_order(body, kNow);
  if (!accepted(order)) return;
  ORDO_FUZZ_CHECK(is_valid_id(order->order_id));
  ORDO_FUZZ_CHECK(!order->lines.empty() && order->lines.size() <= 200);
  for (const auto& line : order->lines) ORDO_FUZZ_CHECK(line.quantity >= 1);
  ORDO_FUZZ_CHECK(order->at == kNow);
  const auto again = oj::parse_place_order(body, kNow);
  ORDO_FUZZ_CHECK(again && again->order_id == order->order_id &&
                  again->lines.size() == order->lines.size());
}

void stock_movements(const json& body) {
  const auto batch = oj::parse_stock_movements(body, kNow);
  if (!accepted(batch)) return;
  ORDO_FUZZ_CHECK(!batch->movements.empty() && batch->movements.size() <= 1000);
  for (const auto& m : batch->movements) {
    if (const auto* errors = std::get_if<std::vector<domain::ConfigError>>(&m)) {
      check_errors(*errors);
      for (const auto& e : *errors) ORDO_FUZZ_CHECK(e.pointer.starts_with("/movements/"));
    } else {
      const auto& movement = std::get<oj::ParsedMovement>(m);
      ORDO_FUZZ_CHECK(is_valid_id(movement.site_id) && is_valid_id(movement.sku));
    }
  }
}

// Master data: what GET returns can be PUT again, so an accepted body written back out reads back
// to the same value.
template <class Parse, class Write>
void round_trip(const json& body, Parse parse, Write write) {
  const auto read = parse(body);
  if (!accepted(read)) return;
  const auto again = parse(write(*read));
  ORDO_FUZZ_CHECK(again.has_value() && *again == *read);
}

void site(const json& body) {
  const auto read = oj::parse_site(body);
  if (!accepted(read)) return;
  ORDO_FUZZ_CHECK(is_valid_id(read->site_id));
  auto written = oj::site_json(read->site_id, read->profile);
  written.erase("status");  // written, never read
  const auto again = oj::parse_site(written);
  ORDO_FUZZ_CHECK(again && again->site_id == read->site_id && again->profile == read->profile);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input input{data, size};
  const auto which = input.take() % 13;
  const auto body = nlohmann::json::parse(input.rest(), nullptr, false);
  if (body.is_discarded()) return 0;  // the HTTP layer answers 400 before any parser
  switch (which) {
    case 0:
      place_order(body);
      break;
    case 1:
      accepted(oj::parse_cancel(body, kNow));
      break;
    case 2:
      accepted(oj::parse_change_address(body, kNow));
      break;
    case 3:
      accepted(oj::parse_reallocate(body, kNow));
      break;
    case 4:
      accepted(oj::parse_release(body, kNow));
      break;
    case 5:
      for (const auto step : oj::kStoreSteps) accepted(oj::parse_store_step(body, kNow, step));
      break;
    case 6:
      stock_movements(body);
      break;
    case 7:
      accepted(oj::parse_configuration_change(body, kNow));
      break;
    case 8:
      site(body);
      break;
    case 9:
      round_trip(body, oj::parse_item, oj::item_json);
      break;
    case 10:
      round_trip(body, oj::parse_brand, oj::brand_json);
      break;
    case 11:
      round_trip(body, oj::parse_channel, oj::channel_json);
      break;
    default:
      accepted(oj::parse_promise_request(body));
      break;
  }
  return 0;
}
