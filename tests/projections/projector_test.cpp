// The query models: sellable stock per channel with its explanation, the order view and timeline,
// the customer-service index, stock per site; and a rebuild that gives the same bytes.
#include <map>

#include "projections/internal/families.h"
#include "projections/internal/values.h"
#include "tests/engine/retailer_fixture.h"

namespace ordo::projections {
namespace {

using namespace ordo::engine;

using namespace internal;
using engine::testing::order;
using engine::testing::Retailer;
using eventstore::testing::TempDir;

std::map<std::string, std::string> dump(eventstore::EventStore& store, const char* family) {
  std::map<std::string, std::string> out;
  EXPECT_TRUE(store.scan_projection(family, "", "", [&](std::string_view k, std::string_view v) {
    out.emplace(k, v);
    return true;
  }));
  return out;
}

TEST(Projector, SellableStockFollowsEveryChannelsView) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  auto projector = Projector::start(*r.store).value();
  ASSERT_EQ(projector->wait_for(r.store->durable_position(), std::chrono::seconds(5)),
            r.store->durable_position());
  ASSERT_TRUE(projector->sellable("web", "SHOE-1").has_value());
  EXPECT_EQ(projector->sellable("web", "SHOE-1")->total, 12);         // Lyon 10 + Paris 2
  EXPECT_EQ(projector->sellable("marketplace", "SHOE-1")->total, 8);  // 80% of Lyon's 10
  auto placed = r.run(order("O1", "web", {{"SHOE-1", 3}}));
  ASSERT_TRUE(placed);
  ASSERT_GE(projector->wait_for(placed->last_position, std::chrono::seconds(5)),
            placed->last_position);
  EXPECT_EQ(projector->sellable("web", "SHOE-1")->total, 9);
  // Its share is 80% of Lyon's 10 = 8, but the web took 3 of them: 7 are left.
  EXPECT_EQ(projector->sellable("marketplace", "SHOE-1")->total, 7);
  auto taken = r.run(order("O2", "marketplace", {{"SHOE-1", 6}}));
  ASSERT_TRUE(taken);
  ASSERT_GE(projector->wait_for(taken->last_position, std::chrono::seconds(5)),
            taken->last_position);
  EXPECT_EQ(projector->sellable("marketplace", "SHOE-1")->total, 1);  // 8 - 6 of its own
  auto why = projector->explain("marketplace", "SHOE-1");
  ASSERT_TRUE(why);
  ASSERT_EQ(why->sites.size(), 1u);
  EXPECT_EQ(why->sites[0].site_id, "WH-LYON");
  EXPECT_EQ(why->sites[0].reserved, 9);
  EXPECT_EQ(why->sites[0].taken, 6);
  EXPECT_EQ(why->sites[0].shared, 1);
  projector.reset();  // the in-memory figures are written when it stops, if not before
  auto stored = r.store->read_projection(kSellableFamily, sellable_key("SHOE-1", "web"));
  ASSERT_TRUE(stored && stored->has_value());
  EXPECT_EQ(decode_sellable(**stored)->total, 3);
}

TEST(Projector, TheOrderViewShowsStatusLinesAndTheWholeTimeline) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  ASSERT_TRUE(r.run(order("O1", "web", {{"SHOE-1", 1}})));
  r.ok(OrderCommand{"O1", domain::order::StartPreparation{"WH-LYON", engine::testing::kNow}});
  r.ok(OrderCommand{"O1", domain::order::MarkPrepared{"WH-LYON", false, engine::testing::kNow}});
  r.ok(OrderCommand{
      "O1", domain::order::ShipOrder{"WH-LYON", "Colissimo", "6A123", engine::testing::kNow}});
  auto projector = Projector::start(*r.store).value();
  projector->wait_for(r.store->durable_position(), std::chrono::seconds(5));
  auto view = projector->order("O1").value();
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->order.status(), domain::order::LineStatus::shipped);
  EXPECT_EQ(view->order.lines[0].site_id, "WH-LYON");
  auto timeline = projector->timeline(*view).value();
  std::vector<std::string> types;
  std::string carrier;
  for (const auto& entry : timeline) {
    types.push_back(entry.type);
    if (const auto* e = std::get_if<domain::order::Event>(&entry.event)) {
      if (const auto* shipped = std::get_if<domain::order::OrderShipped>(e))
        carrier = shipped->carrier;
    }
  }
  EXPECT_EQ(types, (std::vector<std::string>{"OrderPlaced", "SourcingDecided", "LinesAllocated",
                                             "StockReserved", "PreparationStarted", "StockPicked",
                                             "OrderPrepared", "OrderShipped", "StockShipped"}));
  EXPECT_EQ(carrier, "Colissimo");
  EXPECT_FALSE(projector->order("NOPE").value().has_value());
}

