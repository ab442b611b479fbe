// The projector: follows the durable log and keeps Ordo's query models current, each in its own
// column family with its checkpoint written in the same batch.
//
//   sellable_stock  "proj_sellable"     <sku>\0<channel> -> total, now, future (3 x u64 BE);
//                                       also held in memory for in-process lookups
//   order_view      "proj_orders"       <order>\0view -> JSON status of the order and its lines
//                                       <order>\0event\0<position u64 BE> -> JSON timeline entry
//   order_index     "proj_order_index"  <field>\0<value>\0<placed_at u64 BE>\0<order> -> ""
//                                       fields: customer, email, channel, status, site, date
//   site_stock      "proj_stock"        <site>\0<sku> -> JSON on hand, reserved, receipts
//   promise_accuracy "proj_promise_accuracy"  <fulfilled_at u64 BE>\0<order>\0<site> -> JSON
//                                       carrier, site, method, promised and actual times, kept
//
// Every value is a function of the log alone (no clock, sorted JSON keys), so a rebuild gives the
// same bytes. At start the projector folds the whole log into its own EngineState and writes only
// past each projection's checkpoint.
//
// Thread-safety: queries from any thread; the projector applies events on its own thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "domain/sellable.h"
#include "eventstore/event_store.h"
#include "engine/engine_state.h"
#include "projections/promise_reads.h"

namespace ordo::projections {

inline constexpr const char* kSellableFamily = "proj_sellable";
inline constexpr const char* kOrdersFamily = "proj_orders";
inline constexpr const char* kOrderIndexFamily = "proj_order_index";
inline constexpr const char* kStockFamily = "proj_stock";
inline constexpr const char* kPromiseAccuracyFamily = "proj_promise_accuracy";

/// The projections by name (`ordo rebuild --projection NAME`) with their column families.
struct ProjectionInfo {
  const char* name;
  const char* family;
};
inline constexpr ProjectionInfo kProjections[] = {{"sellable_stock", kSellableFamily},
                                                  {"order_view", kOrdersFamily},
                                                  {"order_index", kOrderIndexFamily},
                                                  {"site_stock", kStockFamily},
                                                  {"promise_accuracy", kPromiseAccuracyFamily}};
/// Column families every store opened by Ordo carries.
std::vector<std::string> projection_families();

struct SellableFigure {
  std::int64_t total = 0;
  std::int64_t now = 0;
  std::int64_t future = 0;
};

class Projector {
 public:
  /// Folds the log up to now, catches every projection up to its end, then follows the log on a
  /// thread of its own (unless `follow` is false: rebuild and tests).
  static Result<std::unique_ptr<Projector>> start(eventstore::EventStore& store, bool follow = true);
  ~Projector();
  Projector(const Projector&) = delete;
  Projector& operator=(const Projector&) = delete;

  /// Drops the named projections (all when empty) and replays the log into them.
  static Result<std::uint64_t> rebuild(eventstore::EventStore& store,
                                       const std::vector<std::string>& names);

  /// In-memory sellable figure of `sku` for `channel`; nullopt when never computed.
  std::optional<SellableFigure> sellable(std::string_view channel, std::string_view sku) const;
  /// The breakdown behind the figure, recomputed from the projector's state.
  std::optional<domain::sellable::Result> explain(std::string_view channel,
                                                  std::string_view sku) const;

  /// The delivery options for a cart and a destination, from the state folded so far.
  Result<PromiseAnswer> promise(const PromiseQuery& query) const;
  /// Public holidays for promises (carrier and site calendars); none until set.
  void set_holidays(domain::calendar::Holidays holidays) { promises_.set_holidays(std::move(holidays)); }

  /// True once the projector stopped on an error (the query models no longer advance).
  bool failed() const { return failed_.load(); }

  /// Last log position applied to every projection.
  std::uint64_t position() const { return position_.load(); }
  /// Waits until `position` is applied or `timeout` passes; returns the position reached.
  std::uint64_t wait_for(std::uint64_t position, std::chrono::milliseconds timeout) const;

 private:
  explicit Projector(eventstore::EventStore& store);
  Result<void> catch_up();
  using Visitor = std::function<bool(const eventstore::EventView&)>;
  /// Feeds events in log order to a visitor; returns how many it fed.
  using Feed = std::function<Result<std::uint64_t>(const Visitor&)>;
  Result<std::uint64_t> apply_batch(const Feed& feed);
  void follow_loop();

  eventstore::EventStore& store_;
  mutable std::shared_mutex state_mutex_;  // guards state_ and sellable_
  engine::EngineState state_;
  std::unordered_map<std::string, SellableFigure> sellable_;  // key: <sku>\0<channel>
  mutable PromiseReads promises_;
  std::unordered_map<std::string, std::uint64_t> checkpoints_;  // by projection name
  std::unique_ptr<eventstore::Subscription> subscription_;

  std::atomic<std::uint64_t> position_{0};
  mutable std::mutex position_mutex_;
  mutable std::condition_variable position_cv_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> failed_{false};
  std::thread thread_;
  friend struct ProjectionWriter;
};

}  // namespace ordo::projections
