// EngineState: every aggregate's current state and stream version, folded from the log in memory,
// one table per aggregate descriptor (engine/aggregates.h). The command pipeline decides against
// it; the projector keeps one of its own for the query models. Not thread-safe: one owner thread.
//
// Beside the aggregates it keeps what decisions look up on every order: the sites holding each
// SKU, each site's time zone, the preparations per site and day (domain/capacity.h), the open
// competitive rounds by deadline, and the inventory views in force.
#pragma once

#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "domain/calendar.h"
#include "domain/capacity.h"
#include "domain/fulfilment.h"
#include "domain/orchestration.h"
#include "engine/streams.h"

namespace ordo::engine {

namespace detail {
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>()(text);
  }
};
struct StockKeyHash {
  using is_transparent = void;
  std::size_t operator()(StockKeyView k) const {
    return std::hash<std::string_view>()(k.site_id) * 31 ^ std::hash<std::string_view>()(k.sku);
  }
  std::size_t operator()(const StockKey& k) const {
    return (*this)(StockKeyView{k.site_id, k.sku});
  }
};
struct StockKeyEqual {
  using is_transparent = void;
  static StockKeyView view(const StockKey& k) { return {k.site_id, k.sku}; }
  static StockKeyView view(StockKeyView k) { return k; }
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return view(a).site_id == view(b).site_id && view(a).sku == view(b).sku;
  }
};
template <class Key>
struct KeyTraits {
  using Hash = TextHash;
  using Equal = std::equal_to<>;
};
template <>
struct KeyTraits<StockKey> {
  using Hash = StockKeyHash;
  using Equal = StockKeyEqual;
};
}  // namespace detail

/// The states of one aggregate by key, each with its stream version. Lookups take key views and
/// build no string.
template <Aggregate A>
class Table {
 public:
  struct Entry {
    typename A::State state{};
    std::uint64_t version = 0;  // events folded into `state`
  };

  [[nodiscard]] const Entry* find(typename A::KeyView key) const {
    const auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
  }
  /// The entry of `key`, created empty when absent; `created` tells which. The entry and its
  /// stored key never move while the table lives (entries are never erased).
  std::pair<const typename A::Key&, Entry&> at(typename A::KeyView key, bool* created = nullptr) {
    auto it = entries_.find(key);
    if (created != nullptr) *created = it == entries_.end();
    if (it == entries_.end()) it = entries_.emplace(owned(key), Entry{}).first;
    return {it->first, it->second};
  }
  [[nodiscard]] const auto& entries() const { return entries_; }

 private:
  static typename A::Key owned(typename A::KeyView key) {
    if constexpr (std::is_same_v<typename A::Key, StockKey>)
      return StockKey{std::string(key.site_id), std::string(key.sku)};
    else
      return typename A::Key(key);
  }
  using Traits = detail::KeyTraits<typename A::Key>;
  std::unordered_map<typename A::Key, Entry, typename Traits::Hash, typename Traits::Equal>
      entries_;
};

class EngineState {
 public:
  /// Folds one event read from the log at `version` of `stream`. Error corruption when the stream
  /// is not one of the aggregate the event belongs to, or its version does not follow.
  Result<void> apply(std::string_view stream, const wire::DomainEvent& event,
                     std::uint64_t version);
  /// Folds one event of aggregate A decided by the pipeline: the stream's next version.
  template <Aggregate A>
  void apply(typename A::KeyView key, const typename A::Event& event);

  template <Aggregate A>
  [[nodiscard]] const Table<A>& table() const {
    return std::get<Table<A>>(tables_);
  }
  /// The version of A's stream for `key` (0: none yet).
  template <Aggregate A>
  [[nodiscard]] std::uint64_t version(typename A::KeyView key) const {
    const auto* entry = table<A>().find(key);
    return entry == nullptr ? 0 : entry->version;
  }

  // The states decisions read; nullptr when the aggregate does not exist.
  [[nodiscard]] const domain::site::State* site(std::string_view site_id) const;
  [[nodiscard]] const domain::catalog::State* item(std::string_view sku) const;
  [[nodiscard]] const domain::brand::State* brand(std::string_view brand_id) const;
  [[nodiscard]] const domain::channel::State* channel(std::string_view channel_id) const;
  /// Stock units reserved for open orders at a site, over every SKU. Walks every stock stream:
  /// for rare commands (closing a site) only.
  [[nodiscard]] std::int64_t reserved_at(std::string_view site_id) const;
  /// Units held at the site for competitive rounds still running.
  [[nodiscard]] std::int64_t held_at(std::string_view site_id) const;
  /// The orders holding a reservation (or a pre-order) at the site, in id order.
  [[nodiscard]] std::vector<std::string> orders_at(std::string_view site_id) const;
  [[nodiscard]] const domain::stock::State* stock(std::string_view site_id,
                                                  std::string_view sku) const;
  [[nodiscard]] const domain::order::State* order(std::string_view order_id) const;
  /// The state of one configuration area (never configured: version 0).
  [[nodiscard]] const domain::configuration::State& configuration(std::string_view area) const;
  [[nodiscard]] const domain::InventoryViews& inventory_views() const { return inventory_views_; }
  /// The orchestration rules in force: the area's document, or the built-in default rules.
  [[nodiscard]] const domain::orchestration::Rules& orchestration() const;
  [[nodiscard]] std::uint64_t orchestration_version() const {
    return configuration("orchestration").version;
  }

  /// Orders a site prepares on its local day `day` (days since the epoch).
  [[nodiscard]] std::int64_t preparations(std::string_view site_id, std::int64_t day) const {
    return capacity_.preparations(site_id, day);
  }
  /// The site's calendar day at `at`, in its time zone (UTC when unknown).
  [[nodiscard]] std::int64_t local_day(std::string_view site_id, domain::Instant at) const;
  /// Open competitive rounds by deadline: (deadline, order id).
  [[nodiscard]] const std::set<std::pair<domain::Instant, std::string>>& round_deadlines() const {
    return deadlines_;
  }
  /// Sites that have (or had) stock of `sku`, with that stock, in the order they first appeared.
  /// Borrowed from the state: valid while it lives.
  [[nodiscard]] std::span<const domain::fulfilment::Holding> holdings(std::string_view sku) const;
  [[nodiscard]] const auto& sites() const { return table<SiteAggregate>().entries(); }
  [[nodiscard]] const auto& items() const { return table<ItemAggregate>().entries(); }

 private:
  template <Aggregate A>
  void fold(const typename A::Key& key, typename Table<A>::Entry& entry, bool created,
            const typename A::Event& event);
  void on_site(std::string_view site_id, const domain::site::State& site, bool created);
  void on_order(std::string_view order_id, const std::optional<domain::Instant>& deadline_before,
                const domain::order::Event& event, const domain::order::State& after);

  template <class Aggregates>
  struct TablesOf;
  template <class... A>
  struct TablesOf<std::tuple<A...>> {
    using type = std::tuple<Table<A>...>;
  };
  typename TablesOf<EngineAggregates>::type tables_;
  domain::InventoryViews inventory_views_;
  domain::capacity::Ledger capacity_;
  std::unordered_map<std::string, std::vector<domain::fulfilment::Holding>, detail::TextHash,
                     std::equal_to<>>
      holdings_;
  std::unordered_map<std::string, domain::calendar::TimeZone, detail::TextHash, std::equal_to<>>
      site_zones_;
  std::set<std::pair<domain::Instant, std::string>> deadlines_;
};

}  // namespace ordo::engine
