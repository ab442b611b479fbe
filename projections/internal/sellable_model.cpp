#include "projections/internal/sellable_model.h"

#include <algorithm>
#include <gsl/assert>
#include <limits>

#include "domain/sellable.h"

namespace ordo::projections::internal {
namespace {

constexpr std::int64_t kQuantityMax = std::numeric_limits<std::int64_t>::max();

// The sums of non-negative contributions, saturated as domain::sellable::compute saturates.
std::int64_t clamp(WideSum sum) {
  return sum > kQuantityMax ? kQuantityMax : static_cast<std::int64_t>(sum);
}

bool expects_receipts(const domain::stock::State& stock) {
  return std::any_of(stock.receipts.begin(), stock.receipts.end(), [](const auto& entry) {
    return entry.second.status == domain::stock::ReceiptStatus::expected;
  });
}

}  // namespace

SellableModel::Sku& SellableModel::sku_entry(std::string_view sku) {
  auto it = skus_.find(sku);
  if (it == skus_.end()) it = skus_.emplace(std::string(sku), Sku{}).first;
  auto& entry = it->second;
  entry.now.resize(channels_.size(), 0);
  entry.figures.resize(channels_.size());
  return entry;
}

std::optional<std::size_t> SellableModel::channel_index(std::string_view channel) const {
  const auto it = std::find(channels_.begin(), channels_.end(), channel);
  if (it == channels_.end()) return std::nullopt;
  return static_cast<std::size_t>(it - channels_.begin());
}

void SellableModel::mark(std::string_view sku, Sku& entry, domain::Instant at) {
  entry.changed_at = at;
  if (!entry.pending) {
    entry.pending = true;
    pending_.emplace_back(sku);
  }
}

// Replaces the site's contribution to every channel by what it gives now, and the SKU's sums by
// the difference.
void SellableModel::contribute(const engine::EngineState& state, std::string_view site_id,
                               std::string_view sku, Sku& entry,
                               std::vector<std::int64_t>& contribution) {
  contribution.resize(channels_.size(), 0);
  const auto* item = state.item(sku);
  const auto* site = state.site(site_id);
  const auto* stock = state.stock(site_id, sku);
  for (std::size_t c = 0; c < channels_.size(); ++c) {
    std::int64_t now = 0;
    if (item != nullptr && site != nullptr && stock != nullptr) {
      now = domain::sellable::sellable_at_site(state.inventory_views(), channels_[c], item->item,
                                               {site_id, &site->profile, stock});
    }
    Expects(now >= 0);  // a site never gives a negative quantity (domain::sellable)
    entry.now[c] += static_cast<WideSum>(now) - contribution[c];
    contribution[c] = now;
    Ensures(entry.now[c] >= 0);  // a sum of non-negative contributions
  }
  const auto listed = std::find(entry.receipt_sites.begin(), entry.receipt_sites.end(), site_id);
  const bool expects = stock != nullptr && expects_receipts(*stock);
  if (expects && listed == entry.receipt_sites.end()) entry.receipt_sites.emplace_back(site_id);
  if (!expects && listed != entry.receipt_sites.end()) entry.receipt_sites.erase(listed);
}

void SellableModel::stock_changed(const engine::EngineState& state, std::string_view site_id,
                                  std::string_view sku, domain::Instant at) {
  auto& entry = sku_entry(sku);
  auto it = contributions_.find(engine::StockKeyView{site_id, sku});
  if (it == contributions_.end()) {
    it = contributions_
             .emplace(engine::StockKey{std::string(site_id), std::string(sku)},
                      std::vector<std::int64_t>{})
             .first;
  }
  contribute(state, site_id, sku, entry, it->second);
  mark(sku, entry, at);
}

void SellableModel::recompute(const engine::EngineState& state, std::string_view sku, Sku& entry) {
  std::fill(entry.now.begin(), entry.now.end(), 0);
  entry.receipt_sites.clear();
  for (const auto& h : state.holdings(sku)) {
    const auto site_id = h.site_id;
    auto it = contributions_.find(engine::StockKeyView{site_id, sku});
    if (it == contributions_.end()) {
      it = contributions_
               .emplace(engine::StockKey{std::string(site_id), std::string(sku)},
                        std::vector<std::int64_t>{})
               .first;
    }
    it->second.assign(channels_.size(), 0);
    contribute(state, site_id, sku, entry, it->second);
  }
}

void SellableModel::item_changed(const engine::EngineState& state, std::string_view sku,
                                 domain::Instant at) {
  auto& entry = sku_entry(sku);
  recompute(state, sku, entry);
  mark(sku, entry, at);
}

void SellableModel::reset(const engine::EngineState& state, domain::Instant at) {
  std::vector<std::string> channels;
  for (const auto& view : state.inventory_views().channels) channels.push_back(view.channel);
  for (const auto& old : channels_) {
    if (std::find(channels.begin(), channels.end(), old) == channels.end()) dropped_.push_back(old);
  }
  channels_ = std::move(channels);
  contributions_.clear();
  for (const auto& [sku, item] : state.items()) sku_entry(sku);
  for (auto& [sku, entry] : skus_) {
    entry.now.assign(channels_.size(), 0);
    entry.figures.assign(channels_.size(), {});
    entry.settled = false;  // every figure is written again
    recompute(state, sku, entry);
    mark(sku, entry, at);
  }
}

void SellableModel::settle(const engine::EngineState& state) {
  const auto& views = state.inventory_views();
  for (const auto& sku : pending_) {
    auto& entry = skus_.find(sku)->second;
    entry.pending = false;
    const auto* item = state.item(sku);
    if (item == nullptr) continue;
    bool changed = !entry.settled;
    for (std::size_t c = 0; c < channels_.size(); ++c) {
      const auto* view = views.find(channels_[c]);
      if (view == nullptr) continue;
      WideSum future = 0;
      for (const auto& site_id : entry.receipt_sites) {
        const auto* site = state.site(site_id);
        const auto* stock = state.stock(site_id, sku);
        if (site == nullptr || stock == nullptr) continue;
        future += domain::sellable::future_at_site(
            views, channels_[c], {site_id, &site->profile, stock}, entry.changed_at);
      }
      const std::int64_t now = clamp(entry.now[c]);
      const std::int64_t later = clamp(future);
      const SellableFigure figure{domain::sellable::shown_total(*view, now, later), now, later};
      changed = changed || figure != entry.figures[c];
      entry.figures[c] = figure;
    }
    entry.settled = true;
    if (changed) changed_.insert(sku);
  }
  pending_.clear();
}

std::optional<SellableFigure> SellableModel::figure(std::string_view channel,
                                                    std::string_view sku) const {
  const auto it = skus_.find(sku);
  if (it == skus_.end() || !it->second.settled) return std::nullopt;
  const auto c = channel_index(channel);
  if (!c) return std::nullopt;
  return it->second.figures[*c];
}

SellableModel::Changes SellableModel::take_changes() {
  Changes out{{changed_.begin(), changed_.end()}, std::move(dropped_)};
  changed_.clear();
  dropped_.clear();
  std::sort(out.skus.begin(), out.skus.end());
  return out;
}

}  // namespace ordo::projections::internal
