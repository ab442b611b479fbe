// The engine's decisions: each command through its aggregate's decider, or through the order
// process (domain/fulfilment.h) for orders and stock movements, against the engine state. Plumbing
// only: gather facts, call the domain, name the streams and the versions to append at.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "base/result.h"
#include "domain/brand.h"
#include "domain/catalog.h"
#include "domain/channel.h"
#include "domain/configuration.h"
#include "domain/order.h"
#include "domain/site.h"
#include "domain/stock.h"
#include "engine/engine_state.h"
#include "engine/facts.h"

namespace ordo::engine {

/// A stock movement for a SKU at a site (from a feed or the API).
struct StockCommand {
  std::string site_id;
  std::string sku;
  domain::stock::Command command;
};
/// An action on an existing order.
struct OrderCommand {
  std::string order_id;
  domain::order::Command command;
};
using Command =
    std::variant<domain::site::Command, domain::catalog::Command, StockCommand,
                 domain::order::PlaceOrder, OrderCommand, domain::configuration::Command,
                 domain::brand::Command, domain::channel::Command>;

/// The events one command appends to one stream, and the version the stream is at before them.
struct Change {
  std::string stream;
  std::uint64_t version = 0;
  std::vector<wire::DomainEvent> events;
};
/// Every stream a command changes, each once; empty: nothing to do (already done).
using Changes = std::vector<Change>;

/// Decides `command` against `state`. Pure (no I/O); the pipeline appends what it returns.
[[nodiscard]] Result<Changes, domain::Rejection> decide(const EngineState& state,
                                                        const Command& command,
                                                        const Locator& locate);

}  // namespace ordo::engine
