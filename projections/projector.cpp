#include <pthread.h>
#include "projections/projector.h"

#include <iostream>
#include <map>
#include <set>

#include "projections/query_models.h"

namespace ordo::projections {
namespace {

constexpr std::size_t kBatchEventsMax = 4096;

enum Model : std::size_t { kSellable = 0, kOrderView = 1, kOrderIndex = 2, kSiteStock = 3, kPromiseAccuracy = 4 };
constexpr std::size_t kModels = std::size(kProjections);

// Keeps the last write of each key: one append often touches an order's view or a SKU's figure
// several times, and every memtable insert costs.
void deduplicate(std::vector<eventstore::ProjectionWrite>& writes) {
  std::unordered_map<std::string, std::size_t> last;
  last.reserve(writes.size());
  for (std::size_t i = 0; i < writes.size(); ++i) {
    last[writes[i].family + '\0' + writes[i].key] = i;
  }
  if (last.size() == writes.size()) return;
  std::vector<eventstore::ProjectionWrite> kept;
  kept.reserve(last.size());
  for (std::size_t i = 0; i < writes.size(); ++i) {
    if (last[writes[i].family + '\0' + writes[i].key] == i) kept.push_back(std::move(writes[i]));
  }
  writes = std::move(kept);
}

eventstore::EventView view_of(const eventstore::RecordedEvent& e) {
  return {e.position,       e.stream,         e.stream_version, e.type,
          e.schema_version, e.recorded_at_us, e.correlation_id, e.causation_id,
          e.actor.kind,     e.actor.id,       e.payload};
}

}  // namespace

std::vector<std::string> projection_families() {
  std::vector<std::string> families;
  for (const auto& p : kProjections) families.emplace_back(p.family);
  return families;
}

Projector::Projector(eventstore::EventStore& store) : store_(store) {}

Result<std::unique_ptr<Projector>> Projector::start(eventstore::EventStore& store, bool follow) {
  std::unique_ptr<Projector> projector(new Projector(store));
  for (const auto& p : kProjections) {
    auto checkpoint = store.projection_checkpoint(p.family);
    if (!checkpoint) return std::unexpected(checkpoint.error());
    projector->checkpoints_[p.name] = *checkpoint;
  }
  if (auto caught_up = projector->catch_up(); !caught_up) {
    return std::unexpected(caught_up.error());
  }
  if (follow) {
    projector->thread_ = std::thread([p = projector.get()] {
      pthread_setname_np(pthread_self(), "ordo-projector");
      p->follow_loop();
    });
  }
  return projector;
}

Projector::~Projector() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

// Catches up on borrowed views of the log (no copies), then hands over to a subscription.
Result<void> Projector::catch_up() {
  const std::uint64_t target = store_.durable_position();
  while (position_.load() < target) {
    const std::uint64_t from = position_.load() + 1;
    const std::uint64_t to = std::min<std::uint64_t>(target, from + kBatchEventsMax - 1);
    auto applied = apply_batch([&](const Visitor& visit) { return store_.for_each(from, to, visit); });
    if (!applied) return std::unexpected(applied.error());
    if (*applied == 0) break;
  }
  subscription_ = store_.subscribe(position_.load() + 1);
  return {};
}

void Projector::follow_loop() {
  while (!stopping_.load()) {
    auto events = subscription_->next(kBatchEventsMax, std::chrono::milliseconds(100));
    if (events && events->empty()) continue;
    auto applied = events ? apply_batch([&](const Visitor& visit) -> Result<std::uint64_t> {
      for (const auto& e : *events) {
        if (!visit(view_of(e))) break;
      }
      return events->size();
    }) : Result<std::uint64_t>(std::unexpected(events.error()));
    if (!applied) {
      // Queries keep answering from the last good state; the process must be looked at.
      std::cerr << "ordo: projections stopped: " << applied.error().to_string() << "\n";
      failed_ = true;
      return;
    }
  }
}

// What a batch changed, rendered once at its end: one append often touches an order and its
// stock several times, and each rendering costs. A SKU's figure is computed at the time of the
// last event that touched it, so live batches and a rebuild's batches end on the same bytes.
struct BatchWork {
  std::unordered_map<std::string, std::set<std::string>> orders_before;  // index keys before the batch
  std::set<std::string> order_views;
  std::set<std::pair<std::string, std::string>> site_stock;
  std::map<std::string, domain::Instant> skus;  // sellable, with the time to compute at
};

Result<std::uint64_t> Projector::apply_batch(const Feed& feed) {
  std::vector<eventstore::ProjectionWrite> writes;
  std::uint64_t checkpoint[kModels];
  for (std::size_t m = 0; m < kModels; ++m) checkpoint[m] = checkpoints_[kProjections[m].name];
  BatchWork work;
  std::uint64_t first = 0, last = 0;
  std::optional<Error> problem;
  std::unique_lock lock(state_mutex_);
  auto fed = feed([&](const eventstore::EventView& e) {
    if (first == 0) first = e.position;
    last = e.position;
    const auto kind = wire::kind_of(e.type);
    if (kind == wire::TypeKind::unknown) {
      problem = wire::unknown_type_error(e.position, e.type);
      return false;
    }
    if (kind != wire::TypeKind::domain) return true;
    auto decoded = wire::decode(e.type, e.schema_version, e.payload);
    if (!decoded) {
      problem = Error{decoded.error().code,
                      "position " + std::to_string(e.position) + ": " + decoded.error().message};
      return false;
    }
    auto writes_for = [&](Model m) { return e.position > checkpoint[m]; };
    const auto order_id = models::order_of(e.stream, *decoded);
    const bool order_event = std::holds_alternative<domain::order::Event>(*decoded);
    if (order_id && order_event && writes_for(kOrderIndex) &&
        !work.orders_before.contains(*order_id)) {
      const auto* s = state_.order(*order_id);
      work.orders_before.emplace(*order_id, s != nullptr ? models::index_keys(*s) : std::set<std::string>{});
    }
    std::vector<std::string> channels_before;
    const bool config_event = std::holds_alternative<domain::configuration::Event>(*decoded);
    if (config_event) {
      for (const auto& view : state_.inventory_views().channels) channels_before.push_back(view.channel);
    }
    if (auto applied = state_.apply(e.stream, *decoded, e.stream_version); !applied) {
      problem = Error{applied.error().code, "position " + std::to_string(e.position) + ": " + applied.error().message};
      return false;
    }
    if (config_event) {
      std::erase_if(channels_before, [&](const std::string& c) { return state_.inventory_views().find(c) != nullptr; });
      models::drop_channels(channels_before, sellable_, writes_for(kSellable) ? &writes : nullptr);
    }
    if (order_id && state_.order(*order_id) != nullptr && writes_for(kOrderView)) {
      models::order_timeline_write(e, *decoded, *order_id, writes);
      work.order_views.insert(*order_id);
    }
    if (order_id && writes_for(kPromiseAccuracy)) {
      if (const auto* o = state_.order(*order_id)) models::promise_accuracy_write(e, *decoded, *o, writes);
    }
    if (auto stock = engine::parse_stream<engine::StockAggregate>(e.stream)) {
      std::pair<std::string, std::string> ids{stock->site_id, stock->sku};
      if (writes_for(kSiteStock)) work.site_stock.insert(ids);
      work.skus[ids.second] = e.recorded_at_us;
      promises_.invalidate_sku(ids.second);
    } else if (auto item_sku = engine::parse_stream<engine::ItemAggregate>(e.stream)) {
      work.skus[std::string(*item_sku)] = e.recorded_at_us;
      promises_.invalidate_sku(std::string(*item_sku));
    } else if (config_event || std::holds_alternative<domain::site::Event>(*decoded)) {
      for (const auto& [sku, item] : state_.items()) work.skus[sku] = e.recorded_at_us;
      promises_.invalidate_all();
    }
    return true;
  });
  if (!fed) return std::unexpected(fed.error());
  if (problem) return std::unexpected(*problem);
  if (last == 0) return 0;
  for (const auto& [order_id, before] : work.orders_before) {
    if (const auto* after = state_.order(order_id)) {
      models::order_index_writes(before, *after, writes);
    }
  }
  for (const auto& order_id : work.order_views) {
    models::order_view_write(order_id, *state_.order(order_id), writes);
  }
  for (const auto& [site_id, sku] : work.site_stock) {
    if (const auto* s = state_.stock(site_id, sku)) models::site_stock_writes(site_id, sku, *s, writes);
  }
  const bool sellable_writes = last > checkpoint[kSellable];
  // Straddling the checkpoint (a restart): memory was folded from events whose figures were
  // stored earlier, so "unchanged from memory" does not mean "unchanged from what is stored".
  const bool straddles = sellable_writes && first <= checkpoint[kSellable];
  for (const auto& [sku, at] : work.skus) {
    models::sellable_writes(state_, sku, at, sellable_, sellable_writes ? &writes : nullptr, straddles);
  }
  lock.unlock();
  deduplicate(writes);
  std::vector<std::pair<std::string, std::uint64_t>> advanced;
  for (const auto& p : kProjections) {
    if (last > checkpoints_[p.name]) advanced.emplace_back(p.family, last);
  }
  if (!advanced.empty()) {
    if (auto committed = store_.commit_projection(advanced, writes); !committed) {
      return std::unexpected(committed.error());
    }
    for (const auto& p : kProjections) checkpoints_[p.name] = std::max(checkpoints_[p.name], last);
  }
  {
    std::lock_guard guard(position_mutex_);
    position_.store(last);
  }
  position_cv_.notify_all();
  return *fed;
}

std::optional<SellableFigure> Projector::sellable(std::string_view channel,
                                                  std::string_view sku) const {
  const auto key = models::sellable_key(sku, channel);
  std::shared_lock lock(state_mutex_);
  auto it = sellable_.find(key);
  if (it == sellable_.end()) return std::nullopt;
  return it->second;
}

std::optional<domain::sellable::Result> Projector::explain(std::string_view channel,
                                                           std::string_view sku) const {
  std::shared_lock lock(state_mutex_);
  const auto* item = state_.item(sku);
  if (item == nullptr) return std::nullopt;
  std::vector<domain::sellable::SiteStock> stocks;
  for (const auto& site_id : state_.sites_with(sku)) {
    const auto* site = state_.site(site_id);
    const auto* stock_state = state_.stock(site_id, sku);
    if (site != nullptr && stock_state != nullptr) stocks.push_back({site_id, &site->profile, stock_state});
  }
  domain::Instant now = 0;
  if (auto last = store_.read_all(position_.load(), 1); last && !last->empty()) {
    now = last->front().recorded_at_us;
  }
  return domain::sellable::compute(state_.inventory_views(), channel, item->item, stocks, now);
}

Result<PromiseAnswer> Projector::promise(const PromiseQuery& query) const {
  std::shared_lock lock(state_mutex_);
  return promises_.compute(state_, query);
}

std::uint64_t Projector::wait_for(std::uint64_t position, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(position_mutex_);
  position_cv_.wait_for(lock, timeout, [&] { return position_.load() >= position; });
  return position_.load();
}

Result<std::uint64_t> Projector::rebuild(eventstore::EventStore& store,
                                         const std::vector<std::string>& names) {
  for (const auto& name : names) {
    const bool known = std::any_of(std::begin(kProjections), std::end(kProjections),
                                   [&](const auto& p) { return name == p.name; });
    if (!known) return fail(ErrorCode::invalid_argument, "unknown projection '" + name + "'");
  }
  for (const auto& p : kProjections) {
    const bool selected =
        names.empty() || std::find(names.begin(), names.end(), p.name) != names.end();
    if (!selected) continue;
    if (auto cleared = store.clear_projection(p.family); !cleared) {
      return std::unexpected(cleared.error());
    }
  }
  auto projector = start(store, /*follow=*/false);
  if (!projector) return std::unexpected(projector.error());
  return (*projector)->position();
}

}  // namespace ordo::projections
