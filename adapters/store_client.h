// A store's side of competitive allocation over NATS: what a store's till or app runs, and what the
// store simulator, the tests and the benchmark share (messages in adapters/allocation_relay.h).
//
// - It connects with the store's own credentials and inbox prefix (_INBOX.<site>), which the
//   server's permissions require, and reconnects on its own.
// - Messages on the store's offers subject ("offer", "won", "withdrawn", "released") reach
//   `on_message` on a NATS thread; an offer reaches it once per (order, round) however often it
//   is sent (delivery is at least once), the repeats are counted.
// - Requests go to the store's claims subject: `request` waits for the answer; `request_async`
//   returns at once and the answer reaches `on_answer` (a store that must not block on claims).
// - After a reconnection `on_reconnected` runs: NATS keeps nothing for a store that was away, so
//   the store asks for its pending offers (`pending`).
//
// Thread-safety: every method from any thread; handlers run on NATS threads and must be quick.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_set>

#include "adapters/nats.h"

namespace ordo::adapters {

struct StoreClientOptions {
  std::string url = "nats://127.0.0.1:4222";
  std::string tenant = "main";
  std::string site_id;
  std::string password;
  std::string name;                      // shown by the server's monitoring; default "store <site>"
  bool retry_on_failed_connect = false;  // keep trying in the background when the server is down
  std::function<void(std::string_view)> on_error;  // asynchronous errors (permission violations)
};

class StoreClient {
 public:
  using MessageHandler = std::function<void(const nlohmann::json& message)>;
  using AnswerHandler = std::function<void(const nlohmann::json& answer)>;

  /// Connects and subscribes. Errors: unavailable when the server cannot be reached (without
  /// retry_on_failed_connect), permission_denied for refused credentials.
  [[nodiscard]] static Result<std::unique_ptr<StoreClient>> connect(
      StoreClientOptions options, MessageHandler on_message,
      std::function<void()> on_reconnected = {}, AnswerHandler on_answer = {});
  /// Unsubscribes first, so that no handler runs on a client being destroyed.
  ~StoreClient();
  StoreClient(const StoreClient&) = delete;
  StoreClient& operator=(const StoreClient&) = delete;

  /// A request on the store's claims subject (or on `subject`), and its answer; when none comes,
  /// {"result": "timeout"} or {"result": "error"} with a "reason".
  [[nodiscard]] nlohmann::json request(const nlohmann::json& body, int timeout_ms = 3000,
                                       const std::string& subject = {});
  /// The same with a body sent as it is (tests send malformed ones).
  [[nodiscard]] nlohmann::json request_text(std::string_view text, const std::string& subject,
                                            int timeout_ms = 3000);
  /// Sends a request whose answer reaches `on_answer`; false when it could not be sent.
  [[nodiscard]] bool request_async(const nlohmann::json& body);
  /// The offers Ordo still holds for this store: {"result": "ok", "offers": [...], "more"}.
  [[nodiscard]] nlohmann::json pending(int timeout_ms = 3000) {
    return request({{"action", "pending"}}, timeout_ms);
  }

  [[nodiscard]] const std::string& site() const { return options_.site_id; }
  /// Offers that came again after their first delivery.
  [[nodiscard]] std::size_t repeated_offers() const { return repeated_.load(); }
  /// The raw connection, for tests that probe the server's permissions.
  [[nodiscard]] natsConnection* connection() const { return connection_->get(); }

 private:
  StoreClient() = default;
  void deliver(const nlohmann::json& message);
  friend void on_store_message(natsConnection*, natsSubscription*, natsMsg*, void*);
  friend void on_store_answer(natsConnection*, natsSubscription*, natsMsg*, void*);

  StoreClientOptions options_;
  MessageHandler on_message_;
  AnswerHandler on_answer_;
  std::string claims_subject_;
  std::string answers_subject_;  // in the store's inbox
  std::mutex seen_mutex_;
  std::unordered_set<std::string> seen_;  // "<order>/<round>" of offers delivered
  std::atomic<std::size_t> repeated_{0};
  natsSubscription* offers_ = nullptr;
  natsSubscription* answers_ = nullptr;
  std::unique_ptr<nats::Connection> connection_;
};

}  // namespace ordo::adapters
