#include "adapters/allocation_protocol.h"

#include <map>

#include "engine/streams.h"
#include "eventstore/codec/codec.h"

namespace ordo::adapters::protocol {
namespace {

using domain::Instant;
using nlohmann::json;
namespace order = domain::order;

constexpr std::size_t kRequestBytesMax = 4096;
constexpr std::size_t kReasonBytesMax = 500;
constexpr std::size_t kPendingMax = 500;
constexpr std::size_t kPendingBytesMax = 48 * 1024;  // under the server's max_payload (64 KiB)

// The order as it stood just after the event at `stream_version` of its stream.
Result<order::State> order_at(const eventstore::EventStore& store, const std::string& stream,
                              std::uint64_t stream_version) {
  auto events = store.read_stream(stream, 1, stream_version);
  if (!events) return std::unexpected(events.error());
  order::State state;
  for (const auto& e : *events) {
    if (e.type == "SourcingDecided") continue;  // the explanation: large, and no offer needs it
    auto decoded = wire::decode(e.type, e.schema_version, e.payload);
    if (!decoded) return std::unexpected(decoded.error());
    if (const auto* oe = std::get_if<order::Event>(&*decoded))
      state = order::evolve(std::move(state), *oe);
  }
  return state;
}

std::string withdrawal(const std::string& order_id, std::uint32_t round, std::string_view reason,
                       std::uint64_t position) {
  return json{{"type", "withdrawn"},
              {"order_id", order_id},
              {"round", round},
              {"reason", reason},
              {"position", position}}
      .dump();
}

json offer_json(const std::string& order_id, const order::State& state, std::uint32_t round,
                Instant opened_at, Instant deadline, std::uint64_t position) {
  json lines = json::array();
  const order::Round* offered = nullptr;
  for (const auto& r : state.rounds) {
    if (r.round == round) offered = &r;
  }
  for (const auto& l : state.lines) {
    const bool in_round = offered == nullptr || offered->lines.empty() ||
                          std::find(offered->lines.begin(), offered->lines.end(), l.line.line) !=
                              offered->lines.end();
    if (l.status == order::LineStatus::sourcing && in_round) {
      lines.push_back({{"line", l.line.line}, {"sku", l.line.sku}, {"quantity", l.line.quantity}});
    }
  }
  return {{"type", "offer"},
          {"order_id", order_id},
          {"round", round},
          {"deadline_us", deadline},
          {"opened_at_us", opened_at},
          {"channel", state.placed.channel},
          {"delivery_method", std::string(order::to_string(state.placed.method))},
          {"delivery",
           {{"postcode", state.delivery.postcode},
            {"city", state.delivery.city},
            {"country", state.delivery.country}}},
          {"lines", std::move(lines)},
          {"position", position}};
}

// Every store of a round but `except` and those that declined it.
std::vector<std::string> others_in(const order::State& state, std::uint32_t round,
                                   std::string_view except) {
  std::vector<std::string> out;
  for (const auto& r : state.rounds) {
    if (r.round != round) continue;
    for (const auto& site : r.site_ids) {
      if (site == except ||
          std::find(r.declined.begin(), r.declined.end(), site) != r.declined.end())
        continue;
      out.push_back(site);
    }
  }
  return out;
}

// The messages one order event sends to stores, the order as it stood just after it.
void messages_of(const order::Event& event, const std::string& order_id, const order::State& state,
                 std::uint64_t position, std::vector<StoreMessage>& out) {
  if (const auto* opened = std::get_if<order::OfferRoundOpened>(&event)) {
    const std::string body =
        offer_json(order_id, state, opened->round, opened->opened_at, opened->deadline, position)
            .dump(-1, ' ', false, json::error_handler_t::replace);
    for (const auto& site : opened->site_ids) out.push_back({site, body});
  } else if (const auto* claimed = std::get_if<order::OfferClaimed>(&event)) {
    out.push_back({claimed->site_id, json{{"type", "won"},
                                          {"order_id", order_id},
                                          {"round", claimed->round},
                                          {"position", position}}
                                         .dump()});
    for (const auto& site : others_in(state, claimed->round, claimed->site_id)) {
      out.push_back(
          {site, withdrawal(order_id, claimed->round, "claimed_by_another_site", position)});
    }
  } else if (const auto* released = std::get_if<order::AllocationReleased>(&event)) {
    // The store no longer has these lines (it gave them back, or customer service moved them).
    out.push_back({released->site_id, json{{"type", "released"},
                                           {"order_id", order_id},
                                           {"lines", released->lines},
                                           {"reason", released->reason},
                                           {"position", position}}
                                          .dump(-1, ' ', false, json::error_handler_t::replace)});
  } else if (const auto* cancelled = std::get_if<order::LinesCancelled>(&event)) {
    // A store holding cancelled lines must not prepare them: each is told which of its lines.
    std::map<std::string, std::vector<std::uint32_t>> by_site;
    for (const auto& l : state.lines) {
      if (!l.site_id.empty() &&
          std::ranges::find(cancelled->lines, l.line.line) != cancelled->lines.end())
        by_site[l.site_id].push_back(l.line.line);
    }
    for (const auto& [site, lines] : by_site) {
      out.push_back({site, json{{"type", "cancelled"},
                                {"order_id", order_id},
                                {"lines", lines},
                                {"reason", cancelled->reason},
                                {"position", position}}
                               .dump(-1, ' ', false, json::error_handler_t::replace)});
    }
  } else if (const auto* closed = std::get_if<order::OfferRoundClosed>(&event)) {
    for (const auto& site : others_in(state, closed->round, {})) {
      out.push_back(
          {site, withdrawal(order_id, closed->round, order::to_string(closed->end), position)});
    }
  }
}

// A store's request as the order command it asks for.
struct Flags {
  bool stock_missing = false;     // release: the stock is not on the shelf
  bool ready_for_pickup = false;  // prepared: a click-and-collect order waits at the counter
};

Result<engine::OrderCommand, std::string> command_of(const std::string& action,
                                                     const std::string& order_id,
                                                     const std::string& site, std::uint32_t round,
                                                     const std::string& reason, Flags flags,
                                                     domain::Instant now) {
  if (action == "claim") return engine::OrderCommand{order_id, order::ClaimOffer{site, round, now}};
  if (action == "decline")
    return engine::OrderCommand{order_id, order::DeclineOffer{site, round, reason, now}};
  if (action == "release") {
    if (reason.empty()) return std::unexpected("reason is required to release an order");
    return engine::OrderCommand{
        order_id, order::ReleaseAllocation{site, reason, flags.stock_missing, now, {}, {}}};
  }
  if (action == "start_preparation")
    return engine::OrderCommand{order_id, order::StartPreparation{site, now}};
  if (action == "prepared")
    return engine::OrderCommand{order_id, order::MarkPrepared{site, flags.ready_for_pickup, now}};
  if (action == "pending") return std::unexpected("pending is answered without a command");
  return std::unexpected("unknown action \"" + action.substr(0, 32) + "\"");
}

}  // namespace

const std::vector<std::string>& relayed_types() {
  static const std::vector<std::string> types = {"OfferRoundOpened", "OfferClaimed",
                                                 "OfferRoundClosed", "AllocationReleased",
                                                 "LinesCancelled"};
  return types;
}

Result<void> messages_for(const eventstore::EventStore& store,
                          const std::vector<eventstore::RecordedEvent>& events,
                          std::vector<StoreMessage>& out) {
  for (const auto& e : events) {
    const auto order_key = engine::parse_stream<engine::OrderAggregate>(e.stream);
    if (!order_key) continue;  // offers come only from order events
    auto decoded = wire::decode(e.type, e.schema_version, e.payload);
    if (!decoded) {
      return fail(decoded.error().code,
                  "position " + std::to_string(e.position) + ": " + decoded.error().message);
    }
    const auto* event = std::get_if<order::Event>(&*decoded);
    if (event == nullptr) continue;
    auto state = order_at(store, e.stream, e.stream_version);
    if (!state) return std::unexpected(state.error());
    messages_of(*event, std::string(*order_key), *state, e.position, out);
  }
  return {};
}

Result<engine::OrderCommand, std::string> parse_request(std::string_view site_id,
                                                        std::string_view body, domain::Instant now,
                                                        std::string& action, std::uint32_t& round) {
  if (body.size() > kRequestBytesMax)
    return std::unexpected("the request is over " + std::to_string(kRequestBytesMax) + " bytes");
  // Requests are flat objects: deep nesting is refused before the parser recurses into it.
  if (std::count(body.begin(), body.end(), '{') + std::count(body.begin(), body.end(), '[') > 8) {
    return std::unexpected("the request must be one flat JSON object");
  }
  // The parser takes a NUL byte for the end of the input: the request would be read cut short.
  if (body.find('\0') != std::string_view::npos)
    return std::unexpected("the request holds a NUL byte: not a JSON object");
  const json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return std::unexpected("the request is not a JSON object");
  static constexpr std::string_view kFields[] = {
      "action", "order_id", "round", "reason", "site", "stock_missing", "ready_for_pickup"};
  for (const auto& [key, value] : doc.items()) {
    if (std::find(std::begin(kFields), std::end(kFields), key) == std::end(kFields)) {
      return std::unexpected("unknown field \"" + key.substr(0, 64) + "\"");
    }
  }
  auto text = [&](const char* key, std::string& out) -> bool {
    auto it = doc.find(key);
    if (it == doc.end()) return false;
    if (!it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  std::string order_id, reason, named_site;
  if (!text("action", action))
    return std::unexpected(
        "action is required: claim, decline, release, start_preparation or prepared");
  if (!text("order_id", order_id) || !ordo::is_valid_id(order_id))
    return std::unexpected("order_id is required: 1..64 characters of [A-Za-z0-9._-]");
  if (doc.contains("reason") && (!text("reason", reason) || reason.size() > kReasonBytesMax ||
                                 reason.find('\0') != std::string::npos)) {
    return std::unexpected("reason must be a string of at most 500 bytes, without NUL");
  }
  if (doc.contains("site") && (!text("site", named_site) || named_site != site_id)) {
    return std::unexpected("the request names another site than the subject it came on");
  }
  const bool needs_round = action == "claim" || action == "decline";
  if (needs_round) {
    auto it = doc.find("round");
    if (it == doc.end() || !it->is_number_unsigned() || it->get<std::uint64_t>() == 0 ||
        it->get<std::uint64_t>() > 1000) {
      return std::unexpected("round is required: the offer's round number");
    }
    round = static_cast<std::uint32_t>(it->get<std::uint64_t>());
  }
  Flags flags;
  for (auto [key, out] : {std::pair{"stock_missing", &flags.stock_missing},
                          std::pair{"ready_for_pickup", &flags.ready_for_pickup}}) {
    auto it = doc.find(key);
    if (it == doc.end()) continue;
    if (!it->is_boolean()) return std::unexpected(std::string(key) + " must be true or false");
    *out = it->get<bool>();
  }
  return command_of(action, order_id, std::string(site_id), round, reason, flags, now);
}

Result<StoreRequest, json> request_of(std::string_view site_id, std::string_view body,
                                      domain::Instant now) {
  StoreRequest request;
  auto command = parse_request(site_id, body, now, request.action, request.round);
  if (!command && request.action == "pending") return request;
  if (!command) return std::unexpected(json{{"result", "invalid"}, {"reason", command.error()}});
  request.order_id = command->order_id;
  const std::string site(site_id);
  if (request.action == "claim" || request.action == "decline") {
    request.submission.idempotency_key = "nats/" + site + "/" + request.order_id + "/" +
                                         request.action + "/" + std::to_string(request.round);
  }
  request.submission.actor = {eventstore::ActorKind::store, site};
  request.submission.command = std::move(*command);
  return request;
}

json answer_of(const engine::Answer& answer, const StoreRequest& request) {
  const auto& action = request.action;
  json out = {{"order_id", request.order_id}};
  if (request.round != 0) out["round"] = request.round;
  if (answer) {
    out["result"] = action == "claim" ? "won" : action == "decline" ? "declined" : "ok";
    out["position"] = answer->last_position;
  } else if (const auto* rejection = std::get_if<domain::Rejection>(&answer.error())) {
    using Code = domain::Rejection::Code;
    out["result"] = rejection->code == Code::lost      ? "lost"
                    : rejection->code == Code::expired ? "expired"
                                                       : "invalid";
    out["reason"] = rejection->reason;
  } else {
    const auto& error = std::get<Error>(answer.error());
    out["result"] = error.code == ErrorCode::idempotency_mismatch ? "invalid" : "retry";
    out["reason"] = error.message;
  }
  return out;
}

json pending_offers(const eventstore::EventStore& store, const projections::Projector& projector,
                    const std::string& site) {
  // An offer the relay already sent must be in the list: a list from behind the log is not given.
  const auto durable = store.durable_position();
  if (projector.wait_for(durable, std::chrono::seconds(2)) < durable)
    return {{"result", "retry"}, {"reason", "the query models are behind the log; ask again"}};
  bool more = false;
  auto pending = projector.pending_offers(site, kPendingMax, more);
  if (!pending) return {{"result", "retry"}, {"reason", pending.error().to_string()}};
  json offers = json::array();
  std::size_t bytes = 0;
  for (const auto& view : *pending) {
    if (bytes > kPendingBytesMax) {
      more = true;  // the store asks again once it has answered these
      break;
    }
    const auto* round = view.order.open_round();
    if (round == nullptr) continue;
    auto offer = offer_json(view.order.placed.order_id, view.order, round->round, round->opened_at,
                            round->deadline, 0);
    bytes += offer.dump().size();
    offers.push_back(std::move(offer));
  }
  json held = json::array();
  bool more_held = false;
  auto holding = projector.held_orders(site, kPendingMax, more_held);
  if (!holding) return {{"result", "retry"}, {"reason", holding.error().to_string()}};
  for (const auto& view : *holding) {
    json lines = json::array();
    for (const auto& l : view.order.lines) {
      if (l.site_id == site && projections::is_held(l.status)) lines.push_back(l.line.line);
    }
    if (lines.empty()) continue;
    bytes += view.order.placed.order_id.size() + 8 * lines.size() + 32;
    if (bytes > kPendingBytesMax) {
      more_held = true;
      break;
    }
    held.push_back({{"order_id", view.order.placed.order_id}, {"lines", std::move(lines)}});
  }
  return {{"result", "ok"},          {"offers", std::move(offers)}, {"more", more},
          {"held", std::move(held)}, {"more_held", more_held},      {"position", durable}};
}

}  // namespace ordo::adapters::protocol
