// Brand: a name the retailer sells under. Items, channels and sites name brands; grants and rules
// select by them. Stream: "brand-<brand_id>".
#pragma once

#include <variant>

#include "domain/types.h"

namespace ordo::domain::brand {

struct Brand {
  std::string brand_id;  // base/id.h rule, e.g. "kalenji"
  std::string name;      // shown to people, e.g. "Kalenji"
  friend bool operator==(const Brand&, const Brand&) = default;
};

struct DefineBrand {
  Brand brand;
  Instant at = 0;
};
using Command = std::variant<DefineBrand>;

struct BrandDefined {
  Brand brand;
  friend bool operator==(const BrandDefined&, const BrandDefined&) = default;
};
struct BrandChanged {
  Brand brand;
  friend bool operator==(const BrandChanged&, const BrandChanged&) = default;
};
using Event = std::variant<BrandDefined, BrandChanged>;

struct State {
  bool exists = false;
  Brand brand;
  friend bool operator==(const State&, const State&) = default;
};

/// DefineBrand: BrandDefined for a new id, BrandChanged when the name differs, nothing when equal.
/// Invalid: an id outside the id rule, an empty name.
Decision<Event> decide(const Command& command, const State& state);
State evolve(State state, const Event& event);

}  // namespace ordo::domain::brand
