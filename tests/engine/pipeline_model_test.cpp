// Model-based test (rapidcheck rc::state) of the pipeline and the projections together: random
// sequences of receipts (direct, or expected then confirmed or cancelled), adjustments, counts
// (also below what is reserved), orders (one or several lines, on two channels), retries with the
// same idempotency key, cancellations (whole or some lines), shipments, releases by a site,
// address changes, share changes and restarts. After every step:
// - sellable = orderable, both ways: an order within what its channel shows of every SKU is
//   accepted (its lines split across sites when no site has enough: the built-in rules split),
//   one beyond it is refused as out of stock;
// - every accepted order was feasible: no site gave more than its channel could sell;
// - the stock per site (projection) equals the model's on hand and reserved, never negative, and
//   reserved never exceeds on hand;
// - sellable stock per SKU x channel (projection) equals a straightforward recomputation;
// - a retry with the same key has no effect; a restart (replay) changes nothing;
// - a count below what is reserved moves exactly the newest orders' lines the model picks (the
//   others keep theirs), and leaves no site with more reserved than counted.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/engine/retailer_fixture.h"

namespace ordo::engine {
namespace {

using testing::Retailer;
using SiteSku = std::pair<std::string, std::string>;

const std::vector<std::string> kSkus = {"SHOE-1", "CAP-1"};
const std::vector<std::string> kSites = {"WH-LYON", "FR-PARIS", "FR-STRAS"};

struct OpenLine {
  std::string site, sku;
  std::int64_t quantity = 0;
  std::string channel;
  std::uint32_t line = 0;
};

// What the engine must hold, updated from its own answers (it chooses where orders go).
struct Shadow {
  std::map<SiteSku, std::int64_t> on_hand, reserved;
  std::map<SiteSku, std::int64_t> taken_by_marketplace;  // what its orders reserved
  std::map<std::string, std::vector<OpenLine>> orders;   // open lines of placed orders
  std::map<std::string, int> numbers;                    // each order's number: newer is higher
  int marketplace_share = 80;
  std::optional<std::pair<Submission, std::uint64_t>> last_keyed;  // a retry's reference

  bool warehouse(const std::string& site) const { return site == "WH-LYON"; }
  // The open order a command's draw names; end() when there is none.
  std::map<std::string, std::vector<OpenLine>>::iterator pick(std::size_t draw) {
    if (orders.empty()) return orders.end();
    return std::next(orders.begin(), static_cast<std::ptrdiff_t>(draw % orders.size()));
  }
  std::int64_t sellable_at(const std::string& channel, const std::string& site,
                           const std::string& sku) const {
    if (channel == "marketplace" && !warehouse(site)) return 0;
    auto find = [](const auto& m, const SiteSku& k) {
      auto it = m.find(k);
      return it == m.end() ? 0 : it->second;
    };
    const auto available =
        std::max<std::int64_t>(0, find(on_hand, {site, sku}) - find(reserved, {site, sku}));
    if (channel != "marketplace") return available;
    // Its share is of the site's stock, less what its own orders took.
    const auto left = find(on_hand, {site, sku}) * marketplace_share / 100 -
                      find(taken_by_marketplace, {site, sku});
    return std::clamp<std::int64_t>(left, 0, available);
  }
  std::int64_t sellable(const std::string& channel, const std::string& sku) const {
    std::int64_t total = 0;
    for (const auto& site : kSites) total += sellable_at(channel, site, sku);
    return total;
  }
};

struct Model {
  int orders_placed = 0;  // names new orders; all else lives in the shadow
};

struct Sut {
  std::unique_ptr<eventstore::testing::TempDir> dir =
      std::make_unique<eventstore::testing::TempDir>();
  std::unique_ptr<Retailer> retailer;
  Shadow shadow;
  Sut() {
    retailer = std::make_unique<Retailer>(dir->path());
    retailer->stock_up();
    shadow.on_hand = {
        {{"WH-LYON", "SHOE-1"}, 10}, {{"WH-LYON", "CAP-1"}, 5}, {{"FR-PARIS", "SHOE-1"}, 2}};
  }

