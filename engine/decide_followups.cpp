// Stock commands, and order commands with what they mean for stock: a cancelled line releases its
// reservation, a line whose preparation starts is picked, a shipped line leaves the site's stock.
#include <map>
#include <set>

#include "engine/decide_internal.h"

namespace ordo::engine {
namespace {

using domain::Rejection;
using wire::DomainEvent;
namespace order = domain::order;
namespace stock = domain::stock;

// The stock command that follows an order event for one of its lines, if any.
std::optional<stock::Command> stock_followup(const order::Event& event, const std::string& id,
                                             domain::Instant at) {
  if (std::holds_alternative<order::LinesCancelled>(event)) {
    return stock::ReleaseReservation{id, std::get<order::LinesCancelled>(event).reason, at};
  }
  if (std::holds_alternative<order::PreparationStarted>(event)) return stock::PickStock{id, at};
  if (std::holds_alternative<order::OrderShipped>(event)) return stock::ShipStock{id, at};
  if (const auto* r = std::get_if<order::AllocationReleased>(&event)) {
    return stock::ReleaseReservation{id, r->reason, at};
  }
  return std::nullopt;
}

const std::vector<std::uint32_t>* lines_of(const order::Event& event) {
  return std::visit(
      [](const auto& e) -> const std::vector<std::uint32_t>* {
        using E = std::decay_t<decltype(e)>;
        if constexpr (requires { e.lines; } && !std::is_same_v<E, order::OrderPlaced>) {
          return &e.lines;
        }
        return nullptr;
      },
      event);
}

// Decides stock commands in sequence. Two commands on one stock stream (two lines of one SKU at
// one site, a release then a reservation): the second is decided against the stock as the first
// left it (a scratch copy, made only for streams touched twice).
class StockSequence {
 public:
  StockSequence(const EngineState& state, StreamEvents& out) : state_(state), out_(out) {}

  std::optional<Rejection> apply(const std::string& site_id, const std::string& sku,
                                 const stock::Command& command) {
    auto stream = stock_stream(site_id, sku);
    const stock::State* basis = &current(stream, site_id, sku);
    auto decided = stock::decide(command, *basis);
    if (!decided) return decided.error();
    touched_.insert(stream);
    if (decided->empty()) return std::nullopt;
    if (auto it = scratch_.find(stream); it != scratch_.end()) {
      for (const auto& e : *decided) it->second = stock::evolve(std::move(it->second), e);
    }
    out_.emplace_back(std::move(stream), std::vector<DomainEvent>(decided->begin(), decided->end()));
    return std::nullopt;
  }

  /// The stock of a stream as the commands so far left it.
  const stock::State& current(const std::string& stream, const std::string& site_id, const std::string& sku) {
    const stock::State* basis = &or_empty(state_.stock(site_id, sku));
    // Events already decided for this stream (by this sequence or an earlier one on `out_`)
    // count: the stock is read as they leave it.
    const bool decided_before = touched_.contains(stream) ||
                                std::any_of(out_.begin(), out_.end(), [&](const auto& entry) { return entry.first == stream; });
    if (!decided_before) return *basis;
    auto [it, inserted] = scratch_.try_emplace(stream, *basis);
    if (inserted) {
      for (const auto& [s, decided] : out_) {
        if (s != stream) continue;
        for (const auto& e : decided) it->second = stock::evolve(std::move(it->second), std::get<stock::Event>(e));
      }
    }
    return it->second;
  }

