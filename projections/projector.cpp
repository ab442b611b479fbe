#include "projections/projector.h"

#include <pthread.h>

#include <gsl/assert>
#include <iostream>

#include "domain/fulfilment.h"
#include "projections/internal/order_index.h"
#include "projections/internal/projector_models.h"
#include "projections/internal/values.h"

namespace ordo::projections {
namespace {

using namespace internal;
namespace order = domain::order;

constexpr std::uint64_t kBatchEventsMax = 4096;
// Catching up (at start, or rebuilding) nobody waits for a batch: larger ones write an order's
// view once for many of its events.
constexpr std::uint64_t kCatchUpBatchEventsMax = 65536;

Error at_position(std::uint64_t position, const Error& error) {
  return Error{error.code, "position " + std::to_string(position) + ": " + error.message};
}

// The order a stock event concerns, through the reservation it names.
std::optional<std::string_view> order_of(const domain::stock::Event& event) {
  return std::visit(
      [](const auto& e) -> std::optional<std::string_view> {
        if constexpr (requires { e.reservation_id; })
          return domain::fulfilment::order_of_reservation(e.reservation_id);
        return std::nullopt;
      },
      event);
}

// The promise_accuracy entry of an order's fulfilment: a delivery (or, for click and collect, the
// order ready in store) of an order placed with a promise.
std::optional<AccuracyEntry> fulfilment_of(const order::Event& e, const order::State& o,
                                           domain::Instant recorded_at) {
  const auto& promise = o.placed.promise;
  if (promise.option_id.empty() || promise.promised_at == 0) return std::nullopt;
  const bool collect = o.placed.method == order::DeliveryMethod::click_and_collect;
  AccuracyEntry entry;
  if (const auto* d = std::get_if<order::OrderDelivered>(&e); d != nullptr && !collect) {
    entry.site = d->site_id;
    entry.fulfilled_at = d->delivered_at != 0 ? d->delivered_at : recorded_at;
  } else if (const auto* p = std::get_if<order::OrderPrepared>(&e);
             p != nullptr && collect && p->ready_for_pickup) {
    entry.site = p->site_id;
    entry.fulfilled_at = recorded_at;
  } else {
    return std::nullopt;
  }
  entry.order_id = o.placed.order_id;
  entry.channel = o.placed.channel;
  entry.option_id = promise.option_id;
  entry.carrier = promise.carrier.empty() ? std::string("collect") : promise.carrier;
  entry.promised_site = promise.site_id;
  entry.method = o.placed.method;
  entry.promised_at = promise.promised_at;
  entry.kept = entry.fulfilled_at <= promise.promised_at;
  return entry;
}

// The projection's checkpoint, after clearing it when another definition built it (stores from
// before definitions were recorded hold definition 1).
Result<std::uint64_t> current_checkpoint(eventstore::EventStore& store, const ProjectionInfo& p) {
  auto recorded = store.projection_definition(p.family);
  if (!recorded) return std::unexpected(recorded.error());
  if (*recorded == p.definition) return store.projection_checkpoint(p.family);
  if (std::max<std::uint64_t>(*recorded, 1) != p.definition) {
    auto checkpoint = store.projection_checkpoint(p.family);
    if (!checkpoint) return std::unexpected(checkpoint.error());
    if (*checkpoint != 0) {
      std::cerr << "ordo: projection " << p.name << " was built by definition "
                << std::max<std::uint64_t>(*recorded, 1) << "; rebuilding it with definition "
                << p.definition << " from the log\n";
    }
    if (auto cleared = store.clear_projection(p.family); !cleared)
      return std::unexpected(cleared.error());
  }
  if (auto set = store.set_projection_definition(p.family, p.definition); !set)
    return std::unexpected(set.error());
  return store.projection_checkpoint(p.family);
}

// Why one stored value of `family` does not read, or nullopt.
std::optional<std::string> value_problem(std::string_view family, std::string_view key,
                                         std::string_view value) {
  if (family == kSellableFamily) {
    if (!decode_sellable(value)) return "not a sellable figure (24 bytes)";
  } else if (family == kOrdersFamily) {
    if (auto view = decode_order_view(value); !view) return view.error().message;
  } else if (family == kOrderIndexFamily) {
    if (!value.empty()) return "an index entry holds a value";
  } else if (family == kStockFamily) {
    const auto zero = key.find('\0');
    if (zero == std::string_view::npos) return "a stock key without a site";
    auto stock = decode_site_stock(key.substr(0, zero), key.substr(zero + 1), value);
    if (!stock) return stock.error().message;
  } else if (family == kPromiseAccuracyFamily) {
    if (auto entry = decode_accuracy(value); !entry) return entry.error().message;
  }
  return std::nullopt;
}

}  // namespace

Result<Projector::ModelCheck> Projector::check_models(const eventstore::EventStore& store) {
  ModelCheck check;
  for (const auto& p : kProjections) {
    auto definition = store.projection_definition(p.family);
    if (!definition && definition.error().code != ErrorCode::invalid_argument)
      return std::unexpected(definition.error());
    if (!definition || std::max<std::uint64_t>(*definition, 1) != p.definition) {
      check.rebuilt_at_start.emplace_back(p.name);
      continue;
    }
    std::optional<std::string> problem;
    auto scanned =
        store.scan_projection(p.family, "", "", [&](std::string_view key, std::string_view value) {
          ++check.values;
          problem = value_problem(p.family, key, value);
          if (problem) {
            std::string printable;
            for (char c : key.substr(0, 80)) printable += c == '\0' ? '|' : c;
            problem = "key '" + printable + "': " + *problem;
          }
          return !problem;
        });
    if (!scanned && scanned.error().code != ErrorCode::corruption)
      return std::unexpected(scanned.error());
    if (!scanned) problem = scanned.error().message;
    if (problem) {
      check.model = p.name;
      check.problem = "projection " + std::string(p.name) + " is damaged: " + *problem +
                      "; repair it with `ordo rebuild --projection " + p.name +
                      "` (server stopped)";
      return check;
    }
  }
  return check;
}

std::optional<std::string> Projector::damaged() const {
  std::lock_guard lock(damage_mutex_);
  if (damage_.empty()) return std::nullopt;
  return damage_;
}

void Projector::note_damage(std::string_view models, const std::string& detail) const {
  std::lock_guard lock(damage_mutex_);
  if (!damage_.empty()) return;
  std::cerr << "ordo: query model " << models << " cannot be read: " << detail << "\n";
  damage_ = "query model " + std::string(models) +
            " cannot be read (the server log says where); repair it with `ordo rebuild "
            "--projection NAME` while the server is stopped";
}

std::vector<std::string> projection_names() {
  std::vector<std::string> names;
  for (const auto& p : kProjections) names.emplace_back(p.name);
  return names;
}

std::vector<std::string> projection_families() {
  std::vector<std::string> families;
  for (const auto& p : kProjections) families.emplace_back(p.family);
  return families;
}

Projector::Projector(eventstore::EventStore& store)
    : store_(store), models_(std::make_unique<ProjectorModels>()) {}

Result<std::unique_ptr<Projector>> Projector::start(eventstore::EventStore& store, bool follow) {
  std::unique_ptr<Projector> projector(new Projector(store));
  for (std::size_t m = 0; m < kModels; ++m) {
    auto checkpoint = current_checkpoint(store, kProjections[m]);
    if (!checkpoint) return std::unexpected(checkpoint.error());
    projector->models_->checkpoints[m] = *checkpoint;
  }
  if (auto caught_up = projector->catch_up(); !caught_up) return std::unexpected(caught_up.error());
  // A damaged query model keeps the server from saying it is ready (/readyz), not from starting:
  // what does not depend on it still answers, and the problem is named.
  auto models = check_models(store);
  if (!models) return std::unexpected(models.error());
  if (!models->problem.empty()) projector->note_damage(models->model, models->problem);
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
  store_.wake_waiters();  // the follower sees stopping_ now, not at its next timeout
  if (thread_.joinable()) thread_.join();
  if (failed_.load()) return;
  std::unique_lock lock(state_mutex_);
  if (auto written = end_batch(position_.load(), true); !written) {
    std::cerr << "ordo: projections: cannot write the in-memory models at stop: "
              << written.error().to_string() << "\n";
  }
}

// Folds the log in batches, each visited in place (no copies), up to the end at start; the
// in-memory models are written once at the end.
Result<void> Projector::catch_up() {
  const std::uint64_t target = store_.durable_position();
  while (position_.load() < target) {
    const std::uint64_t from = position_.load() + 1;
    auto applied =
        apply_batch(from, std::min<std::uint64_t>(target, from + kCatchUpBatchEventsMax - 1));
    if (!applied) return std::unexpected(applied.error());
    if (*applied == 0) break;
  }
  std::unique_lock lock(state_mutex_);
  return end_batch(position_.load(), true);
}

void Projector::follow_loop() {
  while (!stopping_.load()) {
    const std::uint64_t next = position_.load() + 1;
    if (store_.wait_for_position(next, std::chrono::milliseconds(100), stopping_) < next) {
      // Quiet: what the in-memory models hold is written once its interval has passed.
      std::unique_lock lock(state_mutex_);
      if (auto written = end_batch(position_.load(), false); !written) {
        std::cerr << "ordo: projections stopped: " << written.error().to_string() << "\n";
        failed_ = true;
        return;
      }
      continue;
    }
    auto applied = apply_batch(next, next + kBatchEventsMax - 1);
    if (!applied) {
      // Queries keep answering from the last good state; the process must be looked at.
      std::cerr << "ordo: projections stopped: " << applied.error().to_string() << "\n";
      failed_ = true;
      return;
    }
  }
}

// Applies the durable events in [from, to] and writes what they changed.
Result<std::uint64_t> Projector::apply_batch(std::uint64_t from, std::uint64_t to) {
  std::unique_lock lock(state_mutex_);
  std::optional<Error> problem;
  std::uint64_t last = 0;
  auto visited = store_.for_each(from, to, [&](const eventstore::EventView& e) {
    Expects(e.position == (last == 0 ? from : last + 1));  // the log has no gaps: none skipped
    if (auto applied = apply_event(e); !applied) {
      problem = applied.error();
      return false;
    }
    last = e.position;
    return true;
  });
  if (!visited) return std::unexpected(visited.error());
  if (problem) return std::unexpected(*problem);
  if (last == 0) return 0;
  if (auto written = end_batch(last, false); !written) return std::unexpected(written.error());
  return *visited;
}

// Folds one event and notes what it touches. Token, workload and obsolete events change no query
// model; an unknown type stops the projector with its position (a skipped event would leave the
// models behind the log).
Result<void> Projector::apply_event(const eventstore::EventView& e) {
  const auto kind = wire::kind_of(e.type);
  if (kind == wire::TypeKind::unknown)
    return std::unexpected(wire::unknown_type_error(e.position, e.type));
  if (kind != wire::TypeKind::domain) return {};
  auto decoded = wire::decode(e.type, e.schema_version, e.payload);
  if (!decoded) return std::unexpected(at_position(e.position, decoded.error()));
  auto& m = *models_;
  const auto* order_event = std::get_if<order::Event>(&*decoded);
  const auto order_key = order_event != nullptr
                             ? engine::parse_stream<engine::OrderAggregate>(e.stream)
                             : std::nullopt;
  if (order_key && m.past(kOrderIndex, e.position) && !m.orders.contains(*order_key)) {
    const auto* before = state_.order(*order_key);
    m.orders.emplace(std::string(*order_key),
                     before != nullptr ? index_keys(*before) : std::vector<std::string>{});
  }
  if (auto applied = state_.apply(e.stream, *decoded, e.stream_version); !applied) {
    return std::unexpected(at_position(e.position, applied.error()));
  }
  m.last_recorded_at = e.recorded_at_us;
  const auto touch_order = [&](std::string_view order_id) {
    auto timeline = m.timelines.find(order_id);
    if (timeline == m.timelines.end())
      timeline = m.timelines.emplace(std::string(order_id), std::vector<std::uint64_t>{}).first;
    timeline->second.push_back(e.position);
    if ((m.past(kOrderView, e.position) || m.past(kOrderIndex, e.position)) &&
        !m.orders.contains(order_id)) {
      m.orders.emplace(std::string(order_id), index_keys(*state_.order(order_id)));
    }
  };
  if (order_key) {
    touch_order(*order_key);
    const auto* o = state_.order(*order_key);
    if (m.past(kPromiseAccuracy, e.position)) {
      if (auto entry = fulfilment_of(*order_event, *o, e.recorded_at_us)) {
        m.writes.push_back({kPromiseAccuracyFamily,
                            accuracy_key(entry->fulfilled_at, entry->order_id, entry->site),
                            encode_accuracy(*entry)});
      }
    }
  } else if (const auto* stock_event = std::get_if<domain::stock::Event>(&*decoded)) {
    const auto key = *engine::parse_stream<engine::StockAggregate>(e.stream);
    if (auto order_id = order_of(*stock_event); order_id && state_.order(*order_id) != nullptr)
      touch_order(*order_id);
    m.sellable.stock_changed(state_, key.site_id, key.sku, e.recorded_at_us);
    if (m.past(kSiteStock, e.position))
      m.stock_touched.insert(engine::StockKey{std::string(key.site_id), std::string(key.sku)});
    promises_.invalidate_sku(std::string(key.sku));
  } else if (std::holds_alternative<domain::catalog::Event>(*decoded)) {
    const auto sku = *engine::parse_stream<engine::ItemAggregate>(e.stream);
    m.sellable.item_changed(state_, sku, e.recorded_at_us);
    promises_.invalidate_sku(std::string(sku));
  } else if (std::holds_alternative<domain::brand::Event>(*decoded) ||
             std::holds_alternative<domain::channel::Event>(*decoded)) {
    // Brands and channels change no figure: sellable stock follows the inventory views.
  } else {  // a site or a configuration area: every figure may change, and every promise
    m.sellable.reset(state_, e.recorded_at_us);
    promises_.invalidate_all();
  }
  return {};
}

namespace {

// The writes of the orders a batch touched: each view once, and the index keys it gained or lost.
void write_orders(ProjectorModels& m, const engine::EngineState& state, std::uint64_t last,
                  std::vector<eventstore::ProjectionWrite>& writes) {
  for (auto& [order_id, before] : m.orders) {
    const auto* o = state.order(order_id);
    if (o == nullptr) continue;
    if (m.past(kOrderView, last))
      writes.push_back({kOrdersFamily, order_id, encode_order_view(*o, m.timelines[order_id])});
    if (!m.past(kOrderIndex, last)) continue;
    const auto after = index_keys(*o);
    for (const auto& key : before) {
      if (!std::binary_search(after.begin(), after.end(), key))
        writes.push_back({kOrderIndexFamily, key, std::nullopt});
    }
    for (const auto& key : after) {
      if (!std::binary_search(before.begin(), before.end(), key))
        writes.push_back({kOrderIndexFamily, key, std::string()});
    }
  }
  m.orders.clear();
}

// The writes of the in-memory models (sellable figures, stock per site) since they were last
// written, and the families whose checkpoints move with them.
void write_memory(ProjectorModels& m, const engine::EngineState& state, std::uint64_t last,
                  std::vector<eventstore::ProjectionWrite>& writes,
                  std::vector<std::pair<std::string, std::uint64_t>>& advanced) {
  auto changes = m.sellable.take_changes();
  if (m.past(kSellable, last)) {
    const auto& kept = m.sellable.channels();
    for (const auto& sku : changes.skus) {
      for (const auto& channel : kept) {
        if (auto figure = m.sellable.figure(channel, sku)) {
          writes.push_back({kSellableFamily, sellable_key(sku, channel), encode_sellable(*figure)});
        }
      }
    }
    for (const auto& channel : changes.dropped_channels) {
      if (std::find(kept.begin(), kept.end(), channel) != kept.end()) continue;
      for (const auto& [sku, item] : state.items())
        writes.push_back({kSellableFamily, sellable_key(sku, channel), std::nullopt});
    }
    advanced.emplace_back(kSellableFamily, last);
  }
  if (m.past(kSiteStock, last)) {
    for (const auto& key : m.stock_touched) {
      if (const auto* s = state.stock(key.site_id, key.sku)) {
        writes.push_back(
            {kStockFamily, site_stock_key(key.site_id, key.sku), encode_site_stock(*s)});
      }
    }
    advanced.emplace_back(kStockFamily, last);
  }
  m.stock_touched.clear();
}

}  // namespace

// Writes what the batch ending at `last` changed: order views and their index keys now; the
// in-memory models (sellable figures, stock per site) only when `flush_memory`, at the end of the
// catch-up and at stop. They are served from memory and refolded from the log at every start, so
// their copy on disk is for tools that read a stopped store; written while orders flow, it cost
// 100,000 memtable inserts a second, and the log's appends waited behind them in RocksDB's one
// write queue. Each model's checkpoint moves with its data, in one write.
Result<void> Projector::end_batch(std::uint64_t last, bool flush_memory) {
  auto& m = *models_;
  m.sellable.settle(state_);
  auto writes = std::move(m.writes);
  m.writes.clear();
  write_orders(m, state_, last, writes);
  std::vector<std::pair<std::string, std::uint64_t>> advanced;
  for (const Model model : {kOrderView, kOrderIndex, kPromiseAccuracy}) {
    if (m.past(model, last)) advanced.emplace_back(kProjections[model].family, last);
  }
  if (flush_memory) write_memory(m, state_, last, writes, advanced);
  if (!advanced.empty()) {
    if (auto committed = store_.commit_projection(advanced, writes); !committed)
      return std::unexpected(committed.error());
    for (const auto& [family, position] : advanced) {
      for (std::size_t i = 0; i < kModels; ++i) {
        if (family == kProjections[i].family) m.checkpoints[i] = position;
      }
    }
  }
  {
    std::lock_guard guard(position_mutex_);
    position_.store(last);
  }
  position_cv_.notify_all();
  return {};
}

namespace {
// The inventory view a channel sells from: its record's, or the view named like the channel.
std::string_view view_of(const engine::EngineState& state, std::string_view channel) {
  const auto* record = state.channel(channel);
  return record != nullptr ? std::string_view(record->channel.view_name()) : channel;
}
}  // namespace

std::optional<SellableFigure> Projector::sellable(std::string_view channel,
                                                  std::string_view sku) const {
  std::shared_lock lock(state_mutex_);
  return models_->sellable.figure(view_of(state_, channel), sku);
}

std::optional<domain::sellable::Result> Projector::explain(std::string_view channel,
                                                           std::string_view sku) const {
  std::shared_lock lock(state_mutex_);
  const auto* item = state_.item(sku);
  if (item == nullptr) return std::nullopt;
  std::vector<domain::sellable::SiteStock> stocks;
  for (const auto& h : state_.holdings(sku)) {
    if (h.site != nullptr) stocks.push_back({h.site_id, h.site, h.stock});
  }
  auto result = domain::sellable::compute(state_.inventory_views(), view_of(state_, channel),
                                          item->item, stocks, models_->last_recorded_at);
  result.channel = std::string(channel);
  return result;
}

std::optional<SiteStockView> Projector::site_stock(std::string_view site_id,
                                                   std::string_view sku) const {
  std::shared_lock lock(state_mutex_);
  const auto* stock = state_.stock(site_id, sku);
  if (stock == nullptr) return std::nullopt;
  return site_stock_view(site_id, sku, *stock);
}

Result<PromiseAnswer> Projector::promise(const PromiseQuery& query) const {
  std::shared_lock lock(state_mutex_);
  return promises_.compute(state_, query);
}

std::vector<domain::promise::NearbyRelay> Projector::pickup_points(domain::geo::Point place,
                                                                   std::int32_t& max_km,
                                                                   std::size_t limit,
                                                                   domain::Instant at) const {
  std::shared_lock lock(state_mutex_);
  return promises_.relays(state_, place, max_km, limit, at);
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
    if (auto cleared = store.clear_projection(p.family); !cleared)
      return std::unexpected(cleared.error());
  }
  auto projector = start(store, /*follow=*/false);
  if (!projector) return std::unexpected(projector.error());
  return (*projector)->position();
}

}  // namespace ordo::projections
