// Streaming stock feeds over a real nats-server on 127.0.0.1 and a real `ordo serve --nats`:
// each movement changes stock exactly once however often and in whatever order its message
// arrives, a count that arrives late is stale, and a source without its credentials is refused.
#include "tests/adapters/allocation_support.h"
#include "tests/adapters/feed_support.h"

namespace ordo::adapters::testing {
namespace {

using gateway::testing::make_retailer;
using gateway::testing::ordo;

constexpr const char* kSku = "SKU-00021";

class StockFeedNats : public ::testing::Test {
 protected:
  void SetUp() override {
    retailer_ = make_retailer("ordo-feed");
    credentials_ = retailer_.data_dir / "nats";
    const auto port = free_port();
    auto config = ordo({"nats-config", "--data", retailer_.data_dir.string(), "--dir",
                        credentials_.string(), "--listen", "127.0.0.1:" + std::to_string(port),
                        "--feed", "erp", "--feed", "pos-paris"});
    ASSERT_NE(config.find("2 feed users"), std::string::npos) << config;
    nats_ = std::make_unique<NatsServer>(credentials_ / "nats-server.conf", port);
    server_ = std::make_unique<ServerProcess>(
        retailer_.data_dir, std::vector<std::string>{"--nats", nats_->url(), "--nats-password-file",
                                                     (credentials_ / "ordo.password").string()});
    site_ = admin().get("/v1/sites?type=store&limit=1").doc()["sites"][0]["site_id"];
  }
  void TearDown() override {
    server_.reset();
    nats_.reset();
  }

  Http admin() { return Http(server_->port(), retailer_.admin_token); }
  // The stock once the projections caught up with everything the feed answered so far.
  json stock() {
    return admin()
        .get("/v1/stock/" + site_ + "/" + kSku + "?min_position=" + std::to_string(position_))
        .doc();
  }
  json send(FeedSource& source, const json& body) {
    auto reply = source.send(body);
    position_ = std::max(position_, reply.value("position", std::uint64_t{0}));
    return reply;
  }
  json movement(const std::string& type, std::int64_t value) const {
    json m = {{"type", type}, {"site", site_}, {"sku", kSku}};
    if (type == "receipt") m.update({{"quantity", value}, {"reference", "ASN"}});
    if (type == "adjustment") m.update({{"delta", value}, {"reason", "sold at the till"}});
    if (type == "count") m.update({{"counted", value}, {"source", "pos"}});
    return m;
  }
  static json message(std::uint64_t sequence, json movements) {
    return {{"sequence", sequence}, {"sent_at_us", 1795000000000000}, {"movements", movements}};
  }

