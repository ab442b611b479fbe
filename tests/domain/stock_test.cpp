// Stock decider: on hand, reservations and future receipts as given / when / then, and the laws
// (no oversell, evolve accepts what decide emits, a command decided twice has one effect).
#include "domain/stock.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <limits>
#include <numeric>

#include "tests/domain/generators.h"
#include "tests/domain/given_when_then.h"

namespace ordo::domain {
namespace {

using namespace stock;
using testing::Scenario;
using testing::uniform;
using Code = Rejection::Code;

struct StockDecider : testing::Decider<Command, Event, State, &decide, &evolve> {};

constexpr Instant kAt = 1'700'000'000'000'000;
constexpr Instant kNextWeek = kAt + 7 * kMicrosPerDay;
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

ReserveStock reserve(std::string order_id, std::uint32_t line, std::int64_t quantity) {
  return ReserveStock{
      order_id + "/" + std::to_string(line), order_id, line, quantity, kAt, "web", {}};
}
StockReserved reserved(std::string order_id, std::uint32_t line, std::int64_t quantity) {
  return StockReserved{order_id + "/" + std::to_string(line), order_id, line, quantity, "web", {}};
}

// --- ReceiveStock ------------------------------------------------------------------------------

TEST(StockReceive, ReceivingAddsToOnHand) {
  const State after = Scenario<StockDecider>()
                          .given({StockReceived{5, "po-1"}})
                          .when(ReceiveStock{3, "po-2", kAt})
                          .then({StockReceived{3, "po-2"}});
  EXPECT_EQ(after.on_hand, 8);
}

TEST(StockReceive, TheQuantityMustBePositive) {
  for (std::int64_t quantity : {0, -4}) {
    Scenario<StockDecider>()
        .when(ReceiveStock{quantity, "po-1", kAt})
        .then_rejected(Code::invalid,
                       "received quantity " + std::to_string(quantity) + " must be positive");
  }
}

TEST(StockReceive, OnHandCannotOverflow) {
  Scenario<StockDecider>()
      .given({StockReceived{kInt64Max, "po-1"}})
      .when(ReceiveStock{1, "po-2", kAt})
      .then_rejected(Code::invalid, "would overflow");
}

// --- AdjustStock -------------------------------------------------------------------------------

TEST(StockAdjust, AnAdjustmentWithAReasonChangesOnHand) {
  const State after = Scenario<StockDecider>()
                          .given({StockReceived{5, "po-1"}})
                          .when(AdjustStock{-2, "damaged", kAt})
                          .then({StockAdjusted{-2, "damaged"}});
  EXPECT_EQ(after.on_hand, 3);
}

TEST(StockAdjust, AZeroDeltaIsInvalid) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}})
      .when(AdjustStock{0, "nothing", kAt})
      .then_rejected(Code::invalid, "adjustment of 0 units");
}

TEST(StockAdjust, AReasonIsRequired) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}})
      .when(AdjustStock{-1, "", kAt})
      .then_rejected(Code::invalid, "adjustment of -1 needs a reason");
}

TEST(StockAdjust, OnHandCannotFallBelowZero) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}})
      .when(AdjustStock{-7, "stolen", kAt})
      .then_rejected(Code::insufficient_stock, "adjusting by -7 would take on hand from 5 to -2");
}

TEST(StockAdjust, OnHandCannotFallBelowWhatIsReserved) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}, reserved("o1", 1, 4)})
      .when(AdjustStock{-2, "damaged", kAt})
      .then_rejected(Code::insufficient_stock, "would leave 3 on hand, below the 4 reserved");
}

TEST(StockAdjust, AnIncreaseIsAcceptedEvenWhileOnHandIsBelowReserved) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}, reserved("o1", 1, 4), StockCounted{1, -4, 3, "wms"}})
      .when(AdjustStock{2, "found in the back room", kAt})
      .then({StockAdjusted{2, "found in the back room"}});
}

TEST(StockAdjust, OnHandCannotOverflow) {
  Scenario<StockDecider>()
      .given({StockReceived{kInt64Max - 1, "po-1"}})
      .when(AdjustStock{2, "found", kAt})
      .then_rejected(Code::invalid, "would overflow");
}

