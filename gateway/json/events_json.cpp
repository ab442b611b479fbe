#include "gateway/json/events_json.h"

#include <string_view>
#include <variant>

#include "gateway/json/inventory_views_json.h"
#include "gateway/json/master_json.h"
#include "gateway/json/orchestration_json.h"
#include "gateway/json/promise_json.h"

namespace ordo::json {
namespace {

using nlohmann::json;
namespace order = domain::order;
namespace stock = domain::stock;

// A visitor from one lambda per alternative: a new alternative without one does not compile.
template <class... Lambdas>
struct Overloaded : Lambdas... {
  using Lambdas::operator()...;
};
template <class... Lambdas>
Overloaded(Lambdas...) -> Overloaded<Lambdas...>;  // for compilers without aggregate deduction

json money_json(const domain::Money& money) {
  return {{"minor", money.minor}, {"currency", money.currency}};
}

json address_json(const domain::Address& address) {
  return {{"name", address.name},         {"line1", address.line1}, {"line2", address.line2},
          {"postcode", address.postcode}, {"city", address.city},   {"country", address.country},
          {"phone", address.phone}};
}

json order_placed_json(const order::OrderPlaced& e) {
  json lines = json::array();
  for (const order::OrderLine& line : e.lines) {
    lines.push_back({{"line", line.line},
                     {"sku", line.sku},
                     {"quantity", line.quantity},
                     {"unit_price_minor", line.unit_price_minor}});
  }
  return {{"order_id", e.order_id},
          {"channel", e.channel},
          {"customer_id", e.customer_id},
          {"email", e.email},
          {"lines", std::move(lines)},
          {"billing_address", address_json(e.billing)},
          {"delivery_address", address_json(e.delivery)},
          {"delivery_method", order::to_string(e.method)},
          {"promise",
           {{"option_id", e.promise.option_id},
            {"promised_at_us", e.promise.promised_at},
            {"carrier", e.promise.carrier},
            {"site_id", e.promise.site_id},
            {"preparation_day", e.promise.preparation_day}}},
          {"total", money_json(e.total)},
          {"placed_at_us", e.placed_at},
          {"address_check", e.address_check.verdict == domain::AddressCheck::Verdict::unchecked
                                ? json(nullptr)
                                : address_check_json(e.address_check)}};
}

json allocations_json(const std::vector<order::Allocation>& allocations) {
  json out = json::array();
  for (const order::Allocation& allocation : allocations) {
    out.push_back({{"line", allocation.line}, {"site_id", allocation.site_id}});
  }
  return out;
}

}  // namespace

nlohmann::json to_json(const domain::site::Event& event) {
  namespace site = domain::site;
  return std::visit(
      Overloaded{
          [](const site::SiteRegistered& e) -> json {
            return {{"site_id", e.site_id}, {"profile", site_json(e.site_id, e.profile)}};
          },
          [](const site::SiteUpdated& e) -> json {
            return {{"site_id", e.site_id}, {"profile", site_json(e.site_id, e.profile)}};
          },
          [](const site::SiteClosed& e) -> json {
            return {{"site_id", e.site_id},
                    {"for_good", e.for_good},
                    {"reason", e.reason},
                    {"closed_at_us", e.closed_at}};
          },
          [](const site::SiteReopened& e) -> json {
            return {{"site_id", e.site_id}, {"reopened_at_us", e.reopened_at}};
          },
      },
      event);
}

nlohmann::json to_json(const domain::catalog::Event& event) {
  return std::visit([](const auto& e) -> json { return {{"item", item_json(e.item)}}; }, event);
}

nlohmann::json to_json(const domain::brand::Event& event) {
  return std::visit([](const auto& e) -> json { return {{"brand", brand_json(e.brand)}}; }, event);
}

nlohmann::json to_json(const domain::channel::Event& event) {
  return std::visit(
      [](const auto& e) -> json {
        return {{"channel", channel_json(e.channel)}};
      },
      event);
}

nlohmann::json to_json(const domain::stock::Event& event) {
  return std::visit(Overloaded{
                        [](const stock::StockReceived& e) -> json {
                          return {{"quantity", e.quantity}, {"reference", e.reference}};
                        },
                        [](const stock::StockAdjusted& e) -> json {
                          return {{"delta", e.delta}, {"reason", e.reason}};
                        },
                        [](const stock::StockCounted& e) -> json {
                          json out = {{"counted", e.counted},
                                      {"delta", e.delta},
                                      {"shortage", e.shortage},
                                      {"source", e.source}};
                          if (e.sequence != 0) out["sequence"] = e.sequence;
                          return out;
                        },
                        [](const stock::StockReserved& e) -> json {
                          json out = {{"reservation_id", e.reservation_id},
                                      {"order_id", e.order_id},
                                      {"line", e.line},
                                      {"quantity", e.quantity},
                                      {"view", e.view}};
                          if (!e.receipt_id.empty()) out["receipt_id"] = e.receipt_id;  // pre-order
                          return out;
                        },
                        [](const stock::StockHeld& e) -> json {
                          return {{"reservation_id", e.reservation_id},
                                  {"order_id", e.order_id},
                                  {"line", e.line},
                                  {"quantity", e.quantity},
                                  {"view", e.view}};
                        },
                        [](const stock::ReservationReleased& e) -> json {
                          return {{"reservation_id", e.reservation_id},
                                  {"quantity", e.quantity},
                                  {"reason", e.reason}};
                        },
                        [](const stock::StockPicked& e) -> json {
                          return {{"reservation_id", e.reservation_id}};
                        },
                        [](const stock::StockShipped& e) -> json {
                          return {{"reservation_id", e.reservation_id}, {"quantity", e.quantity}};
                        },
                        [](const stock::ReceiptExpected& e) -> json {
                          return {{"receipt_id", e.receipt_id},
                                  {"quantity", e.quantity},
                                  {"expected_at_us", e.expected_at}};
                        },
                        [](const stock::ReceiptConfirmed& e) -> json {
                          return {{"receipt_id", e.receipt_id}, {"received", e.received}};
                        },
                        [](const stock::ReceiptCancelled& e) -> json {
                          return {{"receipt_id", e.receipt_id}};
                        },
                    },
                    event);
}

namespace {

json fields_of(const order::OrderPlaced& e) { return order_placed_json(e); }
json fields_of(const order::LinesAllocated& e) {
  return {{"allocations", allocations_json(e.allocations)}};
}

json fields_of(const order::PreparationStarted& e) {
  return {{"site_id", e.site_id}, {"lines", e.lines}};
}

json fields_of(const order::OrderPrepared& e) {
  return {{"site_id", e.site_id}, {"lines", e.lines}, {"ready_for_pickup", e.ready_for_pickup}};
}

json fields_of(const order::OrderShipped& e) {
  return {
      {"site_id", e.site_id}, {"lines", e.lines}, {"carrier", e.carrier}, {"tracking", e.tracking}};
}

json fields_of(const order::OrderDelivered& e) {
  return {{"site_id", e.site_id}, {"lines", e.lines}, {"delivered_at_us", e.delivered_at}};
}

json fields_of(const order::LinesCancelled& e) {
  return {{"lines", e.lines}, {"reason", e.reason}};
}

json fields_of(const order::DeliveryAddressChanged& e) {
  json out = {{"address", address_json(e.address)}};
  if (e.address_check.verdict != domain::AddressCheck::Verdict::unchecked)
    out["address_check"] = address_check_json(e.address_check);
  if (!e.override_reason.empty()) out["override_reason"] = e.override_reason;
  return out;
}

json fields_of(const order::SourcingDecided& e) {
  json considered = json::array();
  for (const auto& c : e.considered) {
    considered.push_back({{"site_id", c.site_id},
                          {"verdict", c.verdict},
                          {"reason", c.reason},
                          {"rank", c.rank},
                          {"distance_km", c.distance_km}});
  }
  return {{"strategy", e.strategy},
          {"config_version", e.config_version},
          {"outcome", e.outcome},
          {"reason", e.reason},
          {"round", e.round},
          {"considered", std::move(considered)},
          {"decided_at_us", e.decided_at}};
}

json fields_of(const order::OfferRoundOpened& e) {
  return {{"round", e.round},
          {"site_ids", e.site_ids},
          {"lines", e.lines},
          {"opened_at_us", e.opened_at},
          {"deadline_us", e.deadline}};
}

json fields_of(const order::OfferClaimed& e) {
  return {{"round", e.round}, {"site_id", e.site_id}, {"claimed_at_us", e.claimed_at}};
}

json fields_of(const order::OfferDeclined& e) {
  return {{"round", e.round},
          {"site_id", e.site_id},
          {"reason", e.reason},
          {"declined_at_us", e.declined_at}};
}

json fields_of(const order::OfferRoundClosed& e) {
  return {{"round", e.round},
          {"end", std::string(order::to_string(e.end))},
          {"closed_at_us", e.closed_at}};
}

json fields_of(const order::QueuedForService& e) { return {{"reason", e.reason}}; }

json fields_of(const order::AllocationReleased& e) {
  json out = {{"site_id", e.site_id}, {"lines", e.lines}, {"reason", e.reason}};
  if (!e.receipt_id.empty()) out["receipt_id"] = e.receipt_id;
  return out;
}

json fields_of(const order::LinesSplit& e) {
  json splits = json::array();
  for (const auto& split : e.splits) {
    json parts = json::array();
    for (const auto& p : split.parts) parts.push_back({{"line", p.line}, {"quantity", p.quantity}});
    splits.push_back({{"line", split.line}, {"parts", std::move(parts)}});
  }
  return {{"splits", std::move(splits)}};
}

json fields_of(const order::LinesPreOrdered& e) {
  json pre_orders = json::array();
  for (const auto& p : e.pre_orders) {
    pre_orders.push_back({{"line", p.line},
                          {"site_id", p.site_id},
                          {"receipt_id", p.receipt_id},
                          {"expected_at_us", p.expected_at}});
  }
  return {{"pre_orders", std::move(pre_orders)}};
}

}  // namespace

nlohmann::json to_json(const domain::order::Event& event) {
  return std::visit([](const auto& e) { return fields_of(e); }, event);
}

nlohmann::json to_json(const domain::configuration::Event& event) {
  return std::visit(
      [](const domain::configuration::ConfigurationChanged& changed) -> json {
        json document =
            std::visit([](const auto& area) { return to_json(area); }, changed.document);
        return {{"area", domain::configuration::area_name(changed.document)},
                {"document", std::move(document)},
                {"author", changed.author},
                {"reason", changed.reason},
                {"version", changed.version},
                {"changed_at_us", changed.changed_at}};
      },
      event);
}

}  // namespace ordo::json
