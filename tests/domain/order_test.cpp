// Order decider: placement, allocation, the per-site steps, cancellation and address changes as
// given / when / then.
#include "tests/domain/order_fixture.h"

namespace ordo::domain {
namespace {
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
  const std::vector<Command> commands = {AllocateLines{{{1, kStrasbourg}}, kAt},
                                         StartPreparation{kStrasbourg, kAt},
                                         MarkPrepared{kStrasbourg, false, kAt},
                                         ShipOrder{kStrasbourg, "colissimo", "", kAt},
                                         DeliverOrder{kStrasbourg, kAt},
                                         CancelLines{{}, "customer", kAt},
                                         ChangeDeliveryAddress{office(), kAt, {}, {}}};
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
      .then_rejected(Code::wrong_state,
                     "cannot deliver: no line at site STR-01 is shipped or ready_for_pickup");
}

TEST(OrderDeliver, AClickAndCollectOrderIsDeliveredWhenTheCustomerCollectsIt) {
  std::vector<Event> h = in_preparation_history();
  h[0] = placed(DeliveryMethod::click_and_collect);
  h.push_back(OrderPrepared{kStrasbourg, {1, 2}, true});
  const State after = Scenario<OrderDecider>()
                          .given(h)
                          .when(DeliverOrder{kStrasbourg, kAt + 1})
                          .then({OrderDelivered{kStrasbourg, {1, 2}, kAt + 1}});
  EXPECT_EQ(after.lines[0].status, LineStatus::delivered);
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
                          .when(ChangeDeliveryAddress{office(), kAt, {}, {}})
                          .then({DeliveryAddressChanged{office(), {}, {}}});
  EXPECT_EQ(after.delivery, office());
  EXPECT_EQ(after.placed.delivery, home());  // as placed
}

// A doubtful address (the check's verdict confirm or fix) is refused with its suggestions, unless
// customer service keeps it with a reason, which the event records with the verdict.
TEST(OrderChangeAddress, ADoubtfulAddressNeedsCustomerServicesOverride) {
  const AddressCheck doubt{AddressCheck::Verdict::confirm,
                           "city",
                           "Boulogne-Billancourt is not at postcode 62200",
                           {"62200 Boulogne-sur-Mer", "92100 Boulogne-Billancourt"},
                           {}};
  Scenario<OrderDecider>()
      .given(allocated_history())
      .when(ChangeDeliveryAddress{office(), kAt, doubt, ""})
      .then_rejected(Code::invalid,
                     "address/city: Boulogne-Billancourt is not at postcode 62200; did you mean "
                     "62200 Boulogne-sur-Mer or 92100 Boulogne-Billancourt");
  const State after =
      Scenario<OrderDecider>()
          .given(allocated_history())
          .when(ChangeDeliveryAddress{office(), kAt, doubt, "the customer confirmed by phone"})
          .then({DeliveryAddressChanged{office(), doubt, "the customer confirmed by phone"}});
  EXPECT_EQ(after.delivery, office());
  const AddressCheck fine{AddressCheck::Verdict::accept, "", "", {}, {}};
  Scenario<OrderDecider>()
      .given(allocated_history())
      .when(ChangeDeliveryAddress{office(), kAt, fine, ""})
      .then({DeliveryAddressChanged{office(), fine, ""}});
}

// An order held for customer service at intake (its address doubted) is released by confirming
// the very address it has, with a reason; without one, the same address changes nothing.
TEST(OrderChangeAddress, ConfirmingAHeldOrdersAddressWithAReasonRecordsIt) {
  const std::vector<Event> held = {placed(), QueuedForService{"address to confirm"}};
  Scenario<OrderDecider>().given(held).when(ChangeDeliveryAddress{home(), kAt, {}, ""}).then({});
  Scenario<OrderDecider>()
      .given(held)
      .when(ChangeDeliveryAddress{home(), kAt, {}, "the customer confirmed it by phone"})
      .then({DeliveryAddressChanged{home(), {}, "the customer confirmed it by phone"}});
}

TEST(OrderChangeAddress, TheSameAddressDoesNothingEvenAfterPreparationStarted) {
  std::vector<Event> h = allocated_history();
  h.push_back(DeliveryAddressChanged{office(), {}, {}});
  h.push_back(PreparationStarted{kStrasbourg, {1, 2}});
  Scenario<OrderDecider>().given(h).when(ChangeDeliveryAddress{office(), kAt, {}, {}}).then({});
}

TEST(OrderChangeAddress, OnceALineIsInPreparationItIsWrongState) {
  Scenario<OrderDecider>()
      .given(in_preparation_history())
      .when(ChangeDeliveryAddress{office(), kAt, {}, {}})
      .then_rejected(Code::wrong_state,
                     "line 1 is in_preparation: the delivery address can no longer change");
}

TEST(OrderChangeAddress, ACancelledLineInPreparationDoesNotBlockTheChange) {
  std::vector<Event> h = in_preparation_history();
  h.push_back(LinesCancelled{{1, 2}, "damaged"});
  Scenario<OrderDecider>()
      .given(h)
      .when(ChangeDeliveryAddress{office(), kAt, {}, {}})
      .then({DeliveryAddressChanged{office(), {}, {}}});
}

TEST(OrderChangeAddress, ACancelledOrderIsWrongState) {
  Scenario<OrderDecider>()
      .given({placed(), LinesCancelled{{1, 2, 3}, "customer"}})
      .when(ChangeDeliveryAddress{office(), kAt, {}, {}})
      .then_rejected(Code::wrong_state, "order o-1001 is cancelled");
}

TEST(OrderChangeAddress, TheCountryMustBeACode) {
  Address a = office();
  a.country = "FRA";
  Scenario<OrderDecider>()
      .given({placed()})
      .when(ChangeDeliveryAddress{a, kAt, {}, {}})
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

}  // namespace
}  // namespace ordo::domain
