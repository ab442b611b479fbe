#include "domain/order.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <utility>

#include "base/id.h"
#include "domain/order_internal.h"

namespace ordo::domain::order {
namespace {

using Code = Rejection::Code;
using LineNumbers = std::vector<std::uint32_t>;

std::string line_name(std::uint32_t line) { return "line " + std::to_string(line); }

// The line numbered `line`, or nullptr; S is State or const State.
template <class S>
auto* find_line(S& s, std::uint32_t line) {
  const auto it = std::ranges::find(s.lines, line, [](const LineState& l) { return l.line.line; });
  return it == s.lines.end() ? nullptr : &*it;
}

using detail::nothing;
using detail::one;
using detail::require_placed;
// Competitive rounds (order_rounds.cpp).
using detail::apply;
using detail::decide_one;

// --- PlaceOrder --------------------------------------------------------------------------------

std::optional<std::string> lines_problem(const std::vector<OrderLine>& lines) {
  std::set<std::uint32_t> seen;
  for (const OrderLine& l : lines) {
    const std::string who = line_name(l.line);
    if (l.line == 0) return "line numbers start at 1, got line 0";
    if (!seen.insert(l.line).second) return who + " appears twice";
    if (l.sku.empty()) return who + " has no SKU";
    if (l.quantity <= 0) {
      return who + ": quantity " + std::to_string(l.quantity) + " must be positive";
    }
    if (l.unit_price_minor < 0) {
      return who + ": unit price " + std::to_string(l.unit_price_minor) + " is negative";
    }
  }
  return std::nullopt;
}

std::optional<std::string> order_problem(const PlaceOrder& c) {
  if (c.channel.empty()) return "the channel is required";
  if (c.lines.empty()) return "an order needs at least one line";
  if (!is_currency_code(c.currency)) {
    return "currency \"" + c.currency + "\" is not an ISO 4217 code";
  }
  if (!is_country_code(c.billing.country)) {
    return "billing country \"" + c.billing.country + "\" is not an ISO 3166-1 alpha-2 code";
  }
  if (!is_country_code(c.delivery.country)) {
    return "delivery country \"" + c.delivery.country + "\" is not an ISO 3166-1 alpha-2 code";
  }
  return lines_problem(c.lines);
}

std::optional<std::int64_t> order_total(const std::vector<OrderLine>& lines) {
  std::int64_t total = 0;
  for (const OrderLine& l : lines) {
    std::int64_t amount = 0;
    if (__builtin_mul_overflow(l.quantity, l.unit_price_minor, &amount)) return std::nullopt;
    if (__builtin_add_overflow(total, amount, &total)) return std::nullopt;
  }
  return total;
}

Decision<Event> decide_one(const PlaceOrder& c, const State& s) {
  if (c.order_id.empty()) return reject(Code::invalid, "the order id is required");
  if (!is_valid_id(c.order_id)) {
    return reject(Code::invalid, "order id '" + c.order_id + "' must be " + std::string(kIdRule));
  }
  if (auto problem = order_problem(c)) {
    return reject(Code::invalid, "order " + c.order_id + ": " + *problem);
  }
  const auto total = order_total(c.lines);
  if (!total) return reject(Code::invalid, "order " + c.order_id + ": the total overflows");
  OrderPlaced placed{
      c.order_id, c.channel,      c.customer_id, c.email,   c.lines,
      c.billing,  c.delivery,     c.method,      c.promise, Money{*total, c.currency},
      c.at,       c.address_check};
  if (!s.exists) return one(std::move(placed));
  placed.placed_at = s.placed.placed_at;  // a retry sent later is still the same order
  if (placed == s.placed) return nothing();
  return reject(Code::already_exists,
                "order " + s.placed.order_id + " was already placed with other content");
}

// --- AllocateLines -----------------------------------------------------------------------------

// Whether `a` is acceptable; `earlier` are the allocations before it in the same command.
std::optional<Rejection> allocation_problem(const State& s, const Allocation& a,
                                            std::span<const Allocation> earlier) {
  const std::string who = line_name(a.line);
  if (a.site_id.empty()) return Rejection{Code::invalid, who + ": the site id is required"};
  const LineState* line = find_line(s, a.line);
  if (line == nullptr) {
    return Rejection{Code::invalid, "order " + s.placed.order_id + " has no " + who};
  }
  for (const Allocation& e : earlier) {
    if (e.line == a.line && e.site_id != a.site_id) {
      return Rejection{Code::invalid,
                       who + " is allocated to both site " + e.site_id + " and site " + a.site_id};
    }
  }
  if (line->status == LineStatus::cancelled) {
    return Rejection{Code::wrong_state, who + " is cancelled and cannot be allocated"};
  }
  if (line->status != LineStatus::sourcing && line->site_id != a.site_id) {
    return Rejection{Code::wrong_state,
                     who + " is already allocated to site " + line->site_id + ", not " + a.site_id};
  }
  return std::nullopt;
}

Decision<Event> decide_one(const AllocateLines& c, const State& s) {
  if (auto missing = require_placed(s)) return std::unexpected(*missing);
  if (c.allocations.empty()) return reject(Code::invalid, "an allocation needs at least one line");
  std::vector<Allocation> fresh;
  const std::span<const Allocation> all(c.allocations);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Allocation& a = all[i];
    if (auto problem = allocation_problem(s, a, all.first(i))) return std::unexpected(*problem);
    const bool repeated =
        std::ranges::any_of(fresh, [&](const Allocation& f) { return f.line == a.line; });
    const auto status = find_line(s, a.line)->status;
    if ((status == LineStatus::sourcing || status == LineStatus::pre_ordered) && !repeated)
      fresh.push_back(a);
  }
  if (fresh.empty()) return nothing();  // every line was already allocated to its site
  return one(LinesAllocated{std::move(fresh)});
}

// --- SourceLines ---------------------------------------------------------------------------------

void apply(State& s, const LinesSplit& e);

// A split of a line still sourcing into parts adding up to it, the first keeping its number and
// the others taking numbers the order does not use yet.
std::optional<Rejection> split_problem(const State& s, const LineSplit& split,
                                       std::set<std::uint32_t>& numbers) {
  const std::string who = "split of " + line_name(split.line);
  const LineState* line = find_line(s, split.line);
  if (line == nullptr || line->status != LineStatus::sourcing)
    return Rejection{Code::invalid, who + ": the line is not waiting for a site"};
  if (split.parts.size() < 2 || split.parts.front().line != split.line)
    return Rejection{Code::invalid, who + ": two parts or more, the first keeping the number"};
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < split.parts.size(); ++i) {
    const LinePart& part = split.parts[i];
    if (part.quantity <= 0 || part.quantity > line->line.quantity)
      return Rejection{Code::invalid, who + ": part quantities must be positive"};
    sum += part.quantity;
    if (i > 0 && (part.line == 0 || !numbers.insert(part.line).second))
      return Rejection{Code::invalid, who + ": " + line_name(part.line) + " is already used"};
  }
  if (sum != line->line.quantity) {
    return Rejection{Code::invalid, who + ": the parts add up to " + std::to_string(sum) +
                                        ", not " + std::to_string(line->line.quantity)};
  }
  return std::nullopt;
}

