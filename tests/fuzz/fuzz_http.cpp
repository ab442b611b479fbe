// The HTTP server and the API on any bytes a client can send: the real server (Beast's parser, the
// screen, the router, API tokens, every handler) on 127.0.0.1 in this process, over an event store
// in a temporary directory. The first byte picks the bearer token written wherever the request
// says $TOKEN (none, or an administrator's, a store's, a channel integration's, an auditor's, a
// revoked one); the rest goes to one connection as it is, which is then half-closed, and every
// answer is read until the server closes.
// Properties: the server never crashes, never answers 500, and closes the connection (no request
// hangs it); every answer is well-formed HTTP/1.1; every refusal (4xx, 5xx) is
// application/problem+json whose "status" is the answer's; when every answer is a refusal, the log
// did not move (a refused request changes nothing); the next connection is served (one
// connection's bytes never break the server).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <nlohmann/json.hpp>

#include "gateway/api/api.h"
#include "gateway/api/problem.h"
#include "gateway/metrics.h"
#include "gateway/security/tokens.h"
#include "projections/projector.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace ordo;
namespace bhttp = gateway::http::bhttp;
namespace access = domain::access;

constexpr std::size_t kHeaderBytesMax = 16 * 1024;
constexpr std::size_t kBodyBytesMax = 1024 * 1024;

// The engine of `ordo serve` without NATS, started once for the whole run.
struct World {
  std::string dir;
  std::unique_ptr<eventstore::EventStore> store;
  std::unique_ptr<engine::Pipeline> pipeline;
  std::unique_ptr<projections::Projector> projector;
  std::unique_ptr<gateway::TokenRegistry> tokens;
  std::unique_ptr<gateway::Metrics> metrics;
  std::unique_ptr<gateway::api::Api> api;
  std::unique_ptr<gateway::http::Server> server;
  std::vector<std::string> bearer;  // index 0: no token
};

template <class T>
T must(Result<T> result, const char* what) {
  if (!result) {
    std::fprintf(stderr, "fuzz_http: %s: %s\n", what, result.error().message.c_str());
    std::abort();
  }
  return std::move(*result);
}

std::string issue(World& w, access::Role role, access::Scope scope) {
  const eventstore::Actor actor{eventstore::ActorKind::system, "fuzz"};
  return must(w.tokens->issue(role, std::move(scope), "fuzz", actor), "issue a token").token;
}

void issue_tokens(World& w) {
  w.bearer.emplace_back();
  w.bearer.push_back(issue(w, access::Role::admin, {}));
  w.bearer.push_back(issue(w, access::Role::store, {"FR-CAEN", ""}));
  w.bearer.push_back(issue(w, access::Role::integration, {"", "web"}));
  w.bearer.push_back(issue(w, access::Role::auditor, {}));
  w.bearer.push_back(issue(w, access::Role::customer_service, {}));
  const auto revoked = issue(w, access::Role::admin, {});
  const auto id = revoked.substr(5, revoked.find('_', 5) - 5);
  const eventstore::Actor actor{eventstore::ActorKind::system, "fuzz"};
  if (!w.tokens->revoke(id, "fuzz", actor)) std::abort();
  w.bearer.push_back(revoked);
}

World& world() {
  static World* w = [] {
    auto* made = new World;  // lives until exit, like the server's threads
    char pattern[] = "/tmp/ordo-fuzz-http-XXXXXX";
    made->dir = mkdtemp(pattern);
    fuzz::remove_at_exit(made->dir);
    eventstore::Options options;
    options.data_dir = made->dir;
    options.durability = eventstore::Durability::none;  // a crash of this process loses nothing
    options.projection_families = projections::projection_families();
    made->store = must(eventstore::EventStore::open(std::move(options)), "open the store");
    engine::PipelineOptions pipeline;
    pipeline.expire_on_its_own = false;  // nothing appends but the requests
    made->pipeline = must(engine::Pipeline::start(*made->store, pipeline), "start the pipeline");
    made->projector = must(projections::Projector::start(*made->store), "start the projector");
    made->tokens = must(gateway::TokenRegistry::load(*made->store), "load the tokens");
    issue_tokens(*made);
    made->metrics = std::make_unique<gateway::Metrics>(gateway::api::route_labels());
    made->api =
        std::make_unique<gateway::api::Api>(gateway::api::Engine{*made->store,
                                                                 *made->pipeline,
                                                                 *made->projector,
                                                                 *made->tokens,
                                                                 *made->metrics,
                                                                 [] { return true; },
                                                                 [] { return std::string(); },
                                                                 {},
                                                                 {}});
    gateway::http::ServerOptions server;
    server.port = 0;
    server.io_threads = 1;
    server.header_bytes_max = kHeaderBytesMax;
    server.body_bytes_max = kBodyBytesMax;
    server.read_timeout = std::chrono::milliseconds(2000);
    auto* api = made->api.get();
    made->server =
        must(gateway::http::Server::start(
                 server, [api](gateway::http::Request& request) { return api->handle(request); },
                 [](unsigned status, std::string title, std::string detail) {
                   return gateway::api::problem(status, "http", title, detail);
                 },
                 [api](gateway::http::Request& header) { return api->screen(header); }),
             "start the server");
    return made;
  }();
  return *w;
}

