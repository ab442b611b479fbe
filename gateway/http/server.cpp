#include "gateway/http/server.h"

#include <array>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "gateway/http/asio.h"

namespace ordo::gateway::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using asio::redirect_error;
using asio::use_awaitable;

// What shutdown needs of a connection: whether it is between requests, and how to close it.
// Touched only on the connection's thread, except `executor`, which is set once.
struct Connection {
  asio::any_io_executor executor;
  bool busy = false;
  std::function<void()> close_socket;  // cleared when the session ends
};

}  // namespace

// Declaration order matters: the io_context is destroyed before what its pending coroutine frames
// touch when they are destroyed with it (the registry, the TLS context).
struct Server::Impl {
  ServerOptions options;
  Handler handler;
  ProblemMaker problem;
  Screen screen;
  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> open{0}, accepted{0}, refused{0}, in_flight{0};
  std::mutex mutex;  // guards connections and next_id; drained is waited on with it
  std::condition_variable drained;
  std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> connections;
  std::uint64_t next_id = 0;
  std::optional<asio::ssl::context> ssl;
  // One io_context per I/O thread, each connection on one of them for its whole life: its
  // coroutine never runs on two threads, so it needs no strand, and a context run by one thread
  // takes cheaper locks. The acceptor lives on the first.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::size_t next_context = 0;  // touched by the accept loop only
  std::optional<tcp::acceptor> acceptor;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;

  explicit Impl(ServerOptions o) : options(std::move(o)) {
    for (std::size_t i = 0; i < options.io_threads; ++i) {
      contexts.push_back(std::make_unique<asio::io_context>(1));
    }
    acceptor.emplace(*contexts.front());
  }
  ~Impl() {
    acceptor.reset();
    contexts.clear();  // destroys pending coroutine frames while what they touch still exists
  }

  Response refusal(unsigned status, std::string title, std::string detail) {
    auto response = problem(status, std::move(title), std::move(detail));
    response.keep_alive(false);
    response.prepare_payload();
    return response;
  }
};

namespace {

using Impl = Server::Impl;

// The answer to a request that could not be read, if it deserves one (a client that went away
// or timed out gets none).
std::optional<Response> unreadable(Impl& impl, const beast::error_code& ec) {
  if (ec == bhttp::error::body_limit) {
    return impl.refusal(
        413, "Request body too large",
        "the body is over " + std::to_string(impl.options.body_bytes_max) + " bytes");
  }
  if (ec == bhttp::error::header_limit) {
    return impl.refusal(
        431, "Request header fields too large",
        "the header is over " + std::to_string(impl.options.header_bytes_max) + " bytes");
  }
  if (ec.category() == make_error_code(bhttp::error::end_of_stream).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
    return impl.refusal(400, "Malformed HTTP request", ec.message());
  }
  return std::nullopt;
}

asio::awaitable<Response> call_handler(Impl& impl, Request& request) {
  std::string failure;
  try {
    co_return co_await impl.handler(request);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  std::cerr << "ordo serve: handler failed on " << request.target() << ": " << failure << "\n";
  co_return impl.problem(500, "Internal error", "the request failed inside Ordo; it was logged");
}

// An answer to HEAD: the GET answer's headers, without its body (RFC 9110 9.3.2).
void drop_body_for_head(Response& response) {
  const auto length = response.body().size();
  response.body().clear();
  response.content_length(length);
}

// Writes a last answer on a connection that closes after it (to HEAD, without its body).
template <class Stream>
asio::awaitable<void> answer_and_close(Impl& impl, Stream& stream, Response answer, bool head) {
  answer.keep_alive(false);
  answer.set(bhttp::field::server, "Ordo");
  answer.prepare_payload();
  if (head) drop_body_for_head(answer);
  beast::get_lowest_layer(stream).expires_after(impl.options.write_timeout);
  beast::error_code ec;
  co_await bhttp::async_write(stream, answer, redirect_error(use_awaitable, ec));
}

// Reads one request: the header, then (unless the screen refuses it on its header, or the
// client gave up) the body, with "100 Continue" when the client waits for it. True when a whole
// request is in `parser`; otherwise the connection is to be closed.
template <class Stream>
asio::awaitable<bool> read_request(Impl& impl, Stream& stream, beast::flat_buffer& buffer,
                                   bhttp::request_parser<bhttp::string_body>& parser) {
  beast::get_lowest_layer(stream).expires_after(impl.options.read_timeout);
  beast::error_code ec;
  co_await bhttp::async_read_header(stream, buffer, parser, redirect_error(use_awaitable, ec));
  if (!ec && !parser.is_done()) {
    if (auto refused = impl.screen ? impl.screen(parser.get()) : std::nullopt) {
      co_await answer_and_close(impl, stream, std::move(*refused),
                                parser.get().method() == bhttp::verb::head);
      co_return false;
    }
    if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
      bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, 11};
      co_await bhttp::async_write(stream, go_on, redirect_error(use_awaitable, ec));
    }
    if (!ec) co_await bhttp::async_read(stream, buffer, parser, redirect_error(use_awaitable, ec));
  }
  if (ec) {
    if (auto answer = unreadable(impl, ec)) {
      const bool head = parser.is_header_done() && parser.get().method() == bhttp::verb::head;
      co_await answer_and_close(impl, stream, std::move(*answer), head);
    }
    co_return false;
  }
  co_return true;
}

