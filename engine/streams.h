// Stream ids, built and parsed in one place from the aggregate descriptors (engine/aggregates.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/aggregates.h"

namespace ordo::engine {

/// "<prefix><key>" of aggregate A.
template <Aggregate A>
[[nodiscard]] std::string stream_id(typename A::KeyView key) {
  std::string id(A::kStreamPrefix);
  A::append_key(id, key);
  return id;
}

/// The key of `stream` when it is a stream of aggregate A with a well-formed key; nullopt else.
template <Aggregate A>
[[nodiscard]] std::optional<typename A::KeyView> parse_stream(std::string_view stream) {
  if (!stream.starts_with(A::kStreamPrefix)) return std::nullopt;
  return A::parse_key(stream.substr(A::kStreamPrefix.size()));
}

inline std::string site_stream(std::string_view site_id) {
  return stream_id<SiteAggregate>(site_id);
}
inline std::string item_stream(std::string_view sku) { return stream_id<ItemAggregate>(sku); }
inline std::string stock_stream(std::string_view site_id, std::string_view sku) {
  return stream_id<StockAggregate>({site_id, sku});
}
inline std::string order_stream(std::string_view order_id) {
  return stream_id<OrderAggregate>(order_id);
}
inline std::string config_stream(std::string_view area) {
  return stream_id<ConfigurationAggregate>(area);
}
inline std::string brand_stream(std::string_view brand_id) {
  return stream_id<BrandAggregate>(brand_id);
}
inline std::string channel_stream(std::string_view channel_id) {
  return stream_id<ChannelAggregate>(channel_id);
}
inline std::string token_stream(std::string_view token_id) {
  return stream_id<TokenAggregate>(token_id);
}

inline std::string user_stream(std::string_view user_id) {
  return stream_id<UserAggregate>(user_id);
}

inline std::string session_stream(std::string_view session_id) {
  return stream_id<SessionAggregate>(session_id);
}

}  // namespace ordo::engine
