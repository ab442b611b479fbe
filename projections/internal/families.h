// The projections' column families and key layouts. Internal to projections/: other rooms read the
// query models through projections/projector.h and projections/read_models.h.
//
//   sellable_stock   "proj_sellable"          <sku>\0<channel> -> total, now, future (3 x u64 BE)
//   order_view       "proj_orders"            <order> -> OrderView (schema/views.fbs)
//   order_index      "proj_order_index"       <field>\0<value>\0<placed_at u64 BE>\0<order> -> ""
//                                             fields: customer, email, channel, status, site,
//                                             date, offer (a store's pending offers), queue
//   site_stock       "proj_stock"             <site>\0<sku> -> SiteStock (schema/views.fbs)
//   promise_accuracy "proj_promise_accuracy"  <fulfilled_at u64 BE>\0<order>\0<site> -> Accuracy
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "domain/types.h"

namespace ordo::projections::internal {

inline constexpr const char* kSellableFamily = "proj_sellable";
inline constexpr const char* kOrdersFamily = "proj_orders";
inline constexpr const char* kOrderIndexFamily = "proj_order_index";
inline constexpr const char* kStockFamily = "proj_stock";
inline constexpr const char* kPromiseAccuracyFamily = "proj_promise_accuracy";

/// The projections by name (`ordo rebuild --projection NAME`) with their column families, in the
/// order the projector keeps their checkpoints. `definition` goes up with every change of what a
/// projection writes (keys or values): a store built by another definition is rebuilt at start.
struct ProjectionInfo {
  const char* name;
  const char* family;
  std::uint64_t definition;
};
// 2: the first recorded definitions (stores from before are rebuilt once, their layouts being
// unknown); order_index 2 also normalises e-mail keys and adds awaiting_customer_service; 3 adds
// the lines each store still holds ("held").
inline constexpr ProjectionInfo kProjections[] = {{"sellable_stock", kSellableFamily, 2},
                                                  {"order_view", kOrdersFamily, 2},
                                                  {"order_index", kOrderIndexFamily, 3},
                                                  {"site_stock", kStockFamily, 2},
                                                  {"promise_accuracy", kPromiseAccuracyFamily, 2}};
enum Model : std::size_t {
  kSellable = 0,
  kOrderView = 1,
  kOrderIndex = 2,
  kSiteStock = 3,
  kPromiseAccuracy = 4
};
inline constexpr std::size_t kModels = std::size(kProjections);

/// Joins two parts with a 0x00 byte (ids never hold one).
inline std::string pair_key(std::string_view first, std::string_view second) {
  std::string key;
  key.reserve(first.size() + second.size() + 1);
  key.append(first);
  key.push_back('\0');
  key.append(second);
  return key;
}

inline std::string sellable_key(std::string_view sku, std::string_view channel) {
  return pair_key(sku, channel);
}
inline std::string site_stock_key(std::string_view site_id, std::string_view sku) {
  return pair_key(site_id, sku);
}

/// <field>\0<value>\0<placed_at u64 BE>\0<order>
inline std::string index_key(std::string_view field, std::string_view value,
                             domain::Instant placed_at, std::string_view order_id) {
  std::string key = pair_key(field, value);
  key.push_back('\0');
  put_u64_be(key, static_cast<std::uint64_t>(placed_at));
  key.push_back('\0');
  key.append(order_id);
  return key;
}

/// <fulfilled_at u64 BE>\0<order>\0<site>
inline std::string accuracy_key(domain::Instant fulfilled_at, std::string_view order_id,
                                std::string_view site_id) {
  std::string key;
  put_u64_be(key, static_cast<std::uint64_t>(fulfilled_at > 0 ? fulfilled_at : 0));
  key.push_back('\0');
  key.append(pair_key(order_id, site_id));
  return key;
}

}  // namespace ordo::projections::internal
