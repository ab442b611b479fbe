#include "gateway/json/views_json.h"

#include <algorithm>

#include "gateway/json/master_json.h"

namespace ordo::json {
namespace {

using nlohmann::json;
namespace order = domain::order;

json address_json(const domain::Address& a) {
  return {{"name", a.name}, {"line1", a.line1},     {"line2", a.line2}, {"postcode", a.postcode},
          {"city", a.city}, {"country", a.country}, {"phone", a.phone}};
}

json considered_json(const std::vector<order::SiteVerdict>& considered) {
  json out = json::array();
  for (const auto& c : considered) {
    out.push_back({{"site", c.site_id},
                   {"verdict", c.verdict},
                   {"reason", c.reason},
                   {"rank", c.rank},
                   {"distance_km", c.distance_km}});
  }
  return out;
}

std::string offer_state(const order::Round& r, const std::string& site) {
  if (std::find(r.declined.begin(), r.declined.end(), site) != r.declined.end()) return "declined";
  if (r.winner == site) return "won";
  if (!r.winner.empty()) return "lost";
  if (r.open) return "pending";
  return r.end == order::RoundEnd::expired ? "expired" : "withdrawn";
}

json rounds_json(const order::State& s) {
  json rounds = json::array();
  for (const auto& r : s.rounds) {
    json offers = json::array();
    for (const auto& site : r.site_ids)
      offers.push_back({{"site", site}, {"state", offer_state(r, site)}});
    const std::string status = r.open              ? "open"
                               : !r.winner.empty() ? "claimed"
                                                   : std::string(order::to_string(*r.end));
    rounds.push_back({{"round", r.round},
                      {"status", status},
                      {"opened_at_us", r.opened_at},
                      {"deadline_us", r.deadline},
                      {"winner", r.winner},
                      {"offers", std::move(offers)}});
  }
  return rounds;
}

// Event-specific details of a timeline entry: the site, carrier, lines and reason involved.
void add_details(const wire::DomainEvent& event, json& entry) {
  std::visit(
      [&](const auto& aggregate_event) {
        std::visit(
            [&](const auto& e) {
              if constexpr (requires { e.site_id; }) entry["site"] = e.site_id;
              if constexpr (requires { e.carrier; }) entry["carrier"] = e.carrier;
              if constexpr (requires { e.tracking; }) entry["tracking"] = e.tracking;
              if constexpr (requires { e.reason; }) entry["reason"] = e.reason;
              if constexpr (requires { e.override_reason; }) {
                if (!e.override_reason.empty()) entry["override_reason"] = e.override_reason;
              }
              if constexpr (requires { e.address_check; }) {
                if (e.address_check.verdict != domain::AddressCheck::Verdict::unchecked)
                  entry["address_verdict"] = std::string(to_string(e.address_check.verdict));
              }
              if constexpr (requires { e.quantity; }) entry["quantity"] = e.quantity;
              if constexpr (requires { e.reservation_id; }) entry["reservation"] = e.reservation_id;
              if constexpr (requires { e.round; }) entry["round"] = e.round;
              if constexpr (requires { e.site_ids; }) entry["sites"] = e.site_ids;
              if constexpr (requires { e.deadline; }) entry["deadline_us"] = e.deadline;
              if constexpr (requires { e.end; })
                entry["end"] = std::string(order::to_string(e.end));
              if constexpr (requires { e.considered; }) {
                entry["strategy"] = e.strategy;
                entry["outcome"] = e.outcome;
                entry["explanation"] = considered_json(e.considered);
              }
              if constexpr (requires { e.allocations; }) {
                for (const auto& a : e.allocations)
                  entry["allocations"].push_back({{"line", a.line}, {"site", a.site_id}});
              }
              if constexpr (requires { e.lines; }) {
                if constexpr (std::is_same_v<std::decay_t<decltype(e.lines)>,
                                             std::vector<std::uint32_t>>) {
                  entry["lines"] = e.lines;
                }
              }
            },
            aggregate_event);
      },
      event);
}

}  // namespace

json order_json(const projections::OrderView& view) {
  const auto& s = view.order;
  json lines = json::array();
  for (const auto& l : s.lines) {
    json line = {{"line", l.line.line},
                 {"sku", l.line.sku},
                 {"quantity", l.line.quantity},
                 {"unit_price_minor", l.line.unit_price_minor},
                 {"status", std::string(order::to_string(l.status))},
                 {"site", l.site_id}};
    if (l.split_from != 0) line["split_from"] = l.split_from;
    if (!l.receipt_id.empty()) {  // a pre-order: the receipt it waits (or waited) for
      line["receipt_id"] = l.receipt_id;
      line["expected_at_us"] = l.expected_at;
    }
    lines.push_back(std::move(line));
  }
  const auto& d = s.sourcing;
  json sourcing = {{"strategy", d.strategy},
                   {"config_version", d.config_version},
                   {"outcome", d.outcome},
                   {"reason", d.reason},
                   {"round", d.round},
                   {"decided_at_us", d.decided_at},
                   {"considered", considered_json(d.considered)},
                   {"considered_total", view.considered_total}};
  const auto& p = s.placed;
  return {{"order_id", p.order_id},
          {"channel", p.channel},
          {"customer_id", p.customer_id},
          {"email", p.email},
          {"status", std::string(order::order_status(s))},
          {"placed_at_us", p.placed_at},
          {"total", {{"minor", p.total.minor}, {"currency", p.total.currency}}},
          {"delivery_method", std::string(order::to_string(p.method))},
          {"promise",
           {{"option_id", p.promise.option_id},
            {"promised_at_us", p.promise.promised_at},
            {"carrier", p.promise.carrier},
            {"site_id", p.promise.site_id}}},
          {"billing_address", address_json(p.billing)},
          {"delivery_address", address_json(s.delivery)},
          {"lines", std::move(lines)},
          {"rounds", rounds_json(s)},
          {"sourcing", std::move(sourcing)},
          {"queued_for_service", s.queued_for_service},
          {"released_by", s.released},
          {"address_check", p.address_check.verdict == domain::AddressCheck::Verdict::unchecked
                                ? json(nullptr)
                                : address_check_json(p.address_check)}};
}

json timeline_entry_json(const projections::TimelineEntry& entry) {
  json out = {
      {"position", entry.position},
      {"at_us", entry.recorded_at_us},
      {"type", entry.type},
      {"stream", entry.stream},
      {"actor", std::string(eventstore::to_string(entry.actor.kind)) + ":" + entry.actor.id}};
  add_details(entry.event, out);
  return out;
}

json site_stock_json(const projections::SiteStockView& stock) {
  json receipts = json::array();
  for (const auto& r : stock.expected_receipts) {
    receipts.push_back({{"receipt_id", r.receipt_id},
                        {"quantity", r.quantity},
                        {"expected_at_us", r.expected_at}});
  }
  return {{"site", stock.site_id},        {"sku", stock.sku},
          {"on_hand", stock.on_hand},     {"reserved", stock.reserved},
          {"available", stock.available}, {"expected_receipts", std::move(receipts)}};
}

json pending_offer_json(const projections::OrderView& view) {
  const auto& s = view.order;
  const auto* round = s.open_round();
  if (round == nullptr) return nullptr;
  json lines = json::array();
  for (const auto& l : s.lines) {
    const bool offered = round->lines.empty() || std::find(round->lines.begin(), round->lines.end(),
                                                           l.line.line) != round->lines.end();
    if (l.status == order::LineStatus::sourcing && offered) {
      lines.push_back({{"line", l.line.line}, {"sku", l.line.sku}, {"quantity", l.line.quantity}});
    }
  }
  return {{"type", "offer"},
          {"order_id", s.placed.order_id},
          {"round", round->round},
          {"deadline_us", round->deadline},
          {"opened_at_us", round->opened_at},
          {"channel", s.placed.channel},
          {"delivery_method", std::string(order::to_string(s.placed.method))},
          {"delivery",
           {{"postcode", s.delivery.postcode},
            {"city", s.delivery.city},
            {"country", s.delivery.country}}},
          {"lines", std::move(lines)}};
}

}  // namespace ordo::json
