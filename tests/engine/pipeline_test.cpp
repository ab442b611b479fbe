// The command pipeline against real RocksDB: sourcing and reservations, rejections, idempotency,
// what order actions do to stock, restart, and no oversell under concurrency.
#include <atomic>
#include <thread>

#include "projections/projector.h"
#include "tests/engine/retailer_fixture.h"

namespace ordo::engine {
namespace {

using eventstore::testing::TempDir;
using testing::order;
using testing::Retailer;
namespace stock = domain::stock;

const domain::Rejection* rejection_of(const Answer& answer) {
  return answer ? nullptr : std::get_if<domain::Rejection>(&answer.error());
}

TEST(Pipeline, AnOrderIsSourcedToOneSiteAndItsStockReserved) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  auto placed = r.run(order("O1", "web", {{"SHOE-1", 2}, {"CAP-1", 1}}));
  ASSERT_TRUE(placed) << Retailer::describe(placed.error());
  // Only the warehouse holds both SKUs: one shipment from there.
  ASSERT_EQ(placed->allocations.size(), 2u);
  EXPECT_EQ(placed->allocations[0].site_id, "WH-LYON");
  EXPECT_EQ(placed->allocations[1].site_id, "WH-LYON");
  auto reserved = r.store->read_stream("stock-WH-LYON:SHOE-1", 1, 10).value();
  ASSERT_EQ(reserved.size(), 2u);
  EXPECT_EQ(reserved[1].type, "StockReserved");
  // Placed, sourcing explained, allocated.
  EXPECT_EQ(r.store->read_stream("order-O1", 1, 10).value().size(), 3u);
  // Order and reservations went in one atomic append.
  EXPECT_EQ(placed->last_position - placed->first_position + 1, 5u);
}

TEST(Pipeline, AnOrderTheSitesTogetherCannotServeIsRejectedAndWritesNothing) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  const auto before = r.store->durable_position();
  auto refused = r.run(order("O1", "web", {{"SHOE-1", 13}}));  // 10 in Lyon and 2 in Paris
  ASSERT_NE(rejection_of(refused), nullptr);
  EXPECT_EQ(rejection_of(refused)->code, domain::Rejection::Code::insufficient_stock);
  EXPECT_NE(rejection_of(refused)->reason.find("SHOE-1"), std::string::npos);
  EXPECT_EQ(r.store->durable_position(), before);
}

// A submission's guard sees the engine's own state, not a projection: the order placed by the
// previous command is there at once; a refusal from the guard writes nothing.
TEST(Pipeline, AGuardSeesTheEnginesStateAndItsRefusalWritesNothing) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  ASSERT_TRUE(r.run(order("G1", "web", {{"SHOE-1", 1}})));
  std::string seen_channel;
  auto cancel =
      testing::submit(OrderCommand{"G1", domain::order::CancelLines{{}, "asked", testing::kNow}});
  cancel.guard = [&](const EngineState& state) -> std::optional<Refusal> {
    const auto* placed = state.order("G1");
    if (placed != nullptr) seen_channel = placed->placed.channel;
    return Error{ErrorCode::permission_denied, "not this caller"};
  };
  const auto before = r.store->durable_position();
  auto refused = r.pipeline->execute(std::move(cancel));
  ASSERT_FALSE(refused);
  ASSERT_TRUE(std::holds_alternative<Error>(refused.error()));
  EXPECT_EQ(std::get<Error>(refused.error()).code, ErrorCode::permission_denied);
  EXPECT_EQ(seen_channel, "web");
  EXPECT_EQ(r.store->durable_position(), before);
}

// An event type this build does not know is never skipped: the engine and the projector refuse to
// start and name its position, so their state can never silently fall behind the log.
TEST(Pipeline, AnUnknownEventTypeInTheLogStopsTheStartAndNamesItsPosition) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  r.pipeline.reset();
  auto appended = r.store->append("order-X1", eventstore::ExpectedVersion::any(),
                                  {eventstore::EventData{"OrderTeleported", 1, "?"}});
  ASSERT_TRUE(appended);
  const auto position = std::to_string(r.store->durable_position());
  auto pipeline = Pipeline::start(*r.store);
  ASSERT_FALSE(pipeline);
  EXPECT_EQ(pipeline.error().code, ErrorCode::corruption);
  EXPECT_NE(pipeline.error().message.find("position " + position), std::string::npos)
      << pipeline.error().message;
  EXPECT_NE(pipeline.error().message.find("OrderTeleported"), std::string::npos);
  auto projector = projections::Projector::start(*r.store, false);
  ASSERT_FALSE(projector);
  EXPECT_NE(projector.error().message.find("OrderTeleported"), std::string::npos)
      << projector.error().message;
}

TEST(Pipeline, ChannelsSellOnlyWhatTheirViewAllows) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  // The marketplace sees 80% of the warehouse's 5 caps: 4.
  EXPECT_NE(rejection_of(r.run(order("M1", "marketplace", {{"CAP-1", 5}}))), nullptr);
  EXPECT_TRUE(r.run(order("M2", "marketplace", {{"CAP-1", 4}})));
  auto unknown_channel = r.run(order("X1", "tv-shopping", {{"CAP-1", 1}}));
  ASSERT_NE(rejection_of(unknown_channel), nullptr);
  EXPECT_NE(rejection_of(unknown_channel)->reason.find("no inventory view"), std::string::npos);
  auto unknown_sku = r.run(order("X2", "web", {{"NOPE", 1}}));
  ASSERT_NE(rejection_of(unknown_sku), nullptr);
  EXPECT_EQ(rejection_of(unknown_sku)->code, domain::Rejection::Code::not_found);
}