std::optional<Rejection> pre_order_problem(const State& s, const PreOrder& p) {
  const std::string who = "pre-order of " + line_name(p.line);
  const LineState* line = find_line(s, p.line);
  if (line == nullptr || line->status != LineStatus::sourcing)
    return Rejection{Code::invalid, who + ": the line is not waiting for a site"};
  if (p.site_id.empty() || p.receipt_id.empty())
    return Rejection{Code::invalid, who + ": the site and the receipt are required"};
  return std::nullopt;
}

// A direct plan's events after its SourcingDecided: the splits, then the allocations and the
// pre-orders of the lines as split.
std::optional<Rejection> decide_direct(const SourceLines& c, const State& s,
                                       std::vector<Event>& events) {
  State after = s;
  if (!c.splits.empty()) {
    std::set<std::uint32_t> numbers;
    for (const LineState& l : s.lines) numbers.insert(l.line.line);
    for (const LineSplit& split : c.splits) {
      if (auto problem = split_problem(s, split, numbers)) return problem;
    }
    events.emplace_back(LinesSplit{c.splits});
    apply(after, std::get<LinesSplit>(events.back()));
  }
  if (!c.allocations.empty()) {
    auto allocated = decide_one(AllocateLines{c.allocations, c.at}, after);
    if (!allocated) return allocated.error();
    for (auto& e : *allocated) events.push_back(std::move(e));
  }
  for (const PreOrder& p : c.pre_orders) {
    if (auto problem = pre_order_problem(after, p)) return problem;
  }
  if (!c.pre_orders.empty()) events.emplace_back(LinesPreOrdered{c.pre_orders});
  if (events.size() == 1 + (c.splits.empty() ? 0 : 1))
    return Rejection{Code::invalid, "the plan allocates no line that waits for a site"};
  return std::nullopt;
}

