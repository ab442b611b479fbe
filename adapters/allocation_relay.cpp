#include "adapters/allocation_relay.h"

#include <pthread.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "adapters/allocation_protocol.h"

namespace ordo::adapters {
namespace {

using nlohmann::json;

domain::Instant now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

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
  relay->subscription_ = store.subscribe(*cursor + 1, protocol::relayed_types());
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

// Publishes what a batch of relayed events says to stores, and waits for the server to have it.
// An event that does not decode stops the relay at its position, like the engine: skipping it
// would lose the messages it owes.
Result<void> AllocationRelay::relay_batch(const std::vector<eventstore::RecordedEvent>& events) {
  std::vector<protocol::StoreMessage> messages;
  if (auto built = protocol::messages_for(store_, events, messages); !built) return built;
  for (const auto& m : messages) {
    const auto subject = nats::offers_subject(options_.tenant, m.site);
    if (auto sent = connection_.publish(subject, m.body); !sent) return sent;
  }
  if (!messages.empty()) {
    if (auto flushed = connection_.flush(2000); !flushed) return flushed;
  }
  published_.fetch_add(messages.size());
  return {};
}

Result<engine::OrderCommand, std::string> AllocationRelay::parse_request(std::string_view site_id,
                                                                         std::string_view body,
                                                                         domain::Instant now,
                                                                         std::string& action,
                                                                         std::uint32_t& round) {
  return protocol::parse_request(site_id, body, now, action, round);
}

namespace {

// The store a claims subject names (ordo.<tenant>.store.<site>.claims), or "".
std::string site_of_subject(std::string_view subject, const std::string& tenant) {
  const std::string prefix = "ordo." + tenant + ".store.";
  if (!subject.starts_with(prefix) || !subject.ends_with(".claims")) return {};
  return nats::site_of_token(subject.substr(prefix.size(), subject.size() - prefix.size() - 7));
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
  auto request = ordo::is_valid_id(site)
                     ? protocol::request_of(site, body, now_us())
                     : std::unexpected(
                           json{{"result", "invalid"}, {"reason", "not a store's claims subject"}});
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
  if (!request) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    answer(reply, request.error());
    return settle();
  }
  if (request->action == "pending") {
    answer(reply, protocol::pending_offers(store_, projector_, site));
    return settle();
  }
  auto submission = std::move(request->submission);
  pipeline_.submit(std::move(submission),
                   [this, reply, request = std::move(*request)](engine::Answer decided) {
                     answer(reply, protocol::answer_of(decided, request));
                     settle();
                   });
}

}  // namespace ordo::adapters
