// Stock commands, and order commands with what they mean for stock: a cancelled line releases its
// reservation, a line whose preparation starts is picked, a shipped line leaves the site's stock.
#include <map>
#include <set>

#include "projections/pipeline.h"

namespace ordo::projections {
namespace {

using domain::Rejection;
using eventstore::codec::DomainEvent;
namespace order = domain::order;
namespace stock = domain::stock;
using Decided = std::expected<StreamEvents, Rejection>;

// The stock command that follows an order event for one of its lines, if any.
std::optional<stock::Command> stock_followup(const order::Event& event, const std::string& id,
                                             domain::Instant at) {
  if (std::holds_alternative<order::LinesCancelled>(event)) {
    return stock::ReleaseReservation{id, std::get<order::LinesCancelled>(event).reason, at};
  }
  if (std::holds_alternative<order::PreparationStarted>(event)) return stock::PickStock{id, at};
  if (std::holds_alternative<order::OrderShipped>(event)) return stock::ShipStock{id, at};
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

// Adds the stock events that follow `events` of an order (whose state before them is `before`).
// Two lines of one SKU at one site act on the same stock stream: the second is decided against
// the stock as the first left it (a scratch copy, made only for streams touched twice).
std::optional<Rejection> add_stock_followups(const EngineState& state, const order::State& before,
                                             const std::vector<order::Event>& events,
                                             domain::Instant at, StreamEvents& out) {
  std::map<std::string, stock::State> scratch;
  std::set<std::string> touched;
  for (const auto& event : events) {
    const auto* lines = lines_of(event);
    if (lines == nullptr) continue;
    for (auto line_no : *lines) {
      const auto found = std::find_if(before.lines.begin(), before.lines.end(),
                                      [&](const auto& l) { return l.line.line == line_no; });
      if (found == before.lines.end() || found->site_id.empty()) continue;  // never reserved
      auto command = stock_followup(event, reservation_id(before.placed.order_id, line_no), at);
      if (!command) continue;
      auto stream = stock_stream(found->site_id, found->line.sku);
      const stock::State* basis = &or_empty(state.stock(found->site_id, found->line.sku));
      if (touched.contains(stream)) {
        auto [it, inserted] = scratch.try_emplace(stream, *basis);
        if (inserted) {
          for (const auto& [s, decided] : out) {
            if (s != stream) continue;
            for (const auto& e : decided) it->second = stock::evolve(std::move(it->second), std::get<stock::Event>(e));
          }
        }
        basis = &it->second;
      }
      auto decided = stock::decide(*command, *basis);
      if (!decided) return decided.error();
      touched.insert(stream);
      if (decided->empty()) continue;
      if (auto it = scratch.find(stream); it != scratch.end()) {
        for (const auto& e : *decided) it->second = stock::evolve(std::move(it->second), e);
      }
      out.emplace_back(std::move(stream), std::vector<DomainEvent>(decided->begin(), decided->end()));
    }
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

Decided decide_order(const EngineState& state, const OrderCommand& command) {
  if (std::holds_alternative<order::AllocateLines>(command.command)) {
    return std::unexpected(Rejection{Rejection::Code::invalid,
                                     "lines are allocated by sourcing when the order is placed"});
  }
  const auto* current = state.order(command.order_id);
  if (current == nullptr) {
    return std::unexpected(Rejection{Rejection::Code::not_found,
                                     "unknown order '" + command.order_id + "'"});
  }
  auto decided = order::decide(command.command, *current);
  if (!decided) return std::unexpected(decided.error());
  StreamEvents out;
  if (decided->empty()) return out;
  out.emplace_back(order_stream(command.order_id),
                   std::vector<DomainEvent>(decided->begin(), decided->end()));
  if (auto refused = add_stock_followups(state, *current, *decided,
                                         command_time(command.command), out)) {
    return std::unexpected(*refused);
  }
  return out;
}

}  // namespace ordo::projections