Decision<Event> decide_one(const SourceLines& c, const State& s) {
  if (auto missing = require_placed(s)) return std::unexpected(*missing);
  const LineNumbers waiting = s.sourcing_lines();
  if (waiting.empty()) return nothing();
  if (c.kind == SourceLines::Kind::none && c.placing)
    return reject(Code::insufficient_stock, c.reason);
  const std::uint32_t next_round = s.rounds.empty() ? 1 : s.rounds.back().round + 1;
  const bool round = c.kind == SourceLines::Kind::round;
  const char* outcome = c.kind == SourceLines::Kind::direct ? "direct" : round ? "round" : "queued";
  std::vector<Event> events{SourcingDecided{c.strategy, c.config_version, outcome, c.reason,
                                            round ? next_round : next_round - 1, c.considered,
                                            c.at}};
  switch (c.kind) {
    case SourceLines::Kind::direct:
      if (auto problem = decide_direct(c, s, events)) return std::unexpected(*problem);
      break;
    case SourceLines::Kind::round:
      if (c.offered.empty())
        return reject(Code::invalid, "a competitive round needs at least one site");
      events.emplace_back(OfferRoundOpened{next_round, c.offered, c.at, c.deadline, waiting});
      break;
    case SourceLines::Kind::none:
      events.emplace_back(QueuedForService{c.reason});
      break;
  }
  return events;
}

// --- Steps at a site ---------------------------------------------------------------------------

struct Step {
  std::string_view verb;  // for messages: "start preparation"
  std::vector<LineStatus> from;
  LineStatus to = LineStatus::sourcing;
};

std::string statuses(const std::vector<LineStatus>& from) {
  std::string text;
  for (LineStatus status : from) {
    text += (text.empty() ? "" : " or ") + std::string(to_string(status));
  }
  return text;
}

// The lines allocated to `site_id` that are in the step's previous status. Empty when none is but
// some already went through the step (a repeated command); wrong_state when none can.
Result<LineNumbers, Rejection> lines_for_step(const State& s, const std::string& site_id,
                                              const Step& step) {
  if (auto missing = require_placed(s)) return std::unexpected(*missing);
  if (site_id.empty()) {
    return std::unexpected(
        Rejection{Code::invalid, "the site id is required to " + std::string(step.verb)});
  }
  LineNumbers movable;
  bool some_went_through = false;
  bool some_at_site = false;
  for (const LineState& l : s.lines) {
    if (l.site_id != site_id || l.status == LineStatus::cancelled) continue;
    some_at_site = true;
    if (std::ranges::find(step.from, l.status) != step.from.end()) movable.push_back(l.line.line);
    if (rank(l.status) >= rank(step.to)) some_went_through = true;
  }
  if (!movable.empty() || some_went_through) return movable;
  const std::string cannot = "cannot " + std::string(step.verb) + ": ";
  const std::string why = some_at_site ? "no line at site " + site_id + " is " + statuses(step.from)
                                       : "no line of the order is allocated to site " + site_id;
  return std::unexpected(Rejection{Code::wrong_state, cannot + why});
}

