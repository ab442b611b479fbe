// Sellable figures per SKU and channel, kept by difference: each (site, SKU) remembers what it
// gives every channel now (domain::sellable::sellable_at_site), and a stock event changes the SKU's
// sums by the difference at that one site instead of recomputing the whole network. Units due on
// expected receipts depend on the time, so they are summed at settle() over the few sites that
// expect some. The result equals domain::sellable::compute over every site, which a test holds it
// to.
//
// Internal to projections/. Not thread-safe: the projector's lock guards it.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/engine_state.h"
#include "projections/read_models.h"

namespace ordo::projections::internal {

// Sums of up to one contribution per site, each at most INT64_MAX: 128 bits never overflow.
__extension__ typedef __int128 WideSum;

class SellableModel {
 public:
  /// The configuration or a site changed: every contribution is computed again, and the figures
  /// of channels no longer configured are dropped.
  void reset(const engine::EngineState& state, domain::Instant at);
  /// A stock event of `sku` at `site_id` was applied to `state` at `at`.
  void stock_changed(const engine::EngineState& state, std::string_view site_id,
                     std::string_view sku, domain::Instant at);
  /// An item was defined or changed: its contributions are computed again.
  void item_changed(const engine::EngineState& state, std::string_view sku, domain::Instant at);
  /// Brings the figures of the SKUs changed since the last call up to date, each at the time of
  /// the last event that changed it (so that live batches and a rebuild end on the same figures).
  void settle(const engine::EngineState& state);

  /// The figure of `sku` for `channel`; nullopt for an unknown SKU or channel.
  [[nodiscard]] std::optional<SellableFigure> figure(std::string_view channel,
                                                     std::string_view sku) const;
  [[nodiscard]] const std::vector<std::string>& channels() const { return channels_; }

  /// The SKUs whose figures changed since the last call, and the channels dropped meanwhile: what
  /// the sellable projection must write (all of a SKU's channels) or delete.
  struct Changes {
    std::vector<std::string> skus;
    std::vector<std::string> dropped_channels;
  };
  Changes take_changes();

 private:
  struct Sku {
    std::vector<WideSum> now;                // per channel: the sum of the sites' contributions
    std::vector<SellableFigure> figures;     // per channel, as of the last settle
    std::vector<std::string> receipt_sites;  // sites expecting a receipt of this SKU
    domain::Instant changed_at = 0;
    bool pending = false;  // changed since the last settle
    bool settled = false;  // has figures
  };
  Sku& sku_entry(std::string_view sku);
  void recompute(const engine::EngineState& state, std::string_view sku, Sku& entry);
  void contribute(const engine::EngineState& state, std::string_view site_id, std::string_view sku,
                  Sku& entry, std::vector<std::int64_t>& contribution);
  void mark(std::string_view sku, Sku& entry, domain::Instant at);
  std::optional<std::size_t> channel_index(std::string_view channel) const;

  std::vector<std::string> channels_;
  std::unordered_map<std::string, Sku, engine::detail::TextHash, std::equal_to<>> skus_;
  std::unordered_map<engine::StockKey, std::vector<std::int64_t>, engine::detail::StockKeyHash,
                     engine::detail::StockKeyEqual>
      contributions_;                        // per (site, SKU), per channel
  std::vector<std::string> pending_;         // SKUs to settle
  std::unordered_set<std::string> changed_;  // SKUs settled since take_changes
  std::vector<std::string> dropped_;
};

}  // namespace ordo::projections::internal
