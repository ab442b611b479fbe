#include "domain/order.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <utility>

namespace ordo::domain::order {
namespace {

using Code = Rejection::Code;
using LineNumbers = std::vector<std::uint32_t>;

// How far a line has gone; prepared and ready_for_pickup are two outcomes of the same step.
int rank(LineStatus status) {
  switch (status) {
    case LineStatus::sourcing:
      return 0;
    case LineStatus::allocated:
      return 1;
    case LineStatus::in_preparation:
      return 2;
    case LineStatus::prepared:
    case LineStatus::ready_for_pickup:
      return 3;
    case LineStatus::shipped:
      return 4;
    case LineStatus::delivered:
      return 5;
    case LineStatus::cancelled:
      return 6;
  }
  return 6;
}

std::string line_name(std::uint32_t line) { return "line " + std::to_string(line); }

// The line numbered `line`, or nullptr; S is State or const State.
template <class S>
auto* find_line(S& s, std::uint32_t line) {
  const auto it = std::ranges::find(s.lines, line, [](const LineState& l) { return l.line.line; });
  return it == s.lines.end() ? nullptr : &*it;
}

std::vector<Event> one(Event event) { return {std::move(event)}; }
std::vector<Event> nothing() { return {}; }

std::optional<Rejection> require_placed(const State& s) {
  if (s.exists) return std::nullopt;
  return Rejection{Code::not_found, "the order has not been placed"};
}

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
  if (auto problem = order_problem(c)) {
    return reject(Code::invalid, "order " + c.order_id + ": " + *problem);
  }
  const auto total = order_total(c.lines);
  if (!total) return reject(Code::invalid, "order " + c.order_id + ": the total overflows");
  OrderPlaced placed{c.order_id, c.channel,  c.customer_id, c.email,   c.lines,
                     c.billing,  c.delivery, c.method,      c.promise, Money{*total, c.currency},
                     c.at};
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
    if (find_line(s, a.line)->status == LineStatus::sourcing && !repeated) fresh.push_back(a);
  }
  if (fresh.empty()) return nothing();  // every line was already allocated to its site
  return one(LinesAllocated{std::move(fresh)});
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
std::expected<LineNumbers, Rejection> lines_for_step(const State& s, const std::string& site_id,
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
  return decide_step(s, c.site_id, {"deliver", {LineStatus::shipped}, LineStatus::delivered},
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
    return l.status == LineStatus::cancelled || std::ranges::find(to_cancel, l.line.line) != to_cancel.end();
  });
  if (open != nullptr && none_left) events.emplace_back(OfferRoundClosed{open->round, RoundEnd::withdrawn, c.at});
  return events;
}

Decision<Event> decide_one(const ChangeDeliveryAddress& c, const State& s) {
  if (auto missing = require_placed(s)) return std::unexpected(*missing);
  if (!is_country_code(c.address.country)) {
    return reject(Code::invalid, "delivery country \"" + c.address.country +
                                     "\" is not an ISO 3166-1 alpha-2 code");
  }
  // Checked before the state so that a retry after preparation started still answers "done".
  if (c.address == s.delivery) return nothing();
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
  return one(DeliveryAddressChanged{c.address});
}

// --- Competitive allocation ----------------------------------------------------------------------

std::string round_name(std::uint32_t round) { return "round " + std::to_string(round); }

// The round numbered `round` that `site_id` may still answer, or why it may not.
std::expected<const Round*, Rejection> answerable(const State& s, std::uint32_t number,
                                                  const std::string& site_id, Instant at) {
  if (auto missing = require_placed(s)) return std::unexpected(*missing);
  const auto it = std::ranges::find(s.rounds, number, &Round::round);
  if (it == s.rounds.end()) {
    return std::unexpected(Rejection{Code::invalid, "order " + s.placed.order_id + " has no " + round_name(number)});
  }
  if (std::ranges::find(it->site_ids, site_id) == it->site_ids.end()) {
    return std::unexpected(Rejection{Code::invalid, "site " + site_id + " was not offered " +
                                                        round_name(number) + " of order " + s.placed.order_id});
  }
  if (!it->winner.empty() && it->winner != site_id) {
    return std::unexpected(Rejection{Code::lost, round_name(number) + " of order " + s.placed.order_id +
                                                     " was won by another site"});
  }
  if (it->winner.empty() && (!it->open || at > it->deadline)) {
    return std::unexpected(Rejection{Code::expired, round_name(number) + " of order " + s.placed.order_id +
                                                        " is over"});
  }
  return &*it;
}

