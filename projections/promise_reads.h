// Promises against the projector's state: the promise engine (domain/promise.h) fed with the
// site network, the `promise` configuration, public holidays, each SKU's sellable stock and
// expected receipts per site for the channel, and the preparations sites already took.
//
// The compiled network is rebuilt when sites or configuration change; each SKU's supply per
// channel is cached until an event touches that SKU. Both are rebuilt on the reading thread, so
// the projector thread only marks them stale.
//
// Thread-safety: compute() runs under the caller's shared lock on the state it reads;
// invalidations run under the exclusive one. An internal mutex guards the caches.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "domain/promise.h"
#include "engine/engine_state.h"

namespace ordo::projections {

struct PromiseLine {
  std::string sku;
  std::int64_t quantity = 0;
};

struct PromiseQuery {
  std::string channel;
  domain::promise::Destination destination;
  std::vector<PromiseLine> lines;
  domain::Instant at = 0;
  bool explain = false;
  std::string pickup_point;  // the relay the customer chose; "": the nearest
};

struct PromiseAnswer {
  domain::promise::Result result;
  std::string currency;
  std::uint64_t config_version = 0;  // of the `promise` area; 0: the built-in default
};

class PromiseReads {
 public:
  void set_holidays(domain::calendar::Holidays holidays);
  void invalidate_sku(const std::string& sku);
  void invalidate_all();

  /// Every option for the query. Errors: an unknown SKU or channel (not_found), a quantity below 1
  /// (invalid_argument).
  Result<PromiseAnswer> compute(const engine::EngineState& state, const PromiseQuery& query);
  /// The open pickup points within `max_km` of `place` (0: the promise area's
  /// pickup_point_max_km, which `max_km` is set to), nearest first, at most `limit`.
  std::vector<domain::promise::NearbyRelay> relays(const engine::EngineState& state,
                                                   domain::geo::Point place, std::int32_t& max_km,
                                                   std::size_t limit, domain::Instant at);

 private:
  using Supply = std::vector<domain::promise::SiteSupply>;
  std::shared_ptr<const domain::promise::Network> network(const engine::EngineState& state,
                                                          domain::Instant at);
  std::shared_ptr<const Supply> supply(const engine::EngineState& state,
                                       const domain::promise::Network& network,
                                       const std::string& sku, const std::string& channel);

  std::mutex mutex_;
  domain::calendar::Holidays holidays_;
  std::shared_ptr<const domain::promise::Network> network_;
  std::unordered_map<std::string, std::unordered_map<std::string, std::shared_ptr<const Supply>>>
      supply_;  // sku -> channel
};

}  // namespace ordo::projections
