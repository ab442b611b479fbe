// Catalog item: a SKU with what sourcing, promise and sellable-stock rules need to know of it.
// Stream: "item-<sku>".
#pragma once

#include <variant>

#include "domain/types.h"

namespace ordo::domain::catalog {

/// The price of an item on one channel, in that channel's currency (domain/channel.h).
struct ChannelPrice {
  std::string channel;
  Money price;
  friend bool operator==(const ChannelPrice&, const ChannelPrice&) = default;
};

struct Item {
  std::string sku;
  std::string name;
  std::string category;  // e.g. "shoes/running"
  std::string brand;
  std::int64_t weight_g = 0;
  std::int64_t volume_cm3 = 0;
  Money price;                       // the list price where no channel price is set
  bool dangerous_goods = false;      // carriers and promise rules may refuse it
  bool click_and_collect = true;     // may be collected in store
  std::vector<ChannelPrice> prices;  // at most one per channel
  friend bool operator==(const Item&, const Item&) = default;

  /// The item's price on `channel`: its channel price, else the list price.
  const Money& price_on(std::string_view channel) const;
};

struct DefineItem {
  Item item;
  Instant at = 0;
  /// False when the sender did not give prices (an items file has no price list; a PUT without
  /// "prices"): the item keeps the channel prices it has.
  bool prices_given = true;
};
/// Sets (or replaces) an existing item's price on one channel: a price list import's row.
struct SetChannelPrice {
  std::string sku;
  ChannelPrice price;
  Instant at = 0;
};
using Command = std::variant<DefineItem, SetChannelPrice>;

struct ItemDefined {
  Item item;
  friend bool operator==(const ItemDefined&, const ItemDefined&) = default;
};
struct ItemChanged {
  Item item;
  friend bool operator==(const ItemChanged&, const ItemChanged&) = default;
};
using Event = std::variant<ItemDefined, ItemChanged>;

struct State {
  bool exists = false;
  Item item;
  friend bool operator==(const State&, const State&) = default;
};

/// DefineItem: ItemDefined for a new SKU, ItemChanged when any field differs, nothing when the
/// item is unchanged. SetChannelPrice: ItemChanged with the channel's price set, nothing when it
/// is that already, not_found for an unknown item. Invalid: empty sku or name, negative
/// weight/volume/price, bad currency, two prices for one channel. References (brand, channels and
/// their currencies) are checked by domain/references.h.
Decision<Event> decide(const Command& command, const State& state);
State evolve(State state, const Event& event);

}  // namespace ordo::domain::catalog
