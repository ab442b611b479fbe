// Configuration: business settings as validated, versioned documents, one stream per area
// ("config-<area>"). Each change records its author and reason; an invalid document is rejected
// with every problem listed and the active version stays.
#pragma once

#include <optional>
#include <variant>

#include "domain/inventory_views.h"
#include "domain/orchestration.h"
#include "domain/promise.h"
#include "domain/types.h"

namespace ordo::domain::configuration {

/// The areas Ordo knows. Later areas (workflows, returns) add alternatives.
using Document = std::variant<InventoryViews, orchestration::Rules, promise::Config>;
std::string_view area_name(const Document& document);

struct ChangeConfiguration {
  Document document;
  std::string author;
  std::string reason;
  Instant at = 0;
};
using Command = std::variant<ChangeConfiguration>;

struct ConfigurationChanged {
  Document document;
  std::string author;
  std::string reason;
  std::uint64_t version = 0;  // 1 for the first document of the area
  Instant changed_at = 0;
  friend bool operator==(const ConfigurationChanged&, const ConfigurationChanged&) = default;
};
using Event = std::variant<ConfigurationChanged>;

struct State {
  std::uint64_t version = 0;  // 0: never configured
  std::optional<Document> active;
  friend bool operator==(const State&, const State&) = default;
};

/// Every problem of a change: the document's own (validate), and a missing author or reason
/// ("/author", "/reason").
std::vector<ConfigError> check(const ChangeConfiguration& command);

/// Rejects (invalid) a change with problems; its reason lists each as "<pointer>: <message>", one
/// per line. A document equal to the active one: nothing to do. Otherwise ConfigurationChanged
/// with the next version.
Decision<Event> decide(const Command& command, const State& state);
State evolve(State state, const Event& event);

}  // namespace ordo::domain::configuration
