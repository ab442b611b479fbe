// Catalog item: a SKU with what sourcing, promise and sellable-stock rules need to know of it.
// Stream: "item-<sku>".
#pragma once

#include <variant>

#include "domain/types.h"

namespace ordo::domain::catalog {

struct Item {
  std::string sku;
  std::string name;
  std::string category;  // e.g. "shoes/running"
  std::string brand;
  std::int64_t weight_g = 0;
  std::int64_t volume_cm3 = 0;
  Money price;
  friend bool operator==(const Item&, const Item&) = default;
};

struct DefineItem {
  Item item;
  Instant at = 0;
};
using Command = std::variant<DefineItem>;

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
/// item is unchanged. Invalid: empty sku or name, negative weight/volume/price, bad currency.
Decision<Event> decide(const Command& command, const State& state);
State evolve(State state, const Event& event);

}  // namespace ordo::domain::catalog
