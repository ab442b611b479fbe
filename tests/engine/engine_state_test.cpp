// The engine state: stream ids built and parsed from the descriptors, and a fold that refuses a log
// whose events do not fit their streams, rather than skipping them.
#include "engine/engine_state.h"

#include <gtest/gtest.h>

namespace ordo::engine {
namespace {

TEST(Streams, EveryAggregatesStreamIdParsesBackToItsKey) {
  EXPECT_EQ(site_stream("FR-1"), "site-FR-1");
  EXPECT_EQ(parse_stream<SiteAggregate>("site-FR-1"), "FR-1");
  EXPECT_EQ(order_stream("O.1"), "order-O.1");
  EXPECT_EQ(parse_stream<OrderAggregate>("order-O.1"), "O.1");
  EXPECT_EQ(stock_stream("WH-1", "SKU_9"), "stock-WH-1:SKU_9");
  const auto stock = parse_stream<StockAggregate>("stock-WH-1:SKU_9");
  ASSERT_TRUE(stock);
  EXPECT_EQ(stock->site_id, "WH-1");
  EXPECT_EQ(stock->sku, "SKU_9");
  EXPECT_EQ(parse_stream<ConfigurationAggregate>(config_stream("promise")), "promise");
  EXPECT_EQ(parse_stream<TokenAggregate>(token_stream("abc123")), "abc123");
}

TEST(Streams, AStreamOfAnotherAggregateOrWithABadKeyDoesNotParse) {
  EXPECT_FALSE(parse_stream<OrderAggregate>("site-FR-1"));
  EXPECT_FALSE(parse_stream<OrderAggregate>("order-"));
  EXPECT_FALSE(parse_stream<OrderAggregate>("order-a b"));
  EXPECT_FALSE(parse_stream<StockAggregate>("stock-WH-1"));      // no SKU
  EXPECT_FALSE(parse_stream<StockAggregate>("stock-WH-1:a:b"));  // ':' is not an id character
  EXPECT_FALSE(parse_stream<StockAggregate>("stock-:SKU"));
  EXPECT_FALSE(parse_stream<SiteAggregate>(std::string("site-") + std::string(65, 'x')));
}

TEST(EngineState, FoldsEventsIntoTheirAggregateAndCountsVersions) {
  EngineState state;
  ASSERT_TRUE(state.apply("stock-WH-1:SKU",
                          domain::stock::Event{domain::stock::StockReceived{4, "po"}}, 1));
  ASSERT_TRUE(state.apply("stock-ST-2:SKU",
                          domain::stock::Event{domain::stock::StockReceived{1, "po"}}, 1));
  ASSERT_TRUE(state.apply("stock-WH-1:SKU",
                          domain::stock::Event{domain::stock::StockAdjusted{-1, "broken"}}, 2));
  ASSERT_NE(state.stock("WH-1", "SKU"), nullptr);
  EXPECT_EQ(state.stock("WH-1", "SKU")->on_hand, 3);
  EXPECT_EQ(state.version<StockAggregate>({"WH-1", "SKU"}), 2u);
  std::vector<std::string> holding;
  for (const auto& h : state.holdings("SKU")) {
    holding.emplace_back(h.site_id);
    EXPECT_EQ(h.stock, state.stock(h.site_id, "SKU"));  // the state itself, not a copy
  }
  EXPECT_EQ(holding, (std::vector<std::string>{"WH-1", "ST-2"}));
  EXPECT_EQ(state.stock("WH-1", "OTHER"), nullptr);
}

TEST(EngineState, AnEventInAnotherAggregatesStreamOrOutOfVersionIsCorruption) {
  EngineState state;
  const wire::DomainEvent received = domain::stock::Event{domain::stock::StockReceived{4, "po"}};
  auto wrong_stream = state.apply("order-O1", received, 1);
  ASSERT_FALSE(wrong_stream);
  EXPECT_EQ(wrong_stream.error().code, ErrorCode::corruption);
  EXPECT_NE(wrong_stream.error().message.find("order-O1"), std::string::npos);
  auto gap = state.apply("stock-WH-1:SKU", received, 2);
  ASSERT_FALSE(gap);
  EXPECT_EQ(gap.error().code, ErrorCode::corruption);
  EXPECT_NE(gap.error().message.find("version 2"), std::string::npos) << gap.error().message;
  EXPECT_EQ(state.stock("WH-1", "SKU"), nullptr);
}

TEST(EngineState, ASiteWithoutAKnownTimeZoneCountsDaysInUtc) {
  EngineState state;
  constexpr domain::Instant kLateEvening = 1'795'000'000'000'000 -
                                           1'795'000'000'000'000 % domain::kMicrosPerDay +
                                           23LL * 3'600'000'000;  // 23:00 UTC
  EXPECT_EQ(state.local_day("NOWHERE", kLateEvening), kLateEvening / domain::kMicrosPerDay);
  domain::site::Profile paris;
  paris.name = "Paris";
  paris.country = "FR";
  paris.time_zone = "Europe/Paris";
  ASSERT_TRUE(
      state.apply("site-PAR", domain::site::Event{domain::site::SiteRegistered{"PAR", paris}}, 1));
  EXPECT_EQ(state.local_day("PAR", kLateEvening),
            kLateEvening / domain::kMicrosPerDay + 1);  // past midnight
}

}  // namespace
}  // namespace ordo::engine
