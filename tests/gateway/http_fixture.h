// One `ordo serve` per test suite over a small demo retailer, with a client per role.
#pragma once

#include "tests/gateway/http_support.h"

namespace ordo::gateway::testing {

class HttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    retailer_ = new Retailer(make_retailer("ordo-http"));
    server_ = new ServerProcess(retailer_->data_dir);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete retailer_;
    retailer_ = nullptr;
  }

  static std::uint16_t port() { return server_->port(); }
  static Http admin() { return Http(port(), retailer_->admin_token); }

  /// A new token for `role` (and scope), issued over the API by the admin.
  static std::string token(const std::string& role, const std::string& site = {},
                           const std::string& channel = {}) {
    json body = {{"role", role}, {"label", "test " + role}};
    if (!site.empty()) body["site"] = site;
    if (!channel.empty()) body["channel"] = channel;
    auto reply = admin().post("/v1/tokens", body);
    EXPECT_EQ(reply.status, 201u) << reply.body;
    return reply.doc().value("token", "");
  }

  /// Places an order as admin and returns the 201 answer's document (with "position").
  static json place(const std::string& order_id, const std::string& sku,
                    std::int64_t quantity = 1) {
    auto reply = admin().post("/v1/orders", order_body(order_id, sku, quantity),
                              {{"Idempotency-Key", "place-" + order_id}});
    EXPECT_EQ(reply.status, 201u) << reply.body;
    auto doc = reply.doc();
    doc["position"] = reply.header("ordo-position");
    return doc;
  }

  /// Reads an order once the projections reached `position`.
  static Reply order(Http& client, const std::string& order_id, const std::string& position) {
    return client.get("/v1/orders/" + order_id + "?min_position=" + position);
  }

  static inline Retailer* retailer_ = nullptr;
  static inline ServerProcess* server_ = nullptr;
};

/// The pointers of a problem's field errors.
inline std::vector<std::string> pointers(const Reply& reply) {
  std::vector<std::string> out;
  for (const auto& e : reply.doc().value("errors", json::array()))
    out.push_back(e.value("pointer", ""));
  return out;
}

}  // namespace ordo::gateway::testing