  // An order's open lines as the engine holds them now (after it moved some), and what the sites
  // reserve recomputed from every order's.
  void resync(const std::vector<std::string>& ids) {
    auto projector = projections::Projector::start(*retailer->store, /*follow=*/false);
    RC_ASSERT(projector.has_value());
    for (const auto& id : ids) {
      auto view = (*projector)->order(id);
      RC_ASSERT(view.has_value() && view->has_value());
      const auto channel = (**view).order.placed.channel;
      auto& lines = shadow.orders[id];
      lines.clear();
      for (const auto& l : (**view).order.lines) {
        if (l.status == domain::order::LineStatus::allocated)
          lines.push_back({l.site_id, l.line.sku, l.line.quantity, channel, l.line.line});
      }
    }
    shadow.reserved.clear();
    shadow.taken_by_marketplace.clear();
    for (const auto& [id, lines] : shadow.orders) {
      for (const auto& l : lines) {
        shadow.reserved[{l.site, l.sku}] += l.quantity;
        if (l.channel == "marketplace") shadow.taken_by_marketplace[{l.site, l.sku}] += l.quantity;
      }
    }
  }

  // The invariants, read back from the projections.
  void check() {
    auto projector = projections::Projector::start(*retailer->store, /*follow=*/false);
    RC_ASSERT(projector.has_value());
    for (const auto& sku : kSkus) {
      for (const char* channel : {"web", "marketplace"}) {
        const auto figure = (*projector)->sellable(channel, sku);
        RC_ASSERT(figure.has_value());
        RC_ASSERT(figure->total >= 0);
        RC_ASSERT(figure->total == shadow.sellable(channel, sku));
      }
      for (const auto& site : kSites) {
        const auto row = (*projector)->site_stock(site, sku);
        const std::int64_t on_hand = shadow.on_hand[{site, sku}];
        const std::int64_t reserved = shadow.reserved[{site, sku}];
        RC_ASSERT(reserved <= on_hand);
        if (!row) {
          RC_ASSERT(on_hand == 0);
          continue;
        }
        RC_ASSERT(row->on_hand == on_hand);
        RC_ASSERT(row->reserved == reserved);
      }
    }
  }
};

struct Receive : rc::state::Command<Model, Sut> {
  std::string site = *rc::gen::elementOf(kSites), sku = *rc::gen::elementOf(kSkus);
  std::int64_t quantity = *rc::gen::inRange<std::int64_t>(1, 6);
  void run(const Model&, Sut& sut) const override {
    RC_ASSERT(sut.retailer
                  ->run(StockCommand{site, sku,
                                     domain::stock::ReceiveStock{quantity, "po", testing::kNow}})
                  .has_value());
    sut.shadow.on_hand[{site, sku}] += quantity;
    sut.check();
  }
  void show(std::ostream& os) const override {
    os << "Receive " << quantity << " " << sku << " at " << site;
  }
};

struct Adjust : rc::state::Command<Model, Sut> {
  std::string site = *rc::gen::elementOf(kSites), sku = *rc::gen::elementOf(kSkus);
  std::int64_t delta = *rc::gen::element<std::int64_t>(-3, -2, -1, 1, 2);
  void run(const Model&, Sut& sut) const override {
    auto& s = sut.shadow;
    const bool allowed = s.on_hand[{site, sku}] + delta >= s.reserved[{site, sku}];
    auto answer = sut.retailer->run(
        StockCommand{site, sku, domain::stock::AdjustStock{delta, "damaged", testing::kNow}});
    RC_ASSERT(answer.has_value() == allowed);
    if (allowed) s.on_hand[{site, sku}] += delta;
    sut.check();
  }
  void show(std::ostream& os) const override {
    os << "Adjust " << sku << " at " << site << " by " << delta;
  }
};

struct Place : rc::state::Command<Model, Sut> {
  std::string channel = *rc::gen::element<std::string>("web", "web", "marketplace");
  std::vector<std::pair<std::string, std::int64_t>> lines;
  bool keyed = *rc::gen::arbitrary<bool>();
  int number = 0;
  explicit Place(const Model& model) : number(model.orders_placed) {
    const auto count = *rc::gen::inRange(1, 4);
    for (int i = 0; i < count; ++i) {
      lines.emplace_back(*rc::gen::elementOf(kSkus), *rc::gen::inRange<std::int64_t>(1, 4));
    }
  }
  void apply(Model& model) const override { ++model.orders_placed; }
  void run(const Model&, Sut& sut) const override {
    const std::string id = "O" + std::to_string(number);
    auto placing = testing::order(id, channel, lines);
    placing.at = testing::kNow + number;  // newer orders are placed later
    auto submission = testing::submit(std::move(placing), keyed ? "key-" + id : "");
    auto& s = sut.shadow;
    std::map<std::string, std::int64_t> asked;
    for (const auto& [sku, quantity] : lines) asked[sku] += quantity;
    const bool beyond = std::ranges::any_of(
        asked, [&](const auto& a) { return a.second > s.sellable(channel, a.first); });
    auto answer = sut.retailer->pipeline->execute(submission);
    // The ceiling: an order asking more than its channel shows is refused as out of stock.
    if (beyond) {
      RC_ASSERT(!answer.has_value());
      const auto* refusal = std::get_if<domain::Rejection>(&answer.error());
      RC_ASSERT(refusal != nullptr);
      RC_ASSERT(refusal->code == domain::Rejection::Code::insufficient_stock);
    }
    // The floor: an order within what its channel shows is accepted.
    RC_CLASSIFY(!beyond, "within the figure");
    if (!beyond) RC_ASSERT(answer.has_value());
    if (answer) {
      // Every unit asked is allocated (as split), and no site gives more than it could sell.
      std::map<SiteSku, std::int64_t> demand;
      std::map<std::string, std::int64_t> allocated;
      bool split = false;
      for (const auto& line : answer->lines) {
        RC_ASSERT(line.status == domain::order::LineStatus::allocated);
        demand[{line.site_id, line.line.sku}] += line.line.quantity;
        allocated[line.line.sku] += line.line.quantity;
        split = split || line.split_from != 0;
      }
      RC_CLASSIFY(split, "a line split across sites");
      RC_ASSERT(allocated == asked);
      for (const auto& [key, quantity] : demand)
        RC_ASSERT(quantity <= s.sellable_at(channel, key.first, key.second));
      for (const auto& line : answer->lines) {
        const auto& sku = line.line.sku;
        s.reserved[{line.site_id, sku}] += line.line.quantity;
        if (channel == "marketplace")
          s.taken_by_marketplace[{line.site_id, sku}] += line.line.quantity;
        s.orders[id].push_back({line.site_id, sku, line.line.quantity, channel, line.line.line});
      }
      s.numbers[id] = number;
      if (keyed) s.last_keyed = {submission, answer->last_position};
    } else {
      RC_ASSERT(std::holds_alternative<domain::Rejection>(answer.error()));
    }
    sut.check();
  }
  void show(std::ostream& os) const override {
    os << "Place O" << number << " on " << channel << ":";
    for (const auto& [sku, q] : lines) os << " " << q << "x" << sku;
  }
};

struct Retry : rc::state::Command<Model, Sut> {
  void run(const Model&, Sut& sut) const override {
    if (!sut.shadow.last_keyed) return;
    const auto before = sut.retailer->store->durable_position();
    auto answer = sut.retailer->pipeline->execute(sut.shadow.last_keyed->first);
    RC_ASSERT(answer.has_value());
    RC_ASSERT(answer->duplicate);
    RC_ASSERT(answer->last_position == sut.shadow.last_keyed->second);
    RC_ASSERT(sut.retailer->store->durable_position() == before);
    sut.check();
  }
  void show(std::ostream& os) const override { os << "Retry the last keyed order"; }
};

// Cancels an open order, or ships all of it from its sites.
struct Finish : rc::state::Command<Model, Sut> {
  bool ship = *rc::gen::arbitrary<bool>();
  std::size_t pick = *rc::gen::inRange<std::size_t>(0, 1000);
  void run(const Model&, Sut& sut) const override {
    auto& s = sut.shadow;
    auto it = s.pick(pick);
    if (it == s.orders.end()) return;
    const auto id = it->first;
    if (!ship) {
      RC_ASSERT(
          sut.retailer
              ->run(OrderCommand{id, domain::order::CancelLines{{}, "customer", testing::kNow}})
              .has_value());
    } else {
      std::set<std::string> sites;
      for (const auto& line : it->second) sites.insert(line.site);
      for (const auto& site : sites) {
        RC_ASSERT(sut.retailer
                      ->run(OrderCommand{id, domain::order::StartPreparation{site, testing::kNow}})
                      .has_value());
        RC_ASSERT(
            sut.retailer
                ->run(OrderCommand{id, domain::order::MarkPrepared{site, false, testing::kNow}})
                .has_value());
        RC_ASSERT(
            sut.retailer
                ->run(OrderCommand{id, domain::order::ShipOrder{site, "DPD", "T1", testing::kNow}})
                .has_value());
      }
    }
    for (const auto& line : it->second) {
      s.reserved[{line.site, line.sku}] -= line.quantity;
      if (line.channel == "marketplace")
        s.taken_by_marketplace[{line.site, line.sku}] -= line.quantity;
      if (ship) s.on_hand[{line.site, line.sku}] -= line.quantity;
    }
    s.orders.erase(it);
    sut.check();
  }
  void show(std::ostream& os) const override {
    os << (ship ? "Ship" : "Cancel") << " an open order";
  }
};

struct ChangeShare : rc::state::Command<Model, Sut> {
  int share = *rc::gen::element(0, 50, 80, 100);
  void run(const Model&, Sut& sut) const override {
    auto views = testing::views();
    views.channels[1].share_percent = share;
    RC_ASSERT(sut.retailer
                  ->run(domain::configuration::Command{domain::configuration::ChangeConfiguration{
                      views, "analyst", "season", testing::kNow}})
                  .has_value());
    sut.shadow.marketplace_share = share;
    sut.check();
  }
  void show(std::ostream& os) const override { os << "Marketplace share " << share << "%"; }
};

// A count. Below what is reserved, the model picks the lines that must move, newest order first
// (and within an order its last line first) until what stays fits the count; they are sourced
// again (elsewhere, back at the site for what still fits, or customer service's queue), the
// others keep their units.
struct Count : rc::state::Command<Model, Sut> {
  std::string site = *rc::gen::elementOf(kSites), sku = *rc::gen::elementOf(kSkus);
  std::int64_t counted = *rc::gen::inRange<std::int64_t>(0, 9);
  void run(const Model&, Sut& sut) const override {
    auto& s = sut.shadow;
    struct Held {
      int number;
      std::uint32_t line;
      std::string id;
      std::int64_t quantity;
    };
    std::vector<Held> held;
    for (const auto& [id, lines] : s.orders) {
      for (const auto& l : lines) {
        if (l.site == site && l.sku == sku) held.push_back({s.numbers[id], l.line, id, l.quantity});
      }
    }
    std::ranges::sort(held, [](const Held& a, const Held& b) {
      return std::tie(b.number, b.line) < std::tie(a.number, a.line);
    });
    std::set<std::string> moving;
    for (std::int64_t shortfall = s.reserved[{site, sku}] - counted; const auto& h : held) {
      if (shortfall <= 0) break;
      moving.insert(h.id);
      shortfall -= h.quantity;
    }
    RC_CLASSIFY(!moving.empty(), "a count below what is reserved");
    const auto before = s.orders;
    RC_ASSERT(sut.retailer
                  ->run(StockCommand{site, sku,
                                     domain::stock::CountStock{counted, "count", testing::kNow}})
                  .has_value());
    s.on_hand[{site, sku}] = counted;
    std::vector<std::string> ids;
    for (const auto& [id, lines] : s.orders) ids.push_back(id);
    sut.resync(ids);
    for (const auto& [id, lines] : before) {
      // Only the orders the model picked changed; the picked ones no longer hold what they did.
      if (!moving.contains(id)) RC_ASSERT(s.orders[id].size() == lines.size());
    }
    const SiteSku key{site, sku};
    RC_ASSERT(s.reserved[key] <= counted);
    sut.check();
  }
  void show(std::ostream& os) const override {
    os << "Count " << counted << " " << sku << " at " << site;
  }
};

// Customer service cancels some lines of an open order: their units come back.
struct CancelSome : rc::state::Command<Model, Sut> {
  std::size_t pick = *rc::gen::inRange<std::size_t>(0, 1000);
  std::size_t line_pick = *rc::gen::inRange<std::size_t>(0, 1000);
  void run(const Model&, Sut& sut) const override {
    auto& s = sut.shadow;
    auto it = s.pick(pick);
    if (it == s.orders.end()) return;
    if (it->second.size() < 2) return;
    const auto& line = it->second[line_pick % it->second.size()];
    RC_ASSERT(
        sut.retailer
            ->run(OrderCommand{it->first,
                               domain::order::CancelLines{{line.line}, "customer", testing::kNow}})
            .has_value());
    sut.resync({it->first});
    sut.check();
  }
  void show(std::ostream& os) const override { os << "Cancel one line of an open order"; }
};

// A site gives back an order it cannot prepare: its lines there are sourced again elsewhere (or
// queued), never at that site.
struct Release : rc::state::Command<Model, Sut> {
  std::size_t pick = *rc::gen::inRange<std::size_t>(0, 1000);
  void run(const Model&, Sut& sut) const override {
    auto& s = sut.shadow;
    auto it = s.pick(pick);
    if (it == s.orders.end()) return;
    if (it->second.empty()) return;
    const auto site = it->second.front().site;
    const auto id = it->first;
    RC_ASSERT(sut.retailer
                  ->run(OrderCommand{id,
                                     domain::order::ReleaseAllocation{
                                         site, "damaged", false, testing::kNow, {}, {}}})
                  .has_value());
    sut.resync({id});
    for (const auto& l : s.orders[id]) RC_ASSERT(l.site != site);
    sut.check();
  }
  void show(std::ostream& os) const override { os << "A site releases an open order"; }
};

// The customer moves: the address changes, no reserved line moves.
struct ChangeAddress : rc::state::Command<Model, Sut> {
  std::size_t pick = *rc::gen::inRange<std::size_t>(0, 1000);
  void run(const Model&, Sut& sut) const override {
    auto& s = sut.shadow;
    auto it = s.pick(pick);
    if (it == s.orders.end()) return;
    const auto id = it->first;
    const auto before = it->second;
    domain::Address to{"Léa Martin", "3 place Bellecour", "", "69002", "Lyon", "FR", ""};
    RC_ASSERT(
        sut.retailer
            ->run(OrderCommand{id, domain::order::ChangeDeliveryAddress{to, testing::kNow, {}, {}}})
            .has_value());
    sut.resync({id});
    // Lines waiting for a site may be sourced for the new address; none reserved moves.
    for (const auto& was : before) {
      RC_ASSERT(std::ranges::any_of(s.orders[id], [&](const OpenLine& now) {
        return now.line == was.line && now.site == was.site && now.quantity == was.quantity;
      }));
    }
    sut.check();
  }
  void show(std::ostream& os) const override { os << "Change an open order's address"; }
};

// A receipt announced, then confirmed (its units on hand) or cancelled (nothing changes).
struct ExpectedReceipt : rc::state::Command<Model, Sut> {
  std::string site = *rc::gen::elementOf(kSites), sku = *rc::gen::elementOf(kSkus);
  std::int64_t quantity = *rc::gen::inRange<std::int64_t>(1, 6);
  std::int64_t received = *rc::gen::inRange<std::int64_t>(0, 7);
  bool confirm = *rc::gen::arbitrary<bool>();
  int id = *rc::gen::inRange(0, 1'000'000);
  void run(const Model&, Sut& sut) const override {
    namespace stock = domain::stock;
    const auto receipt = "ASN-" + std::to_string(id) + "-" + site + "-" + sku;
    auto expected = sut.retailer->run(StockCommand{
        site, sku,
        stock::ExpectReceipt{receipt, quantity, testing::kNow + 86'400'000'000, testing::kNow}});
    if (!expected) return;  // the same generated id twice: already announced
    sut.check();            // announced units are not on hand
    if (confirm) {
      RC_ASSERT(sut.retailer
                    ->run(StockCommand{site, sku,
                                       stock::ConfirmReceipt{receipt, received, testing::kNow}})
                    .has_value());
      sut.shadow.on_hand[{site, sku}] += received;
    } else {
      RC_ASSERT(
          sut.retailer->run(StockCommand{site, sku, stock::CancelReceipt{receipt, testing::kNow}})
              .has_value());
    }
    sut.check();
  }
  void show(std::ostream& os) const override {
    os << "Expect " << quantity << " " << sku << " at " << site << ", then "
       << (confirm ? "receive " + std::to_string(received) : std::string("cancel"));
  }
};

struct Restart : rc::state::Command<Model, Sut> {
  void run(const Model&, Sut& sut) const override {
    sut.retailer->close();
    sut.retailer->open();
    sut.check();
  }
  void show(std::ostream& os) const override { os << "Restart"; }
};

RC_GTEST_PROP(PipelineModel, NeverOversellsAndProjectionsMatchTheModel, ()) {
  Model model;
  Sut sut;
  rc::state::check(
      model, sut,
      rc::state::gen::execOneOfWithArgs<Receive, Adjust, Place, Place, Place, Retry, Finish,
                                        ChangeShare, Restart, Count, Count, CancelSome, Release,
                                        ChangeAddress, ExpectedReceipt>());
}

}  // namespace
}  // namespace ordo::engine