TEST(Projector, CustomerServiceFindsOrdersByCustomerStatusAndSite) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  auto o1 = order("O1", "web", {{"SHOE-1", 1}});
  o1.email = " Lea.Martin@Example.COM";  // as the customer typed it
  ASSERT_TRUE(r.run(o1));
  ASSERT_TRUE(r.run(order("O2", "web", {{"CAP-1", 1}})));
  r.ok(
      OrderCommand{"O2", domain::order::CancelLines{{}, "fraud suspicion", engine::testing::kNow}});
  auto projector = Projector::start(*r.store).value();
  projector->wait_for(r.store->durable_position(), std::chrono::seconds(5));
  auto find = [&](const std::string& field, const std::string& value) {
    std::vector<std::string> ids;
    auto page = projector->search({{{field, value}}, 0, INT64_MAX, 50, {}});
    EXPECT_TRUE(page.has_value());
    for (const auto& view : page->orders) ids.push_back(view.order.placed.order_id);
    return ids;
  };
  EXPECT_EQ(find("customer", "C1"), (std::vector<std::string>{"O1", "O2"}));
  EXPECT_EQ(find("status", "cancelled"), (std::vector<std::string>{"O2"}));
  EXPECT_EQ(find("status", "allocated"), (std::vector<std::string>{"O1"}));
  EXPECT_TRUE(find("status", "sourcing").empty());  // the old status key was removed
  EXPECT_EQ(find("site", "WH-LYON").size(), 2u);
  // The index holds addresses normalised (the API normalises what is searched).
  EXPECT_EQ(find("email", "lea.martin@example.com"), (std::vector<std::string>{"O1", "O2"}));
  // Two filters: the first drives the index, the second is checked on each order.
  auto both =
      projector->search({{{"customer", "C1"}, {"status", "cancelled"}}, 0, INT64_MAX, 50, {}})
          .value();
  ASSERT_EQ(both.orders.size(), 1u);
  EXPECT_EQ(both.orders[0].order.placed.order_id, "O2");
  // Pages follow each other without a gap or a repeat.
  auto first = projector->search({{{"customer", "C1"}}, 0, INT64_MAX, 1, {}}).value();
  ASSERT_EQ(first.orders.size(), 1u);
  ASSERT_FALSE(first.next_cursor.empty());
  auto second =
      projector->search({{{"customer", "C1"}}, 0, INT64_MAX, 1, first.next_cursor}).value();
  ASSERT_EQ(second.orders.size(), 1u);
  EXPECT_EQ(second.orders[0].order.placed.order_id, "O2");
  auto other = projector->search({{{"status", "cancelled"}}, 0, INT64_MAX, 1, first.next_cursor});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::invalid_argument);
  EXPECT_FALSE(projector->search({{{"colour", "red"}}, 0, INT64_MAX, 1, {}}));
}

