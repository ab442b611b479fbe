// The competitive allocation protocol between Ordo and its stores, apart from the transport: what
// the log tells each store (offers, won, withdrawn, released), how a store's request becomes a
// pipeline command, and how the pipeline's decision is answered. The NATS relay
// (allocation_relay.h) carries these messages; the deterministic simulation of allocation
// (tests/sim/) carries them over a simulated network, so both run the same protocol.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/pipeline.h"
#include "eventstore/event_store.h"
#include "projections/projector.h"

namespace ordo::adapters::protocol {

/// The event types that send something to a store.
const std::vector<std::string>& relayed_types();

/// One message to one store.
struct StoreMessage {
  std::string site;
  std::string body;
};

/// Appends to `out` what a batch of committed events tells the stores, in log order. An event
/// that does not decode is an error naming its position: skipping it would lose its messages.
Result<void> messages_for(const eventstore::EventStore& store,
                          const std::vector<eventstore::RecordedEvent>& events,
                          std::vector<StoreMessage>& out);

/// A store's request, read.
struct StoreRequest {
  std::string action;  // claim, decline, release, start_preparation, prepared, pending
  std::string order_id;
  std::uint32_t round = 0;        // claim, decline
  engine::Submission submission;  // unset for pending, which is answered without a command
};

/// The request `site` sent (`body`, at `now`), or the reason it is refused.
Result<engine::OrderCommand, std::string> parse_request(std::string_view site_id,
                                                        std::string_view body, domain::Instant now,
                                                        std::string& action, std::uint32_t& round);

/// The request as a submission to the pipeline (claims and declines carry an idempotency key, so
/// a store's retry gets the first answer), or the answer that refuses it ({"result":"invalid"}).
Result<StoreRequest, nlohmann::json> request_of(std::string_view site_id, std::string_view body,
                                                domain::Instant now);

/// The answer to a store for the pipeline's decision on its request.
nlohmann::json answer_of(const engine::Answer& answer, const StoreRequest& request);

/// What `site` should know after an absence, from the projector's order index once it has reached
/// what is durable: the offers it may still claim and the lines it still holds (allocated, in
/// preparation, prepared, waiting for pickup; what it won, or was given directly), as of log
/// `position`: {"result":"ok","offers":[...],"more","held":[{"order_id","lines"}],"more_held",
/// "position"}, or {"result":"retry","reason"} while the query models are behind the log.
nlohmann::json pending_offers(const eventstore::EventStore& store,
                              const projections::Projector& projector, const std::string& site);

}  // namespace ordo::adapters::protocol