 private:
  const EngineState& state_;
  StreamEvents& out_;
  std::map<std::string, stock::State> scratch_;
  std::set<std::string> touched_;
};

}  // namespace

std::optional<Rejection> add_stock_followups(const EngineState& state, const order::State& before,
                                             const std::vector<order::Event>& events,
                                             domain::Instant at, StreamEvents& out) {
  StockSequence sequence(state, out);
  const auto& order_id = before.placed.order_id;
  auto line_of = [&](std::uint32_t line_no) -> const order::LineState* {
    const auto found = std::find_if(before.lines.begin(), before.lines.end(),
                                    [&](const auto& l) { return l.line.line == line_no; });
    return found == before.lines.end() ? nullptr : &*found;
  };
  for (const auto& event : events) {
    if (const auto* allocated = std::get_if<order::LinesAllocated>(&event)) {
      for (const auto& a : allocated->allocations) {
        const auto* line = line_of(a.line);
        if (line == nullptr) continue;
        auto refused = sequence.apply(a.site_id, line->line.sku,
                                      stock::ReserveStock{reservation_id(order_id, a.line), order_id,
                                                          a.line, line->line.quantity, at});
        if (refused) {
          if (refused->code == Rejection::Code::insufficient_stock) {
            refused->reason = "insufficient stock of " + line->line.sku + " at " + a.site_id;
          }
          return refused;
        }
      }
      continue;
    }
    const auto* lines = lines_of(event);
    if (lines == nullptr) continue;
    for (auto line_no : *lines) {
      const auto* line = line_of(line_no);
      if (line == nullptr || line->site_id.empty()) continue;  // never reserved
      auto command = stock_followup(event, reservation_id(order_id, line_no), at);
      if (!command) continue;
      if (auto refused = sequence.apply(line->site_id, line->line.sku, *command)) return refused;
    }
  }
  return std::nullopt;
}

namespace {

// The units a store reported missing when it released an order leave its stock: an adjustment
// of each released line's quantity, as far as stock not held for other orders allows.
std::optional<Rejection> correct_missing_stock(const EngineState& state, const order::State& before,
                                               const order::AllocationReleased& released,
                                               domain::Instant at, StreamEvents& out) {
  StockSequence sequence(state, out);
  for (auto line_no : released.lines) {
    const auto found = std::find_if(before.lines.begin(), before.lines.end(),
                                    [&](const auto& l) { return l.line.line == line_no; });
    if (found == before.lines.end()) continue;
    const auto& sku = found->line.sku;
    const auto& now = sequence.current(stock_stream(released.site_id, sku), released.site_id, sku);
    const auto missing = std::min(found->line.quantity, now.on_hand - now.reserved);
    if (missing <= 0) continue;
    auto refused = sequence.apply(released.site_id, sku,
                                  stock::AdjustStock{-missing, "stock discrepancy reported by " +
                                                                   released.site_id + " on order " +
                                                                   before.placed.order_id, at});
    if (refused) return refused;
  }
  return std::nullopt;
}

domain::Instant command_time(const order::Command& command) {
  return std::visit([](const auto& c) { return c.at; }, command);
}

}  // namespace

Decided decide_stock(const EngineState& state, const StockCommand& command) {
  if (state.site(command.site_id) == nullptr) {
    return std::unexpected(Rejection{Rejection::Code::not_found,
                                     "unknown site '" + command.site_id + "'"});
  }
  if (state.item(command.sku) == nullptr) {
    return std::unexpected(Rejection{Rejection::Code::not_found,
                                     "unknown SKU '" + command.sku + "'"});
  }
  const auto* current = state.stock(command.site_id, command.sku);
  auto decided = stock::decide(command.command, or_empty(current));
  if (!decided) return std::unexpected(decided.error());
  StreamEvents out;
  if (!decided->empty()) {
    out.emplace_back(stock_stream(command.site_id, command.sku),
                     std::vector<DomainEvent>(decided->begin(), decided->end()));
  }
  return out;
}

Decided decide_order(const EngineState& state, const OrderCommand& command, const Locator& locate) {
  if (std::holds_alternative<order::AllocateLines>(command.command)) {
    return std::unexpected(Rejection{Rejection::Code::invalid,
                                     "lines are allocated by sourcing when the order is placed"});
  }
  const auto* current = state.order(command.order_id);
  if (current == nullptr) {
    return std::unexpected(Rejection{Rejection::Code::not_found,
                                     "unknown order '" + command.order_id + "'"});
  }
  if (const auto* r = std::get_if<order::Reallocate>(&command.command)) {
    if (state.site(r->site_id) == nullptr) {
      return std::unexpected(Rejection{Rejection::Code::not_found, "unknown site '" + r->site_id + "'"});
    }
  }
  auto decided = order::decide(command.command, *current);
  if (!decided) return std::unexpected(decided.error());
  StreamEvents out;
  if (decided->empty()) return out;
  const auto at = command_time(command.command);
  auto events = std::move(*decided);
  // Lines left waiting for a site once a round ended (without a winner, or claimed while other
  // lines were given back meanwhile) or after a release are sourced again at once.
  const bool resource = std::holds_alternative<order::ClaimOffer>(command.command) ||
                        std::holds_alternative<order::DeclineOffer>(command.command) ||
                        std::holds_alternative<order::ExpireRound>(command.command) ||
                        std::holds_alternative<order::ReleaseAllocation>(command.command);
  if (std::holds_alternative<order::Reallocate>(command.command)) {
    events.insert(events.begin(), order::SourcingDecided{
        "manual", 0, "manual", std::get<order::Reallocate>(command.command).reason,
        current->rounds.empty() ? 0 : current->rounds.back().round, {}, at});
  }
  if (resource) {
    auto after = *current;
    for (const auto& e : events) after = order::evolve(std::move(after), e);
    if (after.open_round() == nullptr && !after.sourcing_lines().empty() && !after.queued_for_service) {
      if (auto refused = append_sourcing(state, after, at, false, locate, events)) {
        return std::unexpected(*refused);
      }
    }
  }
  out.emplace_back(order_stream(command.order_id), wrap(events));
  if (auto refused = add_stock_followups(state, *current, events, at, out)) {
    return std::unexpected(*refused);
  }
  if (const auto* release = std::get_if<order::ReleaseAllocation>(&command.command);
      release != nullptr && release->stock_missing) {
    for (const auto& e : events) {
      if (const auto* released = std::get_if<order::AllocationReleased>(&e)) {
        if (auto refused = correct_missing_stock(state, *current, *released, at, out)) {
          return std::unexpected(*refused);
        }
      }
    }
  }
  return out;
}

}  // namespace ordo::engine
