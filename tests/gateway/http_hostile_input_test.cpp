// `ordo serve` against hostile or careless clients: thousands of malformed requests from a seeded
// generator, every limit of the server (header and body size, connections, slow and idle clients)
// (TLS: http_tls_test.cpp). Each test has its own retailer and server. What must hold: a bad
// request gets a 4xx problem (or, for bytes that are not HTTP, no answer), never a 5xx; nothing it
// carries is written; and the server keeps serving everyone else.
#include <deque>
#include <set>

#include "tests/gateway/http_robustness_support.h"

namespace ordo::gateway::testing {
namespace {

using Random = std::mt19937_64;

std::size_t uniform(Random& random, std::size_t low, std::size_t high) {
  return std::uniform_int_distribution<std::size_t>(low, high)(random);
}

template <class T, std::size_t N>
const T& pick(Random& random, const T (&choices)[N]) {
  return choices[uniform(random, 0, N - 1)];
}

// --- thousands of malformed requests -------------------------------------------------------------

struct BadRequest {
  std::string kind;
  std::string bytes;
  bool answer_required = true;  // false for bytes that are not a complete HTTP request
};

class Generator {
 public:
  Generator(std::uint64_t seed, std::string token) : random_(seed), token_(std::move(token)) {}

  BadRequest next(std::size_t n) {
    n_ = n;
    switch (uniform(random_, 0, 13)) {
      case 0:
        return {"garbage bytes", random_bytes(uniform(random_, 1, 600)), false};
      case 1:
        return truncated_head();
      case 2:
        return control_bytes_in_head();
      case 3:
        return huge_header();
      case 4:
        return bad_method();
      case 5:
        return wrong_content_length();
      case 6:
        return order("truncated JSON", truncated(valid_body()));
      case 7:
        return order("deep nesting", deep_nesting());
      case 8:
        return order("wrong type", wrong_type());
      case 9:
        return order("invalid UTF-8", invalid_utf8());
      case 10:
        return order("NUL in JSON", nul_in_json());
      case 11:
        return order("huge number", huge_number());
      case 12:
        return duplicate_keys();
      default:
        return chunked();
    }
  }

 private:
  std::vector<std::pair<std::string, std::string>> order_headers() const {
    return {{"Authorization", "Bearer " + token_},
            {"Content-Type", "application/json"},
            {"Idempotency-Key", "fuzz-" + std::to_string(n_)}};
  }
  BadRequest order(std::string kind, const std::string& body) const {
    return {std::move(kind), request_bytes("POST", "/v1/orders", order_headers(), body)};
  }
  std::string valid_body() const {
    return order_body("FZ-" + std::to_string(n_), "SKU-00002").dump();
  }
  std::string random_bytes(std::size_t size) {
    std::string out(size, '\0');
    for (auto& c : out) c = static_cast<char>(uniform(random_, 0, 255));
    return out;
  }
  std::string truncated(const std::string& text) {
    return text.substr(0, uniform(random_, 0, text.size() - 1));
  }

