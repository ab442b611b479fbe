// Competitive allocation over a real nats-server on 127.0.0.1: exactly one winner when every store
// claims at once, no offer lost and no second winner when nats-server or Ordo is killed in the
// middle of rounds, and each store's credentials kept to its own subjects.
#include "adapters/allocation_relay.h"
#include "tests/adapters/allocation_support.h"

namespace ordo::adapters::testing {
namespace {

using gateway::testing::make_retailer;
using gateway::testing::order_body;
using gateway::testing::ordo;

constexpr const char* kSku = "SKU-00001";

class CompetitiveAllocation : public ::testing::Test {
 protected:
  void start(const std::string& name, const json& rules) {
    retailer_ = make_retailer(name);
    credentials_ = retailer_.data_dir / "nats";
    nats_port_ = free_port();
    ordo({"nats-config", "--data", retailer_.data_dir.string(), "--dir", credentials_.string(),
          "--listen", "127.0.0.1:" + std::to_string(nats_port_)});
    nats_ = std::make_unique<NatsServer>(credentials_ / "nats-server.conf", nats_port_);
    start_ordo();
    auto http = admin();
    auto applied = http.put("/v1/config/orchestration", rules);
    ASSERT_EQ(applied.status, 200u) << applied.body;
    sites_ = store_sites(credentials_);
    ASSERT_EQ(sites_.size(), 6u);
    json movements = json::array();
    for (const auto& site : sites_) {
      movements.push_back({{"type", "receipt"},
                           {"site", site},
                           {"sku", kSku},
                           {"quantity", 5000},
                           {"reference", "test"}});
    }
    auto received = http.post("/v1/stock/movements", {{"movements", movements}},
                              {{"Idempotency-Key", "stock-1"}});
    ASSERT_EQ(received.status, 200u) << received.body;
  }

  void start_ordo() {
    server_ = std::make_unique<ServerProcess>(
        retailer_.data_dir, std::vector<std::string>{"--nats", nats_->url(), "--nats-password-file",
                                                     (credentials_ / "ordo.password").string()});
  }

  Http admin() { return Http(server_->port(), retailer_.admin_token); }

  void open_stores(std::chrono::milliseconds reaction) {
    for (const auto& site : sites_)
      stores_.push_back(std::make_unique<Store>(nats_->url(), credentials_, site, reaction));
  }

  void place(const std::string& prefix, int count) {
    auto http = admin();
    for (int i = 0; i < count; ++i) {
      const auto id = prefix + std::to_string(i);
      auto reply = http.post("/v1/orders", order_body(id, kSku), {{"Idempotency-Key", id}});
      ASSERT_EQ(reply.status, 201u) << reply.body;
    }
  }

  // Waits until `done` holds, up to `seconds`.
  template <class Done>
  bool wait(int seconds, Done done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return done();
  }

  std::map<std::string, std::vector<std::string>> winners() {
    std::map<std::string, std::vector<std::string>> out;
    for (auto& store : stores_) {
      for (const auto& [order_id, outcome] : store->outcomes()) {
        if (outcome.result == "won") out[order_id].push_back(store->site());
      }
    }
    return out;
  }

  // Every order's story from its view: allocated to one store, claimed once, reserved once, and no
  // round left open.
  void expect_each_order_claimed_once(const std::string& prefix, int count) {
    auto http = admin();
    std::int64_t reserved_total = 0;
    for (int i = 0; i < count; ++i) {
      const auto id = prefix + std::to_string(i);
      auto view = http.get("/v1/orders/" + id).doc();
      ASSERT_EQ(view["status"], "allocated") << id << ": " << view.dump();
      int claims = 0, reservations = 0;
      for (const auto& entry : view["timeline"]) {
        claims += entry["type"] == "OfferClaimed";
        reservations += entry["type"] == "StockReserved";
      }
      EXPECT_EQ(claims, 1) << id;
      EXPECT_EQ(reservations, 1) << id;
      for (const auto& round : view["rounds"]) EXPECT_NE(round["status"], "open") << id;
      // Won in the first round: its offer reached the stores (none was lost and left to expire).
      std::string told;
      for (auto& store : stores_) {
        const auto outcomes = store->outcomes();
        if (auto it = outcomes.find(id); it != outcomes.end()) {
          told += " " + store->site() + ":" + it->second.result + "/" +
                  std::to_string(it->second.round) + " [" + store->trace(id) + "]";
        }
      }
      EXPECT_EQ(view["rounds"].size(), 1u)
          << id << ": " << view["rounds"].dump() << "; stores told:" << told;
    }
    for (const auto& site : sites_) {
      reserved_total +=
          http.get("/v1/stock/" + site + "/" + kSku).doc().value("reserved", std::int64_t{0});
    }
    EXPECT_EQ(reserved_total, count);
  }

  void TearDown() override {
    stores_.clear();
    server_.reset();
    nats_.reset();
  }

