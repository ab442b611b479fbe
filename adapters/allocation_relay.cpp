#include "adapters/allocation_relay.h"

#include <pthread.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "engine/streams.h"
#include "eventstore/codec/codec.h"
#include "projections/projector.h"

namespace ordo::adapters {
namespace {

using domain::Instant;
using nlohmann::json;
namespace order = domain::order;

const std::vector<std::string> kRelayedTypes = {"OfferRoundOpened", "OfferClaimed",
                                                "OfferRoundClosed", "AllocationReleased"};
constexpr std::size_t kRequestBytesMax = 4096;
constexpr std::size_t kReasonBytesMax = 500;

domain::Instant now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

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

constexpr std::size_t kPendingMax = 500;
constexpr std::size_t kPendingBytesMax = 48 * 1024;  // under the server's max_payload (64 KiB)

}  // namespace

void on_claims_message(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
  static_cast<AllocationRelay*>(closure)->on_request(message);
}

void on_claims_closed(void* closure) {
  auto* self = static_cast<AllocationRelay*>(closure);
  std::lock_guard lock(self->owed_mutex_);
  self->claims_closed_ = true;
  self->owed_cv_.notify_all();
}

AllocationRelay::AllocationRelay(eventstore::EventStore& store, engine::Pipeline& pipeline,
                                 const projections::Projector& projector,
                                 nats::Connection& connection, RelayOptions options)
    : store_(store),
      pipeline_(pipeline),
      projector_(projector),
      connection_(connection),
      options_(std::move(options)) {}

Result<std::unique_ptr<AllocationRelay>> AllocationRelay::start(
    eventstore::EventStore& store, engine::Pipeline& pipeline,
    const projections::Projector& projector, nats::Connection& connection, RelayOptions options) {
  std::unique_ptr<AllocationRelay> relay(
      new AllocationRelay(store, pipeline, projector, connection, std::move(options)));
  auto cursor = store.load_checkpoint(relay->options_.consumer);
  if (!cursor) return std::unexpected(cursor.error());
  relay->cursor_ = *cursor;
  relay->subscription_ = store.subscribe(*cursor + 1, kRelayedTypes);
  const auto subject = nats::all_claims_subject(relay->options_.tenant);
  const auto s = natsConnection_QueueSubscribe(&relay->claims_, connection.get(), subject.c_str(),
                                               "ordo-claims", &on_claims_message, relay.get());
  if (s != NATS_OK) return std::unexpected(nats::error_of(s, "subscribe to " + subject));
  // Requests may come in bursts (every store claiming at once): let them queue rather than drop.
  natsSubscription_SetPendingLimits(relay->claims_, 1'000'000, 256 << 20);
  natsSubscription_SetOnCompleteCB(relay->claims_, &on_claims_closed, relay.get());
  relay->thread_ = std::thread([r = relay.get()] {
    pthread_setname_np(pthread_self(), "ordo-nats-relay");
    r->relay_loop();
  });
  return relay;
}

AllocationRelay::~AllocationRelay() {
  if (claims_ != nullptr) {
    // Requests already received are still decided and answered; none after the subscription is
    // closed, which its completion callback says (a drain that times out goes on delivering).
    if (natsSubscription_Drain(claims_) != NATS_OK) natsSubscription_Unsubscribe(claims_);
    std::unique_lock lock(owed_mutex_);
    if (!owed_cv_.wait_for(lock, std::chrono::seconds(60), [&] { return claims_closed_; }))
      std::cerr << "ordo: NATS: the claims subscription did not close in 60 s\n";
  }
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  {
    // Replies still owed are sent by pipeline callbacks that use this object.
    // The pipeline answers every submission (it is still running), so this wait ends.
    std::unique_lock lock(owed_mutex_);
    owed_cv_.wait(lock, [&] { return owed_ == 0; });
  }
  if (claims_ != nullptr) natsSubscription_Destroy(claims_);
}

RelayStats AllocationRelay::stats() const {
  return {cursor_.load(), published_.load(), resends_.load(), requests_.load(), refused_.load()};
}

void AllocationRelay::relay_loop() {
  std::vector<eventstore::RecordedEvent> pending;
  while (!stopping_.load()) {
    auto events = subscription_->next(options_.batch_max, std::chrono::milliseconds(100));
    if (!events) {
      std::cerr << "ordo: NATS relay cannot read the log: " << events.error().to_string() << "\n";
      std::this_thread::sleep_for(std::chrono::seconds(1));
      continue;
    }
    // Skipped events count as relayed. The cursor is not flushed to disk on its own: after a
    // crash the relay re-sends from an older position, which stores recognise.
    const auto through = subscription_->position() - 1;
    if (!events->empty()) {
      // Until the server has the whole batch, it is sent again: NATS down, or Ordo stopping.
      for (std::uint64_t attempt = 0; !stopping_.load(); ++attempt) {
        if (attempt > 0) {
          resends_.fetch_add(1);
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        auto relayed = relay_batch(*events);
        if (relayed) break;
        if ((attempt & (attempt + 1)) == 0) {  // the 1st, 2nd, 4th... failure: said, not flooded
          std::cerr << "ordo: NATS relay: " << relayed.error().to_string() << "; trying again\n";
        }
      }
      if (stopping_.load()) return;
    }
    if (through > cursor_.load()) {
      if (auto saved = store_.save_checkpoint(options_.consumer, through, /*durable=*/false);
          !saved) {
        std::cerr << "ordo: NATS relay cannot save its cursor: " << saved.error().to_string()
                  << "\n";
        continue;
      }
      cursor_ = through;
    }
  }
}

namespace {

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

}  // namespace

// The messages one order event sends to stores, the order as it stood just after it.
void AllocationRelay::messages_for(const order::Event& event, const std::string& order_id,
                                   const order::State& state, std::uint64_t position,
                                   std::vector<Message>& out) const {
  const auto to = [&](std::string_view site) {
    return nats::offers_subject(options_.tenant, site);
  };
  if (const auto* opened = std::get_if<order::OfferRoundOpened>(&event)) {
    const std::string body =
        offer_json(order_id, state, opened->round, opened->opened_at, opened->deadline, position)
            .dump(-1, ' ', false, json::error_handler_t::replace);
    for (const auto& site : opened->site_ids) out.push_back({to(site), body});
  } else if (const auto* claimed = std::get_if<order::OfferClaimed>(&event)) {
    out.push_back({to(claimed->site_id), json{{"type", "won"},
                                              {"order_id", order_id},
                                              {"round", claimed->round},
                                              {"position", position}}
                                             .dump()});
    for (const auto& site : others_in(state, claimed->round, claimed->site_id)) {
      out.push_back(
          {to(site), withdrawal(order_id, claimed->round, "claimed_by_another_site", position)});
    }
  } else if (const auto* released = std::get_if<order::AllocationReleased>(&event)) {
    // The store no longer has these lines (it gave them back, or customer service moved them).
    out.push_back(
        {to(released->site_id), json{{"type", "released"},
                                     {"order_id", order_id},
                                     {"lines", released->lines},
                                     {"reason", released->reason},
                                     {"position", position}}
                                    .dump(-1, ' ', false, json::error_handler_t::replace)});
  } else if (const auto* closed = std::get_if<order::OfferRoundClosed>(&event)) {
    for (const auto& site : others_in(state, closed->round, {})) {
      out.push_back(
          {to(site), withdrawal(order_id, closed->round, order::to_string(closed->end), position)});
    }
  }
}

// Publishes what a batch of relayed events says to stores, and waits for the server to have it.
// An event that does not decode stops the relay at its position, like the engine: skipping it
// would lose the messages it owes.
Result<void> AllocationRelay::relay_batch(const std::vector<eventstore::RecordedEvent>& events) {
  std::vector<Message> messages;
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
    auto state = order_at(store_, e.stream, e.stream_version);
    if (!state) return std::unexpected(state.error());
    messages_for(*event, std::string(*order_key), *state, e.position, messages);
  }
  for (const auto& m : messages) {
    if (auto sent = connection_.publish(m.subject, m.body); !sent) return sent;
  }
  if (!messages.empty()) {
    if (auto flushed = connection_.flush(2000); !flushed) return flushed;
  }
  published_.fetch_add(messages.size());
  return {};
}

namespace {

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

Result<engine::OrderCommand, std::string> AllocationRelay::parse_request(std::string_view site_id,
                                                                         std::string_view body,
                                                                         domain::Instant now,
                                                                         std::string& action,
                                                                         std::uint32_t& round) {
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

// The offers `site` may still claim, from the projector's order index once it has reached what is
// durable (so that an offer the relay already sent, and a reconnecting store missed, is in it).
nlohmann::json AllocationRelay::pending_offers(const std::string& site) {
  projector_.wait_for(store_.durable_position(), std::chrono::seconds(2));
  bool more = false;
  auto pending = projector_.pending_offers(site, kPendingMax, more);
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
  return {{"result", "ok"}, {"offers", std::move(offers)}, {"more", more}};
}

namespace {

// The store a claims subject names (ordo.<tenant>.store.<site>.claims), or "".
std::string site_of_subject(std::string_view subject, const std::string& tenant) {
  const std::string prefix = "ordo." + tenant + ".store.";
  if (!subject.starts_with(prefix) || !subject.ends_with(".claims")) return {};
  return nats::site_of_token(subject.substr(prefix.size(), subject.size() - prefix.size() - 7));
}

// The answer to a store for the pipeline's decision on its request.
json answer_of(const engine::Answer& answer, const std::string& action, const std::string& order_id,
               std::uint32_t round) {
  json out = {{"order_id", order_id}};
  if (round != 0) out["round"] = round;
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

}  // namespace

void AllocationRelay::answer(const std::string& reply, const json& body) {
  if (reply.empty()) return;
  const auto text = body.dump(-1, ' ', false, json::error_handler_t::replace);
  if (const auto s = natsConnection_Publish(connection_.get(), reply.c_str(), text.data(),
                                            static_cast<int>(text.size()));
      s != NATS_OK) {
    std::cerr << "ordo: NATS: cannot answer on " << reply << ": " << natsStatus_GetText(s) << "\n";
  }
}

void AllocationRelay::settle() {
  std::lock_guard lock(owed_mutex_);
  if (--owed_ == 0) owed_cv_.notify_all();
}

// A store's request. Every path ends by settling what it owes: the destructor waits for it.
void AllocationRelay::on_request(natsMsg* message) {
  requests_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(owed_mutex_);
    ++owed_;
  }
  const char* reply_to = natsMsg_GetReply(message);
  const std::string reply = reply_to == nullptr ? std::string() : std::string(reply_to);
  const std::string site = site_of_subject(natsMsg_GetSubject(message), options_.tenant);
  const std::string_view body(natsMsg_GetData(message),
                              static_cast<std::size_t>(natsMsg_GetDataLength(message)));
  std::string action;
  std::uint32_t round = 0;
  auto command = ordo::is_valid_id(site)
                     ? parse_request(site, body, now_us(), action, round)
                     : std::unexpected(std::string("not a store's claims subject"));
  natsMsg_Destroy(message);
  // Ordo answers only into the store's own inbox: a reply subject elsewhere (another store's
  // offers or inbox, which Ordo's user may publish on) is refused without an answer.
  if (!reply.empty() && ordo::is_valid_id(site) &&
      !reply.starts_with(nats::inbox_prefix(site) + ".")) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    std::cerr << "ordo: NATS: a request from " << site
              << " asked for its answer outside its inbox; refused\n";
    return settle();
  }
  if (!command && action == "pending" && ordo::is_valid_id(site)) {
    answer(reply, pending_offers(site));
    return settle();
  }
  if (!command) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    answer(reply, {{"result", "invalid"}, {"reason", command.error()}});
    return settle();
  }
  const std::string order_id = command->order_id;
  engine::Submission submission;
  if (action == "claim" || action == "decline") {
    submission.idempotency_key =
        "nats/" + site + "/" + order_id + "/" + action + "/" + std::to_string(round);
  }
  submission.actor = {eventstore::ActorKind::store, site};
  submission.command = std::move(*command);
  pipeline_.submit(std::move(submission),
                   [this, reply, action, order_id, round](engine::Answer decided) {
                     answer(reply, answer_of(decided, action, order_id, round));
                     settle();
                   });
}

}  // namespace ordo::adapters