Decision<Event> decide_one(const ClaimOffer& c, const State& s) {
  auto round = answerable(s, c.round, c.site_id, c.at);
  if (!round) return std::unexpected(round.error());
  if ((*round)->winner == c.site_id) return nothing();  // a retried claim
  if (std::ranges::find((*round)->declined, c.site_id) != (*round)->declined.end()) {
    return reject(Code::invalid, "site " + c.site_id + " declined " + round_name(c.round) + " already");
  }
  std::vector<Allocation> allocations;
  for (auto line : s.sourcing_lines()) {
    const auto& offered = (*round)->lines;
    if (offered.empty() || std::ranges::find(offered, line) != offered.end()) allocations.push_back({line, c.site_id});
  }
  if (allocations.empty()) return reject(Code::wrong_state, "order " + s.placed.order_id + " has no line to allocate");
  return std::vector<Event>{OfferClaimed{c.round, c.site_id, c.at}, LinesAllocated{std::move(allocations)}};
}

Decision<Event> decide_one(const DeclineOffer& c, const State& s) {
  auto round = answerable(s, c.round, c.site_id, c.at);
  if (!round) return std::unexpected(round.error());
  const Round& r = **round;
  if (r.winner == c.site_id) return reject(Code::wrong_state, "site " + c.site_id + " won " + round_name(c.round) + "; release the order instead");
  if (std::ranges::find(r.declined, c.site_id) != r.declined.end()) return nothing();
  std::vector<Event> events{OfferDeclined{c.round, c.site_id, c.reason, c.at}};
  if (r.declined.size() + 1 == r.site_ids.size()) {
    events.emplace_back(OfferRoundClosed{c.round, RoundEnd::all_declined, c.at});
  }
  return events;
}

Decision<Event> decide_one(const ExpireRound& c, const State& s) {
  if (auto missing = require_placed(s)) return std::unexpected(*missing);
  const auto it = std::ranges::find(s.rounds, c.round, &Round::round);
  if (it == s.rounds.end()) return reject(Code::invalid, "order " + s.placed.order_id + " has no " + round_name(c.round));
  if (!it->open) return nothing();
  if (c.at < it->deadline) {
    return reject(Code::wrong_state, round_name(c.round) + " of order " + s.placed.order_id + " is not due yet");
  }
  return one(OfferRoundClosed{c.round, RoundEnd::expired, c.at});
}

Decision<Event> decide_one(const ReleaseAllocation& c, const State& s) {
  if (auto missing = require_placed(s)) return std::unexpected(*missing);
  LineNumbers lines;
  for (const LineState& l : s.lines) {
    if (l.site_id == c.site_id &&
        (l.status == LineStatus::allocated || l.status == LineStatus::in_preparation)) {
      lines.push_back(l.line.line);
    }
  }
  if (lines.empty()) {
    if (std::ranges::find(s.released, c.site_id) != s.released.end()) return nothing();
    return reject(Code::wrong_state, "order " + s.placed.order_id + " has no line allocated to site " +
                                         c.site_id + " that is not yet prepared");
  }
  return one(AllocationReleased{c.site_id, std::move(lines), c.reason});
}