  gateway::testing::Retailer retailer_;
  fs::path credentials_;
  std::unique_ptr<NatsServer> nats_;
  std::unique_ptr<ServerProcess> server_;
  std::string site_;
  std::uint64_t position_ = 0;
};

TEST_F(StockFeedNats, DuplicatedAndReorderedMessagesChangeStockExactlyOnce) {
  auto erp = FeedSource::of(nats_->url(), credentials_, "erp");
  auto pos = FeedSource::of(nats_->url(), credentials_, "pos-paris");
  const auto before = stock().value("on_hand", std::int64_t{0});

  // Given a receipt of 10, delivered twice (a retry after a lost reply).
  auto first = send(erp, message(1, {movement("receipt", 10)}));
  ASSERT_EQ(first["result"], "ok") << first.dump();
  EXPECT_EQ(first["applied"], 1);
  auto again = send(erp, message(1, {movement("receipt", 10)}));
  ASSERT_EQ(again["result"], "ok") << again.dump();
  EXPECT_EQ(again["applied"], 0);
  EXPECT_EQ(again["unchanged"], 1);
  EXPECT_EQ(stock()["on_hand"], before + 10);

  // Sales and a receipt out of order: they add up to the same stock.
  ASSERT_EQ(send(erp, message(3, {movement("adjustment", -2)}))["result"], "ok");
  ASSERT_EQ(send(erp, message(2, {movement("receipt", 5), movement("adjustment", -1)}))["result"],
            "ok");
  EXPECT_EQ(stock()["on_hand"], before + 12);

  // The till counts 7, then an older count of 3 arrives late: stale, nothing changes.
  auto newer = send(pos, message(20, {movement("count", 7)}));
  ASSERT_EQ(newer["result"], "ok") << newer.dump();
  EXPECT_EQ(newer["applied"], 1);
  auto older = send(pos, message(19, {movement("count", 3)}));
  ASSERT_EQ(older["result"], "ok") << older.dump();
  EXPECT_EQ(older["unchanged"], 1);
  EXPECT_EQ(stock()["on_hand"], 7);

  // Two counts of one stock in a message: the later one wins.
  auto twice =
      send(pos, message(21, {movement("count", 30), movement("receipt", 5), movement("count", 7)}));
  ASSERT_EQ(twice["result"], "ok") << twice.dump();
  EXPECT_EQ(stock()["on_hand"], 7);

  // The same sequence with other movements is a conflict, and changes nothing.
  auto conflict = send(erp, message(1, {movement("receipt", 99)}));
  EXPECT_EQ(conflict["result"], "conflict") << conflict.dump();
  EXPECT_EQ(stock()["on_hand"], 7);

  // A movement the stock refuses is named; the others of the message apply.
  auto partly = send(erp, message(4, {movement("adjustment", -1000), movement("receipt", 1)}));
  ASSERT_EQ(partly["result"], "ok") << partly.dump();
  EXPECT_EQ(partly["applied"], 1);
  ASSERT_EQ(partly["refused"].size(), 1u);
  EXPECT_EQ(partly["refused"][0]["index"], 0);
  EXPECT_NE(partly["refused"][0]["reason"].get<std::string>().find("insufficient stock"),
            std::string::npos);
  EXPECT_EQ(stock()["on_hand"], 8);

  // The lag and the gap (sequences 5..9 of the ERP never came) are metrics.
  ASSERT_EQ(send(erp, message(10, {movement("receipt", 1)}))["result"], "ok");
  const auto metrics = admin().get("/metrics").body;
  EXPECT_NE(metrics.find("ordo_feed_messages_total{source=\"erp\"} 7"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("ordo_feed_missing_sequences{source=\"erp\"} 5"), std::string::npos);
  EXPECT_NE(metrics.find("ordo_feed_sequence{source=\"pos-paris\"} 21"), std::string::npos);
  EXPECT_NE(metrics.find("ordo_feed_lag_seconds{source=\"erp\"}"), std::string::npos);
}

TEST_F(StockFeedNats, BadMessagesAreRefusedWholeWithTheirReason) {
  auto erp = FeedSource::of(nats_->url(), credentials_, "erp");
  const auto before = stock().value("on_hand", std::int64_t{0});
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "not a JSON object"},
      {R"({"movements":[]})", "sequence is required"},
      {R"({"sequence":0,"movements":[]})", "sequence: a whole number"},
      {R"({"sequence":-3,"movements":[]})", "sequence: a whole number"},
      {R"({"sequence":1.5,"movements":[]})", "sequence: a whole number"},
      {R"({"sequence":1,"movements":[],"extra":1})", "unknown field \"extra\""},
      {R"({"sequence":1,"movements":[]})", "movements"},
      {R"({"sequence":1})", "movements"},
      {std::string("{\"sequence\":1,\"movements\":[]}\0x", 31), "NUL byte"},
  };
  for (const auto& [text, reason] : cases) {
    auto reply = erp.send_text(text);
    EXPECT_EQ(reply["result"], "invalid") << text << ": " << reply.dump();
    EXPECT_NE(reply.value("reason", "").find(reason), std::string::npos)
        << text << ": " << reply.dump();
  }
  // A movement naming an unknown site is refused alone.
  auto unknown = erp.send(message(30, {{{"type", "receipt"},
                                        {"site", "NOWHERE"},
                                        {"sku", kSku},
                                        {"quantity", 1},
                                        {"reference", "x"}}}));
  ASSERT_EQ(unknown["result"], "ok") << unknown.dump();
  EXPECT_NE(unknown["refused"][0]["reason"].get<std::string>().find("unknown site"),
            std::string::npos);
  EXPECT_EQ(stock().value("on_hand", std::int64_t{0}), before);
}

// The server refuses a source without credentials, and keeps each source to its own subject:
// another source's or a store's user cannot publish on it, so Ordo never sees the message.
TEST_F(StockFeedNats, ASourceWithoutItsCredentialsIsRefused) {
  EXPECT_THROW(FeedSource(nats_->url(), "erp", "", ""), std::runtime_error);
  EXPECT_THROW(FeedSource(nats_->url(), "erp", "feed-erp", "wrong password"), std::runtime_error);
  const auto before = stock().value("on_hand", std::int64_t{0});
  auto pos = FeedSource::of(nats_->url(), credentials_, "pos-paris");
  auto forged =
      pos.send(message(1, {movement("receipt", 50)}), nats::feed_subject("main", "erp"), 1000);
  EXPECT_EQ(forged["result"], "timeout") << forged.dump();
  const auto store_password =
      ordo::read_secret((credentials_ / "stores" / (site_ + ".password")).string());
  ASSERT_TRUE(store_password);
  FeedSource store(nats_->url(), "erp", "store-" + site_, *store_password);
  auto from_store = store.send(message(2, {movement("receipt", 50)}), {}, 1000);
  EXPECT_EQ(from_store["result"], "timeout") << from_store.dump();
  EXPECT_EQ(stock().value("on_hand", std::int64_t{0}), before);
}

}  // namespace
}  // namespace ordo::adapters::testing
