// The order decider's competitive rounds: claims, declines, expiries, releases and reallocation
// by customer service, and how their events change the order (see order.h).
#include <algorithm>
#include <map>
#include <set>

#include "domain/order_internal.h"

namespace ordo::domain::order {
namespace {

using Code = Rejection::Code;
using LineNumbers = std::vector<std::uint32_t>;

Round* round_of(State& s, std::uint32_t number) {
  const auto it = std::ranges::find(s.rounds, number, &Round::round);
  return it == s.rounds.end() ? nullptr : &*it;
}

}  // namespace

namespace detail {

std::string round_name(std::uint32_t round) { return "round " + std::to_string(round); }

// The round numbered `round` that `site_id` may still answer, or why it may not.
Result<const Round*, Rejection> answerable(const State& s, std::uint32_t number,
                                           const std::string& site_id, Instant at) {
  if (auto missing = require_placed(s)) return std::unexpected(*missing);
  const auto it = std::ranges::find(s.rounds, number, &Round::round);
  if (it == s.rounds.end()) {
    return std::unexpected(
        Rejection{Code::invalid, "order " + s.placed.order_id + " has no " + round_name(number)});
  }
  if (std::ranges::find(it->site_ids, site_id) == it->site_ids.end()) {
    return std::unexpected(Rejection{Code::invalid, "site " + site_id + " was not offered " +
                                                        round_name(number) + " of order " +
                                                        s.placed.order_id});
  }
  if (!it->winner.empty() && it->winner != site_id) {
    return std::unexpected(Rejection{
        Code::lost,
        round_name(number) + " of order " + s.placed.order_id + " was won by another site"});
  }
  if (it->winner.empty() && (!it->open || at > it->deadline)) {
    return std::unexpected(Rejection{
        Code::expired, round_name(number) + " of order " + s.placed.order_id + " is over"});
  }
  return &*it;
}

Decision<Event> decide_one(const ClaimOffer& c, const State& s) {
  auto round = answerable(s, c.round, c.site_id, c.at);
  if (!round) return std::unexpected(round.error());
  if ((*round)->winner == c.site_id) return nothing();  // a retried claim
  if (std::ranges::find((*round)->declined, c.site_id) != (*round)->declined.end()) {
    return reject(Code::invalid,
                  "site " + c.site_id + " declined " + round_name(c.round) + " already");
  }
  std::vector<Allocation> allocations;
  for (auto line : s.sourcing_lines()) {
    const auto& offered = (*round)->lines;
    if (offered.empty() || std::ranges::find(offered, line) != offered.end())
      allocations.push_back({line, c.site_id});
  }
  if (allocations.empty())
    return reject(Code::wrong_state, "order " + s.placed.order_id + " has no line to allocate");
  return std::vector<Event>{OfferClaimed{c.round, c.site_id, c.at},
                            LinesAllocated{std::move(allocations)}};
}

Decision<Event> decide_one(const DeclineOffer& c, const State& s) {
  auto round = answerable(s, c.round, c.site_id, c.at);
  if (!round) return std::unexpected(round.error());
  const Round& r = **round;
  if (r.winner == c.site_id)
    return reject(Code::wrong_state, "site " + c.site_id + " won " + round_name(c.round) +
                                         "; release the order instead");
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
  if (it == s.rounds.end())
    return reject(Code::invalid, "order " + s.placed.order_id + " has no " + round_name(c.round));
  if (!it->open) return nothing();
  if (c.at < it->deadline) {
    return reject(Code::wrong_state,
                  round_name(c.round) + " of order " + s.placed.order_id + " is not due yet");
  }
  return one(OfferRoundClosed{c.round, RoundEnd::expired, c.at});
}

Decision<Event> decide_one(const ReleaseAllocation& c, const State& s) {
  if (auto missing = require_placed(s)) return std::unexpected(*missing);
  LineNumbers lines;
  for (const LineState& l : s.lines) {
    // A store releasing what it cannot prepare gives back what it was allocated; pre-orders are
    // released only when named (their receipt fell short, the site closed).
    const bool named = std::ranges::find(c.lines, l.line.line) != c.lines.end();
    if (l.site_id == c.site_id && (c.lines.empty() || named) &&
        (l.status == LineStatus::allocated || l.status == LineStatus::in_preparation ||
         (named && l.status == LineStatus::pre_ordered))) {
      lines.push_back(l.line.line);
    }
  }
  if (lines.empty()) {
    if (std::ranges::find(s.released, c.site_id) != s.released.end()) return nothing();
    return reject(Code::wrong_state, "order " + s.placed.order_id +
                                         " has no line allocated to site " + c.site_id +
                                         " that is not yet prepared");
  }
  return one(AllocationReleased{c.site_id, std::move(lines), c.reason, c.receipt_id});
}

Decision<Event> decide_one(const Reallocate& c, const State& s) {
  if (auto missing = require_placed(s)) return std::unexpected(*missing);
  if (c.site_id.empty()) return reject(Code::invalid, "the site id is required");
  std::map<std::string, LineNumbers> released;  // by current site
  std::vector<Allocation> allocations;
  for (const LineState& l : s.lines) {
    if (l.status == LineStatus::sourcing) {
      allocations.push_back({l.line.line, c.site_id});
    } else if ((l.status == LineStatus::allocated || l.status == LineStatus::pre_ordered) &&
               l.site_id != c.site_id) {
      released[l.site_id].push_back(l.line.line);
      allocations.push_back({l.line.line, c.site_id});
    }
  }
  if (allocations.empty()) {
    const bool all_there = std::ranges::all_of(s.lines, [&](const LineState& l) {
      return l.status == LineStatus::cancelled ||
             (l.status == LineStatus::allocated && l.site_id == c.site_id);
    });
    if (all_there) return nothing();
    const bool waits_there = std::ranges::any_of(s.lines, [&](const LineState& l) {
      return l.status == LineStatus::pre_ordered && l.site_id == c.site_id;
    });
    return reject(Code::wrong_state,
                  "order " + s.placed.order_id + " has no line that can move: " +
                      (waits_there ? "its lines are in preparation or further, or pre-ordered at " +
                                         c.site_id + " (allocated when the receipt arrives)"
                                   : std::string("every line is in preparation or further")));
  }
  // Recorded as a sourcing decision made by hand, for the order's view and timeline.
  std::vector<Event> events{SourcingDecided{
      "manual", 0, "manual", c.reason, s.rounds.empty() ? 0 : s.rounds.back().round, {}, c.at}};
  if (const Round* open = s.open_round())
    events.emplace_back(OfferRoundClosed{open->round, RoundEnd::withdrawn, c.at});
  for (auto& [site, lines] : released)
    events.emplace_back(AllocationReleased{site, std::move(lines), c.reason, {}});
  events.emplace_back(LinesAllocated{std::move(allocations)});
  return events;
}

void apply(State& s, const SourcingDecided& e) { s.sourcing = e; }

void apply(State& s, const OfferRoundOpened& e) {
  s.rounds.push_back(
      Round{e.round, e.site_ids, e.opened_at, e.deadline, {}, {}, true, std::nullopt, e.lines});
  s.queued_for_service = false;
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
      l.receipt_id.clear();
      l.expected_at = 0;
    }
  }
  if (e.receipt_id.empty() && std::ranges::find(s.released, e.site_id) == s.released.end())
    s.released.push_back(e.site_id);
}

}  // namespace detail

std::string_view to_string(RoundEnd end) {
  switch (end) {
    case RoundEnd::expired:
      return "expired";
    case RoundEnd::all_declined:
      return "all_declined";
    case RoundEnd::withdrawn:
      return "withdrawn";
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

}  // namespace ordo::domain::order