// --- CountStock --------------------------------------------------------------------------------

TEST(StockCount, ACountRecordsTheDifferenceWithOnHand) {
  const State after = Scenario<StockDecider>()
                          .given({StockReceived{5, "po-1"}})
                          .when(CountStock{8, "erp", kAt})
                          .then({StockCounted{8, 3, 0, "erp"}});
  EXPECT_EQ(after.on_hand, 8);
}

TEST(StockCount, ACountEqualToOnHandDoesNothing) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}})
      .when(CountStock{5, "erp", kAt})
      .then({});
}

// A feed's counts carry its sequence: a count older than the last one applied from that source
// arrives late and changes nothing, even when the newer one found on hand unchanged.
TEST(StockCount, ACountOlderThanTheSourcesLastIsStale) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}, StockCounted{7, 2, 0, "pos-paris", 12}})
      .when(CountStock{3, "pos-paris", kAt, 11})
      .then({});
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}, StockCounted{7, 2, 0, "pos-paris", 12}})
      .when(CountStock{3, "pos-paris", kAt, 12})
      .then({});
  Scenario<StockDecider>()  // another source's sequence is its own
      .given({StockReceived{5, "po-1"}, StockCounted{7, 2, 0, "pos-paris", 12}})
      .when(CountStock{3, "wms", kAt, 4})
      .then({StockCounted{3, -4, 0, "wms", 4}});
  const State after = Scenario<StockDecider>()
                          .given({StockReceived{5, "po-1"}})
                          .when(CountStock{5, "pos-paris", kAt, 13})
                          .then({StockCounted{5, 0, 0, "pos-paris", 13}});
  EXPECT_EQ(after.counted_up_to.at("pos-paris"), 13u);
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}, StockCounted{5, 0, 0, "pos-paris", 13}})
      .when(CountStock{9, "pos-paris", kAt, 10})
      .then({});
}

TEST(StockCount, ANegativeCountIsInvalid) {
  Scenario<StockDecider>()
      .when(CountStock{-1, "erp", kAt})
      .then_rejected(Code::invalid, "counted quantity -1 is negative");
}

TEST(StockCount, TheSourceIsRequired) {
  Scenario<StockDecider>()
      .when(CountStock{3, "", kAt})
      .then_rejected(Code::invalid, "count of 3 needs a source");
}

TEST(StockCount, ACountBelowReservedIsAcceptedWithTheShortageAndNothingIsAvailable) {
  const State after = Scenario<StockDecider>()
                          .given({StockReceived{10, "po-1"}, reserved("o1", 1, 6)})
                          .when(CountStock{2, "pos", kAt})
                          .then({StockCounted{2, -8, 4, "pos"}});
  EXPECT_EQ(after.on_hand, 2);
  EXPECT_EQ(after.reserved, 6);
  EXPECT_EQ(after.available(), 0);
}

// --- ReserveStock ------------------------------------------------------------------------------

TEST(StockReserve, ReservesFromAvailableStock) {
  const State after = Scenario<StockDecider>()
                          .given({StockReceived{5, "po-1"}})
                          .when(reserve("o1", 1, 3))
                          .then({reserved("o1", 1, 3)});
  EXPECT_EQ(after.reserved, 3);
  EXPECT_EQ(after.available(), 2);
  EXPECT_EQ(after.reservations.at("o1/1"), (Reservation{"o1", 1, 3, false, false, "web", {}}));
}

TEST(StockReserve, TheQuantityMustBePositive) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}})
      .when(reserve("o1", 1, 0))
      .then_rejected(Code::invalid, "reservation o1/1: quantity 0 must be positive");
}

TEST(StockReserve, TheReservationIdIsRequired) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}})
      .when(ReserveStock{"", "o1", 1, 1, kAt, "web", {}})
      .then_rejected(Code::invalid, "reservation id is required");
}

