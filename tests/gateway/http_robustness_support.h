// What the robustness tests of `ordo serve` share: a retailer whose data directory is removed at
// the end, clients that place orders from many threads and record what each order got (an answer
// or nothing), raw exchanges that read every answer the server writes, and reads of the log.
#pragma once

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string_view>

#include "tests/gateway/http_support.h"

namespace ordo::gateway::testing {

/// A demo retailer (see make_retailer) whose data directory is removed with it.
struct OwnedRetailer : Retailer {
  explicit OwnedRetailer(const std::string& name) : Retailer(make_retailer(name)) {}
  ~OwnedRetailer() {
    std::error_code ignored;
    std::filesystem::remove_all(data_dir, ignored);
  }
  OwnedRetailer(const OwnedRetailer&) = delete;
  OwnedRetailer& operator=(const OwnedRetailer&) = delete;
};

/// One order as a client sent it, and what came back: a reply, or nothing (the connection failed
/// before an answer was read, so the client cannot know whether the order was placed).
struct SentOrder {
  std::string order_id;
  std::string key;  // Idempotency-Key
  json body;
  std::optional<Reply> reply;
  std::uint64_t position() const {
    const auto text = reply ? reply->header("ordo-position") : std::string();
    return text.empty() ? 0 : std::stoull(text);
  }
};

/// Places orders from `threads` clients, each with its own keep-alive connection, as fast as
/// they can: order n is `body_of(n)` with Idempotency-Key "key-<order id>". A client stops at
/// `orders_max` orders in all, at stop(), or at its first connection error (the server is gone).
/// Thread-safety: acknowledged() and summary() from any thread; join(), stop() and sent() from the
/// owner.
class OrderStream {
 public:
  OrderStream(std::uint16_t port, std::string token, std::size_t threads, std::size_t orders_max,
              std::function<json(std::size_t)> body_of)
      : body_of_(std::move(body_of)), orders_max_(orders_max) {
    for (std::size_t t = 0; t < threads; ++t) {
      clients_.emplace_back([this, port, token] { run(port, token); });
    }
  }
  ~OrderStream() { stop(); }
  OrderStream(const OrderStream&) = delete;
  OrderStream& operator=(const OrderStream&) = delete;

  std::size_t acknowledged() const { return acknowledged_.load(); }

