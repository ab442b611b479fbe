// The order process's stock sequence and the facts it leaves, shared by domain/fulfilment.cpp and
// domain/fulfilment_network.cpp (decisions reaching several orders).
#pragma once

#include <deque>
#include <map>
#include <optional>

#include "domain/fulfilment.h"

namespace ordo::domain::fulfilment::detail {

// Decides stock commands in sequence. A second command on one stock (two lines of one SKU at one
// site, a release then a correction) is decided against the stock as the first left it: a scratch
// copy, made only for a stock touched twice, since a busy stock holds many reservations.
class StockSequence {
 public:
  explicit StockSequence(const Facts& facts) : facts_(&facts) {}

  std::optional<Rejection> apply(std::string_view site_id, std::string_view sku,
                                 const stock::Command& command) {
    auto decided = stock::decide(command, current(site_id, sku));
    if (!decided) return decided.error();
    if (decided->empty()) return std::nullopt;
    Entry* entry = find(site_id, sku);
    if (entry == nullptr) {
      entry =
          &entries_.emplace_back(Entry{{std::string(site_id), std::string(sku), {}}, std::nullopt});
    } else if (entry->scratch) {
      for (const auto& e : *decided) entry->scratch = stock::evolve(std::move(*entry->scratch), e);
    }
    for (auto& e : *decided) entry->change.events.push_back(std::move(e));
    return std::nullopt;
  }

  /// The stock as the commands decided so far left it.
  const stock::State& current(std::string_view site_id, std::string_view sku) {
    const stock::State& committed = facts_->stock(site_id, sku);
    Entry* entry = find(site_id, sku);
    if (entry == nullptr) return committed;
    if (!entry->scratch) {
      entry->scratch = committed;
      for (const auto& e : entry->change.events)
        entry->scratch = stock::evolve(std::move(*entry->scratch), e);
    }
    return *entry->scratch;
  }

  std::vector<StockChange> take() {
    std::vector<StockChange> changes;
    changes.reserve(entries_.size());
    for (auto& entry : entries_) changes.push_back(std::move(entry.change));
    return changes;
  }

 private:
  struct Entry {
    StockChange change;
    std::optional<stock::State> scratch;
  };
  Entry* find(std::string_view site_id, std::string_view sku) {
    auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) {
      return e.change.site_id == site_id && e.change.sku == sku;
    });
    return it == entries_.end() ? nullptr : &*it;
  }

  const Facts* facts_;  // a pointer: a sequence is copied to try a decision and kept if it works
  std::deque<Entry> entries_;  // a deque: a stock current() returned stays where it is
};

// The facts as the decision so far left the stock: sourcing again after a release or a receipt
// sees the units they freed or brought.
class SequenceFacts final : public Facts {
 public:
  SequenceFacts(const Facts& base, StockSequence& sequence) : base_(base), sequence_(&sequence) {}
  const order::State* order(std::string_view id) const override { return base_.order(id); }
  const stock::State& stock(std::string_view site_id, std::string_view sku) const override {
    return sequence_->current(site_id, sku);
  }
  const site::Profile* site(std::string_view id) const override { return base_.site(id); }
  const catalog::Item* item(std::string_view sku) const override { return base_.item(sku); }
  const InventoryViews& inventory_views() const override { return base_.inventory_views(); }
  const channel::Channel* channel(std::string_view id) const override { return base_.channel(id); }
  const orchestration::Rules& rules() const override { return base_.rules(); }
  std::uint64_t rules_version() const override { return base_.rules_version(); }
  std::span<const Holding> holdings(std::string_view sku) const override {
    const auto committed = base_.holdings(sku);
    auto& rows = holdings_[std::string(sku)];
    rows.assign(committed.begin(), committed.end());
    for (auto& h : rows) h.stock = &sequence_->current(h.site_id, sku);
    return rows;
  }
  std::int64_t preparations(std::string_view site_id, std::int64_t day) const override {
    return base_.preparations(site_id, day);
  }
  std::int64_t local_day(std::string_view site_id, Instant at) const override {
    return base_.local_day(site_id, at);
  }
  std::optional<geo::Point> locate(const Address& address) const override {
    return base_.locate(address);
  }
  std::span<const std::string> collect_excluded_categories() const override {
    return base_.collect_excluded_categories();
  }

 private:
  const Facts& base_;
  StockSequence* sequence_;
  mutable std::map<std::string, std::vector<Holding>, std::less<>> holdings_;
};

/// Sources the lines of `order` that wait for a site, appending the decision's events.
std::optional<Rejection> source(const Facts& facts, const order::State& order, Instant at,
                                bool placing, std::vector<order::Event>& events);

/// The stock events that follow `events` of an order whose state before them is `before`.
std::optional<Rejection> follow_with_stock(StockSequence& sequence, const Facts& facts,
                                           const order::State& before,
                                           const std::vector<order::Event>& events, Instant at);

}  // namespace ordo::domain::fulfilment::detail