  BadRequest truncated_head() {
    const auto full = request_bytes("POST", "/v1/orders", order_headers(), valid_body());
    return {"truncated head", full.substr(0, uniform(random_, 1, full.find("\r\n\r\n") + 2)),
            false};
  }
  BadRequest control_bytes_in_head() {
    // Without a token: a server lenient with the bytes would still refuse it (401).
    auto bytes = request_bytes("GET", "/v1/orders/NOPE-1", {}, "");
    const auto end = bytes.find("\r\n\r\n");
    for (auto count = uniform(random_, 1, 4); count > 0; --count) {
      const auto byte = uniform(random_, 0, 30);
      bytes.insert(uniform(random_, 0, end), 1,
                   static_cast<char>(byte == 9 ? 31 : byte));  // not HTAB
    }
    return {"control bytes in head", bytes, false};
  }
  BadRequest huge_header() {
    const std::string filler(uniform(random_, 16 * 1024 + 1, 40 * 1024), 'a');
    if (uniform(random_, 0, 1) == 0) {
      return {"huge header", request_bytes("GET", "/healthz", {{"X-Filler", filler}}, "")};
    }
    return {"huge target", request_bytes("GET", "/v1/orders/" + filler, {}, "")};
  }
  BadRequest bad_method() {
    static const char* const kMethods[] = {"G\x01T",   "GET\t",    "FOO",   "get",
                                           "PATCH",    "DELETE",   "TRACE", "G{T",
                                           "\x80\x81", "POST\x7f", "BREW",  "OPTIONS"};
    const std::string method = pick(random_, kMethods);
    const std::string target = uniform(random_, 0, 1) == 0 ? "/v1/orders" : "/healthz";
    return {"bad method", request_bytes(method, target, order_headers(), valid_body())};
  }
  BadRequest wrong_content_length() {
    const auto body = valid_body();
    static const char* const kLengths[] = {"abc", "-1", "1 2", "0x10", "99999999999999999999", ""};
    std::string length;
    switch (uniform(random_, 0, 2)) {
      case 0:
        length = std::to_string(body.size() + uniform(random_, 1, 1000));
        break;  // waits for more
      case 1:
        length = std::to_string(uniform(random_, 0, body.size() - 1));
        break;  // leaves bytes over
      default:
        length = pick(random_, kLengths);
    }
    auto headers = order_headers();
    headers.emplace_back("Content-Length", length);
    if (uniform(random_, 0, 3) == 0) {
      headers.emplace_back("Content-Length", std::to_string(body.size()));  // and a right one
    }
    return {"wrong Content-Length", request_bytes("POST", "/v1/orders", headers, body), false};
  }
  std::string deep_nesting() {
    const auto depth = uniform(random_, 65, 100000);
    const std::string nested =
        std::string(depth, '[') + std::string(uniform(random_, 0, 1) ? depth : 0, ']');
    if (uniform(random_, 0, 1) == 0) return nested;
    auto body = valid_body();
    return body.insert(body.find("\"lines\":") + 8, nested + ",");
  }
  std::string wrong_type() {
    // Each field of a valid body, and values of a type it cannot take.
    static const char* const kPaths[] = {"/order_id",
                                         "/channel",
                                         "/customer_id",
                                         "/email",
                                         "/currency",
                                         "/delivery_address",
                                         "/delivery_address/name",
                                         "/delivery_address/line1",
                                         "/delivery_address/postcode",
                                         "/delivery_address/city",
                                         "/delivery_address/country",
                                         "/lines",
                                         "/lines/0",
                                         "/lines/0/line",
                                         "/lines/0/sku",
                                         "/lines/0/quantity",
                                         "/lines/0/unit_price_minor",
                                         ""};
    static const char* const kNotString[] = {"null", "true", "0",       "-1.5",
                                             "[]",   "{}",   "[\"x\"]", "{\"a\":1}"};
    static const char* const kNotInteger[] = {"null", "false", "\"1\"", "1.5",
                                              "[]",   "{}",    "[1]",   "\"\""};
    static const char* const kNotObject[] = {"null", "true", "1", "\"x\"", "[]", "[{}]"};
    static const char* const kNotArray[] = {"null", "true", "1", "\"x\"", "{}", "{\"0\":{}}"};
    const std::string path = pick(random_, kPaths);
    auto body = json::parse(valid_body());
    const json& current = path.empty() ? body : body.at(json::json_pointer(path));
    const char* value = current.is_string()   ? pick(random_, kNotString)
                        : current.is_number() ? pick(random_, kNotInteger)
                        : current.is_object() ? pick(random_, kNotObject)
                                              : pick(random_, kNotArray);
    if (path.empty()) return value;
    body[json::json_pointer(path)] = json::parse(value);
    return body.dump();
  }
  std::string invalid_utf8() {
    static const char* const kBytes[] = {"\xC3\x28",         "\xFF",    "\xED\xA0\x80", "\xC0\xAF",
                                         "\xF4\x90\x80\x80", "\xE2\x82"};
    static const char* const kFields[] = {"\"Jeanne Martin\"", "\"Paris\"", "\"EUR\"", "\"web\""};
    auto body = valid_body();
    const std::string field = pick(random_, kFields);
    return body.insert(body.find(field) + 1 + uniform(random_, 0, field.size() - 2),
                       pick(random_, kBytes));
  }
  std::string nul_in_json() {
    static const char* const kFields[] = {"\"Jeanne Martin\"", "\"Paris\"", "\"EUR\"", "\"web\"",
                                          "\"SKU-00002\""};
    auto body = valid_body();
    const std::string field = pick(random_, kFields);
    const auto at = body.find(field) + 1 + uniform(random_, 0, field.size() - 2);
    return uniform(random_, 0, 1) == 0 ? body.insert(at, 1, '\0') : body.insert(at, "\\u0000");
  }
  std::string huge_number() {
    static const char* const kNumbers[] = {"1e400",
                                           "-1e400",
                                           "99999999999999999999",
                                           "-99999999999999999999",
                                           "18446744073709551616",
                                           "1e308",
                                           "9223372036854775808",
                                           "1E+999999999",
                                           "123456789012345678901234567890123456789"};
    static const char* const kFields[] = {"\"quantity\":1", "\"unit_price_minor\":1999",
                                          "\"line\":1"};
    auto body = valid_body();
    const std::string field = pick(random_, kFields);
    const auto at = body.find(field);
    return body.replace(at, field.size(),
                        field.substr(0, field.find(':') + 1) + pick(random_, kNumbers));
  }
  // The same key twice, the second value invalid (the parser keeps the last one; whether a body
  // with a duplicate key should be refused outright is the subject of its own test).
  BadRequest duplicate_keys() {
    static const char* const kFields[] = {"\"quantity\":1", "\"currency\":\"EUR\"",
                                          "\"channel\":\"web\""};
    static const char* const kBad[] = {",\"quantity\":-1", ",\"currency\":\"euro\"",
                                       ",\"channel\":\"w b\""};
    auto body = valid_body();
    const auto which = uniform(random_, 0, 2);
    const std::string field = kFields[which];
    body.insert(body.find(field) + field.size(), kBad[which]);
    return order("duplicate keys", body);
  }
  BadRequest chunked() {
    const auto body = truncated(valid_body());
    auto headers = order_headers();
    headers.emplace_back("Transfer-Encoding", "chunked");
    std::string chunks;
    for (std::size_t at = 0; at < body.size();) {
      const auto size = std::min(body.size() - at, uniform(random_, 1, 64));
      char hex[16];
      std::snprintf(hex, sizeof hex, "%zx", size);
      chunks += std::string(hex) + "\r\n" + body.substr(at, size) + "\r\n";
      at += size;
    }
    switch (uniform(random_, 0, 3)) {
      case 0:
        return {"chunked truncated JSON",
                request_bytes("POST", "/v1/orders", headers, chunks + "0\r\n\r\n")};
      case 1:
        return {"chunked without its last chunk",
                request_bytes("POST", "/v1/orders", headers, chunks), false};
      case 2:
        return {"chunk size not hex",
                request_bytes("POST", "/v1/orders", headers, "zz\r\n" + body + "\r\n0\r\n\r\n"),
                false};
      default:
        headers.emplace_back("Content-Length", std::to_string(chunks.size() + 5));
        return {"chunked and Content-Length",
                request_bytes("POST", "/v1/orders", headers, chunks + "0\r\n\r\n"), false};
    }
  }

