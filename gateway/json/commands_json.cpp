#include "gateway/json/commands_json.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>

namespace ordo::json {
namespace {

using domain::Instant;
using nlohmann::json;
namespace order = domain::order;
namespace stock = domain::stock;

constexpr std::int64_t kStockQuantityMax = 1'000'000'000;
constexpr Range kLineNumbers{1, 10'000};
constexpr Range kOrderQuantities{1, 100'000};
constexpr Range kUnitPricesMinor{0, 1'000'000'000'000};
constexpr Range kInstants{0, kInt64Max};
constexpr Range kStockQuantities{1, kStockQuantityMax};
constexpr Range kStockCounts{0, kStockQuantityMax};
constexpr Range kStockDeltas{-kStockQuantityMax, kStockQuantityMax};
constexpr Length kOrderLines{1, 200};
constexpr Length kCancelledLines{0, 200};
constexpr Length kMovements{1, 1000};
constexpr Length kRequiredAddressText{1, 200};
constexpr Length kOptionalAddressText{0, 200};
constexpr Length kCodeText{0, 64};  // read before checking a code, so "" is "not a code"
constexpr Length kReason{1, 500};
constexpr std::size_t kDocumentDepthMax = 64;

constexpr std::array<std::string_view, 10> kPlaceOrderFields = {
    "order_id",        "channel", "customer_id",      "email",           "currency",
    "delivery_method", "promise", "delivery_address", "billing_address", "lines"};
constexpr std::array<std::string_view, 7> kAddressFields = {"name", "line1",   "line2", "postcode",
                                                            "city", "country", "phone"};
constexpr std::array<std::string_view, 3> kPromiseFields = {"option_id", "promised_at_us",
                                                            "pickup_point"};
constexpr std::array<std::string_view, 4> kLineFields = {"line", "sku", "quantity",
                                                         "unit_price_minor"};
constexpr std::array<std::string_view, 2> kCancelFields = {"lines", "reason"};
constexpr std::array<std::string_view, 2> kAddressChangeFields = {"address", "override_reason"};
constexpr std::array<std::string_view, 2> kReallocateFields = {"site", "reason"};
constexpr std::array<std::string_view, 3> kReleaseFields = {"site", "reason", "stock_missing"};
constexpr std::array<std::string_view, 3> kConfigurationFields = {"document", "author", "reason"};
constexpr std::array<std::string_view, 1> kEnvelopeFields = {"movements"};

// Parallel arrays: the API's names, and what they mean.
constexpr std::array<std::string_view, 5> kDeliveryMethodNames = {
    "home_standard", "home_express", "pickup_point", "click_and_collect", "ship_to_store"};
constexpr std::array<order::DeliveryMethod, 5> kDeliveryMethods = {
    order::DeliveryMethod::home_standard, order::DeliveryMethod::home_express,
    order::DeliveryMethod::pickup_point, order::DeliveryMethod::click_and_collect,
    order::DeliveryMethod::ship_to_store};

enum class Step : std::uint8_t { preparation_started, prepared, shipped, delivered };
constexpr std::array<std::string_view, 1> kSiteStepFields = {"site"};
constexpr std::array<std::string_view, 2> kPreparedFields = {"site", "ready_for_pickup"};
constexpr std::array<std::string_view, 3> kShippedFields = {"site", "carrier", "tracking"};

// The movement types in the order of MovementType, and the fields each allows.
enum class MovementType : std::uint8_t {
  receipt,
  adjustment,
  count,
  expected_receipt,
  receipt_confirmed,
  receipt_cancelled
};
constexpr std::array<std::string_view, 6> kMovementTypes = {
    "receipt", "adjustment", "count", "expected_receipt", "receipt_confirmed", "receipt_cancelled"};
constexpr std::array<std::string_view, 5> kReceiptFields = {"type", "site", "sku", "quantity",
                                                            "reference"};
constexpr std::array<std::string_view, 5> kAdjustmentFields = {"type", "site", "sku", "delta",
                                                               "reason"};
constexpr std::array<std::string_view, 5> kCountFields = {"type", "site", "sku", "counted",
                                                          "source"};
constexpr std::array<std::string_view, 6> kExpectedReceiptFields = {
    "type", "site", "sku", "receipt_id", "quantity", "expected_at_us"};
constexpr std::array<std::string_view, 5> kReceiptConfirmedFields = {"type", "site", "sku",
                                                                     "receipt_id", "received"};
constexpr std::array<std::string_view, 4> kReceiptCancelledFields = {"type", "site", "sku",
                                                                     "receipt_id"};
constexpr std::array<std::span<const std::string_view>, 6> kMovementFields = {
    kReceiptFields,         kAdjustmentFields,       kCountFields,
    kExpectedReceiptFields, kReceiptConfirmedFields, kReceiptCancelledFields};
// For a movement without a valid type: only what no type allows is reported as unknown.
constexpr std::array<std::string_view, 12> kAnyMovementFields = {
    "type",   "site",    "sku",    "quantity",   "reference",      "delta",
    "reason", "counted", "source", "receipt_id", "expected_at_us", "received"};

template <class T>
Parsed<T> result(Reader& reader, T value) {
  if (!reader.ok()) return std::unexpected(reader.take_errors());
  return value;
}

// Every alternative of an order or stock command carries the instant it was issued.
template <class Command>
void stamp(Command& command, Instant now) {
  std::visit([now](auto& alternative) { alternative.at = now; }, command);
}

bool is_email(std::string_view text) {
  const std::size_t at = text.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < text.size() &&
         text.find('@', at + 1) == std::string_view::npos;
}

// Iterative, so that the check itself cannot be what overflows the stack.
bool deeper_than(const json& root, std::size_t depth_max) {
  std::vector<std::pair<const json*, std::size_t>> pending = {{&root, 1}};
  while (!pending.empty()) {
    const auto [value, depth] = pending.back();
    pending.pop_back();
    if (depth > depth_max) return true;
    if (!value->is_structured()) continue;
    for (const json& item : *value) pending.emplace_back(&item, depth + 1);
  }
  return false;
}

void read_address(Reader& reader, const json& value, const std::string& pointer,
                  domain::Address& out) {
  Fields fields(reader, value, pointer, kAddressFields);
  fields.text("name", out.name, kRequiredAddressText, Presence::required);
  fields.text("line1", out.line1, kRequiredAddressText, Presence::required);
  fields.text("line2", out.line2, kOptionalAddressText, Presence::optional);
  fields.text("postcode", out.postcode, kRequiredAddressText, Presence::required);
  fields.text("city", out.city, kRequiredAddressText, Presence::required);
  if (fields.text("country", out.country, kCodeText, Presence::required) &&
      !domain::is_country_code(out.country)) {
    fields.reject("country", "a country code (two upper-case letters, e.g. FR)");
  }
  fields.text("phone", out.phone, kOptionalAddressText, Presence::optional);
}

// Reads the address at `key` of `fields`; false when absent.
bool address_field(Reader& reader, Fields& fields, std::string_view key, Presence presence,
                   domain::Address& out) {
  const json* value = fields.get(key, presence);
  if (value != nullptr) read_address(reader, *value, fields.pointer_of(key), out);
  return value != nullptr;
}

void read_promise(Reader& reader, Fields& parent, order::Promise& out) {
  const json* value = parent.get("promise", Presence::optional);
  if (value == nullptr) return;
  Fields fields(reader, *value, parent.pointer_of("promise"), kPromiseFields);
  fields.text("option_id", out.option_id, {1, 128}, Presence::required);
  fields.integer("promised_at_us", out.promised_at, kInstants, Presence::required);
  std::string relay;  // the relay of a pickup-point promise: read by keep_promise (api_promise)
  fields.identifier("pickup_point", relay, Presence::optional);
}

void read_order_lines(Reader& reader, Fields& parent, std::vector<order::OrderLine>& out) {
  const json* lines = parent.get("lines", Presence::required);
  const std::string pointer = parent.pointer_of("lines");
  if (lines == nullptr || !reader.array(*lines, pointer, kOrderLines)) return;
  out.resize(lines->size());
  for (std::size_t i = 0; i < lines->size(); ++i) {
    Fields line(reader, (*lines)[i], child(pointer, i), kLineFields);
    line.integer("line", out[i].line, kLineNumbers, Presence::required);
    line.identifier("sku", out[i].sku, Presence::required);
    line.integer("quantity", out[i].quantity, kOrderQuantities, Presence::required);
    line.integer("unit_price_minor", out[i].unit_price_minor, kUnitPricesMinor, Presence::required);
  }
}

order::PlaceOrder read_place_order(Reader& reader, const json& body) {
  order::PlaceOrder out;
  Fields fields(reader, body, "", kPlaceOrderFields);
  fields.identifier("order_id", out.order_id, Presence::required);
  fields.identifier("channel", out.channel, Presence::required);
  fields.text("customer_id", out.customer_id, {1, 128}, Presence::required);
  if (fields.text("email", out.email, {1, 254}, Presence::required) && !is_email(out.email)) {
    fields.reject("email", "an email address (one @ with text on both sides)");
  }
  if (fields.text("currency", out.currency, kCodeText, Presence::required) &&
      !domain::is_currency_code(out.currency)) {
    fields.reject("currency", "a currency code (three upper-case letters, e.g. EUR)");
  }
  if (const auto method = fields.choice("delivery_method", kDeliveryMethodNames, "delivery method",
                                        Presence::optional)) {
    out.method = kDeliveryMethods.at(*method);
  }
  read_promise(reader, fields, out.promise);
  address_field(reader, fields, "delivery_address", Presence::required, out.delivery);
  out.billing = out.delivery;
  address_field(reader, fields, "billing_address", Presence::optional, out.billing);
  read_order_lines(reader, fields, out.lines);
  return out;
}

order::CancelLines read_cancel(Reader& reader, const json& body) {
  order::CancelLines out;
  Fields fields(reader, body, "", kCancelFields);
  const json* lines = fields.get("lines", Presence::optional);
  const std::string pointer = fields.pointer_of("lines");
  if (lines != nullptr && reader.array(*lines, pointer, kCancelledLines)) {
    for (std::size_t i = 0; i < lines->size(); ++i) {
      std::uint32_t line = 0;
      if (reader.integer_within((*lines)[i], child(pointer, i), line, kLineNumbers)) {
        out.lines.push_back(line);
      }
    }
  }
  fields.text("reason", out.reason, kReason, Presence::required);
  return out;
}

order::Command read_store_step(Reader& reader, const json& body, Step step) {
  switch (step) {
    case Step::preparation_started: {
      order::StartPreparation command;
      Fields(reader, body, "", kSiteStepFields)
          .identifier("site", command.site_id, Presence::optional);
      return command;
    }
    case Step::prepared: {
      order::MarkPrepared command;
      Fields fields(reader, body, "", kPreparedFields);
      fields.identifier("site", command.site_id, Presence::optional);
      fields.boolean("ready_for_pickup", command.ready_for_pickup, Presence::optional);
      return command;
    }
    case Step::shipped: {
      order::ShipOrder command;
      Fields fields(reader, body, "", kShippedFields);
      fields.identifier("site", command.site_id, Presence::optional);
      fields.text("carrier", command.carrier, {1, 64}, Presence::required);
      fields.text("tracking", command.tracking, {0, 128}, Presence::optional);
      return command;
    }
    case Step::delivered:
      break;
  }
  order::DeliverOrder command;
  Fields(reader, body, "", kSiteStepFields).identifier("site", command.site_id, Presence::optional);
  return command;
}

// The fields particular to each type of movement; "type", "site" and "sku" are read before.
stock::Command read_movement_command(Fields& fields, MovementType type) {
  constexpr auto kRequired = Presence::required;
  switch (type) {
    case MovementType::receipt: {
      stock::ReceiveStock command;
      fields.integer("quantity", command.quantity, kStockQuantities, kRequired);
      fields.text("reference", command.reference, {0, 128}, Presence::optional);
      return command;
    }
    case MovementType::adjustment: {
      stock::AdjustStock command;
      if (fields.integer("delta", command.delta, kStockDeltas, kRequired) && command.delta == 0) {
        fields.reject("delta", "a change: an adjustment's delta is non-zero");
      }
      fields.text("reason", command.reason, {1, 200}, kRequired);
      return command;
    }
    case MovementType::count: {
      stock::CountStock command;
      fields.integer("counted", command.counted, kStockCounts, kRequired);
      fields.text("source", command.source, {1, 64}, kRequired);
      return command;
    }
    case MovementType::expected_receipt: {
      stock::ExpectReceipt command;
      fields.identifier("receipt_id", command.receipt_id, kRequired);
      fields.integer("quantity", command.quantity, kStockQuantities, kRequired);
      fields.integer("expected_at_us", command.expected_at, kInstants, kRequired);
      return command;
    }
    case MovementType::receipt_confirmed: {
      stock::ConfirmReceipt command;
      fields.identifier("receipt_id", command.receipt_id, kRequired);
      fields.integer("received", command.received, kStockCounts, kRequired);
      return command;
    }
    case MovementType::receipt_cancelled:
      break;
  }
  stock::CancelReceipt command;
  fields.identifier("receipt_id", command.receipt_id, kRequired);
  return command;
}

// The movement's type when it names a known one (its problems are reported when it is read).
std::optional<std::size_t> peek_movement_type(const json& movement) {
  if (!movement.is_object()) return std::nullopt;
  const auto type = movement.find("type");
  if (type == movement.end() || !type->is_string()) return std::nullopt;
  const auto found =
      std::find(kMovementTypes.begin(), kMovementTypes.end(), type->get_ref<const std::string&>());
  if (found == kMovementTypes.end()) return std::nullopt;
  return static_cast<std::size_t>(found - kMovementTypes.begin());
}

ParsedMovement read_movement(Reader& reader, const json& value, const std::string& pointer) {
  ParsedMovement out;
  const std::optional<std::size_t> peeked = peek_movement_type(value);
  Fields fields(
      reader, value, pointer,
      peeked ? kMovementFields.at(*peeked) : std::span<const std::string_view>(kAnyMovementFields));
  const auto type = fields.choice("type", kMovementTypes, "movement type", Presence::required);
  fields.identifier("site", out.site_id, Presence::required);
  fields.identifier("sku", out.sku, Presence::required);
  if (type) out.command = read_movement_command(fields, static_cast<MovementType>(*type));
  return out;
}

}  // namespace

Parsed<order::PlaceOrder> parse_place_order(const json& body, Instant now) {
  Reader reader;
  order::PlaceOrder command = read_place_order(reader, body);
  command.at = now;
  return result(reader, std::move(command));
}

Parsed<order::CancelLines> parse_cancel(const json& body, Instant now) {
  Reader reader;
  order::CancelLines command = read_cancel(reader, body);
  command.at = now;
  return result(reader, std::move(command));
}

Parsed<order::ChangeDeliveryAddress> parse_change_address(const json& body, Instant now) {
  Reader reader;
  order::ChangeDeliveryAddress command;
  Fields fields(reader, body, "", kAddressChangeFields);
  address_field(reader, fields, "address", Presence::required, command.address);
  fields.text("override_reason", command.override_reason, kReason, Presence::optional);
  command.at = now;
  return result(reader, std::move(command));
}

Parsed<order::Reallocate> parse_reallocate(const json& body, Instant now) {
  Reader reader;
  order::Reallocate command;
  Fields fields(reader, body, "", kReallocateFields);
  fields.identifier("site", command.site_id, Presence::required);
  fields.text("reason", command.reason, kReason, Presence::required);
  command.at = now;
  return result(reader, std::move(command));
}

Parsed<order::ReleaseAllocation> parse_release(const json& body, Instant now) {
  Reader reader;
  order::ReleaseAllocation command;
  Fields fields(reader, body, "", kReleaseFields);
  fields.identifier("site", command.site_id, Presence::optional);
  fields.text("reason", command.reason, kReason, Presence::required);
  fields.boolean("stock_missing", command.stock_missing, Presence::optional);
  command.at = now;
  return result(reader, std::move(command));
}

Parsed<order::Command> parse_store_step(const json& body, Instant now, std::string_view step) {
  Reader reader;
  const auto found = std::find(kStoreSteps.begin(), kStoreSteps.end(), step);
  if (found == kStoreSteps.end()) {
    reader.fail("", "unknown step " + quote(json(std::string(step))) +
                        " (known: " + one_of(kStoreSteps) + ")");
    return std::unexpected(reader.take_errors());
  }
  order::Command command =
      read_store_step(reader, body, static_cast<Step>(found - kStoreSteps.begin()));
  stamp(command, now);
  return result(reader, std::move(command));
}

Parsed<StockMovements> parse_stock_movements(const json& body, Instant now) {
  Reader envelope;
  Fields fields(envelope, body, "", kEnvelopeFields);
  const json* items = fields.get("movements", Presence::required);
  const std::string pointer = fields.pointer_of("movements");
  if (items != nullptr) envelope.array(*items, pointer, kMovements);
  if (!envelope.ok()) return std::unexpected(envelope.take_errors());

  StockMovements out;
  out.movements.reserve(items->size());
  for (std::size_t i = 0; i < items->size(); ++i) {
    Reader reader;  // one per movement: its problems are its own
    ParsedMovement movement = read_movement(reader, (*items)[i], child(pointer, i));
    if (reader.ok()) {
      stamp(movement.command, now);
      out.movements.emplace_back(std::move(movement));
    } else {
      out.movements.emplace_back(reader.take_errors());
    }
  }
  return out;
}

Parsed<ParsedConfigurationChange> parse_configuration_change(const json& body, Instant now) {
  Reader reader;
  ParsedConfigurationChange out;
  Fields fields(reader, body, "", kConfigurationFields);
  if (const json* document = fields.get("document", Presence::required)) {
    const std::string pointer = fields.pointer_of("document");
    if (!document->is_object()) {
      reader.fail(pointer, "expected an object, got " + describe(*document));
    } else if (deeper_than(*document, kDocumentDepthMax)) {
      reader.fail(pointer, "the document is nested deeper than " +
                               std::to_string(kDocumentDepthMax) + " levels");
    } else {
      out.document = *document;
    }
  }
  fields.text("author", out.author, {1, 128}, Presence::required);
  fields.text("reason", out.reason, kReason, Presence::required);
  out.at = now;
  return result(reader, std::move(out));
}

}  // namespace ordo::json