// A step's decision: the event `make` builds from the lines that move, nothing when none has to.
template <class MakeEvent>
Decision<Event> decide_step(const State& s, const std::string& site_id, const Step& step,
                            MakeEvent make) {
  auto lines = lines_for_step(s, site_id, step);
  if (!lines) return std::unexpected(lines.error());
  if (lines->empty()) return nothing();
  return one(make(std::move(*lines)));
}

Decision<Event> decide_one(const StartPreparation& c, const State& s) {
  return decide_step(s, c.site_id,
                     {"start preparation", {LineStatus::allocated}, LineStatus::in_preparation},
                     [&](LineNumbers lines) {
                       return PreparationStarted{c.site_id, std::move(lines)};
                     });
}

bool is_collected_by_customer(DeliveryMethod method) {
  return method == DeliveryMethod::click_and_collect || method == DeliveryMethod::pickup_point ||
         method == DeliveryMethod::ship_to_store;
}

Decision<Event> decide_one(const MarkPrepared& c, const State& s) {
  if (auto missing = require_placed(s)) return std::unexpected(*missing);
  if (c.ready_for_pickup && !is_collected_by_customer(s.placed.method)) {
    return reject(Code::invalid, "order " + s.placed.order_id + " is for " +
                                     std::string(to_string(s.placed.method)) +
                                     " delivery: only an order the customer collects can be "
                                     "ready for pickup");
  }
  const LineStatus to = c.ready_for_pickup ? LineStatus::ready_for_pickup : LineStatus::prepared;
  return decide_step(s, c.site_id, {"mark prepared", {LineStatus::in_preparation}, to},
                     [&](LineNumbers lines) {
                       return OrderPrepared{c.site_id, std::move(lines), c.ready_for_pickup};
                     });
}

Decision<Event> decide_one(const ShipOrder& c, const State& s) {
  if (auto missing = require_placed(s)) return std::unexpected(*missing);
  if (c.carrier.empty()) {
    return reject(Code::invalid, "shipping from site " + c.site_id + " needs a carrier");
  }
  return decide_step(
      s, c.site_id,
      {"ship", {LineStatus::prepared, LineStatus::ready_for_pickup}, LineStatus::shipped},
      [&](LineNumbers lines) {
        return OrderShipped{c.site_id, std::move(lines), c.carrier, c.tracking};
      });
}

Decision<Event> decide_one(const DeliverOrder& c, const State& s) {
  // Collecting a click-and-collect order at the store is its delivery.
  return decide_step(
      s, c.site_id,
      {"deliver", {LineStatus::shipped, LineStatus::ready_for_pickup}, LineStatus::delivered},
      [&](LineNumbers lines) {
        return OrderDelivered{c.site_id, std::move(lines), c.at};
      });
}

// --- CancelLines, ChangeDeliveryAddress --------------------------------------------------------

Decision<Event> decide_one(const CancelLines& c, const State& s) {
  if (auto missing = require_placed(s)) return std::unexpected(*missing);
  std::set<std::uint32_t> targets(c.lines.begin(), c.lines.end());
  if (targets.empty()) {
    for (const LineState& l : s.lines) targets.insert(l.line.line);
  }
  LineNumbers to_cancel;
  for (std::uint32_t number : targets) {
    const LineState* line = find_line(s, number);
    if (line == nullptr) {
      return reject(Code::invalid, "order " + s.placed.order_id + " has no " + line_name(number));
    }
    if (line->status == LineStatus::shipped || line->status == LineStatus::delivered) {
      return reject(Code::wrong_state, line_name(number) + " is " +
                                           std::string(to_string(line->status)) +
                                           " and can no longer be cancelled");
    }
    if (line->status != LineStatus::cancelled) to_cancel.push_back(number);
  }
  if (to_cancel.empty()) return nothing();
  std::vector<Event> events{LinesCancelled{to_cancel, c.reason}};
  const Round* open = s.open_round();
  const bool none_left = std::ranges::all_of(s.lines, [&](const LineState& l) {
    return l.status == LineStatus::cancelled ||
           std::ranges::find(to_cancel, l.line.line) != to_cancel.end();
  });
  if (open != nullptr && none_left)
    events.emplace_back(OfferRoundClosed{open->round, RoundEnd::withdrawn, c.at});
  return events;
}

