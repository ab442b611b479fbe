// The stored values of the projections, to and from bytes (schema/views.fbs, and 24 bytes for a
// sellable figure). Decoders verify before reading: damaged bytes give corruption, never a crash.
// Internal to projections/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "domain/stock.h"
#include "projections/read_models.h"

namespace ordo::projections::internal {

[[nodiscard]] std::string encode_order_view(const domain::order::State& order,
                                            const std::vector<std::uint64_t>& timeline);
[[nodiscard]] Result<OrderView> decode_order_view(std::string_view bytes);

[[nodiscard]] std::string encode_site_stock(const domain::stock::State& stock);
[[nodiscard]] Result<SiteStockView> decode_site_stock(std::string_view site_id,
                                                      std::string_view sku, std::string_view bytes);
/// The view of a stock state held in memory.
[[nodiscard]] SiteStockView site_stock_view(std::string_view site_id, std::string_view sku,
                                            const domain::stock::State& stock);

[[nodiscard]] std::string encode_accuracy(const AccuracyEntry& entry);
[[nodiscard]] Result<AccuracyEntry> decode_accuracy(std::string_view bytes);

[[nodiscard]] std::string encode_sellable(const SellableFigure& figure);
[[nodiscard]] std::optional<SellableFigure> decode_sellable(std::string_view bytes);

}  // namespace ordo::projections::internal