TEST(StockReserve, TheOrderIdIsRequired) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}})
      .when(ReserveStock{"o1/1", "", 1, 1, kAt, "web", {}})
      .then_rejected(Code::invalid, "reservation o1/1 has no order id");
}

TEST(StockReserve, MoreThanAvailableIsInsufficientStock) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}})
      .when(reserve("o1", 1, 7))
      .then_rejected(Code::insufficient_stock, "insufficient stock: 5 available, 7 requested");
}

TEST(StockReserve, ReservedStockIsNotAvailableToAnotherOrder) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}, reserved("o1", 1, 3)})
      .when(reserve("o2", 1, 3))
      .then_rejected(Code::insufficient_stock, "2 available, 3 requested");
}

TEST(StockReserve, NothingIsAvailableWhileACountLeftAShortage) {
  Scenario<StockDecider>()
      .given({StockReceived{10, "po-1"}, reserved("o1", 1, 6), StockCounted{2, -8, 4, "pos"}})
      .when(reserve("o2", 1, 1))
      .then_rejected(Code::insufficient_stock, "0 available, 1 requested");
}

TEST(StockReserve, TheSameReservationAgainDoesNothingEvenWhenStockIsGone) {
  Scenario<StockDecider>()
      .given({StockReceived{3, "po-1"}, reserved("o1", 1, 3)})
      .when(reserve("o1", 1, 3))
      .then({});
}

TEST(StockReserve, TheSameReservationWithAnotherQuantityIsAlreadyExists) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}, reserved("o1", 1, 3)})
      .when(reserve("o1", 1, 2))
      .then_rejected(Code::already_exists,
                     "reservation o1/1 already reserves 3 units for order o1");
}

// --- ReleaseReservation ------------------------------------------------------------------------

TEST(StockRelease, ReleasingMakesTheQuantityAvailableAgain) {
  const State after = Scenario<StockDecider>()
                          .given({StockReceived{5, "po-1"}, reserved("o1", 1, 3)})
                          .when(ReleaseReservation{"o1/1", "order cancelled", kAt})
                          .then({ReservationReleased{"o1/1", 3, "order cancelled"}});
  EXPECT_EQ(after.reserved, 0);
  EXPECT_EQ(after.available(), 5);
  EXPECT_TRUE(after.reservations.empty());
}

TEST(StockRelease, AnUnknownReservationIsAlreadyReleased) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}})
      .when(ReleaseReservation{"o1/1", "order cancelled", kAt})
      .then({});
}

TEST(StockRelease, APickedReservationCanStillBeReleased) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}, reserved("o1", 1, 3), StockPicked{"o1/1"}})
      .when(ReleaseReservation{"o1/1", "customer cancelled after picking", kAt})
      .then({ReservationReleased{"o1/1", 3, "customer cancelled after picking"}});
}

// --- PickStock ---------------------------------------------------------------------------------

TEST(StockPick, PickingMarksTheReservationPicked) {
  const State after = Scenario<StockDecider>()
                          .given({StockReceived{5, "po-1"}, reserved("o1", 1, 3)})
                          .when(PickStock{"o1/1", kAt})
                          .then({StockPicked{"o1/1"}});
  EXPECT_TRUE(after.reservations.at("o1/1").picked);
  EXPECT_EQ(after.on_hand, 5);  // picked units are still on the site until shipped
}

TEST(StockPick, AnUnknownReservationIsNotFound) {
  Scenario<StockDecider>()
      .when(PickStock{"o9/1", kAt})
      .then_rejected(Code::not_found, "reservation o9/1 does not exist");
}

TEST(StockPick, PickingTwiceDoesNothing) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}, reserved("o1", 1, 3), StockPicked{"o1/1"}})
      .when(PickStock{"o1/1", kAt})
      .then({});
}

// --- ShipStock ---------------------------------------------------------------------------------

TEST(StockShip, ShippingRemovesTheReservationAndItsQuantityFromOnHand) {
  const State after =
      Scenario<StockDecider>()
          .given({StockReceived{5, "po-1"}, reserved("o1", 1, 3), StockPicked{"o1/1"}})
          .when(ShipStock{"o1/1", kAt})
          .then({StockShipped{"o1/1", 3}});
  EXPECT_EQ(after.on_hand, 2);
  EXPECT_EQ(after.reserved, 0);
  EXPECT_TRUE(after.reservations.empty());
}

