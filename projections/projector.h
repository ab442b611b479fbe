// The projector: follows the durable log and keeps Ordo's query models, and answers every read of
// them (projections/read_models.h). Each model lives in its own column family with its checkpoint
// written in the same batch as its data, so a model is never ahead of or behind its checkpoint.
//
// - Order views, the order index and promise accuracy are written at the end of each batch of
//   events and read from the store (binary values, rendered by the caller when queried).
// - Sellable figures and stock per site are answered from memory, the projector's own fold of the
//   log, and written to their families by difference at the end of a catch-up and when the
//   projector stops (for tools that read a stopped store; a crash leaves the last copy with its
//   own checkpoint, and the next start refolds the log).
//
// Every value is a function of the log alone (no clock), so a rebuild gives the same bytes. At
// start the projector folds the whole log into its own engine state and writes only past each
// model's checkpoint.
//
// Thread-safety: every read from any thread (they take a shared lock, or read the store); the
// projector applies events on its own thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "domain/sellable.h"
#include "engine/engine_state.h"
#include "eventstore/event_store.h"
#include "projections/promise_reads.h"
#include "projections/read_models.h"

namespace ordo::projections {

/// The projections' names (`ordo rebuild --projection NAME`), and the column families every store
/// opened by Ordo carries for them.
std::vector<std::string> projection_names();
std::vector<std::string> projection_families();

namespace internal {
struct ProjectorModels;
}

class Projector {
 public:
  /// Folds the log up to now, catches every model up to its end, then follows the log on a thread
  /// of its own (unless `follow` is false: tools, rebuild and tests).
  [[nodiscard]] static Result<std::unique_ptr<Projector>> start(eventstore::EventStore& store,
                                                                bool follow = true);
  /// Stops following and writes what the in-memory models hold beyond their checkpoints.
  ~Projector();
  Projector(const Projector&) = delete;
  Projector& operator=(const Projector&) = delete;

  /// Drops the named projections (all when empty) and replays the log into them. Error
  /// invalid_argument for an unknown name.
  [[nodiscard]] static Result<std::uint64_t> rebuild(eventstore::EventStore& store,
                                                     const std::vector<std::string>& names);

  /// The sellable figure of `sku` for `channel`; nullopt for an unknown SKU or channel.
  [[nodiscard]] std::optional<SellableFigure> sellable(std::string_view channel,
                                                       std::string_view sku) const;
  /// The breakdown behind the figure, site by site; nullopt for an unknown SKU.
  [[nodiscard]] std::optional<domain::sellable::Result> explain(std::string_view channel,
                                                                std::string_view sku) const;
  /// The stock of `sku` at `site_id`; nullopt when the site never held it.
  [[nodiscard]] std::optional<SiteStockView> site_stock(std::string_view site_id,
                                                        std::string_view sku) const;

  // Master data, from the state folded so far. A page lists records in id order. Errors:
  // invalid_argument naming an unknown filter field or value.
  [[nodiscard]] Result<MasterPage<SiteRecord>> sites(const MasterQuery& query) const;
  [[nodiscard]] std::optional<SiteRecord> site(std::string_view site_id) const;
  [[nodiscard]] Result<MasterPage<ItemRecord>> items(const MasterQuery& query) const;
  [[nodiscard]] std::optional<ItemRecord> item(std::string_view sku) const;
  [[nodiscard]] Result<MasterPage<BrandRecord>> brands(const MasterQuery& query) const;
  [[nodiscard]] std::optional<BrandRecord> brand(std::string_view brand_id) const;
  [[nodiscard]] Result<MasterPage<ChannelRecord>> channels(const MasterQuery& query) const;
  [[nodiscard]] std::optional<ChannelRecord> channel(std::string_view channel_id) const;