Decision<Event> decide_one(const ChangeDeliveryAddress& c, const State& s) {
  if (auto missing = require_placed(s)) return std::unexpected(*missing);
  if (!is_country_code(c.address.country)) {
    return reject(Code::invalid, "delivery country \"" + c.address.country +
                                     "\" is not an ISO 3166-1 alpha-2 code");
  }
  // Checked before the state so that a retry after preparation started still answers "done";
  // but customer service confirming the very address an order is held for releases it.
  const bool confirms_held = s.queued_for_service && !c.override_reason.empty();
  if (c.address == s.delivery && !confirms_held) return nothing();
  if (s.status() == LineStatus::cancelled) {
    return reject(Code::wrong_state, "order " + s.placed.order_id + " is cancelled");
  }
  for (const LineState& l : s.lines) {
    if (l.status != LineStatus::cancelled && rank(l.status) >= rank(LineStatus::in_preparation)) {
      return reject(Code::wrong_state, line_name(l.line.line) + " is " +
                                           std::string(to_string(l.status)) +
                                           ": the delivery address can no longer change");
    }
  }
  using V = AddressCheck::Verdict;
  const auto& check = c.address_check;
  if ((check.verdict == V::confirm || check.verdict == V::fix) && c.override_reason.empty()) {
    std::string reason = "address/" + check.field + ": " + check.reason;
    for (std::size_t i = 0; i < check.suggestions.size(); ++i)
      reason += (i == 0 ? "; did you mean " : " or ") + check.suggestions[i];
    return reject(Code::invalid,
                  reason + " (customer service may keep it with an override_reason)");
  }
  return one(DeliveryAddressChanged{c.address, check, c.override_reason});
}

// --- evolve ------------------------------------------------------------------------------------

// Moves a line forward; a cancelled line stays cancelled and no line ever moves back, so an
// unexpected or repeated event cannot undo progress.
void advance(State& s, std::uint32_t number, LineStatus to, const std::string& site_id) {
  LineState* line = find_line(s, number);
  if (line == nullptr || line->status == LineStatus::cancelled) return;
  if (rank(to) < rank(line->status)) return;
  line->status = to;
  if (line->site_id.empty()) line->site_id = site_id;
}

void advance(State& s, const LineNumbers& lines, LineStatus to, const std::string& site_id) {
  for (std::uint32_t number : lines) advance(s, number, to, site_id);
}

void apply(State& s, const OrderPlaced& e) {
  s.exists = true;
  s.placed = e;
  s.delivery = e.delivery;
  s.lines.clear();
  for (const OrderLine& l : e.lines)
    s.lines.push_back(LineState{l, LineStatus::sourcing, {}, 0, {}, 0});
}

void apply(State& s, const LinesAllocated& e) {
  for (const Allocation& a : e.allocations) {
    LineState* line = find_line(s, a.line);
    if (line == nullptr || rank(line->status) > rank(LineStatus::allocated)) continue;
    line->status = LineStatus::allocated;
    if (line->site_id != a.site_id) line->receipt_id.clear(), line->expected_at = 0;
    line->site_id = a.site_id;
  }
  s.queued_for_service = false;
}

void apply(State& s, const PreparationStarted& e) {
  advance(s, e.lines, LineStatus::in_preparation, e.site_id);
}
void apply(State& s, const OrderPrepared& e) {
  advance(s, e.lines, e.ready_for_pickup ? LineStatus::ready_for_pickup : LineStatus::prepared,
          e.site_id);
}
void apply(State& s, const OrderShipped& e) { advance(s, e.lines, LineStatus::shipped, e.site_id); }
void apply(State& s, const OrderDelivered& e) {
  advance(s, e.lines, LineStatus::delivered, e.site_id);
}

void apply(State& s, const LinesCancelled& e) {
  // A cancellation is recorded as a fact even for a line decide would have refused.
  for (LineState& l : s.lines) {
    if (std::ranges::find(e.lines, l.line.line) != e.lines.end()) l.status = LineStatus::cancelled;
  }
}

void apply(State& s, const DeliveryAddressChanged& e) { s.delivery = e.address; }

