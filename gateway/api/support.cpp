#include "gateway/api/support.h"

#include <openssl/evp.h>

#include <boost/beast/core/string.hpp>
#include <charconv>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "base/clock.h"
#include "gateway/http/asio.h"

namespace ordo::gateway::api {
namespace {

namespace asio = boost::asio;
using bhttp_field = http::bhttp::field;
constexpr std::size_t kNestingMax = 64;
constexpr std::size_t kIdempotencyKeyBytesMax = 200;
constexpr auto kProjectionWaitMax = std::chrono::milliseconds(2000);

// nlohmann's parser is iterative but a deeply nested document still costs memory and time for
// nothing: refuse it before parsing. Counts brackets outside strings.
bool nested_too_deep(std::string_view body) {
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kNestingMax) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

}  // namespace

// The coroutine waits on a timer that the pipeline's answer cancels, from a function posted to the
// coroutine's own executor (its connection's I/O thread): the answer is stored and the coroutine
// resumed on that thread only, whatever thread the pipeline answers on.
template <class T>
struct Waiter {
  explicit Waiter(const asio::any_io_executor& executor)
      : timer(executor, asio::steady_timer::time_point::max()) {}
  std::optional<T> value;
  asio::steady_timer timer;
};

template <class T>
void deliver(std::shared_ptr<Waiter<T>> waiter, const asio::any_io_executor& executor, T value) {
  asio::post(executor, [waiter = std::move(waiter), value = std::move(value)]() mutable {
    waiter->value = std::move(value);
    waiter->timer.cancel();
  });
}

template <class T>
asio::awaitable<T> wait_for(std::shared_ptr<Waiter<T>> waiter) {
  while (!waiter->value) {
    boost::system::error_code ec;
    co_await waiter->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return std::move(*waiter->value);
}

asio::awaitable<engine::Answer> submit(engine::Pipeline& pipeline, engine::Submission submission) {
  auto executor = co_await asio::this_coro::executor;
  auto waiter = std::make_shared<Waiter<engine::Answer>>(executor);
  pipeline.submit(std::move(submission), [waiter, executor](engine::Answer answer) mutable {
    deliver(std::move(waiter), executor, std::move(answer));
  });
  co_return co_await wait_for(waiter);
}

namespace {
// The running import, if any: its thread outlives no pipeline (wait_for_imports).
std::mutex g_imports_mutex;
std::condition_variable g_imports_cv;
bool g_import_running = false;
}  // namespace

asio::awaitable<std::optional<Result<bulk::Report>>> import_off_thread(engine::Pipeline& pipeline,
                                                                       bulk::Rows rows,
                                                                       bulk::ApplyOptions options) {
  {
    std::lock_guard lock(g_imports_mutex);
    if (g_import_running) co_return std::nullopt;
    g_import_running = true;
  }
  auto executor = co_await asio::this_coro::executor;
  auto waiter = std::make_shared<Waiter<Result<bulk::Report>>>(executor);
  std::thread([&pipeline, waiter, executor, rows = std::move(rows),
               options = std::move(options)]() mutable {
    auto report = bulk::run_import(pipeline, std::move(rows), options);
    {
      // Done before answering: a client that sends its next file on the answer finds no
      // import running.
      std::lock_guard lock(g_imports_mutex);
      g_import_running = false;
      g_imports_cv.notify_all();
    }
    deliver(waiter, executor, std::move(report));
  }).detach();
  co_return co_await wait_for(waiter);
}

void wait_for_imports() {
  std::unique_lock lock(g_imports_mutex);
  g_imports_cv.wait(lock, [] { return !g_import_running; });
}

asio::awaitable<std::vector<engine::Answer>> submit_all(
    engine::Pipeline& pipeline, std::vector<engine::Submission> submissions) {
  using Answers = std::vector<engine::Answer>;
  struct Gather {
    std::mutex mutex;
    Answers answers;
    std::size_t remaining = 0;
  };
  auto executor = co_await asio::this_coro::executor;
  auto waiter = std::make_shared<Waiter<Answers>>(executor);
  if (submissions.empty()) co_return Answers{};
  auto gather = std::make_shared<Gather>();
  gather->answers.resize(submissions.size(), std::unexpected(engine::Refusal(Error{})));
  gather->remaining = submissions.size();
  for (std::size_t i = 0; i < submissions.size(); ++i) {
    pipeline.submit(std::move(submissions[i]), [waiter, gather, executor, i](engine::Answer a) {
      std::unique_lock lock(gather->mutex);
      gather->answers[i] = std::move(a);
      if (--gather->remaining != 0) return;
      Answers all = std::move(gather->answers);
      lock.unlock();
      deliver(waiter, executor, std::move(all));
    });
  }
  co_return co_await wait_for(waiter);
}

std::variant<nlohmann::json, http::Response> parse_body(const http::Request& request) {
  const auto type = request[bhttp_field::content_type];
  if (!boost::beast::iequals(type.substr(0, std::min<std::size_t>(type.size(), 16)),
                             "application/json")) {
    return problem(415, "unsupported-media-type", "Unsupported media type",
                   "the body must be application/json (Content-Type: " +
                       (type.empty() ? std::string("none") : std::string(type)) + ")");
  }
  // JSON is UTF-8 (RFC 8259): a body declared in another charset would be read as what it is not.
  if (const auto charset = type.find("charset="); charset != std::string_view::npos) {
    std::string name(type.substr(charset + 8));
    name = name.substr(0, name.find(';'));
    std::erase(name, '"');
    std::erase(name, ' ');
    if (!boost::beast::iequals(name, "utf-8") && !boost::beast::iequals(name, "utf8")) {
      return problem(415, "unsupported-media-type", "Unsupported media type",
                     "JSON bodies are UTF-8; this one says charset=" + name.substr(0, 40));
    }
  }
  const auto& body = request.body();
  if (body.empty()) return problem(400, "malformed-json", "Malformed JSON", "the body is empty");
  // The JSON parser takes a NUL byte for the end of the input: a valid document followed by a NUL
  // and more bytes would be read as the document alone, so what Ordo acts on would not be what was
  // sent. A raw NUL is never valid JSON (in a string it is written \u0000).
  if (const auto nul = body.find('\0'); nul != std::string::npos) {
    return problem(400, "malformed-json", "Malformed JSON",
                   "the body holds a NUL byte at offset " + std::to_string(nul));
  }
  if (nested_too_deep(body)) {
    return problem(400, "malformed-json", "Malformed JSON",
                   "the body is nested deeper than " + std::to_string(kNestingMax) + " levels");
  }
  // A key given twice in one object would be silently overwritten by the last one, while a proxy
  // or log in front of Ordo may read the first: refuse the body instead.
  std::vector<std::set<std::string>> keys;  // of each object being parsed, innermost last
  std::optional<std::string> duplicate;
  const auto check_keys = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start) keys.emplace_back();
    if (event == Event::object_end && !keys.empty()) keys.pop_back();
    if (event == Event::key && !keys.empty() &&
        !keys.back().insert(parsed.get<std::string>()).second && !duplicate) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  };
  try {
    auto document = nlohmann::json::parse(body, check_keys);
    if (duplicate) {
      return problem(400, "malformed-json", "Malformed JSON",
                     "the key \"" + duplicate->substr(0, 60) + "\" appears twice in one object");
    }
    return document;
  } catch (const nlohmann::json::exception& e) {
    // e.g. "[json.exception.parse_error.101] parse error at line 1, column 9: syntax error ...",
    // or out_of_range for a number beyond a double (1e400).
    std::string detail = e.what();
    if (auto at = detail.find("] "); at != std::string::npos) detail = detail.substr(at + 2);
    return problem(400, "malformed-json", "Malformed JSON", detail);
  }
}