template <class Stream>
asio::awaitable<void> serve_requests(Impl& impl, Stream& stream, Connection& connection) {
  beast::flat_buffer buffer;
  for (;;) {
    // Shutting down: no new request on this connection (it may have registered after the sweep
    // that closes idle connections).
    if (impl.stopping.load()) co_return;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(impl.options.header_bytes_max));
    parser.body_limit(impl.options.body_bytes_max);
    if (!co_await read_request(impl, stream, buffer, parser)) co_return;
    // Shutdown may have closed the socket between the read's completion and this resumption:
    // the request could not be answered, so it must not be acted on.
    if (!beast::get_lowest_layer(stream).socket().is_open()) co_return;
    connection.busy = true;
    ++impl.in_flight;
    Request request = parser.release();
    beast::get_lowest_layer(stream).expires_never();  // the handler may wait for durability
    Response response = co_await call_handler(impl, request);
    const bool keep_alive = request.keep_alive() && !impl.stopping.load();
    response.keep_alive(keep_alive);
    response.set(bhttp::field::server, "Ordo");
    response.prepare_payload();
    if (request.method() == bhttp::verb::head) drop_body_for_head(response);
    beast::get_lowest_layer(stream).expires_after(impl.options.write_timeout);
    beast::error_code ec;
    co_await bhttp::async_write(stream, response, redirect_error(use_awaitable, ec));
    connection.busy = false;
    --impl.in_flight;
    if (ec || !keep_alive) co_return;
  }
}

// Registers the connection for shutdown for as long as the session lives.
class Registration {
 public:
  Registration(Impl& impl, std::shared_ptr<Connection> connection) : impl_(impl) {
    std::lock_guard lock(impl_.mutex);
    id_ = impl_.next_id++;
    impl_.connections.emplace(id_, std::move(connection));
  }
  ~Registration() {
    std::lock_guard lock(impl_.mutex);
    impl_.connections.erase(id_);
    --impl_.open;
    impl_.drained.notify_all();
  }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

 private:
  Impl& impl_;
  std::uint64_t id_ = 0;
};

// Forgets how to close the connection's socket before the stream it refers to goes away.
struct ClearOnExit {
  Connection& connection;
  ~ClearOnExit() { connection.close_socket = nullptr; }
};

asio::awaitable<void> session(Impl& impl, tcp::socket socket) {
  auto connection = std::make_shared<Connection>();
  connection->executor = socket.get_executor();
  Registration registration(impl, connection);
  beast::error_code ec;
  if (!impl.ssl) {
    beast::tcp_stream stream(std::move(socket));
    connection->close_socket = [&stream] { stream.socket().close(); };
    const ClearOnExit clear{*connection};  // also when serve_requests throws
    co_await serve_requests(impl, stream, *connection);
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    // Lingering close: a client refused while still sending its body (413, or a screen's 401)
    // reads its answer only once it has written everything; closing with unread data would
    // reset the connection and lose the answer. Its bytes are read and dropped, for a while.
    if (!ec && !impl.stopping.load()) {
      stream.expires_after(std::chrono::seconds(2));
      std::array<char, 16384> sink;
      for (std::size_t dropped = 0; dropped < (std::size_t{32} << 20);) {
        dropped +=
            co_await stream.async_read_some(asio::buffer(sink), redirect_error(use_awaitable, ec));
        if (ec) break;
      }
    }
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *impl.ssl);
  connection->close_socket = [&stream] { beast::get_lowest_layer(stream).socket().close(); };
  const ClearOnExit clear{*connection};
  beast::get_lowest_layer(stream).expires_after(impl.options.read_timeout);
  co_await stream.async_handshake(asio::ssl::stream_base::server,
                                  redirect_error(use_awaitable, ec));
  if (!ec) {
    co_await serve_requests(impl, stream, *connection);
    beast::get_lowest_layer(stream).expires_after(impl.options.write_timeout);
    co_await stream.async_shutdown(redirect_error(use_awaitable, ec));
  }
}

asio::awaitable<void> refuse(Impl& impl, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  auto response = impl.refusal(503, "Too many connections",
                               "the server holds " + std::to_string(impl.options.connections_max) +
                                   " connections; retry later");
  response.set(bhttp::field::retry_after, "1");
  stream.expires_after(impl.options.write_timeout);
  beast::error_code ec;
  if (!impl.ssl) co_await bhttp::async_write(stream, response, redirect_error(use_awaitable, ec));
  stream.socket().close(ec);
}