  /// An order with its view; nullopt for an unknown order. Errors: corruption, io_error.
  [[nodiscard]] Result<std::optional<OrderView>> order(std::string_view order_id) const;
  /// The events of an order's timeline, read from the log. Errors: corruption, io_error.
  [[nodiscard]] Result<std::vector<TimelineEntry>> timeline(const OrderView& view) const;
  /// A page of orders matching the search, oldest first. Errors: invalid_argument for an unknown
  /// field or a cursor of another search; corruption, io_error.
  [[nodiscard]] Result<OrderPage> search(const OrderSearch& search) const;
  /// The orders whose open round offers `site_id` and that it has not declined, oldest first, at
  /// most `limit`; `more` tells when there are others.
  [[nodiscard]] Result<std::vector<OrderView>> pending_offers(std::string_view site_id,
                                                              std::size_t limit, bool& more) const;
  /// The orders with lines `site_id` still holds (allocated, in preparation, prepared, waiting
  /// for pickup), oldest first, at most `limit`; `more` tells when there are others.
  [[nodiscard]] Result<std::vector<OrderView>> held_orders(std::string_view site_id,
                                                           std::size_t limit, bool& more) const;
  /// The fulfilments of promised orders in [from, to), at most `limit` (`truncated` tells).
  [[nodiscard]] Result<std::vector<AccuracyEntry>> accuracy(domain::Instant from,
                                                            domain::Instant to, std::size_t limit,
                                                            bool& truncated) const;

  /// The delivery options for a cart and a destination, from the state folded so far.
  [[nodiscard]] Result<PromiseAnswer> promise(const PromiseQuery& query) const;
  /// The open pickup points (relay shops) within `max_km` of `place` (0: the promise area's
  /// pickup_point_max_km, which `max_km` is set to), nearest first.
  [[nodiscard]] std::vector<domain::promise::NearbyRelay> pickup_points(domain::geo::Point place,
                                                                        std::int32_t& max_km,
                                                                        std::size_t limit,
                                                                        domain::Instant at) const;
  /// Public holidays for promises (carrier and site calendars); none until set.
  void set_holidays(domain::calendar::Holidays holidays) {
    promises_.set_holidays(std::move(holidays));
  }

  /// True once the projector stopped on an error (the query models no longer advance).
  [[nodiscard]] bool failed() const { return failed_.load(); }
  /// What keeps a stored query model from being read (found at start or by a read), or nullopt:
  /// /readyz is not ready while there is one.
  [[nodiscard]] std::optional<std::string> damaged() const;

  /// Reads every stored value of every projection and checks it decodes (RocksDB checks each
  /// block's checksum on the way): the number of values, or the first damaged one named with its
  /// projection, key and the command that repairs it. `ordo log verify` and the start run it.
  struct ModelCheck {
    std::uint64_t values = 0;
    std::string problem;  // empty: every value reads
    std::string model;    // the damaged projection
    // Projections absent, or built by another definition: not read, rebuilt at the next start.
    std::vector<std::string> rebuilt_at_start;
  };
  [[nodiscard]] static Result<ModelCheck> check_models(const eventstore::EventStore& store);
  /// Last log position applied to every query model.
  [[nodiscard]] std::uint64_t position() const { return position_.load(); }
  /// Waits until `position` is applied or `timeout` passes; returns the position reached.
  std::uint64_t wait_for(std::uint64_t position, std::chrono::milliseconds timeout) const;

 private:
  Result<std::vector<OrderView>> site_orders(
      std::string_view field, std::string_view site_id, std::size_t limit, bool& more,
      const std::function<bool(const OrderView&)>& keep) const;
  explicit Projector(eventstore::EventStore& store);
  Result<void> catch_up();
  Result<std::uint64_t> apply_batch(std::uint64_t from, std::uint64_t to);
  Result<void> apply_event(const eventstore::EventView& event);
  Result<void> end_batch(std::uint64_t last, bool flush_memory);
  void follow_loop();
  template <class T>
  Result<T> checked(Result<T> result, const char* models) const {
    if (!result && result.error().code == ErrorCode::corruption)
      note_damage(models, result.error().message);
    return result;
  }
  // Keeps what /readyz says (the model and the repair: no key, which may be a customer's e-mail)
  // and logs the detail.
  void note_damage(std::string_view models, const std::string& detail) const;

  eventstore::EventStore& store_;
  mutable std::shared_mutex state_mutex_;  // guards state_ and models_
  engine::EngineState state_;
  std::unique_ptr<internal::ProjectorModels> models_;
  mutable PromiseReads promises_;

  std::atomic<std::uint64_t> position_{0};
  mutable std::mutex position_mutex_;
  mutable std::condition_variable position_cv_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> failed_{false};
  mutable std::mutex damage_mutex_;
  mutable std::string damage_;
  std::thread thread_;
};

}  // namespace ordo::projections