// Every site that could serve O3 gives it back: it waits for customer service, and says so.
TEST(Projector, AnOrderWaitingForCustomerServiceIsFoundByThatStatusNotAsSourcing) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  ASSERT_TRUE(r.run(order("O3", "web", {{"CAP-1", 1}})));
  auto projector = Projector::start(*r.store).value();
  int releases = 0;
  for (; releases < 5; ++releases) {
    projector->wait_for(r.store->durable_position(), std::chrono::seconds(5));
    const auto view = projector->order("O3").value();
    ASSERT_TRUE(view.has_value());
    if (view->order.queued_for_service) break;
    const auto site = view->order.lines.at(0).site_id;
    ASSERT_FALSE(site.empty()) << "O3 is neither allocated nor queued";
    r.ok(OrderCommand{"O3", domain::order::ReleaseAllocation{
                                site, "not on the shelf", true, engine::testing::kNow, {}, {}}});
  }
  ASSERT_GE(releases, 1);
  ASSERT_LT(releases, 5) << "O3 never reached customer service's queue";
  auto ids = [&](const std::string& field, const std::string& value) {
    std::vector<std::string> out;
    const auto page = projector->search({{{field, value}}, 0, INT64_MAX, 50, {}}).value();
    for (const auto& v : page.orders) out.push_back(v.order.placed.order_id);
    return out;
  };
  EXPECT_EQ(ids("status", "awaiting_customer_service"), (std::vector<std::string>{"O3"}));
  EXPECT_EQ(ids("queue", "customer_service"), (std::vector<std::string>{"O3"}));
  EXPECT_TRUE(ids("status", "sourcing").empty());
}

// Damaged bytes in a stored order view are an error naming what is wrong, not a crash.
TEST(Projector, ADamagedOrderViewIsCorruptionNotACrash) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  ASSERT_TRUE(r.run(order("O1", "web", {{"SHOE-1", 1}})));
  auto projector = Projector::start(*r.store, false).value();
  auto good = r.store->read_projection(kOrdersFamily, "O1").value();
  ASSERT_TRUE(good.has_value());
  EXPECT_FALSE(projector->damaged());
  for (std::size_t cut : {std::size_t{0}, std::size_t{3}, good->size() / 2}) {
    ASSERT_TRUE(r.store->commit_projection({}, {{kOrdersFamily, "O1", good->substr(0, cut)}}));
    auto view = projector->order("O1");
    ASSERT_FALSE(view);
    EXPECT_EQ(view.error().code, ErrorCode::corruption);
  }
  ASSERT_TRUE(projector->damaged()) << "a read that found damage says so (for /readyz)";
  EXPECT_NE(projector->damaged()->find("order_view"), std::string::npos);
  // Found by the check of every value, and at the next start, naming the model and the key.
  const auto check = Projector::check_models(*r.store).value();
  EXPECT_NE(check.problem.find("projection order_view is damaged: key 'O1'"), std::string::npos)
      << check.problem;
  EXPECT_NE(check.problem.find("ordo rebuild --projection order_view"), std::string::npos);
  projector.reset();
  auto restarted = Projector::start(*r.store, false).value();
  ASSERT_TRUE(restarted->damaged());
  restarted.reset();
  ASSERT_TRUE(Projector::rebuild(*r.store, {"order_view"}));
  EXPECT_TRUE(Projector::check_models(*r.store)->problem.empty());
  EXPECT_FALSE(Projector::start(*r.store, false).value()->damaged());
}

// A projection whose definition changed (keys or values written differently) is rebuilt from the
// log at start; one built by the current definition is kept as it is.
TEST(Projector, AProjectionBuiltByAnotherDefinitionIsRebuiltAtStart) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  ASSERT_TRUE(r.run(order("O1", "web", {{"SHOE-1", 1}})));
  Projector::start(*r.store, false).value().reset();
  const auto built = dump(*r.store, kOrderIndexFamily);
  ASSERT_FALSE(built.empty());
  const std::string stale = index_key("email", "Lea.Martin@Example.COM", 1, "O1");
  ASSERT_TRUE(r.store->commit_projection({}, {{kOrderIndexFamily, stale, std::string()}}));
  Projector::start(*r.store, false).value().reset();
  EXPECT_TRUE(dump(*r.store, kOrderIndexFamily).contains(stale)) << "same definition: kept";
  ASSERT_TRUE(r.store->set_projection_definition(kOrderIndexFamily, 1));
  Projector::start(*r.store, false).value().reset();
  EXPECT_EQ(dump(*r.store, kOrderIndexFamily), built) << "another definition: rebuilt";
  EXPECT_EQ(r.store->projection_definition(kOrderIndexFamily).value(),
            kProjections[kOrderIndex].definition);
  EXPECT_EQ(r.store->projection_checkpoint(kOrderIndexFamily).value(), r.store->durable_position());
}

