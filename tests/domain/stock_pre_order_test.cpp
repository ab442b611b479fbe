// Stock decider, pre-orders: units promised on an expected receipt, reserved from on hand when it
// arrives, released when it is cancelled or short.
#include <gtest/gtest.h>

#include "domain/stock.h"
#include "tests/domain/given_when_then.h"

namespace ordo::domain {
namespace {

using namespace stock;
using testing::Scenario;
using Code = Rejection::Code;

struct StockDecider : testing::Decider<Command, Event, State, &decide, &evolve> {};

constexpr Instant kAt = 1'700'000'000'000'000;
constexpr Instant kNextWeek = kAt + 7 * kMicrosPerDay;

ReserveStock pre_order(std::string order_id, std::int64_t quantity, std::string view = "web") {
  return ReserveStock{order_id + "/1", order_id, 1, quantity, kAt, std::move(view), "asn-1"};
}
StockReserved pre_ordered(std::string order_id, std::int64_t quantity, std::string view = "web") {
  return StockReserved{order_id + "/1", order_id, 1, quantity, std::move(view), "asn-1"};
}

// 2 on hand, 10 expected next week.
std::vector<Event> expecting() {
  return {StockReceived{2, "po-1"}, ReceiptExpected{"asn-1", 10, kNextWeek}};
}

TEST(StockPreOrder, APreOrderPromisesUnitsOfTheReceiptNotOfOnHand) {
  const State after = Scenario<StockDecider>()
                          .given(expecting())
                          .when(pre_order("o1", 6))
                          .then({pre_ordered("o1", 6)});
  EXPECT_EQ(after.reserved, 0);
  EXPECT_EQ(after.available(), 2);
  EXPECT_EQ(after.receipts.at("asn-1").promised, 6);
  EXPECT_EQ(after.receipts.at("asn-1").unpromised(), 4);
  EXPECT_EQ(after.receipts.at("asn-1").promised_to("web"), 6);
  // Asked again: nothing more.
  Scenario<StockDecider>()
      .given(expecting())
      .given({pre_ordered("o1", 6)})
      .when(pre_order("o1", 6))
      .then({});
}

TEST(StockPreOrder, NoMoreThanTheReceiptBringsCanBePreOrdered) {
  Scenario<StockDecider>()
      .given(expecting())
      .given({pre_ordered("o1", 6)})
      .when(pre_order("o2", 5))
      .then_rejected(Code::insufficient_stock, "4 units left to pre-order, 5 requested");
  Scenario<StockDecider>()
      .given({StockReceived{2, "po-1"}})
      .when(pre_order("o1", 1))
      .then_rejected(Code::not_found, "receipt asn-1 was never expected");
  Scenario<StockDecider>()
      .given(expecting())
      .given({ReceiptCancelled{"asn-1"}})
      .when(pre_order("o1", 1))
      .then_rejected(Code::wrong_state, "only an expected receipt can be pre-ordered");
}

TEST(StockPreOrder, APreOrderCannotBePickedOrShippedBeforeItsReceipt) {
  Scenario<StockDecider>()
      .given(expecting())
      .given({pre_ordered("o1", 6)})
      .when(PickStock{"o1/1", kAt})
      .then_rejected(Code::wrong_state, "pre-order waiting for receipt asn-1");
  Scenario<StockDecider>()
      .given(expecting())
      .given({pre_ordered("o1", 6)})
      .when(ShipStock{"o1/1", kAt})
      .then_rejected(Code::wrong_state, "pre-order waiting for receipt asn-1");
}

TEST(StockPreOrder, TheReceiptsArrivalMakesItsPreOrdersReservations) {
  const State after = Scenario<StockDecider>()
                          .given(expecting())
                          .given({pre_ordered("o1", 6), pre_ordered("o2", 3, "marketplace")})
                          .when(ConfirmReceipt{"asn-1", 10, kNextWeek})
                          .then({ReceiptConfirmed{"asn-1", 10}});
  EXPECT_EQ(after.on_hand, 12);
  EXPECT_EQ(after.reserved, 9);
  EXPECT_EQ(after.available(), 3);
  EXPECT_EQ(after.taken_by("web"), 6);
  EXPECT_EQ(after.taken_by("marketplace"), 3);
  EXPECT_TRUE(after.reservations.at("o1/1").receipt_id.empty());
  // Picked and shipped from now on.
  Scenario<StockDecider>()
      .given(expecting())
      .given({pre_ordered("o1", 6), ReceiptConfirmed{"asn-1", 10}})
      .when(PickStock{"o1/1", kNextWeek})
      .then({StockPicked{"o1/1"}});
}

TEST(StockPreOrder, AShortReceiptReleasesTheLatestPreOrdersItCannotCover) {
  // 2 on hand and 5 received cover 7: o1's 6 (with 1 spare), not o2's 3 as well.
  const State after =
      Scenario<StockDecider>()
          .given(expecting())
          .given({pre_ordered("o1", 6), pre_ordered("o2", 3)})
          .when(ConfirmReceipt{"asn-1", 5, kNextWeek})
          .then({ReceiptConfirmed{"asn-1", 5},
                 ReservationReleased{"o2/1", 3, "receipt asn-1 short: 5 received"}});
  EXPECT_EQ(after.on_hand, 7);
  EXPECT_EQ(after.reserved, 6);
  EXPECT_FALSE(after.reservations.contains("o2/1"));
}

// A shortage already there (a count below what was reserved) is not the receipt's: arriving in
// full, it covers its own pre-orders.
TEST(StockPreOrder, AReceiptArrivingInFullKeepsItsPreOrdersWhateverShortageWasThere) {
  const State after = Scenario<StockDecider>()
                          .given(expecting())
                          .given({StockReserved{"o0/1", "o0", 1, 2, "web", {}},
                                  StockCounted{1, -1, 1, "pos", 0}, pre_ordered("o1", 10)})
                          .when(ConfirmReceipt{"asn-1", 10, kNextWeek})
                          .then({ReceiptConfirmed{"asn-1", 10}});
  EXPECT_EQ(after.reserved, 12);
  EXPECT_EQ(after.on_hand, 11);
}

TEST(StockPreOrder, ACancelledReceiptReleasesEveryPreOrder) {
  const State after = Scenario<StockDecider>()
                          .given(expecting())
                          .given({pre_ordered("o1", 6), pre_ordered("o2", 3)})
                          .when(CancelReceipt{"asn-1", kAt})
                          .then({ReceiptCancelled{"asn-1"},
                                 ReservationReleased{"o1/1", 6, "receipt asn-1 cancelled"},
                                 ReservationReleased{"o2/1", 3, "receipt asn-1 cancelled"}});
  EXPECT_TRUE(after.reservations.empty());
  EXPECT_EQ(after.receipts.at("asn-1").promised, 0);
  EXPECT_EQ(after.reserved, 0);
}

TEST(StockPreOrder, ReleasingAPreOrderGivesItsUnitsBackToTheReceipt) {
  const State after = Scenario<StockDecider>()
                          .given(expecting())
                          .given({pre_ordered("o1", 6)})
                          .when(ReleaseReservation{"o1/1", "cancelled", kAt})
                          .then({ReservationReleased{"o1/1", 6, "cancelled"}});
  EXPECT_EQ(after.receipts.at("asn-1").unpromised(), 10);
  EXPECT_TRUE(after.receipts.at("asn-1").promised_by.empty());
  EXPECT_EQ(after.reserved, 0);
  EXPECT_EQ(after.on_hand, 2);
}

}  // namespace
}  // namespace ordo::domain