http::Response refusal(const engine::Refusal& refusal) {
  if (const auto* r = std::get_if<domain::Rejection>(&refusal)) {
    using Code = domain::Rejection::Code;
    switch (r->code) {
      case Code::invalid:
        return problem(422, "rejected", "Request rejected", r->reason);
      case Code::not_found:
        return problem(404, "not-found", "Not found", r->reason);
      case Code::already_exists:
        return problem(409, "already-exists", "Already exists", r->reason);
      case Code::wrong_state:
        return problem(409, "wrong-state", "Not allowed now", r->reason);
      case Code::lost:
        return problem(409, "offer-lost", "Another site won the offer", r->reason);
      case Code::expired:
        return problem(409, "offer-expired", "The offer is over", r->reason);
      case Code::insufficient_stock:
        return problem(422, "out-of-stock", "Not enough stock", r->reason);
    }
  }
  const auto& e = std::get<Error>(refusal);
  switch (e.code) {
    case ErrorCode::overloaded:
    case ErrorCode::unavailable: {
      // The store's own words (paths, RocksDB status) go to the log, not to the client.
      if (e.code == ErrorCode::unavailable) std::cerr << "ordo serve: " << e.to_string() << "\n";
      auto response = problem(503, "unavailable", "Service unavailable",
                              e.code == ErrorCode::overloaded
                                  ? "too many commands are waiting; retry after Retry-After seconds"
                                  : "the engine cannot write now; retry later");
      response.set(bhttp_field::retry_after, e.code == ErrorCode::overloaded ? "1" : "5");
      return response;
    }
    case ErrorCode::permission_denied:
      return problem(403, "forbidden", "Forbidden", e.message);
    case ErrorCode::idempotency_mismatch:
      return problem(422, "idempotency-key-reused", "Idempotency key reused",
                     "this Idempotency-Key was used before with another request; use a new key "
                     "for a new request");
    case ErrorCode::conflict:
      return problem(409, "conflict", "Conflict", e.message);
    case ErrorCode::invalid_argument:
      return problem(422, "rejected", "Request rejected", e.message);
    default:
      std::cerr << "ordo serve: " << e.to_string() << "\n";
      return problem(500, "internal", "Internal error",
                     "the request failed inside Ordo; it was logged");
  }
}