  gateway::testing::Retailer retailer_;
  fs::path credentials_;
  std::uint16_t nats_port_ = 0;
  std::unique_ptr<NatsServer> nats_;
  std::unique_ptr<ServerProcess> server_;
  std::vector<std::string> sites_;
  std::vector<std::unique_ptr<Store>> stores_;
};

TEST_F(CompetitiveAllocation, EveryStoreClaimsEveryOfferAtOnceAndEachOrderHasExactlyOneWinner) {
  start("alloc-one-winner", competitive_rules(6, 60'000, 1, false));
  open_stores(std::chrono::milliseconds(0));
  constexpr int kOrders = 600;  // 3,600 offers, 3,600 claims
  place("W", kOrders);
  ASSERT_TRUE(wait(120, [&] {
    std::size_t answered = 0;
    for (auto& s : stores_) answered += s->answered();
    return answered == kOrders * sites_.size();
  }));
  const auto won = winners();
  ASSERT_EQ(won.size(), static_cast<std::size_t>(kOrders));
  for (const auto& [order_id, sites] : won) EXPECT_EQ(sites.size(), 1u) << order_id;
  for (auto& store : stores_) {
    for (const auto& [order_id, outcome] : store->outcomes()) {
      EXPECT_TRUE(outcome.result == "won" || outcome.result == "lost")
          << order_id << " " << outcome.result;
    }
  }
  expect_each_order_claimed_once("W", kOrders);
}

TEST_F(CompetitiveAllocation,
       NatsServerKilledAndRestartedInTheMiddleOfRoundsLosesNoOfferAndMakesNoSecondWinner) {
  start("alloc-nats-restart", competitive_rules(3, 30'000, 3, true));
  open_stores(std::chrono::milliseconds(5));
  constexpr int kOrders = 300;
  place("N", 100);
  nats_->stop(SIGKILL);  // offers of the next orders cannot reach anyone, claims time out
  {
    auto http = admin();
    for (int i = 100; i < kOrders; ++i) {
      const auto id = "N" + std::to_string(i);
      ASSERT_EQ(http.post("/v1/orders", order_body(id, kSku), {{"Idempotency-Key", id}}).status,
                201u);
    }
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  nats_->start();
  ASSERT_TRUE(wait(90, [&] { return winners().size() == static_cast<std::size_t>(kOrders); }))
      << winners().size() << " of " << kOrders << " orders won";
  for (const auto& [order_id, sites] : winners()) EXPECT_EQ(sites.size(), 1u) << order_id;
  expect_each_order_claimed_once("N", kOrders);
}

TEST_F(CompetitiveAllocation,
       OrdoKilledInTheMiddleOfRoundsResumesFromItsCursorWithOneWinnerPerOrder) {
  start("alloc-ordo-restart", competitive_rules(3, 30'000, 3, true));
  open_stores(std::chrono::milliseconds(2));
  constexpr int kOrders = 300;
  place("K", kOrders);
  // Kill as soon as some rounds are claimed and others are still open.
  ASSERT_TRUE(wait(60, [&] { return winners().size() >= 50; }));
  server_->kill(SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  start_ordo();
  ASSERT_TRUE(wait(90, [&] { return winners().size() == static_cast<std::size_t>(kOrders); }))
      << winners().size() << " of " << kOrders << " orders won";
  for (const auto& [order_id, sites] : winners()) EXPECT_EQ(sites.size(), 1u) << order_id;
  expect_each_order_claimed_once("K", kOrders);
}

// Listening to another store's offers: refused by the server.
void listening_to_another_store_is_refused(Store& a, const std::string& other) {
  natsSubscription* spy = nullptr;
  natsConnection_Subscribe(
      &spy, a.connection(), nats::offers_subject("main", other).c_str(),
      [](natsConnection*, natsSubscription*, natsMsg* m, void*) { natsMsg_Destroy(m); }, nullptr);
  natsConnection_Flush(a.connection());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  const auto violated = [&] {
    for (const auto& e : a.errors()) {
      if (e.find("Permissions Violation") != std::string::npos) return true;
    }
    return false;
  };
  while (!violated() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(violated());
  natsSubscription_Destroy(spy);
}

// Claims on another store's subject, naming another store, or malformed: none gets through.
void forged_and_malformed_claims_are_refused(Store& a, const std::vector<std::string>& sites) {
  // Claiming on another store's subject: the server drops it, Ordo never sees it.
  auto forged_subject = a.request({{"action", "claim"}, {"order_id", "S0"}, {"round", 1}},
                                  nats::claims_subject("main", sites[1]), 500);
  EXPECT_EQ(forged_subject["result"], "timeout");
  // Naming another store in the body of one's own request: refused by Ordo.
  auto forged_body =
      a.request({{"action", "claim"}, {"order_id", "S0"}, {"round", 1}, {"site", sites[1]}});
  EXPECT_EQ(forged_body["result"], "invalid");
  for (const std::string& bad :
       {std::string("not json"), std::string(R"({"action":"claim"})"),
        std::string(R"({"action":"claim","order_id":"S0","round":1,"price":0})"),
        std::string(R"({"action":"steal","order_id":"S0","round":1})"),
        std::string(R"({"action":"claim","order_id":"S0","round":"1"})"),
        std::string(R"({"action":"claim","order_id":"../S0","round":1})"),
        std::string(200, '[') + std::string(200, ']'), std::string(5000, ' ')}) {
    auto reply = a.request_raw(bad, nats::claims_subject("main", sites[0]));
    EXPECT_EQ(reply["result"], "invalid") << bad.substr(0, 60) << " -> " << reply.dump();
  }
}

TEST_F(CompetitiveAllocation,
       AStoreCanOnlyHearItsOwnOffersAndClaimForItselfAndBadRequestsChangeNothing) {
  start("alloc-security", competitive_rules(6, 60'000, 1, false));
  Store a(nats_->url(), credentials_, sites_[0]);
  Store b(nats_->url(), credentials_, sites_[1]);
  a.pause(true);  // they hold their offers: the claims below are made by hand
  b.pause(true);
  place("S", 1);
  ASSERT_TRUE(wait(
      10, [&] { return admin().get("/v1/orders/S0").doc()["rounds"][0]["status"] == "open"; }));

  listening_to_another_store_is_refused(a, sites_[1]);
  forged_and_malformed_claims_are_refused(a, sites_);
  // Asking for the answer on another store's subject: Ordo refuses (its own user could publish
  // there), and does not act on the request.
  const std::string claim = json{{"action", "claim"}, {"order_id", "S0"}, {"round", 1}}.dump();
  EXPECT_EQ(
      natsConnection_PublishRequest(a.connection(), nats::claims_subject("main", sites_[0]).c_str(),
                                    nats::offers_subject("main", sites_[1]).c_str(), claim.data(),
                                    static_cast<int>(claim.size())),
      NATS_OK);
  natsConnection_Flush(a.connection());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto unknown_order =
      a.request({{"action", "claim"}, {"order_id", "NO-SUCH-ORDER"}, {"round", 1}});
  EXPECT_EQ(unknown_order["result"], "invalid");
  // Nothing above touched the order: its round is still open, nobody won.
  auto view = admin().get("/v1/orders/S0").doc();
  EXPECT_EQ(view["rounds"][0]["status"], "open") << view.dump();
  for (const auto& entry : view["timeline"]) EXPECT_NE(entry["type"], "OfferClaimed");
  // The real claim still wins.
  EXPECT_EQ(b.request({{"action", "claim"}, {"order_id", "S0"}, {"round", 1}})["result"], "won");
  EXPECT_EQ(a.request({{"action", "claim"}, {"order_id", "S0"}, {"round", 1}})["result"], "lost");

  // No anonymous access, no wrong password.
  natsConnection* anonymous = nullptr;
  EXPECT_NE(natsConnection_ConnectTo(&anonymous, nats_->url().c_str()), NATS_OK);
  auto wrong = nats::Connection::open(
      {nats_->url(), "store-" + sites_[0], "not-the-password", "t", {}, 1000, false, {}, {}});
  EXPECT_FALSE(wrong.has_value());
}

// What a store's request asks for, read without NATS.
TEST(StoreRequests, PreparedSaysWhetherAClickAndCollectOrderWaitsAtTheCounter) {
  std::string action;
  std::uint32_t round = 0;
  const auto read = [&](std::string_view body) {
    return ordo::adapters::AllocationRelay::parse_request("STR-1", body, 7, action, round);
  };
  const auto prepared = [](const auto& parsed) {
    return std::get<ordo::domain::order::MarkPrepared>(parsed->command);
  };
  auto ready = read(R"({"action":"prepared","order_id":"O-1","ready_for_pickup":true})");
  ASSERT_TRUE(ready) << ready.error();
  EXPECT_EQ(prepared(ready).site_id, "STR-1");
  EXPECT_TRUE(prepared(ready).ready_for_pickup);
  auto plain = read(R"({"action":"prepared","order_id":"O-1"})");
  ASSERT_TRUE(plain) << plain.error();
  EXPECT_FALSE(prepared(plain).ready_for_pickup);
  auto bad = read(R"({"action":"prepared","order_id":"O-1","ready_for_pickup":"yes"})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "ready_for_pickup must be true or false");
  auto missing = read(R"({"action":"release","order_id":"O-1","reason":"gone","stock_missing":1})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), "stock_missing must be true or false");
  auto cut = read(std::string(R"({"action":"start_preparation","order_id":"O-1"})") +
                  std::string("\0trailing", 9));
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error(), "the request holds a NUL byte: not a JSON object");
  auto nul = read(R"({"action":"decline","order_id":"O-1","round":1,"reason":"busy\u0000x"})");
  ASSERT_FALSE(nul);
  EXPECT_EQ(nul.error(), "reason must be a string of at most 500 bytes, without NUL");
  auto released =
      read(R"({"action":"release","order_id":"O-1","reason":"gone","stock_missing":true})");
  ASSERT_TRUE(released) << released.error();
  EXPECT_TRUE(std::get<ordo::domain::order::ReleaseAllocation>(released->command).stock_missing);
}

}  // namespace
}  // namespace ordo::adapters::testing