TEST(StockShip, AReservationNotPickedCanShip) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}, reserved("o1", 1, 3)})
      .when(ShipStock{"o1/1", kAt})
      .then({StockShipped{"o1/1", 3}});
}

TEST(StockShip, AnUnknownReservationIsNotFound) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}})
      .when(ShipStock{"o1/1", kAt})
      .then_rejected(Code::not_found, "reservation o1/1 does not exist");
}

TEST(StockShip, AReservationShortAfterACountCannotShip) {
  Scenario<StockDecider>()
      .given({StockReceived{5, "po-1"}, reserved("o1", 1, 5), StockCounted{2, -3, 3, "wms"}})
      .when(ShipStock{"o1/1", kAt})
      .then_rejected(Code::insufficient_stock,
                     "cannot ship reservation o1/1: 5 reserved but only 2 on hand");
}

// --- ExpectReceipt -----------------------------------------------------------------------------

TEST(StockExpect, AnExpectedReceiptIsRecorded) {
  const State after = Scenario<StockDecider>()
                          .when(ExpectReceipt{"asn-1", 20, kNextWeek, kAt})
                          .then({ReceiptExpected{"asn-1", 20, kNextWeek}});
  EXPECT_EQ(after.receipts.at("asn-1"),
            (FutureReceipt{20, kNextWeek, ReceiptStatus::expected, 0, {}}));
  EXPECT_EQ(after.on_hand, 0);  // not on hand until confirmed
}

TEST(StockExpect, TheQuantityMustBePositive) {
  Scenario<StockDecider>()
      .when(ExpectReceipt{"asn-1", 0, kNextWeek, kAt})
      .then_rejected(Code::invalid, "receipt asn-1: quantity 0 must be positive");
}

TEST(StockExpect, TheReceiptIdIsRequired) {
  Scenario<StockDecider>()
      .when(ExpectReceipt{"", 5, kNextWeek, kAt})
      .then_rejected(Code::invalid, "receipt id is required");
}

TEST(StockExpect, TheSameReceiptAgainDoesNothing) {
  Scenario<StockDecider>()
      .given({ReceiptExpected{"asn-1", 20, kNextWeek}})
      .when(ExpectReceipt{"asn-1", 20, kNextWeek, kAt})
      .then({});
}

TEST(StockExpect, AnIdUsedWithOtherContentIsAlreadyExists) {
  for (const auto& [quantity, at] : {std::pair{21L, kNextWeek}, std::pair{20L, kNextWeek + 1}}) {
    Scenario<StockDecider>()
        .given({ReceiptExpected{"asn-1", 20, kNextWeek}})
        .when(ExpectReceipt{"asn-1", quantity, at, kAt})
        .then_rejected(Code::already_exists, "receipt asn-1 already exists (expected, 20 units");
  }
}

// --- ConfirmReceipt ----------------------------------------------------------------------------

TEST(StockConfirm, ConfirmingAddsWhatWasReceivedToOnHand) {
  const State after =
      Scenario<StockDecider>()
          .given({StockReceived{2, "po-1"}, ReceiptExpected{"asn-1", 20, kNextWeek}})
          .when(ConfirmReceipt{"asn-1", 18, kAt})
          .then({ReceiptConfirmed{"asn-1", 18}});
  EXPECT_EQ(after.on_hand, 20);
  EXPECT_EQ(after.receipts.at("asn-1").status, ReceiptStatus::confirmed);
}

TEST(StockConfirm, NothingReceivedStillClosesTheReceipt) {
  Scenario<StockDecider>()
      .given({ReceiptExpected{"asn-1", 20, kNextWeek}})
      .when(ConfirmReceipt{"asn-1", 0, kAt})
      .then({ReceiptConfirmed{"asn-1", 0}});
}

