// Sellable = orderable over HTTP. The ceiling: the units a channel accepts never exceed what it was
// shown, with many clients placing at once, on a direct strategy, on a competitive one (orders
// answered "sourcing" hold their units at every offered store) and on a channel given a share of
// the stock. The floor: what it shows can be ordered, a line split across stores when no store has
// enough, units on a receipt within the horizon pre-ordered and allocated when it arrives.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "tests/gateway/http_fixture.h"

namespace ordo::gateway::testing {
namespace {

class OrderableHttp : public HttpTest {
 protected:
  // Leaves `sku` only where `counts` says: every site the web's figure counts is counted to 0
  // (by the stores' own count feed), then the given sites to their counts.
  static void isolate(const std::string& sku, const std::map<std::string, std::int64_t>& counts) {
    auto client = admin();
    const auto why = client.get("/v1/sellable-stock/web/" + sku + "?explain=true").doc();
    json movements = json::array();
    for (const auto& site : why["breakdown"]["sites"]) {
      const std::string id = site["site"];
      const auto it = counts.find(id);
      movements.push_back({{"type", "count"},
                           {"site", id},
                           {"sku", sku},
                           {"counted", it == counts.end() ? 0 : it->second},
                           {"source", "pos"}});
    }
    for (const auto& [site, counted] : counts) {
      movements.push_back({{"type", "count"},
                           {"site", site},
                           {"sku", sku},
                           {"counted", counted},
                           {"source", "pos"}});
    }
    auto moved = client.post("/v1/stock/movements", {{"movements", movements}},
                             {{"Idempotency-Key", "isolate-" + sku}});
    ASSERT_EQ(moved.status, 200u) << moved.body;
    last_position_ = moved.header("ordo-position");
  }

  // The channel's figure once the projections caught up with everything written so far.
  static std::int64_t figure(const std::string& channel, const std::string& sku) {
    auto reply = admin().get("/v1/sellable-stock/" + channel + "/" + sku +
                             "?explain=true&min_position=" + last_position_);
    EXPECT_EQ(reply.status, 200u) << reply.body;
    return reply.doc().value("sellable", std::int64_t{-1});
  }

  struct Burst {
    int created = 0, out_of_stock = 0, other = 0;
    std::string unexpected;
  };
  // `clients` clients place one order of one unit each, all at once, each on its connection.
  static Burst burst(const std::string& prefix, const std::string& sku, const std::string& channel,
                     int clients) {
    std::atomic<int> created{0}, out_of_stock{0}, other{0};
    std::mutex mutex;
    std::string unexpected, last;
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < clients; ++i) {
      threads.emplace_back([&, i] {
        Http client(port(), retailer_->admin_token);
        const auto id = prefix + "-" + std::to_string(i);
        ready.fetch_add(1);
        while (ready.load() < clients) std::this_thread::yield();
        auto reply = client.post("/v1/orders", order_body(id, sku, 1, channel),
                                 {{"Idempotency-Key", "key-" + id}});
        const std::lock_guard lock(mutex);
        if (reply.status == 201u) {
          ++created;
          const auto position = reply.header("ordo-position");
          if (last.empty() || std::stoull(position) > std::stoull(last)) last = position;
        } else if (reply.status == 422u &&
                   reply.doc().value("type", "") == "urn:ordo:problem:out-of-stock") {
          ++out_of_stock;
        } else {
          ++other;
          unexpected = std::to_string(reply.status) + " " + reply.body;
        }
      });
    }
    for (auto& t : threads) t.join();
    if (!last.empty()) last_position_ = last;
    return {created.load(), out_of_stock.load(), other.load(), unexpected};
  }

