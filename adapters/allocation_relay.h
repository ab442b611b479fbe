// Competitive allocation over NATS (DESIGN.md, "Competitive allocation"): the relay that tells
// stores about rounds, and the service that takes their claims. What the messages say is the
// protocol's (allocation_protocol.h); this file carries them over NATS.
//
// Relay: follows the committed log from its cursor (a consumer checkpoint in the event store) and,
// for each OfferRoundOpened, publishes an offer on each candidate store's subject; for each
// OfferClaimed, "won" to the winner and "withdrawn" to the others; for each OfferRoundClosed,
// "withdrawn" with the reason; for each LinesCancelled, "cancelled" to each store holding
// cancelled lines. The cursor advances only after the server has every message of a
// batch (a flush), so a crash or a NATS outage re-sends rather than loses: delivery is at least
// once, and stores recognise an offer by (order_id, round).
//
// Claims: request/reply on each store's claims subject. The store is the one the subject names
// (the server lets a store publish only there); a body naming another site is refused, and so is
// a reply subject outside the store's own inbox (_INBOX.<site>.). Each
// request becomes a pipeline command, and the reply ("won", "lost", "expired", "declined", "ok",
// "invalid", "retry") is sent only once the decision is durable: the pipeline, not NATS, decides
// who wins.
//
// Messages (JSON):
//   offer     {"type":"offer","order_id","round","deadline_us","opened_at_us","channel",
//              "delivery_method","delivery":{"postcode","city","country"},
//              "lines":[{"line","sku","quantity"}],"position"}
//   won       {"type":"won","order_id","round","position"}
//   withdrawn {"type":"withdrawn","order_id","round","reason":"claimed_by_another_site"|"expired"|
//              "all_declined"|"withdrawn","position"}
//   released  {"type":"released","order_id","lines","reason","position"}: the store no longer has
//              these lines (it gave them back, or customer service moved them)
//   cancelled {"type":"cancelled","order_id","lines","reason","position"}: these lines the store
//              holds were cancelled (do not prepare them)
//   request   {"action":"claim"|"decline"|"release"|"start_preparation"|"prepared","order_id",
//              "round"(claim, decline),"reason"(decline, release),"stock_missing"(release),
//              "ready_for_pickup"(prepared: a click-and-collect order waits at the
//              counter),"site"?}
//   reply     {"result","order_id","round"?,"reason"?,"position"?}
//   request   {"action":"pending"}: reply {"result":"ok","offers":[offer...],"more","held":
//              [{"order_id","lines"}],"more_held","position"}: the offers the store may still
//              claim and the lines it still holds, as of log position `position` (a message about
//              a line with a lower position is older than this list). NATS keeps no message for a
//              store that is away (core NATS has no persistence), so a store asks for them when it
//              connects and reconnects.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "adapters/nats.h"
#include "engine/pipeline.h"
#include "eventstore/event_store.h"
#include "projections/projector.h"

namespace ordo::adapters {

struct RelayOptions {
  std::string tenant = "main";
  std::string consumer = "nats_allocation_relay";  // the cursor's checkpoint name
  std::size_t batch_max = 512;
};

struct RelayStats {
  std::uint64_t cursor = 0;
  std::uint64_t published = 0;
  std::uint64_t resends = 0;   // batches sent again after a failed flush
  std::uint64_t requests = 0;  // store requests received
  std::uint64_t refused = 0;   // malformed or forged requests
};

class AllocationRelay {
 public:
  /// Starts the relay thread and the claims subscription on `connection`, which must outlive the
  /// relay; so must `store`, `pipeline` and `projector` (a store's pending offers are listed
  /// from its query models).
  static Result<std::unique_ptr<AllocationRelay>> start(eventstore::EventStore& store,
                                                        engine::Pipeline& pipeline,
                                                        const projections::Projector& projector,
                                                        nats::Connection& connection,
                                                        RelayOptions options = {});
  /// Stops taking requests, waits for the replies still owed, stops the relay thread.
  ~AllocationRelay();
  AllocationRelay(const AllocationRelay&) = delete;
  AllocationRelay& operator=(const AllocationRelay&) = delete;

  RelayStats stats() const;

  /// The request's command for `site`, or why it is refused (exposed for tests).
  static Result<engine::OrderCommand, std::string> parse_request(std::string_view site_id,
                                                                 std::string_view body,
                                                                 domain::Instant now,
                                                                 std::string& action,
                                                                 std::uint32_t& round);

 private:
  AllocationRelay(eventstore::EventStore& store, engine::Pipeline& pipeline,
                  const projections::Projector& projector, nats::Connection& connection,
                  RelayOptions options);
  void relay_loop();
  Result<void> relay_batch(const std::vector<eventstore::RecordedEvent>& events);
  void on_request(natsMsg* message);
  void answer(const std::string& reply, const nlohmann::json& body);
  void settle();
  friend void on_claims_message(natsConnection*, natsSubscription*, natsMsg*, void*);
  friend void on_claims_closed(void*);

  eventstore::EventStore& store_;
  engine::Pipeline& pipeline_;
  const projections::Projector& projector_;
  nats::Connection& connection_;
  RelayOptions options_;
  std::unique_ptr<eventstore::Subscription> subscription_;
  natsSubscription* claims_ = nullptr;
  std::thread thread_;
  std::atomic<bool> stopping_{false};

  std::atomic<std::uint64_t> cursor_{0};
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> resends_{0};
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> refused_{0};
  std::mutex owed_mutex_;
  std::condition_variable owed_cv_;
  std::size_t owed_ = 0;        // replies still to send
  bool claims_closed_ = false;  // the claims subscription delivers nothing more
};

}  // namespace ordo::adapters