TEST(StockConfirm, AnUnknownReceiptIsNotFound) {
  Scenario<StockDecider>()
      .when(ConfirmReceipt{"asn-9", 5, kAt})
      .then_rejected(Code::not_found, "receipt asn-9 was never expected");
}

TEST(StockConfirm, AConfirmedReceiptCannotBeConfirmedAgain) {
  Scenario<StockDecider>()
      .given({ReceiptExpected{"asn-1", 20, kNextWeek}, ReceiptConfirmed{"asn-1", 20}})
      .when(ConfirmReceipt{"asn-1", 20, kAt})
      .then_rejected(Code::wrong_state, "receipt asn-1 is confirmed");
}

TEST(StockConfirm, ACancelledReceiptCannotBeConfirmed) {
  Scenario<StockDecider>()
      .given({ReceiptExpected{"asn-1", 20, kNextWeek}, ReceiptCancelled{"asn-1"}})
      .when(ConfirmReceipt{"asn-1", 20, kAt})
      .then_rejected(Code::wrong_state, "receipt asn-1 is cancelled");
}

TEST(StockConfirm, ANegativeReceivedQuantityIsInvalid) {
  Scenario<StockDecider>()
      .given({ReceiptExpected{"asn-1", 20, kNextWeek}})
      .when(ConfirmReceipt{"asn-1", -1, kAt})
      .then_rejected(Code::invalid, "received quantity -1 is negative");
}

TEST(StockConfirm, OnHandCannotOverflow) {
  Scenario<StockDecider>()
      .given({StockReceived{kInt64Max, "po-1"}, ReceiptExpected{"asn-1", 20, kNextWeek}})
      .when(ConfirmReceipt{"asn-1", 20, kAt})
      .then_rejected(Code::invalid, "would overflow");
}

// --- CancelReceipt -----------------------------------------------------------------------------

TEST(StockCancelReceipt, AnExpectedReceiptCanBeCancelled) {
  const State after = Scenario<StockDecider>()
                          .given({ReceiptExpected{"asn-1", 20, kNextWeek}})
                          .when(CancelReceipt{"asn-1", kAt})
                          .then({ReceiptCancelled{"asn-1"}});
  EXPECT_EQ(after.receipts.at("asn-1").status, ReceiptStatus::cancelled);
}

TEST(StockCancelReceipt, AnUnknownReceiptIsNotFound) {
  Scenario<StockDecider>()
      .when(CancelReceipt{"asn-9", kAt})
      .then_rejected(Code::not_found, "receipt asn-9 was never expected");
}

TEST(StockCancelReceipt, CancellingTwiceDoesNothing) {
  Scenario<StockDecider>()
      .given({ReceiptExpected{"asn-1", 20, kNextWeek}, ReceiptCancelled{"asn-1"}})
      .when(CancelReceipt{"asn-1", kAt})
      .then({});
}

TEST(StockCancelReceipt, AConfirmedReceiptCannotBeCancelled) {
  Scenario<StockDecider>()
      .given({ReceiptExpected{"asn-1", 20, kNextWeek}, ReceiptConfirmed{"asn-1", 20}})
      .when(CancelReceipt{"asn-1", kAt})
      .then_rejected(Code::wrong_state,
                     "receipt asn-1 is confirmed and can no longer be cancelled");
}

// --- evolve is total ---------------------------------------------------------------------------

TEST(StockEvolve, AShipmentOfAnUnknownReservationStillLeavesTheSite) {
  State s = evolve(State{}, StockReceived{5, "po-1"});
  s = evolve(std::move(s), StockShipped{"o1/1", 2});
  EXPECT_EQ(s.on_hand, 3);
  EXPECT_EQ(s.reserved, 0);
}

TEST(StockEvolve, ARepeatedReservationEventIsNotCountedTwice) {
  State s = evolve(State{}, StockReceived{5, "po-1"});
  s = evolve(std::move(s), reserved("o1", 1, 3));
  s = evolve(std::move(s), reserved("o1", 1, 2));
  EXPECT_EQ(s.reserved, 2);
  EXPECT_EQ(s.reservations.at("o1/1").quantity, 2);
}