TEST(Projector, ARebuildGivesTheSameBytesAsLiveProcessing) {
  TempDir dir;
  Retailer r(dir.path());
  auto live = Projector::start(*r.store).value();
  r.stock_up();
  for (int i = 0; i < 4; ++i) {  // the marketplace sees 80% of the caps: 4 orders fit
    ASSERT_TRUE(r.run(order("O" + std::to_string(i), i % 2 ? "web" : "marketplace",
                            {{"SHOE-1", 1}, {"CAP-1", 1}})));
  }
  r.ok(OrderCommand{"O1", domain::order::CancelLines{{1}, "out of size", engine::testing::kNow}});
  r.ok(StockCommand{"FR-STRAS", "SHOE-1",
                    domain::stock::CountStock{4, "pos", engine::testing::kNow}});
  live->wait_for(r.store->durable_position(), std::chrono::seconds(5));
  live.reset();
  std::map<std::string, std::map<std::string, std::string>> before;
  for (const auto& p : kProjections) before[p.family] = dump(*r.store, p.family);
  EXPECT_FALSE(before[kOrdersFamily].empty());
  const auto events = Projector::rebuild(*r.store, {}).value();
  EXPECT_EQ(events, r.store->durable_position());
  for (const auto& p : kProjections) {
    EXPECT_EQ(dump(*r.store, p.family), before[p.family]) << p.name << " differs after rebuild";
  }
  EXPECT_FALSE(Projector::rebuild(*r.store, {"no_such_projection"}));
}

TEST(Projector, ARestartAndARemovedChannelStillEndOnTheBytesOfARebuild) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  // More than one projector batch (4096 events) before the checkpoint, so that the restart's
  // catch-up has a batch that straddles it.
  for (int i = 0; i < 4200; ++i) r.receive("FR-STRAS", "CAP-1", 1);
  {
    auto live = Projector::start(*r.store).value();
    ASSERT_TRUE(r.run(order("O1", "web", {{"SHOE-1", 3}})));
    ASSERT_EQ(live->wait_for(r.store->durable_position(), std::chrono::seconds(10)),
              r.store->durable_position());
  }
  // While no projector runs: the figure goes back to what it was before O1, and the marketplace
  // channel is removed.
  r.ok(OrderCommand{"O1", domain::order::CancelLines{{}, "customer", engine::testing::kNow}});
  auto web_only = engine::testing::views();
  web_only.channels.pop_back();
  r.ok(domain::configuration::Command{domain::configuration::ChangeConfiguration{
      web_only, "analyst", "marketplace closed", engine::testing::kNow}});
  {
    auto restarted = Projector::start(*r.store).value();
    EXPECT_FALSE(restarted->sellable("marketplace", "SHOE-1").has_value());
    EXPECT_EQ(restarted->sellable("web", "SHOE-1")->total, 12);
  }
  std::map<std::string, std::map<std::string, std::string>> before;
  for (const auto& p : kProjections) before[p.family] = dump(*r.store, p.family);
  EXPECT_FALSE(r.store->read_projection(kSellableFamily, sellable_key("SHOE-1", "marketplace"))
                   .value()
                   .has_value());
  ASSERT_TRUE(Projector::rebuild(*r.store, {}));
  for (const auto& p : kProjections) {
    EXPECT_EQ(dump(*r.store, p.family), before[p.family]) << p.name << " differs after rebuild";
  }
}

}  // namespace
}  // namespace ordo::projections