  static inline std::string last_position_ = "0";
};

// Two units at two stores (each keeping one more as the web's safety stock), a direct strategy:
// exactly two of 64 orders are accepted.
TEST_F(OrderableHttp, SixtyFourClientsOnADirectStrategyTakeExactlyWhatTheWebShows) {
  const auto stores = admin().get("/v1/sites?type=store&limit=3").doc()["sites"];
  ASSERT_GE(stores.size(), 2u);
  isolate("SKU-00012", {{stores[0]["site_id"], 2}, {stores[1]["site_id"], 2}});
  ASSERT_EQ(figure("web", "SKU-00012"), 2);
  const auto b = burst("DIRECT", "SKU-00012", "web", 64);
  EXPECT_EQ(b.other, 0) << b.unexpected;
  EXPECT_EQ(b.created, 2);
  EXPECT_EQ(b.out_of_stock, 62);
  EXPECT_EQ(figure("web", "SKU-00012"), 0);
}

// A marketplace given 80% of the warehouses' stock (less 2 safety units each) takes what it was
// shown and no more, even though the web could still sell what is left. Under its minimum display
// of 3 (app/demo_data.cpp) it shows 0: its last 2 units are not orderable.
TEST_F(OrderableHttp, AChannelsShareCapsWhatItsOrdersTakeOverHttp) {
  const auto warehouses = admin().get("/v1/sites?type=warehouse&country=FR&limit=1").doc()["sites"];
  ASSERT_EQ(warehouses.size(), 1u);
  isolate("SKU-00013", {{warehouses[0]["site_id"], 12}});
  const auto shown = figure("marketplace", "SKU-00013");
  ASSERT_GT(shown, 0);
  ASSERT_LT(shown, 12);
  const auto b = burst("SHARE", "SKU-00013", "marketplace", 24);
  EXPECT_EQ(b.other, 0) << b.unexpected;
  constexpr std::int64_t kMinimumDisplay = 3;
  EXPECT_EQ(b.created, shown - (kMinimumDisplay - 1));
  EXPECT_EQ(figure("marketplace", "SKU-00013"), 0);
  EXPECT_EQ(figure("web", "SKU-00013"), 12 - b.created);
}

// Stores compete for orders: an order answered 201 "sourcing" holds its unit at every store it is
// offered to until one claims it, so the web never accepts more than it showed.
TEST_F(OrderableHttp, OrdersOfferedToCompetingStoresHoldTheirUnitsFromThe201) {
  auto client = admin();
  const auto before = client.get("/v1/config/orchestration");
  const json rules = {{"author", "ops"},
                      {"reason", "stores compete"},
                      {"document",
                       {{"default_strategy", "compete"},
                        {"strategies", json::array({{{"name", "compete"},
                                                     {"site_types", {"store"}},
                                                     {"require_capacity", false},
                                                     {"mode", "competitive"},
                                                     {"competitive_types", {"store"}},
                                                     {"round_size", 2},
                                                     {"round_timeout_ms", 600000},
                                                     {"max_rounds", 2},
                                                     {"fallback_direct", false}}})}}}};
  ASSERT_EQ(client.put("/v1/config/orchestration", rules).status, 200u);
  const auto stores = client.get("/v1/sites?type=store&limit=3").doc()["sites"];
  ASSERT_GE(stores.size(), 3u);
  isolate("SKU-00014",
          {{stores[0]["site_id"], 2}, {stores[1]["site_id"], 2}, {stores[2]["site_id"], 3}});
  const auto shown = figure("web", "SKU-00014");
  ASSERT_EQ(shown, 4);
  const auto b = burst("ROUND", "SKU-00014", "web", 64);
  EXPECT_EQ(b.other, 0) << b.unexpected;
  EXPECT_GE(b.created, 1);
  EXPECT_LE(b.created, shown);
  EXPECT_EQ(b.created + b.out_of_stock, 64);
  // Every accepted order holds its unit at each store offered: nothing is left to show.
  EXPECT_EQ(figure("web", "SKU-00014"), 0);
  const auto why =
      client.get("/v1/sellable-stock/web/SKU-00014?explain=true&min_position=" + last_position_)
          .doc();
  std::int64_t held = 0;
  for (const auto& site : why["breakdown"]["sites"]) held += site.value("held", 0);
  EXPECT_GE(held, b.created);
  // Back to the rules the other tests of this suite run with (they share the server): the former
  // document, or, when the area was never configured, direct sourcing from every kind of site
  // (stores only, as above, would leave the warehouse's pre-orders without a site).
  json restore = rules;
  restore["reason"] = "back to the former rules";
  if (before.status == 200u) {
    restore["document"] = before.doc()["document"];
  } else {
    auto& strategy = restore["document"]["strategies"][0];
    strategy["mode"] = "direct";
    strategy.erase("site_types");
    strategy.erase("competitive_types");
  }
  const auto restored = client.put("/v1/config/orchestration", restore);
  ASSERT_EQ(restored.status, 200u) << restored.body;
}

// The web shows 4 of a SKU at two stores (3 each, less 1 safety unit): an order for 4 is placed,
// its line split between them, and the order's view and timeline say so.
TEST_F(OrderableHttp, AnOrderForAllTheWebShowsIsSplitAcrossStores) {
  auto client = admin();
  const auto stores = client.get("/v1/sites?type=store&limit=2").doc()["sites"];
  ASSERT_EQ(stores.size(), 2u);
  isolate("SKU-00015", {{stores[0]["site_id"], 3}, {stores[1]["site_id"], 3}});
  ASSERT_EQ(figure("web", "SKU-00015"), 4);
  auto placed = client.post("/v1/orders", order_body("SPLIT-1", "SKU-00015", 4),
                            {{"Idempotency-Key", "split-1"}});
  ASSERT_EQ(placed.status, 201u) << placed.body;
  last_position_ = placed.header("ordo-position");
  const auto lines = placed.doc()["lines"];
  ASSERT_EQ(lines.size(), 2u) << placed.body;
  EXPECT_EQ(lines[0].value("quantity", 0) + lines[1].value("quantity", 0), 4);
  EXPECT_EQ(lines[1].value("split_from", 0), 1);
  EXPECT_NE(lines[0]["site"], lines[1]["site"]);
  EXPECT_EQ(placed.doc().value("status", ""), "allocated");
  const auto order = client.get("/v1/orders/SPLIT-1?min_position=" + last_position_).doc();
  EXPECT_NE(order["sourcing"].value("reason", "").find("line 1 split"), std::string::npos)
      << order["sourcing"];
  bool split_shown = false;
  for (const auto& entry : order["timeline"])
    split_shown |= entry.value("type", "") == "LinesSplit";
  EXPECT_TRUE(split_shown) << order["timeline"];
  EXPECT_EQ(figure("web", "SKU-00015"), 0);
}

// 2 units for the web at the warehouse (7, less 5 set aside for the stores of this accessory) and
// 10 expected there in 3 days: an order for 5 takes the 2 and pre-orders 3 on the receipt, with
// its date; the receipt's arrival allocates them.
TEST_F(OrderableHttp, UnitsOnAReceiptArePreOrderedOverHttpAndAllocatedWhenItArrives) {
  auto client = admin();
  const auto warehouses = client.get("/v1/sites?type=warehouse&country=FR&limit=1").doc()["sites"];
  ASSERT_EQ(warehouses.size(), 1u);
  const std::string warehouse = warehouses[0]["site_id"];
  isolate("SKU-00016", {{warehouse, 7}});
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const auto arrival = now + std::int64_t{3} * 86'400'000'000;
  const json expect = {{"movements",
                        {{{"type", "expected_receipt"},
                          {"site", warehouse},
                          {"sku", "SKU-00016"},
                          {"receipt_id", "ASN-PRE-1"},
                          {"quantity", 10},
                          {"expected_at_us", arrival}}}}};
  auto expected = client.post("/v1/stock/movements", expect, {{"Idempotency-Key", "asn-pre-1"}});
  ASSERT_EQ(expected.status, 200u) << expected.body;
  last_position_ = expected.header("ordo-position");
  ASSERT_EQ(figure("web", "SKU-00016"), 12)
      << client.get("/v1/sellable-stock/web/SKU-00016?explain=true").body;
  auto placed = client.post("/v1/orders", order_body("PRE-1", "SKU-00016", 5),
                            {{"Idempotency-Key", "pre-1"}});
  ASSERT_EQ(placed.status, 201u) << placed.body;
  const auto lines = placed.doc()["lines"];
  ASSERT_EQ(lines.size(), 2u) << placed.body;
  EXPECT_EQ(lines[1].value("status", ""), "pre_ordered");
  EXPECT_EQ(lines[1].value("quantity", 0), 3);
  EXPECT_EQ(lines[1].value("receipt_id", ""), "ASN-PRE-1");
  EXPECT_EQ(lines[1].value("expected_at_us", std::int64_t{0}), arrival);
  EXPECT_EQ(placed.doc().value("status", ""), "pre_ordered");
  last_position_ = placed.header("ordo-position");
  EXPECT_EQ(figure("web", "SKU-00016"), 7);
  // The warehouse receives the goods: the pre-ordered line is allocated.
  const json arrive = {{"movements",
                        {{{"type", "receipt_confirmed"},
                          {"site", warehouse},
                          {"sku", "SKU-00016"},
                          {"receipt_id", "ASN-PRE-1"},
                          {"received", 10}}}}};
  auto arrived = client.post("/v1/stock/movements", arrive, {{"Idempotency-Key", "asn-pre-1-in"}});
  ASSERT_EQ(arrived.status, 200u) << arrived.body;
  last_position_ = arrived.header("ordo-position");
  const auto order = client.get("/v1/orders/PRE-1?min_position=" + last_position_).doc();
  EXPECT_EQ(order.value("status", ""), "allocated") << order["lines"];
  EXPECT_EQ(order["lines"][1].value("receipt_id", ""), "ASN-PRE-1");
  std::vector<std::string> types;
  for (const auto& entry : order["timeline"]) types.push_back(entry.value("type", ""));
  EXPECT_NE(std::find(types.begin(), types.end(), "LinesPreOrdered"), types.end());
  EXPECT_EQ(std::count(types.begin(), types.end(), "LinesAllocated"), 2);
  EXPECT_EQ(figure("web", "SKU-00016"), 7);
}

}  // namespace
}  // namespace ordo::gateway::testing
