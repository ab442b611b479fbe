#include "projections/query_models.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "base/bytes.h"
#include "domain/fulfilment.h"
#include "engine/streams.h"

namespace ordo::projections::models {
namespace {

namespace order = domain::order;
namespace stock = domain::stock;
using Json = nlohmann::json;  // std::map objects: keys come out sorted, so bytes are stable

Json address_json(const domain::Address& a) {
  return {{"name", a.name}, {"line1", a.line1}, {"line2", a.line2}, {"postcode", a.postcode},
          {"city", a.city}, {"country", a.country}, {"phone", a.phone}};
}

// `limit`: the view keeps the best-ranked sites only (the order view is rewritten on every event
// of the order); the timeline's SourcingDecided entry keeps every site considered.
Json sourcing_json(const order::SourcingDecided& d, std::size_t limit = SIZE_MAX) {
  Json considered = Json::array();
  for (const auto& c : d.considered) {
    if (considered.size() == limit) break;
    considered.push_back({{"site", c.site_id}, {"verdict", c.verdict}, {"reason", c.reason},
                          {"rank", c.rank}, {"distance_km", c.distance_km}});
  }
  return {{"strategy", d.strategy}, {"config_version", d.config_version}, {"outcome", d.outcome},
          {"reason", d.reason}, {"round", d.round}, {"decided_at_us", d.decided_at},
          {"considered", std::move(considered)}, {"considered_total", d.considered.size()}};
}

Json rounds_json(const order::State& s) {
  Json rounds = Json::array();
  for (const auto& r : s.rounds) {
    Json offers = Json::array();
    for (const auto& site : r.site_ids) {
      std::string state = r.open ? "pending" : "withdrawn";
      if (std::find(r.declined.begin(), r.declined.end(), site) != r.declined.end()) state = "declined";
      else if (r.winner == site) state = "won";
      else if (!r.winner.empty()) state = "lost";
      else if (r.end == order::RoundEnd::expired) state = "expired";
      offers.push_back({{"site", site}, {"state", state}});
    }
    std::string status = r.open ? "open" : !r.winner.empty() ? "claimed" : std::string(order::to_string(*r.end));
    rounds.push_back({{"round", r.round}, {"status", status}, {"opened_at_us", r.opened_at},
                      {"deadline_us", r.deadline}, {"winner", r.winner}, {"offers", std::move(offers)}});
  }
  return rounds;
}

// Event-specific details of a timeline entry: the site, carrier, lines and reason involved.
void add_details(const wire::DomainEvent& event, Json& entry) {
  std::visit(
      [&](const auto& aggregate_event) {
        std::visit(
            [&](const auto& e) {
              if constexpr (requires { e.site_id; }) entry["site"] = e.site_id;
              if constexpr (requires { e.carrier; }) entry["carrier"] = e.carrier;
              if constexpr (requires { e.tracking; }) entry["tracking"] = e.tracking;
              if constexpr (requires { e.reason; }) entry["reason"] = e.reason;
              if constexpr (requires { e.quantity; }) entry["quantity"] = e.quantity;
              if constexpr (requires { e.reservation_id; }) entry["reservation"] = e.reservation_id;
              if constexpr (requires { e.round; }) entry["round"] = e.round;
              if constexpr (requires { e.site_ids; }) entry["sites"] = e.site_ids;
              if constexpr (requires { e.deadline; }) entry["deadline_us"] = e.deadline;
              if constexpr (requires { e.end; }) entry["end"] = std::string(order::to_string(e.end));
              if constexpr (requires { e.considered; }) {
                entry["strategy"] = e.strategy;
                entry["outcome"] = e.outcome;
                entry["explanation"] = sourcing_json(e)["considered"];
              }
              if constexpr (requires { e.allocations; }) {
                for (const auto& a : e.allocations) {
                  entry["allocations"].push_back({{"line", a.line}, {"site", a.site_id}});
                }
              }
              if constexpr (requires { e.lines; }) {
                using Lines = std::decay_t<decltype(e.lines)>;
                if constexpr (std::is_same_v<Lines, std::vector<std::uint32_t>>) {
                  entry["lines"] = e.lines;
                }
              }
            },
            aggregate_event);
      },
      event);
}

Json view_json(const std::string& order_id, const order::State& s) {
  Json lines = Json::array();
  for (const auto& l : s.lines) {
    lines.push_back({{"line", l.line.line}, {"sku", l.line.sku}, {"quantity", l.line.quantity},
                     {"unit_price_minor", l.line.unit_price_minor},
                     {"status", std::string(order::to_string(l.status))}, {"site", l.site_id}});
  }
  return {{"order_id", order_id},
          {"channel", s.placed.channel},
          {"customer_id", s.placed.customer_id},
          {"email", s.placed.email},
          {"status", std::string(order::to_string(s.status()))},
          {"placed_at_us", s.placed.placed_at},
          {"total", {{"minor", s.placed.total.minor}, {"currency", s.placed.total.currency}}},
          {"delivery_method", std::string(order::to_string(s.placed.method))},
          {"promise", {{"option_id", s.placed.promise.option_id},
                       {"promised_at_us", s.placed.promise.promised_at},
                       {"carrier", s.placed.promise.carrier},
                       {"site_id", s.placed.promise.site_id}}},
          {"billing_address", address_json(s.placed.billing)},
          {"delivery_address", address_json(s.delivery)},
          {"lines", lines},
          {"rounds", rounds_json(s)},
          {"sourcing", sourcing_json(s.sourcing, 10)},
          {"queued_for_service", s.queued_for_service},
          {"released_by", s.released}};
}

std::set<std::string> index_keys_of(const order::State& s) {
  std::set<std::string> keys;
  const auto& p = s.placed;
  const auto& id = p.order_id;
  keys.insert(index_key("customer", p.customer_id, p.placed_at, id));
  keys.insert(index_key("email", p.email, p.placed_at, id));
  keys.insert(index_key("channel", p.channel, p.placed_at, id));
  keys.insert(index_key("status", order::to_string(s.status()), p.placed_at, id));
  keys.insert(index_key("date", "", p.placed_at, id));
  for (const auto& l : s.lines) {
    if (!l.site_id.empty()) keys.insert(index_key("site", l.site_id, p.placed_at, id));
  }
  // A store's pending offers: sites of the open round that have not declined.
  if (const auto* r = s.open_round()) {
    for (const auto& site : r->site_ids) {
      if (std::find(r->declined.begin(), r->declined.end(), site) == r->declined.end()) {
        keys.insert(index_key("offer", site, p.placed_at, id));
      }
    }
  }
  if (s.queued_for_service) keys.insert(index_key("queue", "customer_service", p.placed_at, id));
  return keys;
}

}  // namespace

std::string sellable_key(std::string_view sku, std::string_view channel) {
  std::string key(sku);
  key.push_back('\0');
  key.append(channel);
  return key;
}

std::string encode_sellable(const SellableFigure& f) {
  std::string value;
  ordo::put_u64_be(value, static_cast<std::uint64_t>(f.total));
  ordo::put_u64_be(value, static_cast<std::uint64_t>(f.now));
  ordo::put_u64_be(value, static_cast<std::uint64_t>(f.future));
  return value;
}

std::optional<SellableFigure> decode_sellable(std::string_view value) {
  if (value.size() != 24) return std::nullopt;
  return SellableFigure{static_cast<std::int64_t>(ordo::get_u64_be(value.data())),
                        static_cast<std::int64_t>(ordo::get_u64_be(value.data() + 8)),
                        static_cast<std::int64_t>(ordo::get_u64_be(value.data() + 16))};
}

void sellable_writes(const engine::EngineState& state, std::string_view sku, domain::Instant now,
                     std::unordered_map<std::string, SellableFigure>& memory,
                     std::vector<eventstore::ProjectionWrite>* out, bool write_unchanged) {
  const auto* item = state.item(sku);
  if (item == nullptr) return;
  std::vector<domain::sellable::SiteStock> stocks;
  for (const auto& site_id : state.sites_with(sku)) {
    const auto* site = state.site(site_id);
    const auto* stock_state = state.stock(site_id, sku);
    if (site != nullptr && stock_state != nullptr) {
      stocks.push_back({site_id, &site->profile, stock_state});
    }
  }
  for (const auto& view : state.inventory_views().channels) {
    const auto result = domain::sellable::compute(state.inventory_views(), view.channel,
                                                  item->item, stocks, now);
    const SellableFigure figure{result.total, result.now, result.future};
    auto key = sellable_key(sku, view.channel);
    auto [it, inserted] = memory.try_emplace(std::move(key), figure);
    const bool changed = inserted || it->second.total != figure.total ||
                         it->second.now != figure.now || it->second.future != figure.future;
    it->second = figure;
    if (out != nullptr && (changed || write_unchanged)) out->push_back({kSellableFamily, it->first, encode_sellable(figure)});
  }
}

void drop_channels(const std::vector<std::string>& removed,
                   std::unordered_map<std::string, SellableFigure>& memory,
                   std::vector<eventstore::ProjectionWrite>* out) {
  if (removed.empty()) return;
  for (auto it = memory.begin(); it != memory.end();) {
    const std::string_view channel = std::string_view(it->first).substr(it->first.find('\0') + 1);
    if (std::find(removed.begin(), removed.end(), channel) == removed.end()) {
      ++it;
      continue;
    }
    if (out != nullptr) out->push_back({kSellableFamily, it->first, std::nullopt});
    it = memory.erase(it);
  }
}

void order_view_write(const std::string& order_id, const order::State& order,
                      std::vector<eventstore::ProjectionWrite>& out) {
  std::string key = order_id;
  key.push_back('\0');
  key.append("view");
  out.push_back({kOrdersFamily, std::move(key), view_json(order_id, order).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
}

void order_timeline_write(const eventstore::EventView& event,
                          const wire::DomainEvent& decoded,
                          const std::string& order_id,
                          std::vector<eventstore::ProjectionWrite>& out) {
  Json entry = {{"position", event.position},
                {"at_us", event.recorded_at_us},
                {"type", event.type},
                {"stream", event.stream},
                {"actor", std::string(eventstore::to_string(event.actor_kind)) + ":" + std::string(event.actor_id)}};
  add_details(decoded, entry);
  std::string key = order_id;
  key.push_back('\0');
  key.append("event");
  key.push_back('\0');
  ordo::put_u64_be(key, event.position);
  out.push_back({kOrdersFamily, std::move(key), entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
}

std::set<std::string> index_keys(const order::State& order) { return index_keys_of(order); }

void order_index_writes(const std::set<std::string>& before, const order::State& after,
                        std::vector<eventstore::ProjectionWrite>& out) {
  const auto now_keys = index_keys_of(after);
  for (const auto& key : before) {
    if (!now_keys.contains(key)) out.push_back({kOrderIndexFamily, key, std::nullopt});
  }
  for (const auto& key : now_keys) {
    if (!before.contains(key)) out.push_back({kOrderIndexFamily, key, std::string()});
  }
}

void site_stock_writes(const std::string& site_id, const std::string& sku,
                       const stock::State& s, std::vector<eventstore::ProjectionWrite>& out) {
  Json receipts = Json::array();
  for (const auto& [id, r] : s.receipts) {
    if (r.status != stock::ReceiptStatus::expected) continue;
    receipts.push_back({{"receipt_id", id}, {"quantity", r.quantity},
                        {"expected_at_us", r.expected_at}});
  }
  Json doc = {{"site", site_id}, {"sku", sku}, {"on_hand", s.on_hand},
              {"reserved", s.reserved}, {"available", s.available()},
              {"expected_receipts", receipts}};
  std::string key = site_id;
  key.push_back('\0');
  key.append(sku);
  out.push_back({kStockFamily, std::move(key), doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
}

std::optional<std::string> order_of(std::string_view stream,
                                    const wire::DomainEvent& event) {
  if (auto order = engine::parse_stream<engine::OrderAggregate>(stream)) return std::string(*order);
  const auto* stock_event = std::get_if<domain::stock::Event>(&event);
  if (stock_event == nullptr) return std::nullopt;
  return std::visit(
      [](const auto& e) -> std::optional<std::string> {
        if constexpr (requires { e.reservation_id; }) {
          if (auto order = domain::fulfilment::order_of_reservation(e.reservation_id)) return std::string(*order);
        }
        return std::nullopt;
      },
      *stock_event);
}

std::string index_key(std::string_view field, std::string_view value, domain::Instant placed_at,
                      std::string_view order_id) {
  std::string key(field);
  key.push_back('\0');
  key.append(value);
  key.push_back('\0');
  ordo::put_u64_be(key, static_cast<std::uint64_t>(placed_at));
  key.push_back('\0');
  key.append(order_id);
  return key;
}

}  // namespace ordo::projections::models

namespace ordo::projections::models {

std::string accuracy_key(domain::Instant fulfilled_at, std::string_view order_id, std::string_view site_id) {
  std::string key;
  ordo::put_u64_be(key, static_cast<std::uint64_t>(std::max<domain::Instant>(0, fulfilled_at)));
  key.push_back('\0');
  key.append(order_id);
  key.push_back('\0');
  key.append(site_id);
  return key;
}

void promise_accuracy_write(const eventstore::EventView& event, const wire::DomainEvent& decoded,
                            const order::State& o, std::vector<eventstore::ProjectionWrite>& out) {
  const auto& promise = o.placed.promise;
  if (promise.option_id.empty() || promise.promised_at == 0) return;
  const auto* e = std::get_if<order::Event>(&decoded);
  if (e == nullptr) return;
  const bool collect = o.placed.method == order::DeliveryMethod::click_and_collect;
  std::string site;
  domain::Instant at = 0;
  if (const auto* d = std::get_if<order::OrderDelivered>(e); d != nullptr && !collect) {
    site = d->site_id;
    at = d->delivered_at != 0 ? d->delivered_at : event.recorded_at_us;
  } else if (const auto* p = std::get_if<order::OrderPrepared>(e); p != nullptr && collect && p->ready_for_pickup) {
    site = p->site_id;
    at = event.recorded_at_us;
  } else {
    return;
  }
  const Json entry = {{"order_id", o.placed.order_id},
                      {"option_id", promise.option_id},
                      {"carrier", promise.carrier.empty() ? std::string("collect") : promise.carrier},
                      {"site", site},
                      {"promised_site", promise.site_id},
                      {"method", std::string(order::to_string(o.placed.method))},
                      {"promised_at_us", promise.promised_at},
                      {"fulfilled_at_us", at},
                      {"kept", at <= promise.promised_at}};
  out.push_back({kPromiseAccuracyFamily, accuracy_key(at, o.placed.order_id, site), entry.dump()});
}

}  // namespace ordo::projections::models