void apply(State& s, const LinesSplit& e) {
  for (const LineSplit& split : e.splits) {
    LineState* line = find_line(s, split.line);
    if (line == nullptr || split.parts.empty()) continue;
    const OrderLine whole = line->line;
    line->line.quantity = split.parts.front().quantity;
    for (std::size_t i = 1; i < split.parts.size(); ++i) {
      OrderLine part{split.parts[i].line, whole.sku, split.parts[i].quantity,
                     whole.unit_price_minor};
      s.lines.push_back(LineState{std::move(part), LineStatus::sourcing, {}, split.line, {}, 0});
    }
  }
}

void apply(State& s, const LinesPreOrdered& e) {
  for (const PreOrder& p : e.pre_orders) {
    LineState* line = find_line(s, p.line);
    if (line == nullptr || line->status != LineStatus::sourcing) continue;
    line->status = LineStatus::pre_ordered;
    line->site_id = p.site_id;
    line->receipt_id = p.receipt_id;
    line->expected_at = p.expected_at;
  }
  s.queued_for_service = false;
}

}  // namespace

// How far a line has gone; prepared and ready_for_pickup are two outcomes of the same step.
int rank(LineStatus status) {
  switch (status) {
    case LineStatus::sourcing:
      return 0;
    case LineStatus::pre_ordered:
      return 1;
    case LineStatus::allocated:
      return 2;
    case LineStatus::in_preparation:
      return 3;
    case LineStatus::prepared:
    case LineStatus::ready_for_pickup:
      return 4;
    case LineStatus::shipped:
      return 5;
    case LineStatus::delivered:
      return 6;
    case LineStatus::cancelled:
      return 7;
  }
  return 7;
}

std::string_view to_string(LineStatus status) {
  switch (status) {
    case LineStatus::sourcing:
      return "sourcing";
    case LineStatus::allocated:
      return "allocated";
    case LineStatus::in_preparation:
      return "in_preparation";
    case LineStatus::prepared:
      return "prepared";
    case LineStatus::ready_for_pickup:
      return "ready_for_pickup";
    case LineStatus::shipped:
      return "shipped";
    case LineStatus::delivered:
      return "delivered";
    case LineStatus::cancelled:
      return "cancelled";
    case LineStatus::pre_ordered:
      return "pre_ordered";
  }
  return "unknown";
}

std::string_view to_string(DeliveryMethod method) {
  switch (method) {
    case DeliveryMethod::home_standard:
      return "home_standard";
    case DeliveryMethod::home_express:
      return "home_express";
    case DeliveryMethod::pickup_point:
      return "pickup_point";
    case DeliveryMethod::click_and_collect:
      return "click_and_collect";
    case DeliveryMethod::ship_to_store:
      return "ship_to_store";
  }
  return "unknown";
}

LineStatus State::status() const {
  // An order not yet placed has no line: it is still to be sourced, not cancelled.
  if (lines.empty()) return LineStatus::sourcing;
  LineStatus least = LineStatus::cancelled;
  for (const LineState& l : lines) {
    if (l.status != LineStatus::cancelled && rank(l.status) < rank(least)) least = l.status;
  }
  return least;
}

std::string_view order_status(const State& s) {
  const auto status = s.status();
  if (status == LineStatus::sourcing && s.queued_for_service) return kAwaitingService;
  return to_string(status);
}

std::string normalised_email(std::string_view email) {
  const auto first = email.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  email = email.substr(first, email.find_last_not_of(" \t") - first + 1);
  std::string out(email);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Decision<Event> decide(const Command& command, const State& state) {
  return std::visit([&](const auto& c) { return decide_one(c, state); }, command);
}

State evolve(State state, const Event& event) {
  std::visit([&](const auto& e) { apply(state, e); }, event);
  return state;
}

}  // namespace ordo::domain::order

namespace ordo::domain {

std::string_view to_string(AddressCheck::Verdict verdict) {
  constexpr std::string_view kNames[] = {"unchecked", "accept", "confirm", "fix"};
  return kNames[static_cast<std::size_t>(verdict)];
}

}  // namespace ordo::domain