asio::awaitable<std::optional<http::Response>> await_projection(Engine& engine,
                                                                const Context& context) {
  const auto text = context.param("min_position");
  if (!text) co_return std::nullopt;
  const auto position = parse_u64(*text);
  if (!position) co_return bad_parameter("min_position", "min_position must be a log position");
  if (*position > engine.store.durable_position()) {
    co_return bad_parameter("min_position", "min_position is beyond the log's last durable event");
  }
  if (engine.projector.failed()) {
    auto response = problem(503, "projection-behind", "Query models stopped",
                            "the query models stopped on an error; an operator must look");
    response.set(bhttp_field::retry_after, "5");
    co_return response;
  }
  const auto deadline = std::chrono::steady_clock::now() + kProjectionWaitMax;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (engine.projector.position() < *position) {
    if (std::chrono::steady_clock::now() >= deadline) {
      auto response = problem(
          503, "projection-behind", "Query models behind",
          "the query models have not reached position " + std::string(*text) + " yet; retry");
      response.set(bhttp_field::retry_after, "1");
      co_return response;
    }
    timer.expires_after(std::chrono::milliseconds(1));
    co_await timer.async_wait(asio::use_awaitable);
  }
  co_return std::nullopt;
}

std::variant<std::nullopt_t, std::string, http::Response> idempotency_key(const Context& context) {
  const auto it = context.request.find("Idempotency-Key");
  if (it == context.request.end()) return std::nullopt;
  const auto key = it->value();
  const bool printable =
      std::all_of(key.begin(), key.end(), [](char c) { return c > ' ' && c < 127; });
  if (key.empty() || key.size() > kIdempotencyKeyBytesMax || !printable) {
    return problem(400, "bad-header", "Bad Idempotency-Key",
                   "Idempotency-Key must be 1 to 200 printable ASCII characters without spaces");
  }
  return "http/" + context.principal.id + "/" + std::string(key);
}

eventstore::Hash256 request_hash(const http::Request& request) {
  // The method and path are in it: a key reused for another step, order or route is another
  // request, however alike the bodies.
  const std::string_view method = request.method_string();
  const std::string_view target = request.target();
  const std::string_view path = target.substr(0, std::min(target.find('?'), target.size()));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  eventstore::Hash256 hash{};
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) return hash;
  for (std::string_view part : {method, std::string_view(" "), path, std::string_view("\n"),
                                std::string_view(request.body())}) {
    EVP_DigestUpdate(context.get(), part.data(), part.size());
  }
  EVP_DigestFinal_ex(context.get(), hash.data(), nullptr);
  return hash;
}

std::int64_t now_us() { return ordo::now_us(); }

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

http::Response forbidden(const std::string& reason) {
  return problem(403, "forbidden", "Forbidden", reason);
}

http::Response not_found(const std::string& detail) {
  return problem(404, "not-found", "Not found", detail);
}

http::Response bad_parameter(std::string_view name, const std::string& detail) {
  return problem(400, "bad-parameter", "Bad query parameter", detail,
                 {{"#/query/" + std::string(name), detail}});
}

http::Response validation(const std::vector<domain::ConfigError>& errors) {
  const auto detail = errors.size() == 1 ? errors.front().pointer + ": " + errors.front().message
                                         : std::to_string(errors.size()) + " fields are invalid";
  return problem(422, "validation", "Invalid request", detail, field_errors(errors));
}

http::Response with_position(http::Response response, std::uint64_t position) {
  response.set("Ordo-Position", std::to_string(position));
  return response;
}

std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ordo::gateway::api