TEST(Pipeline, LinesOfOneSkuDrawOnTheSameStock) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();  // 5 caps, all in Lyon
  auto too_many = r.run(order("O1", "web", {{"CAP-1", 3}, {"CAP-1", 3}}));
  ASSERT_NE(rejection_of(too_many), nullptr);
  EXPECT_EQ(rejection_of(too_many)->code, domain::Rejection::Code::insufficient_stock);
  auto fits = r.run(order("O2", "web", {{"CAP-1", 2}, {"CAP-1", 3}}));
  ASSERT_TRUE(fits) << Retailer::describe(fits.error());
  EXPECT_NE(rejection_of(r.run(order("O3", "web", {{"CAP-1", 1}}))), nullptr);
}

TEST(Pipeline, ARetryWithTheSameKeyHasOneEffectAndTheSameAnswer) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  auto with_body = [](domain::order::PlaceOrder o, std::uint8_t body) {
    auto s = testing::submit(std::move(o), "key-1");
    s.request_hash = eventstore::Hash256{body};  // as the gateway passes the hash of the body
    s.render = [](const Outcome& outcome) {
      return "placed at " + std::to_string(outcome.allocations.size());
    };
    return s;
  };
  auto first = r.pipeline->execute(with_body(order("O1", "web", {{"SHOE-1", 1}}), 1));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->response, "placed at 1");
  const auto position = r.store->durable_position();
  auto retry = r.pipeline->execute(with_body(order("O1", "web", {{"SHOE-1", 1}}), 1));
  ASSERT_TRUE(retry);
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->first_position, first->first_position);
  EXPECT_EQ(retry->response, "placed at 1");
  EXPECT_EQ(r.store->durable_position(), position);
  auto other = r.pipeline->execute(with_body(order("O2", "web", {{"SHOE-1", 1}}), 2));
  ASSERT_FALSE(other);
  EXPECT_EQ(std::get<Error>(other.error()).code, ErrorCode::idempotency_mismatch);
  EXPECT_EQ(r.store->durable_position(), position);
}

TEST(Pipeline, CancellingReleasesAndShippingConsumesTheReservation) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  ASSERT_TRUE(r.run(order("O1", "web", {{"CAP-1", 2}})));
  ASSERT_TRUE(r.run(order("O2", "web", {{"CAP-1", 3}})));
  EXPECT_NE(rejection_of(r.run(order("O3", "web", {{"CAP-1", 1}}))), nullptr);  // all reserved
  r.ok(OrderCommand{"O1", domain::order::CancelLines{{}, "customer changed mind", testing::kNow}});
  EXPECT_TRUE(r.run(order("O3", "web", {{"CAP-1", 2}})));  // released units are sellable again
  r.ok(OrderCommand{"O2", domain::order::StartPreparation{"WH-LYON", testing::kNow}});
  r.ok(OrderCommand{"O2", domain::order::MarkPrepared{"WH-LYON", false, testing::kNow}});
  r.ok(
      OrderCommand{"O2", domain::order::ShipOrder{"WH-LYON", "Colissimo", "6A123", testing::kNow}});
  auto events = r.store->read_stream("stock-WH-LYON:CAP-1", 1, 100).value();
  std::vector<std::string> types;
  for (const auto& e : events) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<std::string>{"StockReceived", "StockReserved", "StockReserved",
                                             "ReservationReleased", "StockReserved", "StockPicked",
                                             "StockShipped"}));
}

TEST(Pipeline, ARestartRebuildsTheSameStateFromTheLog) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();
  ASSERT_TRUE(r.run(order("O1", "web", {{"SHOE-1", 9}}), "k1"));
  r.close();
  r.open();
  // The reservation survived: 1 shoe is left in Lyon and 2 in Paris.
  EXPECT_NE(rejection_of(r.run(order("O2", "web", {{"SHOE-1", 4}}))), nullptr);
  EXPECT_TRUE(r.run(order("O3", "web", {{"SHOE-1", 3}})));
  auto retry = r.run(order("O1", "web", {{"SHOE-1", 9}}), "k1");
  ASSERT_TRUE(retry);
  EXPECT_TRUE(retry->duplicate);
}

TEST(Pipeline, ManyClientsOrderingTheLastUnitsNeverOversell) {
  TempDir dir;
  Retailer r(dir.path());
  r.stock_up();  // 12 shoes: 10 in Lyon, 2 in Paris
  std::atomic<int> placed{0}, out_of_stock{0}, other{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < 25; ++i) {
        auto answer =
            r.run(order("C" + std::to_string(c) + "-" + std::to_string(i), "web", {{"SHOE-1", 1}}));
        if (answer)
          ++placed;
        else if (const auto* rej = rejection_of(answer);
                 rej && rej->code == domain::Rejection::Code::insufficient_stock)
          ++out_of_stock;
        else
          ++other;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(placed.load(), 12);
  EXPECT_EQ(out_of_stock.load(), 200 - 12);
  EXPECT_EQ(other.load(), 0);
}

}  // namespace
}  // namespace ordo::engine