TEST(StockEvolve, OnHandNeverGoesNegative) {
  const State s = evolve(evolve(State{}, StockReceived{2, "po-1"}), StockAdjusted{-5, "imported"});
  EXPECT_EQ(s.on_hand, 0);
}

// --- Laws --------------------------------------------------------------------------------------

// A small world of ids so that random commands often meet the same reservation or receipt.
std::string any_reservation_id() { return *rc::gen::element<std::string>("o1/1", "o1/2", "o2/1"); }
std::string any_receipt_id() { return *rc::gen::element<std::string>("asn-1", "asn-2"); }
std::int64_t any_quantity() { return uniform<std::int64_t>(-1, 9); }

ReserveStock any_reservation() {
  const std::string id = any_reservation_id();
  const auto line = static_cast<std::uint32_t>(id.back() - '0');
  return ReserveStock{id, id.substr(0, 2), line, any_quantity(), kAt, "web", {}};
}

// Commands that must have one effect however often they are decided.
Command any_idempotent_command() {
  switch (uniform(0, 6)) {
    case 0:
      return any_reservation();
    case 1:
      return ReleaseReservation{any_reservation_id(), "cancelled", kAt};
    case 2:
      return PickStock{any_reservation_id(), kAt};
    case 3:
      return CancelReceipt{any_receipt_id(), kAt};
    case 4:
      return ExpectReceipt{any_receipt_id(), any_quantity(), kNextWeek, kAt};
    default:
      return CountStock{any_quantity(), "wms", kAt};
  }
}

Command any_command() {
  switch (uniform(0, 8)) {
    case 0:
      return ReceiveStock{any_quantity(), "po", kAt};
    case 1:
      return AdjustStock{uniform<std::int64_t>(-6, 6), "audit", kAt};
    case 2:
      return ShipStock{any_reservation_id(), kAt};
    case 3:
      return ConfirmReceipt{any_receipt_id(), any_quantity(), kAt};
    case 4:
    case 5:
      return any_reservation();  // the command the no-oversell law is about, twice as often
    default:
      return any_idempotent_command();
  }
}

std::int64_t sum_of_reservations(const State& s) {
  return std::accumulate(s.reservations.begin(), s.reservations.end(), std::int64_t{0},
                         [](std::int64_t sum, const auto& r) { return sum + r.second.quantity; });
}

// On hand as the event says it becomes, before evolve's clamp at zero: the law is about what
// decide emits, which evolve must never have to clamp.
std::int64_t on_hand_after(std::int64_t on_hand, const Event& event) {
  if (const auto* e = std::get_if<StockReceived>(&event)) return on_hand + e->quantity;
  if (const auto* e = std::get_if<StockAdjusted>(&event)) return on_hand + e->delta;
  if (const auto* e = std::get_if<StockCounted>(&event)) return e->counted;
  if (const auto* e = std::get_if<StockShipped>(&event)) return on_hand - e->quantity;
  if (const auto* e = std::get_if<ReceiptConfirmed>(&event)) return on_hand + e->received;
  return on_hand;
}

// Units reserved beyond what is on hand: only a count may open or deepen a shortage.
std::int64_t shortage(const State& s) { return std::max<std::int64_t>(s.reserved - s.on_hand, 0); }

RC_GTEST_PROP(StockLaws, NoOversellNoNegativeOnHandAndReservedIsTheSumOfReservations, ()) {
  State state;
  const int steps = uniform(1, 80);
  int reservations_made = 0;
  bool under_shortage = false;
  for (int i = 0; i < steps; ++i) {
    const Command command = any_command();
    const auto decision = decide(command, state);
    if (!decision) continue;
    if (const auto* r = std::get_if<ReserveStock>(&command); r && !decision->empty()) {
      RC_ASSERT(state.available() >= r->quantity);
      ++reservations_made;
    }
    for (const Event& e : *decision) {
      RC_ASSERT(on_hand_after(state.on_hand, e) >= 0);
      const std::int64_t shortage_before = shortage(state);
      under_shortage = under_shortage || shortage_before > 0;
      state = evolve(std::move(state), e);
      RC_ASSERT(std::holds_alternative<StockCounted>(e) || shortage(state) <= shortage_before);
      RC_ASSERT(state.reserved == sum_of_reservations(state));
    }
  }
  RC_TAG(reservations_made == 0 ? "no reservation made" : "a reservation made");
  RC_CLASSIFY(under_shortage, "an event decided during a shortage");
}

