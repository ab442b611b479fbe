// Competitive rounds in the order's life: given a round offered to stores, when they claim,
// decline, or the deadline passes, then the first valid claim wins and every other answer is told
// why it did not.
#include "tests/domain/order_fixture.h"

namespace ordo::domain {
namespace {

const std::string kLille = "LIL-01";
constexpr Instant kDeadline = kAt + 60'000'000;

std::vector<Event> round_open() {
  return {placed(), SourcingDecided{"stores", 1, "round", "", 1, {}, kAt},
          OfferRoundOpened{1, {kParis, kStrasbourg, kLille}, kAt, kDeadline, {1, 2, 3}}};
}

std::vector<Allocation> all_to(const std::string& site) {
  return {{1, site}, {2, site}, {3, site}};
}

TEST(OrderRounds, TheFirstClaimWinsAndAllocatesEveryLine) {
  Scenario<OrderDecider>()
      .given(round_open())
      .when(ClaimOffer{kParis, 1, kAt + 1000})
      .then({OfferClaimed{1, kParis, kAt + 1000}, LinesAllocated{all_to(kParis)}});
}

TEST(OrderRounds, AClaimTakesOnlyTheLinesTheRoundOffered) {
  // Lines 1 and 2 are offered; line 3 went to Strasbourg directly.
  Scenario<OrderDecider>()
      .given({placed(), LinesAllocated{{{3, kStrasbourg}}},
              OfferRoundOpened{1, {kParis, kLille}, kAt, kDeadline, {1, 2}}})
      .when(ClaimOffer{kLille, 1, kAt + 5})
      .then({OfferClaimed{1, kLille, kAt + 5}, LinesAllocated{{{1, kLille}, {2, kLille}}}});
}

TEST(OrderRounds, AClaimAfterAnotherStoreWonIsLost) {
  auto history = round_open();
  history.push_back(OfferClaimed{1, kParis, kAt + 1000});
  history.push_back(LinesAllocated{all_to(kParis)});
  Scenario<OrderDecider>()
      .given(history)
      .when(ClaimOffer{kLille, 1, kAt + 2000})
      .then_rejected(Code::lost, "won by another site");
}

TEST(OrderRounds, TheWinnerClaimingAgainIsAlreadyDone) {
  auto history = round_open();
  history.push_back(OfferClaimed{1, kParis, kAt + 1000});
  history.push_back(LinesAllocated{all_to(kParis)});
  Scenario<OrderDecider>().given(history).when(ClaimOffer{kParis, 1, kAt + 5000}).then({});
}

TEST(OrderRounds, AClaimPastTheDeadlineOrOnAClosedRoundIsExpired) {
  Scenario<OrderDecider>()
      .given(round_open())
      .when(ClaimOffer{kParis, 1, kDeadline + 1})
      .then_rejected(Code::expired, "is over");
  auto closed = round_open();
  closed.push_back(OfferRoundClosed{1, RoundEnd::expired, kDeadline});
  Scenario<OrderDecider>()
      .given(closed)
      .when(ClaimOffer{kParis, 1, kAt + 10})
      .then_rejected(Code::expired, "is over");
}

TEST(OrderRounds, AStoreNotOfferedTheRoundOrAnUnknownRoundIsInvalid) {
  Scenario<OrderDecider>()
      .given(round_open())
      .when(ClaimOffer{"NICE-01", 1, kAt})
      .then_rejected(Code::invalid, "was not offered");
  Scenario<OrderDecider>()
      .given(round_open())
      .when(ClaimOffer{kParis, 2, kAt})
      .then_rejected(Code::invalid, "has no round 2");
}

TEST(OrderRounds, DeclinesAreRecordedAndTheLastOneClosesTheRound) {
  auto history = round_open();
  history.push_back(OfferDeclined{1, kParis, "busy", kAt + 1});
  history.push_back(OfferDeclined{1, kLille, "busy", kAt + 2});
  Scenario<OrderDecider>()
      .given(history)
      .when(DeclineOffer{kStrasbourg, 1, "no staff", kAt + 3})
      .then({OfferDeclined{1, kStrasbourg, "no staff", kAt + 3},
             OfferRoundClosed{1, RoundEnd::all_declined, kAt + 3}});
  Scenario<OrderDecider>().given(history).when(DeclineOffer{kParis, 1, "busy", kAt + 4}).then({});
  Scenario<OrderDecider>()
      .given(history)
      .when(ClaimOffer{kParis, 1, kAt + 4})
      .then_rejected(Code::invalid, "declined");
}

TEST(OrderRounds, ARoundExpiresOnlyAtItsDeadline) {
  Scenario<OrderDecider>()
      .given(round_open())
      .when(ExpireRound{1, kDeadline - 1})
      .then_rejected(Code::wrong_state, "not due yet");
  const auto after = Scenario<OrderDecider>()
                         .given(round_open())
                         .when(ExpireRound{1, kDeadline})
                         .then({OfferRoundClosed{1, RoundEnd::expired, kDeadline}});
  EXPECT_EQ(after.open_round(), nullptr);
  EXPECT_EQ(after.tried(), (std::set<std::string>{kParis, kStrasbourg, kLille}));
  Scenario<OrderDecider>()
      .given(round_open())
      .when(ExpireRound{1, kDeadline})
      .then({OfferRoundClosed{1, RoundEnd::expired, kDeadline}});
}

TEST(OrderRounds, AStoreThatCannotPrepareReleasesItsLinesWhichAreSourcedAgain) {
  auto history = round_open();
  history.push_back(OfferClaimed{1, kParis, kAt + 1000});
  history.push_back(LinesAllocated{all_to(kParis)});
  const auto after =
      Scenario<OrderDecider>()
          .given(history)
          .when(ReleaseAllocation{kParis, "2 units missing", true, kAt + 2000, {}, {}})
          .then({AllocationReleased{kParis, {1, 2, 3}, "2 units missing", {}}});
  EXPECT_EQ(after.sourcing_lines(), (std::vector<std::uint32_t>{1, 2, 3}));
  EXPECT_TRUE(after.tried().contains(kParis));
  Scenario<OrderDecider>()
      .given(history)
      .when(ReleaseAllocation{kLille, "?", false, kAt, {}, {}})
      .then_rejected(Code::wrong_state, "no line allocated to site " + kLille);
}

TEST(OrderRounds, CustomerServiceReallocatesByHandAndWithdrawsAnOpenRound) {
  // Recorded as a manual sourcing decision, with the reason, before the lines move.
  Scenario<OrderDecider>()
      .given(round_open())
      .when(Reallocate{kLille, "VIP customer", kAt + 5})
      .then({SourcingDecided{"manual", 0, "manual", "VIP customer", 1, {}, kAt + 5},
             OfferRoundClosed{1, RoundEnd::withdrawn, kAt + 5}, LinesAllocated{all_to(kLille)}});
  auto allocated = round_open();
  allocated.push_back(OfferClaimed{1, kParis, kAt + 1000});
  allocated.push_back(LinesAllocated{all_to(kParis)});
  Scenario<OrderDecider>()
      .given(allocated)
      .when(Reallocate{kLille, "nearer", kAt + 5})
      .then({SourcingDecided{"manual", 0, "manual", "nearer", 1, {}, kAt + 5},
             AllocationReleased{kParis, {1, 2, 3}, "nearer", {}}, LinesAllocated{all_to(kLille)}});
  allocated.push_back(PreparationStarted{kParis, {1, 2, 3}});
  Scenario<OrderDecider>()
      .given(allocated)
      .when(Reallocate{kLille, "nearer", kAt + 5})
      .then_rejected(Code::wrong_state, "in preparation or further");
}

// What customer service reads: an order in its queue is not "sourcing" (nothing is).
TEST(OrderStatus, AnOrderInCustomerServicesQueueAwaitsItUntilAllocatedByHand) {
  const State placed_only = Scenario<OrderDecider>().given({placed()}).when(place()).then({});
  EXPECT_EQ(order_status(placed_only), "sourcing");
  auto history = std::vector<Event>{placed(), QueuedForService{"no site can serve it"}};
  const State queued =
      Scenario<OrderDecider>().given(history).when(place()).then({});  // nothing to do
  EXPECT_EQ(queued.status(), LineStatus::sourcing);  // every line still waits for a site
  EXPECT_EQ(order_status(queued), "awaiting_customer_service");
  const State moved =
      Scenario<OrderDecider>()
          .given(history)
          .when(Reallocate{kLille, "customer agreed to wait", kAt + 5})
          .then({SourcingDecided{"manual", 0, "manual", "customer agreed to wait", 0, {}, kAt + 5},
                 LinesAllocated{all_to(kLille)}});
  EXPECT_EQ(order_status(moved), "allocated");
}

TEST(OrderEmail, AnAddressIsSearchedTrimmedAndInLowerCase) {
  EXPECT_EQ(normalised_email(" Lea.Martin@Example.COM\t"), "lea.martin@example.com");
  EXPECT_EQ(normalised_email("lea@example.com"), "lea@example.com");
  EXPECT_EQ(normalised_email("  "), "");
  EXPECT_EQ(normalised_email("Élodie@Exemple.FR"), "Élodie@exemple.fr");  // ASCII letters only
}

TEST(OrderRounds, CancellingEveryLineWithdrawsTheOpenRound) {
  Scenario<OrderDecider>()
      .given(round_open())
      .when(CancelLines{{}, "customer changed her mind", kAt + 9})
      .then({LinesCancelled{{1, 2, 3}, "customer changed her mind"},
             OfferRoundClosed{1, RoundEnd::withdrawn, kAt + 9}});
}

// Law: whatever the order of claims, declines and expiries, a round has at most one winner, and
// every line is allocated to the winner when there is one.
RC_GTEST_PROP(OrderRoundLaws, ARoundHasAtMostOneWinnerWhateverArrives, ()) {
  State state;
  for (const auto& e : round_open()) state = evolve(std::move(state), e);
  const std::vector<std::string> sites = {kParis, kStrasbourg, kLille, "NICE-01"};
  const auto steps = *rc::gen::inRange(1, 20);
  std::set<std::string> winners;
  int lost_claims = 0;  // claims refused once a site had won
  for (int i = 0; i < steps; ++i) {
    const auto& site = sites[static_cast<std::size_t>(*rc::gen::inRange(0, 4))];
    const Instant at = kAt + *rc::gen::inRange<Instant>(0, 120'000'000);
    Command command = ClaimOffer{site, 1, at};
    switch (*rc::gen::inRange(0, 3)) {
      case 1:
        command = DeclineOffer{site, 1, "busy", at};
        break;
      case 2:
        command = ExpireRound{1, at};
        break;
      default:
        break;
    }
    auto decided = decide(command, state);
    if (!decided && !winners.empty() && std::holds_alternative<ClaimOffer>(command)) ++lost_claims;
    if (!decided) continue;
    for (const auto& e : *decided) {
      if (const auto* c = std::get_if<OfferClaimed>(&e)) winners.insert(c->site_id);
      state = evolve(std::move(state), e);
    }
  }
  RC_TAG(winners.empty() ? "no winner" : "a winner");
  RC_CLASSIFY(lost_claims > 0, "a claim refused after the round was won");
  RC_CLASSIFY(steps == 1, "a single message");
  RC_ASSERT(winners.size() <= 1u);
  if (!winners.empty()) {
    for (const auto& l : state.lines) RC_ASSERT(l.site_id == *winners.begin());
    RC_ASSERT(state.open_round() == nullptr);
  }
}

}  // namespace
}  // namespace ordo::domain
