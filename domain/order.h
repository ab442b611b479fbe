// Order: a customer's order from placement to delivery. Stream: "order-<order_id>".
//
// Each line moves on its own (it may be fulfilled by another site than its neighbours):
//   sourcing -> [pre_ordered ->] allocated -> in_preparation -> prepared | ready_for_pickup
//            -> shipped -> delivered
// and any line not yet shipped may be cancelled. A pre-ordered line waits at a site for an
// expected receipt and is allocated when it arrives. Sourcing may split a line that no single site
// can serve into parts, each a line of its own allocated on its own (the first keeps the number).
// The order's status is its least advanced line that is not cancelled (cancelled when all are).
#pragma once

#include <optional>
#include <set>
#include <variant>

#include "domain/types.h"

namespace ordo::domain::order {

enum class LineStatus : std::uint8_t {
  sourcing,
  allocated,
  in_preparation,
  prepared,
  ready_for_pickup,
  shipped,
  delivered,
  cancelled,
  pre_ordered,  // last: stored by number in projections; ordered by rank, not by value
};
std::string_view to_string(LineStatus status);
/// How far a line has gone: sourcing 0, pre_ordered 1, allocated 2 ... delivered 6, cancelled 7.
int rank(LineStatus status);

enum class DeliveryMethod : std::uint8_t {
  home_standard,
  home_express,
  pickup_point,
  click_and_collect,
  ship_to_store
};
std::string_view to_string(DeliveryMethod method);

struct OrderLine {
  std::uint32_t line = 0;  // 1-based, unique in the order
  std::string sku;
  std::int64_t quantity = 0;
  std::int64_t unit_price_minor = 0;
  friend bool operator==(const OrderLine&, const OrderLine&) = default;
};

/// The delivery promise the customer was shown and chose at checkout.
struct Promise {
  std::string option_id;             // "<service>@<site>" or "collect@<store>" (domain/promise.h)
  Instant promised_at = 0;           // delivered (collect: ready) by then, or the promise is missed
  std::string carrier;               // "" for click and collect
  std::string site_id;               // the site the promise ships from
  std::int64_t preparation_day = 0;  // that site's local day of preparation (days since the epoch)
  friend bool operator==(const Promise&, const Promise&) = default;
};

struct Allocation {
  std::uint32_t line = 0;
  std::string site_id;
  friend bool operator==(const Allocation&, const Allocation&) = default;
};

/// One part of a split line: the line number it takes (the first part keeps the split line's) and
/// its quantity.
struct LinePart {
  std::uint32_t line = 0;
  std::int64_t quantity = 0;
  friend bool operator==(const LinePart&, const LinePart&) = default;
};
/// A line split into parts that different sites (or receipts) serve; the quantities add up to the
/// line's.
struct LineSplit {
  std::uint32_t line = 0;
  std::vector<LinePart> parts;
  friend bool operator==(const LineSplit&, const LineSplit&) = default;
};
/// A line ordered on a receipt expected at a site, within its channel's horizon: allocated there
/// when the receipt arrives.
struct PreOrder {
  std::uint32_t line = 0;
  std::string site_id;
  std::string receipt_id;
  Instant expected_at = 0;
  friend bool operator==(const PreOrder&, const PreOrder&) = default;
};

/// A site sourcing considered for the order, and what it made of it (domain/orchestration.h).
struct SiteVerdict {
  std::string site_id;
  std::string verdict;            // "allocated", "offered", "candidate", "dropped"
  std::string reason;             // why dropped, or the ranking facts of a kept site
  std::int32_t rank = 0;          // 1 = best among candidates; 0 when dropped
  std::int32_t distance_km = -1;  // -1: unknown
  friend bool operator==(const SiteVerdict&, const SiteVerdict&) = default;
};

enum class RoundEnd : std::uint8_t { expired, all_declined, withdrawn };
std::string_view to_string(RoundEnd end);

/// One competitive round as the order sees it.
struct Round {
  std::uint32_t round = 0;
  std::vector<std::string> site_ids;
  Instant opened_at = 0;
  Instant deadline = 0;
  std::vector<std::string> declined;
  std::string winner;  // set when claimed
  bool open = true;
  std::optional<RoundEnd> end;       // set when closed without a winner
  std::vector<std::uint32_t> lines;  // the lines offered (empty in rounds recorded before: all)
  friend bool operator==(const Round&, const Round&) = default;
};

// Commands
struct PlaceOrder {
  std::string order_id;
  std::string channel;
  std::string customer_id;
  std::string email;
  std::vector<OrderLine> lines;
  Address billing;
  Address delivery;
  DeliveryMethod method = DeliveryMethod::home_standard;
  Promise promise;
  std::string currency;
  Instant at = 0;
  AddressCheck address_check;  // filled at intake from the postcode data
};
struct AllocateLines {
  std::vector<Allocation> allocations;
  Instant at = 0;
};
struct StartPreparation {
  std::string site_id;
  Instant at = 0;
};
struct MarkPrepared {
  std::string site_id;
  bool ready_for_pickup = false;
  Instant at = 0;
};
struct ShipOrder {
  std::string site_id;
  std::string carrier;
  std::string tracking;
  Instant at = 0;
};
struct DeliverOrder {
  std::string site_id;
  Instant at = 0;
};
struct CancelLines {
  std::vector<std::uint32_t> lines;
  std::string reason;
  Instant at = 0;
};  // empty: all
struct ChangeDeliveryAddress {
  Address address;
  Instant at = 0;
  AddressCheck address_check;  // the gazetteer's verdict on `address` (unchecked: none)
  /// Customer service keeps an address the check doubts (confirm, fix): why, in its words.
  std::string override_reason;
};
// Competitive allocation. Time comes with the command: a claim after the deadline is refused, and
// a round is expired only by a command whose time is at or past its deadline.
struct ClaimOffer {
  std::string site_id;
  std::uint32_t round = 0;
  Instant at = 0;
};
struct DeclineOffer {
  std::string site_id;
  std::uint32_t round = 0;
  std::string reason;
  Instant at = 0;
};
struct ExpireRound {
  std::uint32_t round = 0;
  Instant at = 0;
};
/// A store that claimed cannot prepare (stock discrepancy): its lines go back to sourcing.
struct ReleaseAllocation {
  std::string site_id;
  std::string reason;
  bool stock_missing = false;  // the units were not found: the site's stock is corrected
  Instant at = 0;
  std::vector<std::uint32_t> lines;  // only these lines at the site; empty: every line there
  std::string receipt_id;  // pre-orders this receipt does not cover: the site may serve them still
};
/// Customer service moves every line not yet in preparation to `site_id`.
struct Reallocate {
  std::string site_id;
  std::string reason;
  Instant at = 0;
};
/// Sourcing's plan for the lines still waiting for a site (domain/orchestration.h makes it and the
/// order process passes it on): allocate them directly, open a competitive round, or neither.
struct SourceLines {
  enum class Kind : std::uint8_t { direct, round, none };
  Kind kind = Kind::none;
  std::string strategy;
  std::uint64_t config_version = 0;     // of the orchestration area; 0: the built-in rules
  std::vector<Allocation> allocations;  // direct
  std::vector<std::string> offered;     // round: the stores, best first
  Instant deadline = 0;                 // round
  std::string reason;
  std::vector<SiteVerdict> considered;
  bool placing = false;  // the order is being placed: no site at all refuses it
  Instant at = 0;
  std::vector<LineSplit> splits;     // direct: lines split first, then allocated or pre-ordered
  std::vector<PreOrder> pre_orders;  // direct: lines waiting for a receipt
};
using Command = std::variant<PlaceOrder, AllocateLines, StartPreparation, MarkPrepared, ShipOrder,
                             DeliverOrder, CancelLines, ChangeDeliveryAddress, ClaimOffer,
                             DeclineOffer, ExpireRound, ReleaseAllocation, Reallocate, SourceLines>;

// Events
struct OrderPlaced {
  std::string order_id;
  std::string channel;
  std::string customer_id;
  std::string email;
  std::vector<OrderLine> lines;
  Address billing;
  Address delivery;
  DeliveryMethod method = DeliveryMethod::home_standard;
  Promise promise;
  Money total;
  Instant placed_at = 0;
  AddressCheck address_check;
  friend bool operator==(const OrderPlaced&, const OrderPlaced&) = default;
};
struct LinesAllocated {
  std::vector<Allocation> allocations;
  friend bool operator==(const LinesAllocated&, const LinesAllocated&) = default;
};
struct PreparationStarted {
  std::string site_id;
  std::vector<std::uint32_t> lines;
  friend bool operator==(const PreparationStarted&, const PreparationStarted&) = default;
};
struct OrderPrepared {
  std::string site_id;
  std::vector<std::uint32_t> lines;
  bool ready_for_pickup = false;
  friend bool operator==(const OrderPrepared&, const OrderPrepared&) = default;
};
struct OrderShipped {
  std::string site_id;
  std::vector<std::uint32_t> lines;
  std::string carrier;
  std::string tracking;
  friend bool operator==(const OrderShipped&, const OrderShipped&) = default;
};
struct OrderDelivered {
  std::string site_id;
  std::vector<std::uint32_t> lines;
  Instant delivered_at = 0;
  friend bool operator==(const OrderDelivered&, const OrderDelivered&) = default;
};
struct LinesCancelled {
  std::vector<std::uint32_t> lines;
  std::string reason;
  friend bool operator==(const LinesCancelled&, const LinesCancelled&) = default;
};
struct DeliveryAddressChanged {
  Address address;
  AddressCheck address_check;
  std::string override_reason;  // set when customer service kept an address the check doubted
  friend bool operator==(const DeliveryAddressChanged&, const DeliveryAddressChanged&) = default;
};
/// How the order was (re)sourced: the strategy, the configuration version, the outcome and every
/// site considered. Followed by LinesAllocated, OfferRoundOpened or QueuedForService.
struct SourcingDecided {
  std::string strategy;
  std::uint64_t config_version = 0;  // of the orchestration area; 0: built-in default rules
  std::string outcome;               // "direct", "round", "queued", "manual"
  std::string reason;
  std::uint32_t round = 0;  // the round this sourcing opens or follows
  std::vector<SiteVerdict> considered;
  Instant decided_at = 0;
  friend bool operator==(const SourcingDecided&, const SourcingDecided&) = default;
};
struct OfferRoundOpened {
  std::uint32_t round = 0;
  std::vector<std::string> site_ids;
  Instant opened_at = 0;
  Instant deadline = 0;
  std::vector<std::uint32_t> lines;  // the lines offered
  friend bool operator==(const OfferRoundOpened&, const OfferRoundOpened&) = default;
};
struct OfferClaimed {
  std::uint32_t round = 0;
  std::string site_id;
  Instant claimed_at = 0;
  friend bool operator==(const OfferClaimed&, const OfferClaimed&) = default;
};
struct OfferDeclined {
  std::uint32_t round = 0;
  std::string site_id;
  std::string reason;
  Instant declined_at = 0;
  friend bool operator==(const OfferDeclined&, const OfferDeclined&) = default;
};
struct OfferRoundClosed {
  std::uint32_t round = 0;
  RoundEnd end = RoundEnd::expired;
  Instant closed_at = 0;
  friend bool operator==(const OfferRoundClosed&, const OfferRoundClosed&) = default;
};
struct QueuedForService {
  std::string reason;
  friend bool operator==(const QueuedForService&, const QueuedForService&) = default;
};
struct AllocationReleased {
  std::string site_id;
  std::vector<std::uint32_t> lines;
  std::string reason;
  std::string receipt_id;  // released pre-orders of a receipt short or cancelled: not the site's
                           // doing, so sourcing may choose it again
  friend bool operator==(const AllocationReleased&, const AllocationReleased&) = default;
};
struct LinesSplit {
  std::vector<LineSplit> splits;
  friend bool operator==(const LinesSplit&, const LinesSplit&) = default;
};
struct LinesPreOrdered {
  std::vector<PreOrder> pre_orders;
  friend bool operator==(const LinesPreOrdered&, const LinesPreOrdered&) = default;
};
using Event =
    std::variant<OrderPlaced, LinesAllocated, PreparationStarted, OrderPrepared, OrderShipped,
                 OrderDelivered, LinesCancelled, DeliveryAddressChanged, SourcingDecided,
                 OfferRoundOpened, OfferClaimed, OfferDeclined, OfferRoundClosed, QueuedForService,
                 AllocationReleased, LinesSplit, LinesPreOrdered>;

struct LineState {
  OrderLine line;
  LineStatus status = LineStatus::sourcing;
  std::string site_id;           // empty while sourcing
  std::uint32_t split_from = 0;  // the line this one was split from; 0: a line as placed
  std::string receipt_id;        // pre-ordered on this receipt at site_id (kept once allocated)
  Instant expected_at = 0;       // that receipt's expected arrival
  friend bool operator==(const LineState&, const LineState&) = default;
};

struct State {
  bool exists = false;
  OrderPlaced placed;  // as placed (the delivery address below may have changed since)
  Address delivery;
  std::vector<LineState> lines;
  std::vector<Round> rounds;
  std::vector<std::string> released;  // sites that claimed, then released the order
  bool queued_for_service = false;    // waiting for customer service to allocate by hand
  SourcingDecided sourcing;           // the latest sourcing decision, for the order's view
  friend bool operator==(const State&, const State&) = default;