const Reservation* find_reservation(const State& s, const std::string& id) {
  const auto it = s.reservations.find(id);
  return it == s.reservations.end() ? nullptr : &it->second;
}

bool receipt_is(const State& s, const std::string& id, ReceiptStatus status) {
  const auto it = s.receipts.find(id);
  return it != s.receipts.end() && it->second.status == status;
}

// Whether `after` shows the effect `event` describes on `before`.
bool shows(const State& before, const State& after, const Event& event) {
  if (after.on_hand != on_hand_after(before.on_hand, event)) return false;
  if (const auto* e = std::get_if<StockReserved>(&event)) {
    const Reservation* r = find_reservation(after, e->reservation_id);
    return r != nullptr &&
           *r == Reservation{e->order_id, e->line, e->quantity, false, false, e->view, {}};
  }
  if (const auto* e = std::get_if<StockPicked>(&event)) {
    const Reservation* r = find_reservation(after, e->reservation_id);
    return r != nullptr && r->picked;
  }
  if (const auto* e = std::get_if<ReservationReleased>(&event)) {
    return find_reservation(after, e->reservation_id) == nullptr;
  }
  if (const auto* e = std::get_if<StockShipped>(&event)) {
    return find_reservation(after, e->reservation_id) == nullptr;
  }
  if (const auto* e = std::get_if<ReceiptExpected>(&event)) {
    return receipt_is(after, e->receipt_id, ReceiptStatus::expected);
  }
  if (const auto* e = std::get_if<ReceiptConfirmed>(&event)) {
    return receipt_is(after, e->receipt_id, ReceiptStatus::confirmed);
  }
  if (const auto* e = std::get_if<ReceiptCancelled>(&event)) {
    return receipt_is(after, e->receipt_id, ReceiptStatus::cancelled);
  }
  return true;
}

RC_GTEST_PROP(StockLaws, EvolveAppliesEverythingDecideEmits, ()) {
  State state;
  const int steps = uniform(1, 80);
  std::map<std::size_t, int> kinds;  // events applied, by alternative of Event
  for (int i = 0; i < steps; ++i) {
    const auto decision = decide(any_command(), state);
    if (!decision) continue;
    for (const Event& e : *decision) {
      ++kinds[e.index()];
      State next = evolve(state, e);
      RC_ASSERT(!(next == state));  // an emitted event that changes nothing is a lost decision
      RC_ASSERT(shows(state, next, e));
      state = std::move(next);
    }
  }
  RC_TAG(std::to_string(kinds.size()) + " kinds of event");
  RC_CLASSIFY(!kinds.contains(Event{StockShipped{}}.index()), "no StockShipped");
  RC_CLASSIFY(!kinds.contains(Event{ReceiptConfirmed{}}.index()), "no ReceiptConfirmed");
}

RC_GTEST_PROP(StockLaws, AnIdempotentCommandDecidedTwiceHasOneEffect, ()) {
  State state;
  const int steps = uniform(1, 60);
  int effective = 0;  // steps whose first decision changed the state
  for (int i = 0; i < steps; ++i) {
    // Somewhere new each time; a refused command leaves the state where it was.
    static_cast<void>(testing::decide_and_evolve<StockDecider>(any_command(), state));
    const State before_retry = state;
    RC_ASSERT(testing::has_one_effect<StockDecider>(any_idempotent_command(), state));
    if (!(state == before_retry)) ++effective;
  }
  RC_TAG(effective == 0          ? "no command had an effect"
         : effective * 4 < steps ? "an effect in under 1/4 of the steps"
                                 : "an effect in 1/4 of the steps or more");
}

}  // namespace
}  // namespace ordo::domain