// Writes `request` to a new connection, half-closes it and reads until the server closes.
std::string exchange(std::uint16_t port, std::string_view request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ORDO_FUZZ_CHECK(fd >= 0);
  timeval timeout{10, 0};  // beyond the server's read timeout: a hang is a finding
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int connected = -1;
  do {
    connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  } while (connected != 0 && errno == EINTR);
  ORDO_FUZZ_CHECK(connected == 0 || errno == EISCONN);
  std::size_t sent = 0;
  while (sent < request.size()) {
    const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;  // libFuzzer's timer (SIGALRM) interrupts calls
    if (n <= 0) break;  // the server closed early (it refused the request on its header)
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string answer;
  char chunk[16384];
  for (;;) {
    const auto n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n == 0) break;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ORDO_FUZZ_CHECK(errno == ECONNRESET);  // not EAGAIN: the server must close, not hang
      break;
    }
    answer.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

// The methods of the requests in `bytes`, in order, as the server's parser reads them (with its
// limits), so that an answer to HEAD is read without a body.
std::vector<bhttp::verb> methods_of(std::string_view bytes) {
  std::vector<bhttp::verb> methods;
  while (!bytes.empty()) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(kHeaderBytesMax));
    parser.body_limit(kBodyBytesMax);
    parser.eager(true);
    boost::beast::error_code ec;
    const auto used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec || !parser.is_done()) break;
    methods.push_back(parser.get().method());
    bytes.remove_prefix(used);
  }
  return methods;
}

void check_refusal(const bhttp::response<bhttp::string_body>& answer) {
  ORDO_FUZZ_CHECK(answer[bhttp::field::content_type] == "application/problem+json");
  const auto body = nlohmann::json::parse(answer.body(), nullptr, false);
  ORDO_FUZZ_CHECK(body.is_object() && body.contains("status") && body.contains("title"));
  ORDO_FUZZ_CHECK(body["status"] == answer.result_int());
}

// Reads every answer in `bytes`; true when each one refused its request.
bool check_answers(std::string_view bytes, const std::vector<bhttp::verb>& methods) {
  bool all_refused = true;
  std::size_t request = 0;
  while (!bytes.empty()) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.eager(true);
    if (request < methods.size() && methods[request] == bhttp::verb::head) parser.skip(true);
    boost::beast::error_code ec;
    const auto used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    ORDO_FUZZ_CHECK(!ec && parser.is_done());  // a whole, well-formed answer
    bytes.remove_prefix(used);
    const auto& answer = parser.get();
    if (answer.result_int() == 100) continue;  // "100 Continue" before the same request's answer
    ORDO_FUZZ_CHECK(answer.result_int() != 500);
    if (answer.result_int() == 422 && answer[bhttp::field::content_type] == "application/json") {
      // An import's report: its refused rows (with apply_valid=true the valid ones are applied).
      all_refused = false;
    } else if (answer.result_int() >= 400) {
      if (!parser.skip()) check_refusal(answer);
    } else {
      all_refused = false;
    }
    ++request;
  }
  return all_refused;
}

// The request with $TOKEN replaced by the chosen bearer token.
std::string with_token(std::string_view raw, const std::string& bearer) {
  std::string request;
  for (std::size_t at = 0;;) {
    const auto found = raw.find("$TOKEN", at);
    request.append(raw.substr(at, found - at));
    if (found == std::string_view::npos) break;
    request += bearer;
    at = found + 6;
  }
  return request;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& w = world();
  fuzz::Input input{data, size};
  const auto& bearer = w.bearer[input.take() % w.bearer.size()];
  const auto request = with_token(input.rest(), bearer);
  const auto before = w.store->durable_position();
  const auto answer = exchange(w.server->port(), request);
  gateway::api::wait_for_imports();  // an import's thread appends after its 202
  const bool all_refused = check_answers(answer, methods_of(request));
  if (all_refused) ORDO_FUZZ_CHECK(w.store->durable_position() == before);
  return 0;
}