  /// Blocks until `count` orders were answered 201 or `timeout` passed; true in the first case.
  bool wait_for_acknowledged(std::size_t count, std::chrono::seconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (acknowledged() < count && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return acknowledged() >= count;
  }

  /// Waits for every client to finish (after orders_max orders, or their connection failed).
  void join() {
    for (auto& client : clients_) {
      if (client.joinable()) client.join();
    }
  }
  /// Tells the clients to stop after the order each is sending, and waits for them.
  void stop() {
    stopping_ = true;
    join();
  }

  /// How many answers of each status so far ("none" for no answer), and the last refusal's body:
  /// for the message of a failed test.
  std::string summary() {
    std::lock_guard lock(mutex_);
    std::map<std::string, std::size_t> statuses;
    std::string last_refusal;
    for (const auto& order : sent_) {
      ++statuses[order.reply ? std::to_string(order.reply->status) : "none"];
      if (order.reply && order.reply->status != 201) last_refusal = order.reply->body;
    }
    std::string out;
    for (const auto& [status, count] : statuses) {
      out += status + ": " + std::to_string(count) + "; ";
    }
    return out + "last refusal: " + last_refusal;
  }

  /// Every order sent, once stopped.
  const std::vector<SentOrder>& sent() const { return sent_; }

 private:
  void run(std::uint16_t port, const std::string& token) {
    Http http(port, token);
    for (;;) {
      const auto n = next_.fetch_add(1);
      if (stopping_.load() || n >= orders_max_) return;
      SentOrder order;
      order.body = body_of_(n);
      order.order_id = order.body["order_id"];
      order.key = "key-" + order.order_id;
      try {
        order.reply = http.post("/v1/orders", order.body, {{"Idempotency-Key", order.key}});
        if (order.reply->status == 201) ++acknowledged_;
      } catch (const std::exception&) {
        // No answer: the order may or may not have been placed.
      }
      const bool unanswered = !order.reply;
      record(std::move(order));
      if (unanswered) return;
    }
  }
  void record(SentOrder order) {
    std::lock_guard lock(mutex_);
    sent_.push_back(std::move(order));
  }

  std::function<json(std::size_t)> body_of_;
  std::size_t orders_max_;
  std::atomic<std::size_t> next_{0};
  std::atomic<std::size_t> acknowledged_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<SentOrder> sent_;
  std::vector<std::thread> clients_;
};

/// The highest Ordo-Position among `orders`' answers (0 when none has one).
inline std::uint64_t highest_position(const std::vector<SentOrder>& orders) {
  std::uint64_t highest = 0;
  for (const auto& o : orders) highest = std::max(highest, o.position());
  return highest;
}

/// Waits until the query models of the server behind `http` reached `position` (a server that
/// just restarted replays its log first). False after `timeout`.
inline bool wait_for_projections(Http& http, std::uint64_t position,
                                 std::chrono::seconds timeout = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    auto reply = http.get("/v1/sellable-stock?channel=web&sku=SKU-00001&min_position=" +
                          std::to_string(position));
    if (reply.status == 200) return true;
    if (reply.status != 503) return false;
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

/// The number of events of `type` in the whole log, page by page.
inline std::size_t count_events(Http& http, const std::string& type) {
  std::size_t count = 0;
  for (std::uint64_t from = 1;;) {
    auto reply = http.get("/v1/events?type=" + type + "&limit=1000&from=" + std::to_string(from));
    EXPECT_EQ(reply.status, 200u) << reply.body;
    const auto doc = reply.doc();
    // A page filtered by type may be empty with more to come: follow next_from to the log's end.
    if (reply.status != 200 || !doc.contains("next_from")) return count;
    count += doc["events"].size();
    from = doc["next_from"].get<std::uint64_t>();
  }
}

/// The number of OrderPlaced events in one order's stream.
inline std::size_t order_placed_count(Http& http, const std::string& order_id) {
  auto reply = http.get("/v1/events?stream=order-" + order_id + "&type=OrderPlaced");
  EXPECT_EQ(reply.status, 200u) << reply.body;
  return reply.doc().value("events", json::array()).size();
}

/// Sets the stock of `sku` at each site to the count given (as an ERP stock count); returns the
/// answer's Ordo-Position.
inline std::uint64_t count_stock(Http& http, const std::string& sku,
                                 const std::vector<std::pair<std::string, std::int64_t>>& counts) {
  json movements = json::array();
  for (const auto& [site, counted] : counts) {
    movements.push_back(
        {{"type", "count"}, {"site", site}, {"sku", sku}, {"counted", counted}, {"source", "erp"}});
  }
  auto reply = http.post("/v1/stock/movements", {{"movements", movements}});
  EXPECT_EQ(reply.status, 200u) << reply.body;
  for (const auto& result : reply.doc().value("results", json::array())) {
    EXPECT_NE(result.value("status", ""), "rejected") << result.dump();
  }
  const auto position = reply.header("ordo-position");
  return position.empty() ? 0 : std::stoull(position);
}

/// The sites that count for the web channel's sellable stock of `sku`.
inline std::vector<std::string> web_sites(Http& http, const std::string& sku) {
  auto reply = http.get("/v1/sellable-stock/web/" + sku + "?explain=true");
  EXPECT_EQ(reply.status, 200u) << reply.body;
  const auto doc = reply.doc();  // range-for over a temporary's member would dangle
  std::vector<std::string> sites;
  for (const auto& site : doc["breakdown"]["sites"]) sites.push_back(site["site"]);
  return sites;
}

/// What came back on a raw connection: the bytes, and whether the server closed it (rather
/// than the client giving up after its timeout).
struct RawExchange {
  std::string bytes;
  bool closed_by_server = false;
};

/// Sends `bytes` on a new connection, then closes the sending side (so that a request cut short
/// ends there instead of waiting for the read timeout) and reads until the server closes or
/// `timeout` passes. A write the server refused half-way is not an error: its answer is read.
inline RawExchange send_and_half_close(
    std::uint16_t port, std::string_view bytes,
    std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  beast::error_code ec;
  asio::write(socket, asio::buffer(bytes.data(), bytes.size()), ec);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  RawExchange out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[8192];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd ready{socket.native_handle(), POLLIN, 0};
    if (left.count() <= 0 || ::poll(&ready, 1, static_cast<int>(left.count())) <= 0) return out;
    const auto n = ::recv(socket.native_handle(), buffer, sizeof buffer, 0);
    if (n <= 0) {
      out.closed_by_server = true;
      return out;
    }
    out.bytes.append(buffer, static_cast<std::size_t>(n));
  }
}

/// One answer read from raw bytes.
struct RawAnswer {
  unsigned status = 0;
  std::string content_type;
};

/// Every answer in `bytes`, in order; nullopt when the bytes are not a sequence of complete HTTP
/// responses (the server wrote something broken or cut short).
inline std::optional<std::vector<RawAnswer>> parse_answers(std::string_view bytes) {
  std::vector<RawAnswer> answers;
  while (!bytes.empty()) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.eager(true);
    parser.body_limit(64 << 20);
    while (!parser.is_done()) {
      beast::error_code ec;
      const auto used = parser.put(asio::buffer(bytes.data(), bytes.size()), ec);
      bytes.remove_prefix(used);
      if (ec || (used == 0 && !parser.is_done())) return std::nullopt;
    }
    const auto& response = parser.get();
    answers.push_back({response.result_int(), std::string(response[bhttp::field::content_type])});
  }
  return answers;
}

/// An HTTP/1.1 request as bytes, with the Content-Length of `body` unless `headers` gives one.
inline std::string request_bytes(std::string_view method, std::string_view target,
                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                 std::string_view body) {
  std::string out =
      std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  bool has_length = false;
  for (const auto& [name, value] : headers) {
    out += name + ": " + value + "\r\n";
    has_length = has_length || name == "Content-Length" || name == "Transfer-Encoding";
  }
  if (!has_length) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return out + "\r\n" + std::string(body);
}

/// Bytes as text for a failure message: the first 200, others escaped.
inline std::string printable(std::string_view bytes) {
  std::string out;
  for (const char c : bytes.substr(0, 200)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 32 && u < 127) {
      out.push_back(c);
    } else {
      out += "\\x" + std::string(1, "0123456789abcdef"[u >> 4]) + "0123456789abcdef"[u & 15];
    }
  }
  return bytes.size() > 200 ? out + "... (" + std::to_string(bytes.size()) + " bytes)" : out;
}

}  // namespace ordo::gateway::testing
