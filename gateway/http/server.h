// The HTTP/1.1 server of the gateway: Boost.Asio + Beast, one coroutine per connection, I/O threads
// each running its own io_context (a connection stays on one thread), keep-alive, optional TLS.
//
// Limits (put a limit on everything): open connections (beyond: 503 and close), request header
// bytes (431), body bytes (413), time to read a request and to write an answer (the connection is
// closed). A request Beast cannot parse gets 400 and the connection is closed; the server keeps
// serving every other connection. A request with a body is screened on its header first (route,
// token) and refused before its body is read; "Expect: 100-continue" is answered once it passes.
//
// Shutdown is graceful: stop accepting, close idle connections, let requests in flight finish and
// answer them with "Connection: close", then stop the threads. Nothing the handler acknowledged is
// lost, because the handler answers only after its writes are durable.
//
// Thread-safety: start/port/stats from any thread; shutdown and wait once, from one thread.
#pragma once

// clang-format off
#include <utility>  // boost/asio/awaitable.hpp (1.74) uses std::exchange without it
// clang-format on
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/result.h"

namespace ordo::gateway::http {

namespace bhttp = boost::beast::http;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

/// Answers one request. Runs on the connection's thread; may suspend (e.g. while an order becomes
/// durable). An exception escaping it is answered with 500 and logged.
using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

/// The answer that refuses a request on its header alone, or nullopt; asked before a body is read
/// (so that a client the handler would refuse cannot make the server hold its body). Runs on the
/// connection's thread; must not throw.
using Screen = std::function<std::optional<Response>(Request& header)>;

/// Builds the answer for a request the server refuses itself (status, title, detail).
using ProblemMaker =
    std::function<Response(unsigned status, std::string title, std::string detail)>;

struct TlsFiles {
  std::filesystem::path certificate_chain;  // PEM
  std::filesystem::path private_key;        // PEM
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (see Server::port)
  std::size_t io_threads = 2;
  std::size_t connections_max = 10000;
  std::size_t header_bytes_max = 16 * 1024;
  std::size_t body_bytes_max = 1024 * 1024;
  std::chrono::milliseconds read_timeout{30'000};  // a whole request, and idle keep-alive
  std::chrono::milliseconds write_timeout{30'000};
  std::optional<TlsFiles> tls;
};

struct ServerStats {
  std::uint64_t connections_open = 0;
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_refused = 0;  // over connections_max
  std::uint64_t requests_in_flight = 0;
};

class Server {
 public:
  /// Binds and starts the I/O threads. Errors: invalid_argument (bad address, unreadable TLS
  /// files), unavailable (the port is taken).
  static Result<std::unique_ptr<Server>> start(ServerOptions options, Handler handler,
                                               ProblemMaker problem, Screen screen = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const;
  bool tls() const;
  ServerStats stats() const;

  /// Stops accepting and waits up to `drain_timeout` for requests in flight to be answered, then
  /// stops the I/O threads. Idempotent.
  void shutdown(std::chrono::milliseconds drain_timeout);

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ordo::gateway::http