void log_exception(std::exception_ptr failure) {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    std::cerr << "ordo serve: connection ended by an error: " << e.what() << "\n";
  }
}

asio::awaitable<void> accept_loop(Impl& impl) {
  for (;;) {
    beast::error_code ec;
    auto& context = *impl.contexts[impl.next_context++ % impl.contexts.size()];
    tcp::socket socket =
        co_await impl.acceptor->async_accept(context, redirect_error(use_awaitable, ec));
    if (impl.stopping.load() || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // Out of file descriptors or a client that reset during accept: pause briefly, go on.
      asio::steady_timer pause(*impl.contexts.front(), std::chrono::milliseconds(10));
      co_await pause.async_wait(redirect_error(use_awaitable, ec));
      continue;
    }
    auto executor = socket.get_executor();
    if (impl.open.load() >= impl.options.connections_max) {
      ++impl.refused;
      asio::co_spawn(executor, refuse(impl, std::move(socket)), asio::detached);
      continue;
    }
    ++impl.open;
    ++impl.accepted;
    asio::co_spawn(executor, session(impl, std::move(socket)), log_exception);
  }
}

Result<void> set_up_tls(Impl& impl, const TlsFiles& files) {
  try {
    impl.ssl.emplace(asio::ssl::context::tls_server);
    impl.ssl->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                          asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                          asio::ssl::context::no_tlsv1_1);
    impl.ssl->use_certificate_chain_file(files.certificate_chain.string());
    impl.ssl->use_private_key_file(files.private_key.string(), asio::ssl::context::pem);
  } catch (const std::exception& e) {
    return fail(ErrorCode::invalid_argument, "TLS certificate or key unusable (" +
                                                 files.certificate_chain.string() + ", " +
                                                 files.private_key.string() + "): " + e.what());
  }
  return {};
}

Result<void> bind(Impl& impl) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl.options.address, ec);
  if (ec)
    return fail(ErrorCode::invalid_argument, "bad listen address '" + impl.options.address + "'");
  const tcp::endpoint endpoint(address, impl.options.port);
  impl.acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl.acceptor->bind(endpoint, ec);
  if (!ec) impl.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return fail(ErrorCode::unavailable, "cannot listen on " + impl.options.address + ":" +
                                            std::to_string(impl.options.port) + ": " +
                                            ec.message());
  }
  return {};
}

}  // namespace

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { shutdown(std::chrono::milliseconds(0)); }

Result<std::unique_ptr<Server>> Server::start(ServerOptions options, Handler handler,
                                              ProblemMaker problem, Screen screen) {
  if (options.io_threads == 0 || options.io_threads > 64) {
    return fail(ErrorCode::invalid_argument, "io threads must be 1..64");
  }
  auto impl = std::make_unique<Impl>(std::move(options));
  impl->handler = std::move(handler);
  impl->problem = std::move(problem);
  impl->screen = std::move(screen);
  if (impl->options.tls) {
    if (auto tls = set_up_tls(*impl, *impl->options.tls); !tls) return std::unexpected(tls.error());
  }
  if (auto bound = bind(*impl); !bound) return std::unexpected(bound.error());
  asio::co_spawn(impl->acceptor->get_executor(), accept_loop(*impl), log_exception);
  for (std::size_t i = 0; i < impl->contexts.size(); ++i) {
    auto& context = *impl->contexts[i];
    impl->work.emplace_back(context.get_executor());
    impl->threads.emplace_back([&context, i] {
      const std::string name = "ordo-http-" + std::to_string(i);
      pthread_setname_np(pthread_self(), name.c_str());
      context.run();
    });
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::uint16_t Server::port() const {
  beast::error_code ec;
  return impl_->acceptor->local_endpoint(ec).port();
}

bool Server::tls() const { return impl_->ssl.has_value(); }

ServerStats Server::stats() const {
  return {impl_->open.load(), impl_->accepted.load(), impl_->refused.load(),
          impl_->in_flight.load()};
}

void Server::shutdown(std::chrono::milliseconds drain_timeout) {
  auto& impl = *impl_;
  if (impl.stopping.exchange(true)) return;
  asio::post(impl.acceptor->get_executor(), [&impl] {
    beast::error_code ec;
    impl.acceptor->close(ec);
  });
  {
    std::unique_lock lock(impl.mutex);
    for (auto& [id, connection] : impl.connections) {
      asio::post(connection->executor, [connection] {
        if (!connection->busy && connection->close_socket) connection->close_socket();
      });
    }
    impl.drained.wait_for(lock, drain_timeout, [&] { return impl.open.load() == 0; });
  }
  impl.work.clear();
  for (auto& context : impl.contexts) context->stop();
  for (auto& thread : impl.threads) thread.join();
  impl.threads.clear();
}

}  // namespace ordo::gateway::http