  Random random_;
  std::string token_;
  std::size_t n_ = 0;
};

// What is wrong with the server's side of one exchange ("" when nothing): the connection must end,
// every answer be a 4xx problem, and a complete request get one. Counts the answers by status.
std::string misbehaviour(const BadRequest& bad, const RawExchange& exchange,
                         std::map<unsigned, std::size_t>& statuses) {
  if (!exchange.closed_by_server) return "the server kept the connection open after the request";
  const auto answers = parse_answers(exchange.bytes);
  if (!answers) return "not a sequence of HTTP answers";
  if (answers->empty() && bad.answer_required) return "no answer";
  std::string problem;
  for (const auto& answer : *answers) {
    ++statuses[answer.status];
    if (answer.status < 400 || answer.status > 499) {
      problem += "status " + std::to_string(answer.status) + "; ";
    }
    if (answer.content_type != "application/problem+json") {
      problem += "type " + answer.content_type + "; ";
    }
  }
  return problem;
}

TEST(HttpHostileInput, ThousandsOfMalformedRequestsGetA4xxOrNothingAndWriteNothing) {
  OwnedRetailer retailer("ordo-fuzz");
  ServerProcess server(retailer.data_dir);
  Http admin(server.port(), retailer.admin_token);
  const auto placed_before = count_events(admin, "OrderPlaced");
  constexpr std::uint64_t kSeed = 20240611;
  constexpr std::size_t kRequests = 6000;
  Generator generator(kSeed, retailer.admin_token);
  std::map<unsigned, std::size_t> statuses;
  std::set<std::string> kinds_answered;
  std::size_t failures = 0;
  const auto started = std::chrono::steady_clock::now();
  for (std::size_t n = 0; n < kRequests && failures < 10; ++n) {
    const auto bad = generator.next(n);
    const auto exchange = send_and_half_close(server.port(), bad.bytes);
    const auto answered = statuses;
    const auto problem = misbehaviour(bad, exchange, statuses);
    if (statuses != answered) kinds_answered.insert(bad.kind);
    if (problem.empty()) continue;
    ++failures;
    ADD_FAILURE() << "seed " << kSeed << ", request " << n << " (" << bad.kind << "): " << problem
                  << "\n  sent: " << printable(bad.bytes)
                  << "\n  got: " << printable(exchange.bytes);
  }
  const auto elapsed = std::chrono::steady_clock::now() - started;
  RecordProperty(
      "fuzz_ms",
      static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
  for (const auto& [status, count] : statuses) {
    RecordProperty("status_" + std::to_string(status), static_cast<int>(count));
  }
  EXPECT_GE(kinds_answered.size(), 14u) << "the generator makes many kinds of bad request";

  EXPECT_EQ(admin.get("/healthz").status, 200u);
  auto valid = admin.post("/v1/orders", order_body("FZ-VALID", "SKU-00002"),
                          {{"Idempotency-Key", "fuzz-valid"}});
  EXPECT_EQ(valid.status, 201u) << valid.body;
  EXPECT_EQ(count_events(admin, "OrderPlaced"), placed_before + 1)
      << "only the valid order was placed";
}

TEST(HttpHostileInput, ABodyIsOneUtf8JsonDocumentWithoutDuplicateKeysOrRefused) {
  OwnedRetailer retailer("ordo-duplicate-keys");
  ServerProcess server(retailer.data_dir);
  Http admin(server.port(), retailer.admin_token);
  const std::string valid = order_body("DUP-1", "SKU-00002").dump();
  const std::vector<std::string> bodies = {
      std::string(valid).insert(valid.size() - 1, ",\"order_id\":\"DUP-2\""),  // two valid values
      std::string(valid).insert(1, "\"currency\":\"euro\","),  // the invalid one first
      valid + std::string("\0{\"order_id\":\"DUP-3\"}", 21),   // a NUL, then more: not one document
  };
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    auto reply = admin.request(bhttp::verb::post, "/v1/orders", bodies[i],
                               {{"Idempotency-Key", "dup-" + std::to_string(i)}});
    EXPECT_EQ(reply.status, 400u) << bodies[i] << " -> " << reply.body;
    EXPECT_EQ(reply.doc().value("type", ""), "urn:ordo:problem:malformed-json") << reply.body;
  }
  EXPECT_EQ(count_events(admin, "OrderPlaced"), 0u);
  // JSON is UTF-8: a body declared in another charset is refused, UTF-8 said any way is read.
  auto latin1 = admin.request(
      bhttp::verb::post, "/v1/orders", valid,
      {{"Idempotency-Key", "latin1"}, {"Content-Type", "application/json; charset=latin1"}});
  EXPECT_EQ(latin1.status, 415u) << latin1.body;
  EXPECT_EQ(count_events(admin, "OrderPlaced"), 0u);
  auto utf8 = admin.request(
      bhttp::verb::post, "/v1/orders", valid,
      {{"Idempotency-Key", "utf8"}, {"Content-Type", "application/json; charset=\"UTF-8\""}});
  EXPECT_EQ(utf8.status, 201u) << utf8.body;
}

// --- limits -------------------------------------------------------------------------------------

// Limits small enough to reach: 2 KiB of header, 4 KiB of body.
const std::vector<std::string> kSmallLimits = {"--max-header-bytes", "2048", "--max-body-bytes",
                                               "4096"};

TEST(HttpHostileInput, AHeaderOverTheLimitGets431AndABodyOverTheLimitGets413) {
  OwnedRetailer retailer("ordo-limits");
  ServerProcess server(retailer.data_dir, kSmallLimits);
  Http admin(server.port(), retailer.admin_token);
  EXPECT_EQ(admin.request(bhttp::verb::get, "/healthz", "", {{"X-Filler", std::string(1500, 'a')}})
                .status,
            200u);
  auto header =
      admin.request(bhttp::verb::get, "/healthz", "", {{"X-Filler", std::string(2100, 'a')}});
  EXPECT_EQ(header.status, 431u) << header.body;
  EXPECT_EQ(header.header("content-type"), "application/problem+json");

  auto under = order_body("LIM-1", "SKU-00003");
  under["customer_id"] = std::string(3500, 'c');
  auto near = admin.post("/v1/orders", under, {{"Idempotency-Key", "lim-1"}});
  EXPECT_EQ(near.status, 422u) << "read, then refused for the field, not for its size: "
                               << near.body;
  auto over = order_body("LIM-2", "SKU-00003");
  over["customer_id"] = std::string(4200, 'c');
  auto body = admin.post("/v1/orders", over, {{"Idempotency-Key", "lim-2"}});
  EXPECT_EQ(body.status, 413u) << body.body;
  EXPECT_EQ(body.header("content-type"), "application/problem+json");
  EXPECT_EQ(admin.get("/healthz").status, 200u);
}

TEST(HttpHostileInput, BeyondMaxConnectionsANewConnectionGets503AndTheOthersKeepWorking) {
  OwnedRetailer retailer("ordo-connections");
  ServerProcess server(retailer.data_dir, {"--max-connections", "4"});
  std::deque<Http> clients;  // Http does not move
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back(server.port(), retailer.admin_token);
    ASSERT_EQ(clients.back().get("/healthz").status, 200u);
  }
  const auto fifth = send_and_half_close(server.port(), request_bytes("GET", "/healthz", {}, ""));
  bhttp::response_parser<bhttp::string_body> parser;
  beast::error_code ec;
  parser.put(asio::buffer(fifth.bytes), ec);
  ASSERT_TRUE(parser.is_header_done()) << printable(fifth.bytes);
  EXPECT_EQ(parser.get().result_int(), 503u);
  EXPECT_FALSE(parser.get()[bhttp::field::retry_after].empty()) << printable(fifth.bytes);
  EXPECT_EQ(parser.get()[bhttp::field::content_type], "application/problem+json");
  for (auto& client : clients) {
    EXPECT_EQ(client.get("/v1/sellable-stock?channel=web&sku=SKU-00001").status, 200u);
  }
  clients.pop_front();  // a slot frees once the server has seen the connection close
  bool served = false;
  for (int attempt = 0; attempt < 40 && !served; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto again = send_and_half_close(server.port(), request_bytes("GET", "/healthz", {}, ""));
    served = again.bytes.starts_with("HTTP/1.1 200");
  }
  EXPECT_TRUE(served) << "the limit counts open connections, not accepted ones";
}

// A raw socket: what a slow or idle client does, byte by byte.
class RawSocket {
 public:
  explicit RawSocket(std::uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  bool send(std::string_view bytes) {
    beast::error_code ec;
    asio::write(socket_, asio::buffer(bytes.data(), bytes.size()), ec);
    return !ec;
  }
  /// Reads what is there within `wait`; false once the server closed the connection.
  bool read_for(std::chrono::milliseconds wait, std::string& out) {
    pollfd ready{socket_.native_handle(), POLLIN, 0};
    if (::poll(&ready, 1, static_cast<int>(wait.count())) <= 0) return true;
    char buffer[4096];
    const auto n = ::recv(socket_.native_handle(), buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    out.append(buffer, static_cast<std::size_t>(n));
    return true;
  }
  /// How long until the server closes the connection, at most `limit`; sends `drip` (if not
  /// empty) one byte every 100 ms meanwhile. nullopt when it is still open after `limit`.
  std::optional<std::chrono::milliseconds> time_to_close(std::chrono::milliseconds limit,
                                                         std::string_view drip = {}) {
    const auto started = std::chrono::steady_clock::now();
    std::string ignored;
    for (std::size_t i = 0; std::chrono::steady_clock::now() - started < limit; ++i) {
      if (!drip.empty() && !send(drip.substr(i % drip.size(), 1))) break;
      if (!read_for(std::chrono::milliseconds(100), ignored)) break;
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (elapsed >= limit) return std::nullopt;
    return elapsed;
  }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
};

TEST(HttpHostileInput, SlowAndIdleClientsAreClosedAfterTheReadTimeout) {
  OwnedRetailer retailer("ordo-slow");
  ServerProcess server(retailer.data_dir, {"--read-timeout-ms", "500"});
  const auto limit = std::chrono::milliseconds(5000);

  RawSocket stalled(server.port());  // half a request, then nothing
  ASSERT_TRUE(stalled.send("POST /v1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le"));
  const auto stalled_closed = stalled.time_to_close(limit);
  ASSERT_TRUE(stalled_closed) << "a stalled request keeps its connection";
  EXPECT_GE(stalled_closed->count(), 400);
  EXPECT_LE(stalled_closed->count(), 3000);

  RawSocket dripping(server.port());  // slowloris: a byte every 100 ms, never a whole request
  const auto dripping_closed =
      dripping.time_to_close(limit, "GET /healthz HTTP/1.1\r\nX-Slow: " + std::string(200, 'z'));
  ASSERT_TRUE(dripping_closed) << "a request sent a byte at a time keeps its connection";
  EXPECT_LE(dripping_closed->count(), 3000);

  RawSocket idle(server.port());  // keep-alive, one answer, then nothing
  ASSERT_TRUE(idle.send(request_bytes("GET", "/healthz", {}, "")));
  std::string answer;
  for (int i = 0; i < 20 && answer.find("\r\n\r\n") == std::string::npos; ++i) {
    ASSERT_TRUE(idle.read_for(std::chrono::milliseconds(100), answer));
  }
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200")) << printable(answer);
  const auto idle_closed = idle.time_to_close(limit);
  ASSERT_TRUE(idle_closed) << "an idle keep-alive connection is kept";
  EXPECT_LE(idle_closed->count(), 3000);

  Http client(server.port());
  EXPECT_EQ(client.get("/healthz").status, 200u) << "the server still serves others";
}

// An answer to HEAD carries no body, also when the server refuses it on its header alone (before
// its body is read): the bytes after the header would be read as the next answer (found
// reviewing fuzz_http's properties).
TEST(HttpHostileInput, AHeadRefusedOnItsHeaderIsAnsweredWithoutABody) {
  OwnedRetailer retailer("ordo-head");
  ServerProcess server(retailer.data_dir);
  RawSocket head(server.port());
  ASSERT_TRUE(
      head.send("HEAD /v1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\n"));
  std::string answer;
  for (int i = 0; i < 50 && head.read_for(std::chrono::milliseconds(100), answer);) ++i;
  ASSERT_TRUE(answer.starts_with("HTTP/1.1 401")) << printable(answer);
  const auto end_of_header = answer.find("\r\n\r\n");
  ASSERT_NE(end_of_header, std::string::npos) << printable(answer);
  EXPECT_EQ(answer.size(), end_of_header + 4) << "a body after the header: " << printable(answer);
  const auto header = answer.substr(0, end_of_header);
  EXPECT_NE(header.find("Content-Length: "), std::string::npos) << printable(header);
  EXPECT_EQ(header.find("Content-Length: 0\r"), std::string::npos) << "the GET answer's length";
}

}  // namespace
}  // namespace ordo::gateway::testing
