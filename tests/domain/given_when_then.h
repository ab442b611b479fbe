// Given / when / then for deciders: a history of events, a command, and the events (or the
// rejection) expected. `then` returns the state after the emitted events, for follow-up checks.
//
//   Scenario<StockDecider>()
//       .given({stock::StockReceived{5, "po-1"}})
//       .when(stock::ReserveStock{"o1/1", "o1", 1, 7, kAt})
//       .then_rejected(Rejection::Code::insufficient_stock, "5 available");
#pragma once

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "domain/types.h"

namespace ordo::domain::testing {

/// Adapts an aggregate's namespace: `struct StockDecider : Decider<stock::Command, stock::Event,
/// stock::State, &stock::decide, &stock::evolve> {};`
template <class C, class E, class S, Decision<E> (*DecideFn)(const C&, const S&),
          S (*EvolveFn)(S, const E&)>
struct Decider {
  using Command = C;
  using Event = E;
  using State = S;
  static Decision<E> decide(const C& c, const S& s) { return DecideFn(c, s); }
  static S evolve(S s, const E& e) { return EvolveFn(std::move(s), e); }
};

/// Decides `command` against `state` and, when it is accepted, applies its events to `state`.
template <class D>
Decision<typename D::Event> decide_and_evolve(const typename D::Command& command,
                                              typename D::State& state) {
  auto decision = D::decide(command, state);
  if (decision) {
    for (const auto& e : *decision) state = D::evolve(std::move(state), e);
  }
  return decision;
}

/// The law "a command decided twice has one effect": decides and applies `command`, then decides
/// it again against the new `state`. True when the first was refused (nothing happened) or the
/// second answers "nothing to do".
template <class D>
bool has_one_effect(const typename D::Command& command, typename D::State& state) {
  if (!decide_and_evolve<D>(command, state)) return true;
  const auto again = D::decide(command, state);
  return again.has_value() && again->empty();
}

template <class D>
class Scenario {
 public:
  Scenario& given(const std::vector<typename D::Event>& history) {
    for (const auto& e : history) state_ = D::evolve(std::move(state_), e);
    return *this;
  }
  Scenario& when(typename D::Command command) {
    decision_ = D::decide(command, state_);
    decided_ = true;
    return *this;
  }
  /// The command is accepted with exactly `expected` (empty: nothing to do).
  typename D::State then(const std::vector<typename D::Event>& expected) {
    EXPECT_TRUE(decided_) << "then() without when()";
    if (!decision_) {
      ADD_FAILURE() << "rejected: " << decision_.error().reason;
      return state_;
    }
    EXPECT_TRUE(*decision_ == expected) << "decide emitted other events than expected";
    auto state = state_;
    for (const auto& e : *decision_) state = D::evolve(std::move(state), e);
    return state;
  }
  /// The command is rejected with `code`, and the reason mentions `reason_part`.
  void then_rejected(Rejection::Code code, std::string_view reason_part) {
    EXPECT_TRUE(decided_) << "then_rejected() without when()";
    if (decision_) {
      ADD_FAILURE() << "accepted with " << decision_->size() << " events, expected a rejection";
      return;
    }
    EXPECT_EQ(static_cast<int>(decision_.error().code), static_cast<int>(code))
        << decision_.error().reason;
    EXPECT_NE(decision_.error().reason.find(reason_part), std::string::npos)
        << "reason was: " << decision_.error().reason;
  }
  const typename D::State& state() const { return state_; }

 private:
  typename D::State state_{};
  Decision<typename D::Event> decision_ = std::vector<typename D::Event>{};
  bool decided_ = false;
};

}  // namespace ordo::domain::testing