  /// The round still open, or nullptr.
  const Round* open_round() const;
  /// Sites offered in any round or that released the order: not offered it again.
  std::set<std::string> tried() const;
  /// Lines still waiting for a site (not cancelled).
  std::vector<std::uint32_t> sourcing_lines() const;

  /// The least advanced line that is not cancelled; cancelled when every line is.
  LineStatus status() const;
};

/// The order's status as people read it: its least advanced line's, except that an order no rule
/// or store could source, waiting for customer service, is `awaiting_customer_service` rather
/// than `sourcing` (nothing is sourcing it).
std::string_view order_status(const State& s);
inline constexpr std::string_view kAwaitingService = "awaiting_customer_service";

/// An e-mail address as searched: surrounding spaces dropped, ASCII letters lower-cased (mail
/// providers treat the local part case-insensitively, and customers type it as they like).
std::string normalised_email(std::string_view email);

/// Decisions (a rejection names the reason):
/// - PlaceOrder: new order only (same id again with the same content: nothing; other content:
///   already_exists); invalid: an id breaking the id rule (base/id.h), empty channel, no lines,
///   duplicate line numbers, quantity <= 0, negative price, bad currency or country. The total is
///   the sum of quantity x unit price.
/// - AllocateLines: each line must exist and be sourcing (allocating to the same site again:
///   nothing), site id required.
/// - StartPreparation / MarkPrepared / ShipOrder / DeliverOrder act on the lines allocated to the
///   site that are in the previous step; wrong_state when there is none; repeated: nothing.
///   ShipOrder needs a carrier; MarkPrepared with ready_for_pickup is for click and collect and
///   pickup deliveries.
/// - CancelLines: lines must exist; shipped or delivered lines cannot be cancelled (wrong_state);
///   already cancelled lines: nothing. Cancelling every remaining line withdraws an open round.
/// - ClaimOffer: the site must be offered in that round (invalid otherwise), the round open
///   (expired when closed or past its deadline; lost when another site won; the winner claiming
///   again: nothing). Gives OfferClaimed and LinesAllocated for the round's lines still sourcing.
/// - DeclineOffer: like a claim; the last decline of a round also closes it (all_declined).
/// - ExpireRound: closes an open round at or past its deadline; earlier: wrong_state.
/// - ReleaseAllocation: lines allocated or in preparation at the site go back to sourcing.
/// - Reallocate: every line not yet in preparation moves to the site; an open round is withdrawn;
///   recorded as a manual sourcing decision with the reason.
/// - SourceLines: the plan for the lines still sourcing (none: nothing), recorded as
///   SourcingDecided with every site considered, then LinesSplit, LinesAllocated and
///   LinesPreOrdered (direct), OfferRoundOpened for those lines (round; numbered after the last)
///   or QueuedForService (none). A plan with no site while placing is refused with
///   insufficient_stock and its reason. A split names a line still sourcing, two parts or more of
///   positive quantities adding up to the line's, the first keeping its number and the others new
///   ones; a pre-order names a line still sourcing, a site and a receipt.
/// - AllocateLines also allocates a pre-ordered line at its site (its receipt arrived).
/// - ChangeDeliveryAddress: only before any line is in preparation; country must be a code; an
///   address the check doubts (confirm, fix) only with an override_reason (invalid otherwise,
///   naming the field and the suggestions).
Decision<Event> decide(const Command& command, const State& state);
State evolve(State state, const Event& event);

}  // namespace ordo::domain::order