Decision<Event> decide_one(const Reallocate& c, const State& s) {
  if (auto missing = require_placed(s)) return std::unexpected(*missing);
  if (c.site_id.empty()) return reject(Code::invalid, "the site id is required");
  std::map<std::string, LineNumbers> released;  // by current site
  std::vector<Allocation> allocations;
  for (const LineState& l : s.lines) {
    if (l.status == LineStatus::sourcing) {
      allocations.push_back({l.line.line, c.site_id});
    } else if (l.status == LineStatus::allocated && l.site_id != c.site_id) {
      released[l.site_id].push_back(l.line.line);
      allocations.push_back({l.line.line, c.site_id});
    }
  }
  if (allocations.empty()) {
    const bool all_there = std::ranges::all_of(s.lines, [&](const LineState& l) {
      return l.status == LineStatus::cancelled || (l.status == LineStatus::allocated && l.site_id == c.site_id);
    });
    if (all_there) return nothing();
    return reject(Code::wrong_state, "order " + s.placed.order_id + " has no line that can move: every line is in preparation or further");
  }
  std::vector<Event> events;
  if (const Round* open = s.open_round()) events.emplace_back(OfferRoundClosed{open->round, RoundEnd::withdrawn, c.at});
  for (auto& [site, lines] : released) events.emplace_back(AllocationReleased{site, std::move(lines), c.reason});
  events.emplace_back(LinesAllocated{std::move(allocations)});
  return events;
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
  for (const OrderLine& l : e.lines) s.lines.push_back(LineState{l, LineStatus::sourcing, {}});
}

void apply(State& s, const LinesAllocated& e) {
  for (const Allocation& a : e.allocations) {
    LineState* line = find_line(s, a.line);
    if (line == nullptr || rank(line->status) > rank(LineStatus::allocated)) continue;
    line->status = LineStatus::allocated;
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

void apply(State& s, const SourcingDecided& e) { s.sourcing = e; }

void apply(State& s, const OfferRoundOpened& e) {
  s.rounds.push_back(Round{e.round, e.site_ids, e.opened_at, e.deadline, {}, {}, true, std::nullopt, e.lines});
  s.queued_for_service = false;
}

Round* round_of(State& s, std::uint32_t number) {
  const auto it = std::ranges::find(s.rounds, number, &Round::round);
  return it == s.rounds.end() ? nullptr : &*it;
}

void apply(State& s, const OfferClaimed& e) {
  if (Round* r = round_of(s, e.round)) {
    r->winner = e.site_id;
    r->open = false;
  }
}
void apply(State& s, const OfferDeclined& e) {
  if (Round* r = round_of(s, e.round)) r->declined.push_back(e.site_id);
}
void apply(State& s, const OfferRoundClosed& e) {
  if (Round* r = round_of(s, e.round)) {
    r->open = false;
    r->end = e.end;
  }
}
void apply(State& s, const QueuedForService&) { s.queued_for_service = true; }

void apply(State& s, const AllocationReleased& e) {
  for (LineState& l : s.lines) {
    if (l.site_id == e.site_id && l.status != LineStatus::cancelled &&
        std::ranges::find(e.lines, l.line.line) != e.lines.end()) {
      l.status = LineStatus::sourcing;
      l.site_id.clear();
    }
  }
  if (std::ranges::find(s.released, e.site_id) == s.released.end()) s.released.push_back(e.site_id);
}

}  // namespace

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

std::string_view to_string(RoundEnd end) {
  switch (end) {
    case RoundEnd::expired: return "expired";
    case RoundEnd::all_declined: return "all_declined";
    case RoundEnd::withdrawn: return "withdrawn";
  }
  return "unknown";
}

const Round* State::open_round() const {
  for (const Round& r : rounds) {
    if (r.open) return &r;
  }
  return nullptr;
}

std::set<std::string> State::tried() const {
  std::set<std::string> sites(released.begin(), released.end());
  for (const Round& r : rounds) sites.insert(r.site_ids.begin(), r.site_ids.end());
  return sites;
}

std::vector<std::uint32_t> State::sourcing_lines() const {
  std::vector<std::uint32_t> out;
  for (const LineState& l : lines) {
    if (l.status == LineStatus::sourcing) out.push_back(l.line.line);
  }
  return out;
}

LineStatus State::status() const {
  // An order not yet placed has no line: it is still to be sourced, not cancelled.
  if (lines.empty()) return LineStatus::sourcing;
  LineStatus least = LineStatus::cancelled;
  for (const LineState& l : lines) {
    if (l.status != LineStatus::cancelled && l.status < least) least = l.status;
  }
  return least;
}

Decision<Event> decide(const Command& command, const State& state) {
  return std::visit([&](const auto& c) { return decide_one(c, state); }, command);
}

State evolve(State state, const Event& event) {
  std::visit([&](const auto& e) { apply(state, e); }, event);
  return state;
}

}  // namespace ordo::domain::order
