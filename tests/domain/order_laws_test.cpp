// Order decider laws: every event moves its lines along the state machine; a command decided twice
// has one effect.
#include "tests/domain/order_fixture.h"

namespace ordo::domain {
namespace {

// --- Laws --------------------------------------------------------------------------------------

// The line state machine of order.h: whether a line may go from `from` to `to`.
bool is_allowed(LineStatus from, LineStatus to) {
  using enum LineStatus;
  if (to == cancelled) return from != shipped && from != delivered && from != cancelled;
  if (to == prepared || to == ready_for_pickup) return from == in_preparation;
  if (to == shipped) return from == prepared || from == ready_for_pickup;
  return (from == sourcing && to == allocated) || (from == allocated && to == in_preparation) ||
         ((from == shipped || from == ready_for_pickup) && to == delivered);  // or collected
}

// One line going to a status, as an event says; a step at a site moves only that site's lines.
struct Move {
  std::uint32_t line = 0;
  LineStatus to = LineStatus::sourcing;
  std::string site_id;  // empty: any site
};

std::vector<Move> moves(const Event& event) {
  std::vector<Move> result;
  auto add = [&](const Lines& lines, LineStatus to, const std::string& site) {
    for (std::uint32_t l : lines) result.push_back({l, to, site});
  };
  if (const auto* e = std::get_if<LinesAllocated>(&event)) {
    for (const Allocation& a : e->allocations) {
      result.push_back({a.line, LineStatus::allocated, {}});
    }
  } else if (const auto* p = std::get_if<PreparationStarted>(&event)) {
    add(p->lines, LineStatus::in_preparation, p->site_id);
  } else if (const auto* m = std::get_if<OrderPrepared>(&event)) {
    add(m->lines, m->ready_for_pickup ? LineStatus::ready_for_pickup : LineStatus::prepared,
        m->site_id);
  } else if (const auto* s = std::get_if<OrderShipped>(&event)) {
    add(s->lines, LineStatus::shipped, s->site_id);
  } else if (const auto* d = std::get_if<OrderDelivered>(&event)) {
    add(d->lines, LineStatus::delivered, d->site_id);
  } else if (const auto* c = std::get_if<LinesCancelled>(&event)) {
    add(c->lines, LineStatus::cancelled, {});
  }
  return result;
}

std::string any_site() { return *rc::gen::element(kStrasbourg, kParis); }
// Mostly lines of the order, sometimes line 4, which it does not have.
std::uint32_t any_line() { return uniform(0, 10) == 0 ? 4 : uniform<std::uint32_t>(1, 4); }

enum class Kind { place, allocate, start, mark, ship, deliver, cancel, change_address };

// Commands that move lines forward weigh most, so that random walks often get lines as far as
// shipped and delivered before a cancellation (or a retry) meets them.
Command any_order_command() {
  const Kind kind = *rc::gen::weightedElement<Kind>({{1, Kind::place},
                                                     {4, Kind::allocate},
                                                     {4, Kind::start},
                                                     {4, Kind::mark},
                                                     {4, Kind::ship},
                                                     {4, Kind::deliver},
                                                     {2, Kind::cancel},
                                                     {1, Kind::change_address}});
  switch (kind) {
    case Kind::place:
      return place(
          *rc::gen::element(DeliveryMethod::home_standard, DeliveryMethod::click_and_collect));
    case Kind::allocate: {
      std::vector<Allocation> allocations(uniform<std::size_t>(1, 3));
      for (Allocation& a : allocations) a = {any_line(), any_site()};
      return AllocateLines{allocations, kAt};
    }
    case Kind::start:
      return StartPreparation{any_site(), kAt};
    case Kind::mark:
      return MarkPrepared{any_site(), *rc::gen::arbitrary<bool>(), kAt};
    case Kind::ship:
      return ShipOrder{any_site(), uniform(0, 5) == 0 ? "" : "ups", "1Z", kAt};
    case Kind::deliver:
      return DeliverOrder{any_site(), kAt};
    case Kind::cancel: {
      Lines lines(uniform(0, 8) == 0 ? 0 : uniform<std::size_t>(1, 3));  // none: every line
      for (std::uint32_t& line : lines) line = any_line();
      return CancelLines{lines, "customer", kAt};
    }
    case Kind::change_address:
      break;
  }
  return ChangeDeliveryAddress{*rc::gen::element(home(), office()), kAt, {}, {}};
}

RC_GTEST_PROP(OrderLaws, EveryEventMovesItsLinesAlongTheStateMachine, ()) {
  State state = evolve(State{}, placed(*rc::gen::element(DeliveryMethod::home_standard,
                                                         DeliveryMethod::pickup_point)));
  const int steps = uniform(1, 200);
  int moved = 0;  // line moves checked
  for (int i = 0; i < steps; ++i) {
    const auto decision = decide(any_order_command(), state);
    if (!decision) continue;
    for (const Event& e : *decision) {
      const State before = state;
      state = evolve(std::move(state), e);
      for (const Move& m : moves(e)) {
        ++moved;
        const auto line =
            std::ranges::find(before.lines, m.line, [](const LineState& l) { return l.line.line; });
        RC_ASSERT(line != before.lines.end());
        RC_ASSERT(is_allowed(line->status, m.to));
        RC_ASSERT(m.site_id.empty() || m.site_id == line->site_id);
        RC_ASSERT(state.lines[static_cast<std::size_t>(line - before.lines.begin())].status ==
                  m.to);
      }
    }
  }
  const auto is_delivered = [](const LineState& l) { return l.status == LineStatus::delivered; };
  const auto is_cancelled = [](const LineState& l) { return l.status == LineStatus::cancelled; };
  RC_TAG(std::ranges::any_of(state.lines, is_delivered) ? "a line delivered" : "no line delivered");
  RC_CLASSIFY(moved == 0, "no line moved");
  RC_CLASSIFY(std::ranges::all_of(state.lines, is_cancelled), "every line cancelled");
}

RC_GTEST_PROP(OrderLaws, ACommandDecidedTwiceHasOneEffect, ()) {
  State state = evolve(State{}, placed(DeliveryMethod::click_and_collect));
  const int steps = uniform(1, 60);
  int effective = 0;  // steps whose first decision changed the state
  for (int i = 0; i < steps; ++i) {
    const State before = state;
    RC_ASSERT(testing::has_one_effect<OrderDecider>(any_order_command(), state));
    if (!(state == before)) ++effective;
  }
  RC_TAG(effective == 0          ? "no command had an effect"
         : effective * 4 < steps ? "an effect in under 1/4 of the steps"
                                 : "an effect in 1/4 of the steps or more");
}

}  // namespace
}  // namespace ordo::domain
