// Order decider: placement, allocation, the per-site steps, cancellation and address changes as
// given / when / then, and the laws (lines follow their state machine; decided twice, one effect).
#include "domain/order.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <limits>

#include "tests/domain/generators.h"
#include "tests/domain/given_when_then.h"

namespace ordo::domain {
namespace {

using namespace order;
using testing::Scenario;
using testing::uniform;
using Code = Rejection::Code;
using Lines = std::vector<std::uint32_t>;

struct OrderDecider : testing::Decider<Command, Event, State, &decide, &evolve> {};

constexpr Instant kAt = 1'700'000'000'000'000;
const std::string kStrasbourg = "STR-01";
const std::string kParis = "PAR-01";

Address home() {
  return {"Jeanne Martin", "3 rue des Orfèvres", "", "67000", "Strasbourg", "FR", ""};
}
Address office() {
  return {"Jeanne Martin", "1 place Kléber", "", "67000", "Strasbourg", "FR", ""};
}

// Three lines: 2 x 10.00 + 1 x 25.00 + 3 x 5.00 = 60.00 EUR.
PlaceOrder place(DeliveryMethod method = DeliveryMethod::home_standard) {
  return PlaceOrder{"o-1001",
                    "web",
                    "c-7",
                    "jeanne@example.com",
                    {{1, "SKU-A", 2, 1000}, {2, "SKU-B", 1, 2500}, {3, "SKU-C", 3, 500}},
                    home(),
                    home(),
                    method,
                    {"standard-2d", kAt + 2 * kMicrosPerDay},
                    "EUR",
                    kAt};
}

OrderPlaced placed(DeliveryMethod method = DeliveryMethod::home_standard) {
  const PlaceOrder c = place(method);
  return OrderPlaced{c.order_id, c.channel,          c.customer_id, c.email,
                     c.lines,    c.billing,          c.delivery,    c.method,
                     c.promise,  Money{6000, "EUR"}, c.at};
}

LinesAllocated allocated(const std::string& site, const Lines& lines) {
  LinesAllocated e;
  for (std::uint32_t line : lines) e.allocations.push_back({line, site});
  return e;
}

// Lines 1 and 2 at Strasbourg, line 3 at Paris, each history one step further.
std::vector<Event> allocated_history() {
  return {placed(), allocated(kStrasbourg, {1, 2}), allocated(kParis, {3})};
}
std::vector<Event> in_preparation_history() {
  auto h = allocated_history();
  h.push_back(PreparationStarted{kStrasbourg, {1, 2}});
  return h;
}
std::vector<Event> prepared_history() {
  auto h = in_preparation_history();
  h.push_back(OrderPrepared{kStrasbourg, {1, 2}, false});
  return h;
}
std::vector<Event> shipped_history() {
  auto h = prepared_history();
  h.push_back(OrderShipped{kStrasbourg, {1, 2}, "colissimo", "6A123"});
  return h;
}

PlaceOrder place_with(void (*change)(PlaceOrder&)) {
  PlaceOrder c = place();
  change(c);
  return c;
}

void expect_invalid_order(const PlaceOrder& c, std::string_view reason_part) {
  Scenario<OrderDecider>().when(c).then_rejected(Code::invalid, reason_part);
}

// --- PlaceOrder --------------------------------------------------------------------------------

TEST(OrderPlace, PlacesANewOrderWithTheTotalOfItsLines) {
  const State after = Scenario<OrderDecider>().when(place()).then({placed()});
  ASSERT_EQ(after.lines.size(), 3u);
  EXPECT_EQ(after.lines[0].status, LineStatus::sourcing);
  EXPECT_EQ(after.status(), LineStatus::sourcing);
  EXPECT_EQ(after.delivery, home());
}

TEST(OrderPlace, PlacingTheSameOrderAgainDoesNothingEvenLater) {
  PlaceOrder retry = place();
  retry.at += 5'000'000;
  Scenario<OrderDecider>().given({placed()}).when(retry).then({});
}

TEST(OrderPlace, OtherContentUnderTheSameIdIsAlreadyExists) {
  Scenario<OrderDecider>()
      .given({placed()})
      .when(place_with([](PlaceOrder& c) { c.lines[0].quantity = 5; }))
      .then_rejected(Code::already_exists, "order o-1001 was already placed with other content");
}

TEST(OrderPlace, TheOrderIdIsRequired) {
  expect_invalid_order(place_with([](PlaceOrder& c) { c.order_id.clear(); }),
                       "order id is required");
}

TEST(OrderPlace, TheChannelIsRequired) {
  expect_invalid_order(place_with([](PlaceOrder& c) { c.channel.clear(); }),
                       "order o-1001: the channel is required");
}

TEST(OrderPlace, AnOrderNeedsLines) {
  expect_invalid_order(place_with([](PlaceOrder& c) { c.lines.clear(); }), "at least one line");
}

TEST(OrderPlace, LineNumbersMustBeUnique) {
  expect_invalid_order(place_with([](PlaceOrder& c) { c.lines[2].line = 1; }),
                       "line 1 appears twice");
}

TEST(OrderPlace, LineNumbersStartAtOne) {
  expect_invalid_order(place_with([](PlaceOrder& c) { c.lines[0].line = 0; }),
                       "line numbers start at 1");
}

TEST(OrderPlace, EveryLineNeedsASku) {
  expect_invalid_order(place_with([](PlaceOrder& c) { c.lines[1].sku.clear(); }),
                       "line 2 has no SKU");
}

TEST(OrderPlace, QuantitiesMustBePositive) {
  expect_invalid_order(place_with([](PlaceOrder& c) { c.lines[1].quantity = 0; }),
                       "line 2: quantity 0 must be positive");
}

TEST(OrderPlace, PricesCannotBeNegative) {
  expect_invalid_order(place_with([](PlaceOrder& c) { c.lines[2].unit_price_minor = -1; }),
                       "line 3: unit price -1 is negative");
}

TEST(OrderPlace, AFreeLineIsAccepted) {
  const PlaceOrder c = place_with([](PlaceOrder& p) { p.lines[2].unit_price_minor = 0; });
  const auto d = decide(c, State{});
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(std::get<OrderPlaced>(d->at(0)).total, (Money{4500, "EUR"}));
}

TEST(OrderPlace, TheCurrencyMustBeAnIso4217Code) {
  expect_invalid_order(place_with([](PlaceOrder& c) { c.currency = "eur"; }),
                       "currency \"eur\" is not an ISO 4217 code");
}

TEST(OrderPlace, TheBillingCountryMustBeACode) {
  expect_invalid_order(place_with([](PlaceOrder& c) { c.billing.country = "France"; }),
                       "billing country \"France\"");
}

TEST(OrderPlace, TheDeliveryCountryMustBeACode) {
  expect_invalid_order(place_with([](PlaceOrder& c) { c.delivery.country = "fr"; }),
                       "delivery country \"fr\"");
}

TEST(OrderPlace, ATotalThatOverflowsIsInvalid) {
  expect_invalid_order(place_with([](PlaceOrder& c) {
                         c.lines[0].unit_price_minor = std::numeric_limits<std::int64_t>::max();
                       }),
                       "the total overflows");
}

// --- Commands on an order that does not exist --------------------------------------------------

TEST(OrderNotPlaced, EveryCommandButPlaceIsNotFound) {
  const std::vector<Command> commands = {
      AllocateLines{{{1, kStrasbourg}}, kAt}, StartPreparation{kStrasbourg, kAt},
      MarkPrepared{kStrasbourg, false, kAt},  ShipOrder{kStrasbourg, "colissimo", "", kAt},
      DeliverOrder{kStrasbourg, kAt},         CancelLines{{}, "customer", kAt},
      ChangeDeliveryAddress{office(), kAt}};
  for (const Command& c : commands) {
    Scenario<OrderDecider>().when(c).then_rejected(Code::not_found, "order has not been placed");
  }
}

// --- AllocateLines -----------------------------------------------------------------------------

TEST(OrderAllocate, AllocatesSourcingLinesToTheirSites) {
  const State after = Scenario<OrderDecider>()
                          .given({placed()})
                          .when(AllocateLines{{{1, kStrasbourg}, {3, kParis}}, kAt})
                          .then({LinesAllocated{{{1, kStrasbourg}, {3, kParis}}}});
  EXPECT_EQ(after.lines[0].status, LineStatus::allocated);
  EXPECT_EQ(after.lines[0].site_id, kStrasbourg);
  EXPECT_EQ(after.lines[1].status, LineStatus::sourcing);
  EXPECT_EQ(after.status(), LineStatus::sourcing);  // the least advanced line
}

TEST(OrderAllocate, AllocatingToTheSameSiteAgainDoesNothing) {
  Scenario<OrderDecider>()
      .given(allocated_history())
      .when(AllocateLines{{{1, kStrasbourg}, {3, kParis}}, kAt})
      .then({});
}

TEST(OrderAllocate, OnlyTheLinesNotYetAllocatedAreInTheEvent) {
  Scenario<OrderDecider>()
      .given({placed(), allocated(kStrasbourg, {1})})
      .when(AllocateLines{{{1, kStrasbourg}, {2, kStrasbourg}}, kAt})
      .then({allocated(kStrasbourg, {2})});
}

TEST(OrderAllocate, ALineFurtherAlongAtTheSameSiteDoesNothing) {
  Scenario<OrderDecider>()
      .given(in_preparation_history())
      .when(AllocateLines{{{2, kStrasbourg}}, kAt})
      .then({});
}

TEST(OrderAllocate, AtLeastOneAllocationIsRequired) {
  Scenario<OrderDecider>()
      .given({placed()})
      .when(AllocateLines{{}, kAt})
      .then_rejected(Code::invalid, "at least one line");
}

TEST(OrderAllocate, TheSiteIdIsRequired) {
  Scenario<OrderDecider>()
      .given({placed()})
      .when(AllocateLines{{{2, ""}}, kAt})
      .then_rejected(Code::invalid, "line 2: the site id is required");
}

TEST(OrderAllocate, TheLineMustExist) {
  Scenario<OrderDecider>()
      .given({placed()})
      .when(AllocateLines{{{1, kStrasbourg}, {4, kStrasbourg}}, kAt})
      .then_rejected(Code::invalid, "order o-1001 has no line 4");
}

TEST(OrderAllocate, ALineAllocatedToAnotherSiteIsWrongState) {
  Scenario<OrderDecider>()
      .given(allocated_history())
      .when(AllocateLines{{{3, kStrasbourg}}, kAt})
      .then_rejected(Code::wrong_state, "line 3 is already allocated to site PAR-01, not STR-01");
}

TEST(OrderAllocate, ACancelledLineIsWrongState) {
  Scenario<OrderDecider>()
      .given({placed(), LinesCancelled{{2}, "out of stock"}})
      .when(AllocateLines{{{2, kStrasbourg}}, kAt})
      .then_rejected(Code::wrong_state, "line 2 is cancelled and cannot be allocated");
}

TEST(OrderAllocate, OneLineToTwoSitesInOneCommandIsInvalid) {
  Scenario<OrderDecider>()
      .given({placed()})
      .when(AllocateLines{{{1, kStrasbourg}, {1, kParis}}, kAt})
      .then_rejected(Code::invalid, "line 1 is allocated to both site STR-01 and site PAR-01");
}

TEST(OrderAllocate, OneLineTwiceToOneSiteInOneCommandIsAllocatedOnce) {
  Scenario<OrderDecider>()
      .given({placed()})
      .when(AllocateLines{{{1, kStrasbourg}, {1, kStrasbourg}}, kAt})
      .then({allocated(kStrasbourg, {1})});
}

// --- StartPreparation --------------------------------------------------------------------------

TEST(OrderStartPreparation, StartsTheAllocatedLinesOfThatSiteOnly) {
  const State after = Scenario<OrderDecider>()
                          .given(allocated_history())
                          .when(StartPreparation{kStrasbourg, kAt})
                          .then({PreparationStarted{kStrasbourg, {1, 2}}});
  EXPECT_EQ(after.lines[0].status, LineStatus::in_preparation);
  EXPECT_EQ(after.lines[2].status, LineStatus::allocated);
  EXPECT_EQ(after.status(), LineStatus::allocated);
}

TEST(OrderStartPreparation, RepeatedDoesNothing) {
  Scenario<OrderDecider>()
      .given(in_preparation_history())
      .when(StartPreparation{kStrasbourg, kAt})
      .then({});
}

TEST(OrderStartPreparation, ASiteWithNoLineIsWrongState) {
  Scenario<OrderDecider>()
      .given(allocated_history())
      .when(StartPreparation{"LYO-01", kAt})
      .then_rejected(Code::wrong_state,
                     "cannot start preparation: no line of the order is allocated to site LYO-01");
}

TEST(OrderStartPreparation, CancelledLinesDoNotCount) {
  Scenario<OrderDecider>()
      .given({placed(), allocated(kParis, {3}), LinesCancelled{{3}, "customer"}})
      .when(StartPreparation{kParis, kAt})
      .then_rejected(Code::wrong_state, "no line of the order is allocated to site PAR-01");
}

TEST(OrderStartPreparation, TheSiteIdIsRequired) {
  Scenario<OrderDecider>()
      .given(allocated_history())
      .when(StartPreparation{"", kAt})
      .then_rejected(Code::invalid, "site id is required to start preparation");
}

// --- MarkPrepared ------------------------------------------------------------------------------

TEST(OrderMarkPrepared, MarksTheLinesInPreparationPrepared) {
  const State after = Scenario<OrderDecider>()
                          .given(in_preparation_history())
                          .when(MarkPrepared{kStrasbourg, false, kAt})
                          .then({OrderPrepared{kStrasbourg, {1, 2}, false}});
  EXPECT_EQ(after.lines[1].status, LineStatus::prepared);
}

TEST(OrderMarkPrepared, AClickAndCollectOrderCanBeReadyForPickup) {
  std::vector<Event> h = in_preparation_history();
  h[0] = placed(DeliveryMethod::click_and_collect);
  const State after = Scenario<OrderDecider>()
                          .given(h)
                          .when(MarkPrepared{kStrasbourg, true, kAt})
                          .then({OrderPrepared{kStrasbourg, {1, 2}, true}});
  EXPECT_EQ(after.lines[0].status, LineStatus::ready_for_pickup);
}

TEST(OrderMarkPrepared, PickupPointAndShipToStoreOrdersCanBeReadyForPickup) {
  for (DeliveryMethod m : {DeliveryMethod::pickup_point, DeliveryMethod::ship_to_store}) {
    std::vector<Event> h = in_preparation_history();
    h[0] = placed(m);
    Scenario<OrderDecider>()
        .given(h)
        .when(MarkPrepared{kStrasbourg, true, kAt})
        .then({OrderPrepared{kStrasbourg, {1, 2}, true}});
  }
}

TEST(OrderMarkPrepared, AHomeDeliveryCannotBeReadyForPickup) {
  Scenario<OrderDecider>()
      .given(in_preparation_history())
      .when(MarkPrepared{kStrasbourg, true, kAt})
      .then_rejected(Code::invalid, "order o-1001 is for home_standard delivery");
}

TEST(OrderMarkPrepared, LinesNotInPreparationAreWrongState) {
  Scenario<OrderDecider>()
      .given(allocated_history())
      .when(MarkPrepared{kParis, false, kAt})
      .then_rejected(Code::wrong_state,
                     "cannot mark prepared: no line at site PAR-01 is in_preparation");
}

TEST(OrderMarkPrepared, RepeatedDoesNothing) {
  Scenario<OrderDecider>()
      .given(prepared_history())
      .when(MarkPrepared{kStrasbourg, false, kAt})
      .then({});
}

// --- ShipOrder ---------------------------------------------------------------------------------

TEST(OrderShip, ShipsThePreparedLinesOfTheSite) {
  const State after = Scenario<OrderDecider>()
                          .given(prepared_history())
                          .when(ShipOrder{kStrasbourg, "colissimo", "6A123", kAt})
                          .then({OrderShipped{kStrasbourg, {1, 2}, "colissimo", "6A123"}});
  EXPECT_EQ(after.lines[0].status, LineStatus::shipped);
}

TEST(OrderShip, LinesReadyForPickupShipToo) {
  std::vector<Event> h = in_preparation_history();
  h[0] = placed(DeliveryMethod::pickup_point);
  h.push_back(OrderPrepared{kStrasbourg, {1, 2}, true});
  Scenario<OrderDecider>()
      .given(h)
      .when(ShipOrder{kStrasbourg, "mondial-relay", "", kAt})
      .then({OrderShipped{kStrasbourg, {1, 2}, "mondial-relay", ""}});
}

TEST(OrderShip, ACarrierIsRequired) {
  Scenario<OrderDecider>()
      .given(prepared_history())
      .when(ShipOrder{kStrasbourg, "", "", kAt})
      .then_rejected(Code::invalid, "shipping from site STR-01 needs a carrier");
}

TEST(OrderShip, LinesNotPreparedAreWrongState) {
  Scenario<OrderDecider>()
      .given(in_preparation_history())
      .when(ShipOrder{kStrasbourg, "colissimo", "", kAt})
      .then_rejected(Code::wrong_state,
                     "cannot ship: no line at site STR-01 is prepared or ready_for_pickup");
}

TEST(OrderShip, RepeatedDoesNothing) {
  Scenario<OrderDecider>()
      .given(shipped_history())
      .when(ShipOrder{kStrasbourg, "colissimo", "6A123", kAt})
      .then({});
}

// --- DeliverOrder ------------------------------------------------------------------------------

TEST(OrderDeliver, DeliversTheShippedLinesAtTheCommandsTime) {
  const State after = Scenario<OrderDecider>()
                          .given(shipped_history())
                          .when(DeliverOrder{kStrasbourg, kAt + 1})
                          .then({OrderDelivered{kStrasbourg, {1, 2}, kAt + 1}});
  EXPECT_EQ(after.lines[1].status, LineStatus::delivered);
  EXPECT_EQ(after.status(), LineStatus::allocated);  // line 3 is still at Paris
}

TEST(OrderDeliver, LinesNotShippedAreWrongState) {
  Scenario<OrderDecider>()
      .given(prepared_history())
      .when(DeliverOrder{kStrasbourg, kAt})
      .then_rejected(Code::wrong_state, "cannot deliver: no line at site STR-01 is shipped");
}

TEST(OrderDeliver, RepeatedDoesNothing) {
  std::vector<Event> h = shipped_history();
  h.push_back(OrderDelivered{kStrasbourg, {1, 2}, kAt});
  Scenario<OrderDecider>().given(h).when(DeliverOrder{kStrasbourg, kAt}).then({});
}

// --- CancelLines -------------------------------------------------------------------------------

TEST(OrderCancel, CancelsTheGivenLines) {
  const State after = Scenario<OrderDecider>()
                          .given(allocated_history())
                          .when(CancelLines{{3, 1}, "customer request", kAt})
                          .then({LinesCancelled{{1, 3}, "customer request"}});
  EXPECT_EQ(after.lines[0].status, LineStatus::cancelled);
  EXPECT_EQ(after.status(), LineStatus::allocated);
}

TEST(OrderCancel, NoLinesMeansEveryLineNotYetCancelled) {
  const State after = Scenario<OrderDecider>()
                          .given({placed(), LinesCancelled{{2}, "out of stock"}})
                          .when(CancelLines{{}, "fraud", kAt})
                          .then({LinesCancelled{{1, 3}, "fraud"}});
  EXPECT_EQ(after.status(), LineStatus::cancelled);
}

TEST(OrderCancel, LinesInPreparationOrPreparedCanBeCancelled) {
  Scenario<OrderDecider>()
      .given(prepared_history())
      .when(CancelLines{{1}, "damaged during picking", kAt})
      .then({LinesCancelled{{1}, "damaged during picking"}});
}

TEST(OrderCancel, TheLinesMustExist) {
  Scenario<OrderDecider>()
      .given({placed()})
      .when(CancelLines{{1, 7}, "customer", kAt})
      .then_rejected(Code::invalid, "order o-1001 has no line 7");
}

TEST(OrderCancel, AShippedLineCannotBeCancelled) {
  Scenario<OrderDecider>()
      .given(shipped_history())
      .when(CancelLines{{2}, "customer", kAt})
      .then_rejected(Code::wrong_state, "line 2 is shipped and can no longer be cancelled");
}

TEST(OrderCancel, ADeliveredLineCannotBeCancelled) {
  std::vector<Event> h = shipped_history();
  h.push_back(OrderDelivered{kStrasbourg, {1, 2}, kAt});
  Scenario<OrderDecider>()
      .given(h)
      .when(CancelLines{{1}, "customer", kAt})
      .then_rejected(Code::wrong_state, "line 1 is delivered and can no longer be cancelled");
}

TEST(OrderCancel, CancellingAllWhenALineHasShippedIsWrongState) {
  Scenario<OrderDecider>()
      .given(shipped_history())
      .when(CancelLines{{}, "customer", kAt})
      .then_rejected(Code::wrong_state, "line 1 is shipped");
}

TEST(OrderCancel, AlreadyCancelledLinesDoNothing) {
  Scenario<OrderDecider>()
      .given({placed(), LinesCancelled{{1, 2}, "customer"}})
      .when(CancelLines{{2, 1}, "customer", kAt})
      .then({});
}

// --- ChangeDeliveryAddress ---------------------------------------------------------------------

TEST(OrderChangeAddress, ChangesTheAddressBeforePreparation) {
  const State after = Scenario<OrderDecider>()
                          .given(allocated_history())
                          .when(ChangeDeliveryAddress{office(), kAt})
                          .then({DeliveryAddressChanged{office()}});
  EXPECT_EQ(after.delivery, office());
  EXPECT_EQ(after.placed.delivery, home());  // as placed
}

TEST(OrderChangeAddress, TheSameAddressDoesNothingEvenAfterPreparationStarted) {
  std::vector<Event> h = allocated_history();
  h.push_back(DeliveryAddressChanged{office()});
  h.push_back(PreparationStarted{kStrasbourg, {1, 2}});
  Scenario<OrderDecider>().given(h).when(ChangeDeliveryAddress{office(), kAt}).then({});
}

TEST(OrderChangeAddress, OnceALineIsInPreparationItIsWrongState) {
  Scenario<OrderDecider>()
      .given(in_preparation_history())
      .when(ChangeDeliveryAddress{office(), kAt})
      .then_rejected(Code::wrong_state,
                     "line 1 is in_preparation: the delivery address can no longer change");
}

TEST(OrderChangeAddress, ACancelledLineInPreparationDoesNotBlockTheChange) {
  std::vector<Event> h = in_preparation_history();
  h.push_back(LinesCancelled{{1, 2}, "damaged"});
  Scenario<OrderDecider>()
      .given(h)
      .when(ChangeDeliveryAddress{office(), kAt})
      .then({DeliveryAddressChanged{office()}});
}

TEST(OrderChangeAddress, ACancelledOrderIsWrongState) {
  Scenario<OrderDecider>()
      .given({placed(), LinesCancelled{{1, 2, 3}, "customer"}})
      .when(ChangeDeliveryAddress{office(), kAt})
      .then_rejected(Code::wrong_state, "order o-1001 is cancelled");
}

TEST(OrderChangeAddress, TheCountryMustBeACode) {
  Address a = office();
  a.country = "FRA";
  Scenario<OrderDecider>()
      .given({placed()})
      .when(ChangeDeliveryAddress{a, kAt})
      .then_rejected(Code::invalid, "delivery country \"FRA\"");
}

// --- Status, names, evolve ---------------------------------------------------------------------

TEST(OrderStatus, AnOrderNotPlacedIsSourcing) { EXPECT_EQ(State{}.status(), LineStatus::sourcing); }

TEST(OrderStatus, IsTheLeastAdvancedLineThatIsNotCancelled) {
  std::vector<Event> h = shipped_history();
  h.push_back(LinesCancelled{{3}, "out of stock"});
  EXPECT_EQ(Scenario<OrderDecider>().given(h).state().status(), LineStatus::shipped);
}

TEST(OrderNames, StatusesAndMethodsHaveStableNames) {
  EXPECT_EQ(to_string(LineStatus::sourcing), "sourcing");
  EXPECT_EQ(to_string(LineStatus::in_preparation), "in_preparation");
  EXPECT_EQ(to_string(LineStatus::ready_for_pickup), "ready_for_pickup");
  EXPECT_EQ(to_string(LineStatus::cancelled), "cancelled");
  EXPECT_EQ(to_string(DeliveryMethod::home_express), "home_express");
  EXPECT_EQ(to_string(DeliveryMethod::click_and_collect), "click_and_collect");
  EXPECT_EQ(to_string(DeliveryMethod::ship_to_store), "ship_to_store");
}

TEST(OrderEvolve, AnUnexpectedEventNeverMovesALineBackOrRevivesIt) {
  std::vector<Event> h = shipped_history();
  h.push_back(LinesCancelled{{3}, "customer"});
  h.push_back(PreparationStarted{kStrasbourg, {1}});  // stale
  h.push_back(allocated(kParis, {1, 3}));             // stale, and line 3 is cancelled
  const State s = Scenario<OrderDecider>().given(h).state();
  EXPECT_EQ(s.lines[0].status, LineStatus::shipped);
  EXPECT_EQ(s.lines[0].site_id, kStrasbourg);
  EXPECT_EQ(s.lines[2].status, LineStatus::cancelled);
}

// --- Laws --------------------------------------------------------------------------------------

// The line state machine of order.h: whether a line may go from `from` to `to`.
bool is_allowed(LineStatus from, LineStatus to) {
  using enum LineStatus;
  if (to == cancelled) return from != shipped && from != delivered && from != cancelled;
  if (to == prepared || to == ready_for_pickup) return from == in_preparation;
  if (to == shipped) return from == prepared || from == ready_for_pickup;
  return (from == sourcing && to == allocated) || (from == allocated && to == in_preparation) ||
         (from == shipped && to == delivered);
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
  return ChangeDeliveryAddress{*rc::gen::element(home(), office()), kAt};
}

RC_GTEST_PROP(OrderLaws, EveryEventMovesItsLinesAlongTheStateMachine, ()) {
  State state = evolve(State{}, placed(*rc::gen::element(DeliveryMethod::home_standard,
                                                         DeliveryMethod::pickup_point)));
  const int steps = uniform(1, 200);
  for (int i = 0; i < steps; ++i) {
    const auto decision = decide(any_order_command(), state);
    if (!decision) continue;
    for (const Event& e : *decision) {
      const State before = state;
      state = evolve(std::move(state), e);
      for (const Move& m : moves(e)) {
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
}

RC_GTEST_PROP(OrderLaws, ACommandDecidedTwiceHasOneEffect, ()) {
  State state = evolve(State{}, placed(DeliveryMethod::click_and_collect));
  const int steps = uniform(1, 60);
  for (int i = 0; i < steps; ++i) {
    RC_ASSERT(testing::has_one_effect<OrderDecider>(any_order_command(), state));
  }
}

}  // namespace
}  // namespace ordo::domain
