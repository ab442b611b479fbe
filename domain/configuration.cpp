#include "domain/configuration.h"

#include <algorithm>
#include <string>

namespace ordo::domain::configuration {
namespace {

// "  " is not an author an auditor can follow up with, nor a reason.
bool blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

std::string reason_listing(const std::vector<ConfigError>& errors) {
  std::string reason;
  for (const ConfigError& error : errors) {
    if (!reason.empty()) reason += '\n';
    reason += error.pointer + ": " + error.message;
  }
  return reason;
}

struct AreaName {
  std::string_view operator()(const InventoryViews&) const { return "inventory_views"; }
  std::string_view operator()(const orchestration::Rules&) const { return "orchestration"; }
  std::string_view operator()(const promise::Config&) const { return "promise"; }
};

struct DocumentProblems {
  std::vector<ConfigError> operator()(const InventoryViews& views) const { return validate(views); }
  std::vector<ConfigError> operator()(const promise::Config& config) const {
    return promise::validate(config);
  }
  std::vector<ConfigError> operator()(const orchestration::Rules& rules) const {
    return orchestration::validate(rules);
  }
};

}  // namespace

std::string_view area_name(const Document& document) { return std::visit(AreaName{}, document); }

std::vector<ConfigError> check(const ChangeConfiguration& command) {
  std::vector<ConfigError> errors = std::visit(DocumentProblems{}, command.document);
  if (blank(command.author)) errors.push_back({"/author", "author is required"});
  if (blank(command.reason)) errors.push_back({"/reason", "reason is required"});
  return errors;
}

Decision<Event> decide(const Command& command, const State& state) {
  // visit, not get: a new command alternative must fail to compile here, not throw at runtime.
  return std::visit(
      [&state](const ChangeConfiguration& change) -> Decision<Event> {
        const std::vector<ConfigError> errors = check(change);
        if (!errors.empty()) return reject(Rejection::Code::invalid, reason_listing(errors));
        // A retried or repeated change is already in force: a new version would only add noise
        // to the audit trail.
        if (state.active == change.document) return std::vector<Event>{};
        return std::vector<Event>{ConfigurationChanged{.document = change.document,
                                                       .author = change.author,
                                                       .reason = change.reason,
                                                       .version = state.version + 1,
                                                       .changed_at = change.at}};
      },
      command);
}

State evolve(State state, const Event& event) {
  std::visit(
      [&state](const ConfigurationChanged& changed) {
        state.version = changed.version;
        state.active = changed.document;
      },
      event);
  return state;
}

}  // namespace ordo::domain::configuration
