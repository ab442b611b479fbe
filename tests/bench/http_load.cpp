// Load generator for Ordo's HTTP API (benchmarks, not tests): HTTP/1.1 keep-alive, one request in
// flight per connection (no pipelining), loopback addresses only.
//
//   http_load --port P --token T --phases RATE:SECONDS[,RATE:SECONDS...] [--mode
//   sellable|orders|promises]
//             [--connections 64] [--threads 1] [--skus 2000] [--channel web] [--run-id ID]
//             [--name NAME] [--latency-slo-ms 10] [--timeout-ms 10000] [--backlog-max 100000]
//             [--seed 1] [--host 127.0.0.1] [--timeline]
//   http_load --closed --phases SECONDS ...   (closed loop: maximum throughput)
//
// Open loop (default): request i of a phase is due at phase_start + i / RATE whatever the server
// does, and its latency is measured from that intended time, not from when it was written: a stall
// of the server (or of this program) shows as the queueing it causes instead of being hidden
// (coordinated omission). Due requests wait for a free connection in a backlog; past --backlog-max
// the oldest are given up and reported as `dropped` (never sent). Nothing is retried: a 503's
// Retry-After is not honoured, since the offered load must not depend on the answers.
// Closed loop (--closed): each connection sends its next request as soon as the previous answer
// arrives, until the single phase's duration is over; latency is from the actual send.
//
// Output on stdout: `# ...` context lines, then one line per phase (numbered from 1):
//   phase=<i> rate=<r|closed> seconds= sent= ok= status_422= status_4xx= status_503= status_5xx=
//   status_other= errors= dropped= throughput_per_s= goodput_per_s= failures= p50_us= p99_us=
//   p999_us= max_us= [recovery_ms= recovered=yes|no]      (recovery: phases after the first)
// With --name NAME, figures as `BENCH <name> <value> <unit>`: with one phase NAME_rps (req/s),
// NAME_p50, NAME_p99, NAME_p999 (ms), NAME_goodput (req/s), NAME_failures (requests),
// NAME_503_share (%); with several phases the same seven suffixed _phase<i> for every phase, plus
// NAME_recovery (ms) of the last phase.
// --timeline prints every 100 ms window to stderr at the end. The `# generator:` line says how
// late this program itself was (schedule_lag_max_us; admitted_late_1ms: requests it queued more
// than 1 ms after their intended time): latency it added, which a busy machine makes visible.
//
// Definitions. A request belongs to the phase and 100 ms window of its intended send time. ok: the
// mode's success (201 for orders, 200 for reads; another 2xx is status_other); status_4xx: 4xx
// other than 422 (422 is a business rejection, a valid answer); errors: connection failures,
// timeouts
// (--timeout-ms from the actual send), malformed or chunked responses; failures: status_4xx, 503,
// 5xx, other, errors and dropped. rps (throughput) = answered requests of any status / phase
// seconds; goodput = ok answers received during the phase (by answer time) / phase seconds;
// percentiles over answered requests of any status (nearest rank, within 0.8%); 503_share = 503 /
// sent. recovery_ms: from the phase start to the start of the first 100 ms window from which on the
// requests of every following second (this window and the next nine, and so on) have p99 <=
// --latency-slo-ms and no 503, error or drop; the phase length with recovered=no when the last
// one still fails. Exit status: 0 after a run whatever the answers,
// 1 if the server cannot be reached or answered nothing, 2 for bad options.
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "bench_support.h"
#include "http_load_options.h"
#include "http_load_plan.h"
#include "http_load_report.h"
#include "latency_stats.h"

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;
using ordo::bench::strf;
using namespace std::chrono_literals;

constexpr auto kTick = 100ms;           // timeout sweep and end-of-run check
constexpr auto kStartDelay = 300ms;     // lets the connections open before the first request is due
constexpr auto kReconnectDelay = 50ms;  // after a refused connect: no busy loop on a dead server
constexpr std::size_t kResponseHeadMax = 16 * 1024;
constexpr std::uint64_t kCustomers = 5000;

void append_number(std::string& out, std::uint64_t value, std::size_t width_min = 0) {
  char digits[24];
  const auto stop = std::to_chars(digits, digits + sizeof digits, value).ptr;
  const auto length = static_cast<std::size_t>(stop - digits);
  if (length < width_min) out.append(width_min - length, '0');
  out.append(digits, stop);
}

// The constant parts of every request are built once; per request only numbers are appended, into
// buffers each connection reserves once, so that sending allocates nothing.
class Requests {
 public:
  explicit Requests(const Options& o) : mode_(o.mode) {
    const bool v6 = asio::ip::make_address(o.host).is_v6();
    const std::string common = "Host: " + (v6 ? "[" + o.host + "]" : o.host) + ":" +
                               std::to_string(o.port) + "\r\nAuthorization: Bearer " + o.token;
    get_head_ = "GET /v1/sellable-stock?channel=" + o.channel + "&sku=SKU-";
    get_tail_ = " HTTP/1.1\r\n" + common + "\r\n\r\n";
    post_head_ = "POST /v1/orders HTTP/1.1\r\n" + common +
                 "\r\nContent-Type: application/json\r\nIdempotency-Key: LOAD-" + o.run_id + "-";
    body_order_ = R"({"order_id":"LOAD-)" + o.run_id + "-";
    body_customer_ = R"(","channel":")" + o.channel + R"(","customer_id":"C-)";
    body_email_ = R"(","email":"c)";
    body_sku_ = R"(@example.fr","currency":"EUR","delivery_method":"home_standard",)"
                R"("delivery_address":{"name":"Jeanne Martin","line1":"12 rue de la Paix",)"
                R"("postcode":"75002","city":"Paris","country":"FR"},)"
                R"("lines":[{"line":1,"sku":"SKU-)";
    body_end_ = R"(","quantity":1,"unit_price_minor":1999}]})";
    promise_head_ = "POST /v1/promises HTTP/1.1\r\n" + common +
                    "\r\nContent-Type: application/json\r\nContent-Length: ";
    skus_ = o.skus;
  }

  // A checkout's 3-line cart to one of a few real postcodes.
  void promise(std::size_t sku, std::string& request, std::string& body) const {
    static constexpr const char* kPostcodes[] = {"75011", "69002", "13001", "33000",
                                                 "31000", "59000", "67000", "44000"};
    body.assign(R"({"channel":"web","destination":{"country":"FR","postcode":")");
    body.append(kPostcodes[sku % std::size(kPostcodes)]);
    body.append(R"("},"lines":[)");
    for (std::size_t i = 0; i < 3; ++i) {
      body.append(i == 0 ? R"({"sku":"SKU-)" : R"(,{"sku":"SKU-)");
      append_number(body, 1 + (sku - 1 + i * 7) % std::max<std::size_t>(skus_, 1), 5);
      body.append(R"(","quantity":1})");
    }
    body.append("]}");
    request.assign(promise_head_);
    append_number(request, body.size());
    request.append("\r\n\r\n").append(body);
  }

  void build(std::uint64_t number, std::size_t sku, std::string& request, std::string& body) const {
    if (mode_ == Mode::promises) {
      promise(sku, request, body);
      return;
    }
    if (mode_ == Mode::sellable) {
      request.assign(get_head_);
      append_number(request, sku, 5);
      request.append(get_tail_);
      return;
    }
    body.assign(body_order_);
    append_number(body, number);
    body.append(body_customer_);
    append_number(body, number % kCustomers);
    body.append(body_email_);
    append_number(body, number % kCustomers);
    body.append(body_sku_);
    append_number(body, sku, 5);
    body.append(body_end_);
    request.assign(post_head_);
    append_number(request, number);
    request.append("\r\nContent-Length: ");
    append_number(request, body.size());
    request.append("\r\n\r\n").append(body);
  }

 private:
  Mode mode_;
  std::string get_head_, get_tail_, post_head_;
  std::string body_order_, body_customer_, body_email_, body_sku_, body_end_;
  std::string promise_head_;
  std::size_t skus_ = 1;
};

std::uint64_t us_between(Clock::time_point from, Clock::time_point to) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
  return static_cast<std::uint64_t>(std::max<std::int64_t>(0, us));
}

// What a request is counted against.
struct Pending {
  std::uint64_t number = 0;  // unique in the run: the order number in orders mode
  std::size_t phase = 0;
  Clock::time_point intended;  // latency is measured from here
};

class Worker;

// One keep-alive connection carrying one request at a time; reopened after any failure.
// Used only from its worker's io thread.
class Connection {
 public:
  Connection(Worker& worker, asio::io_context& io) : worker_(worker), socket_(io), retry_(io) {
    request_.reserve(1024);
    body_.reserve(1024);
  }
  void open();
  void send(const Pending& pending);
  void expire_if_late(Clock::time_point now, Clock::duration timeout);
  void abandon();  // end of run: the request in flight counts as an error
  void shut();
  bool busy() const { return busy_; }

 private:
  void read_more();
  void on_bytes(std::size_t bytes);
  bool parse_head(std::string_view head);
  void complete();
  void fail();
  void close_socket();

  Worker& worker_;
  tcp::socket socket_;
  asio::steady_timer retry_;
  std::string request_, body_;
  std::array<char, kResponseHeadMax> buffer_;
  std::size_t filled_ = 0;
  std::uint64_t body_left_ = 0;
  int status_ = 0;
  bool busy_ = false, head_done_ = false, close_after_ = false, expired_ = false;
  Pending pending_;
  Clock::time_point sent_at_;
};

// One io thread: its share of the connections, of the requests (numbers congruent to its index
// modulo --threads) and of the statistics, merged by main after the run. Nothing is shared but the
// read-only plan, options and request texts.
class Worker {
 public:
  Worker(const Options& options, const Plan& plan, const Requests& requests, std::size_t index,
         tcp::endpoint endpoint)
      : options_(options),
        plan_(plan),
        requests_(requests),
        index_(index),
        endpoint_(endpoint),
        local_total_(plan.total > index ? (plan.total - index - 1) / options.threads + 1 : 0),
        random_(options.seed * 1'000'003 + index),
        sku_(1, options.skus) {
    for (std::size_t c = index; c < options.connections; c += options.threads)
      connections_.push_back(std::make_unique<Connection>(*this, io_));
    idle_.reserve(connections_.size());
    for (const PlannedPhase& phase : plan.phases) {
      stats_.emplace_back().windows.resize(phase.windows);
      if (options.timeline) stats_.back().window_latency.resize(phase.windows);
    }
  }

  void run() {
    for (auto& connection : connections_) connection->open();
    arm_schedule(plan_.start);
    arm_tick();
    io_.run();
  }

  void on_idle(Connection& connection);
  void on_answer(const Pending& pending, int status);
  void on_error(const Pending& pending) { bump(pending, &Counts::errors); }
  void on_reconnect() { ++reconnects_; }

  const tcp::endpoint& endpoint() const { return endpoint_; }
  const Requests& requests() const { return requests_; }
  std::size_t random_sku() { return sku_(random_); }
  bool stopped() const { return stopped_; }
  std::vector<PhaseStats>& stats() { return stats_; }
  std::uint64_t lag_max_us() const { return lag_max_us_; }
  std::uint64_t admitted_late() const { return admitted_late_; }
  std::uint64_t backlog_peak() const { return backlog_peak_; }
  std::uint64_t reconnects() const { return reconnects_; }

 private:
  Pending pending_of(std::uint64_t local) const {
    const std::uint64_t number = local * options_.threads + index_;
    const std::size_t phase = plan_.phase_of(number);
    return {number, phase, plan_.intended(number, phase)};
  }
  // Adds one to `field` of the request's phase and of its window.
  void bump(const Pending& pending, std::uint64_t Counts::*field) {
    PhaseStats& phase = stats_[pending.phase];
    ++(phase.counts.*field);
    ++(phase.windows[plan_.window_of(pending.phase, pending.intended)].*field);
  }
  void send(Connection& connection, const Pending& pending);
  void arm_schedule(Clock::time_point at);
  void admit_due(Clock::time_point now);
  void dispatch();
  void arm_tick();
  bool finished(Clock::time_point now);
  void drop(const Pending& pending);

  const Options& options_;
  const Plan& plan_;
  const Requests& requests_;
  std::size_t index_;
  tcp::endpoint endpoint_;
  asio::io_context io_{1};
  asio::steady_timer schedule_{io_}, tick_{io_};
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<Connection*> idle_;
  std::uint64_t local_total_, due_ = 0, dispatched_ = 0, closed_sent_ = 0;
  std::uint64_t lag_max_us_ = 0, admitted_late_ = 0, backlog_peak_ = 0, reconnects_ = 0;
  std::mt19937_64 random_;
  std::uniform_int_distribution<std::size_t> sku_;
  std::vector<PhaseStats> stats_;
  bool stopped_ = false;
};

void Connection::open() {
  socket_.async_connect(worker_.endpoint(), [this](const error_code& ec) {
    if (worker_.stopped()) return;
    if (!ec) {
      error_code ignored;
      socket_.set_option(tcp::no_delay(true), ignored);
      return worker_.on_idle(*this);
    }
    close_socket();
    retry_.expires_after(kReconnectDelay);
    retry_.async_wait([this](const error_code& wait_ec) {
      if (!wait_ec && !worker_.stopped()) open();
    });
  });
}

void Connection::send(const Pending& pending) {
  pending_ = pending;
  busy_ = true;
  expired_ = false;
  worker_.requests().build(pending.number, worker_.random_sku(), request_, body_);
  sent_at_ = Clock::now();
  asio::async_write(socket_, asio::buffer(request_), [this](const error_code& ec, std::size_t) {
    if (ec) return fail();
    filled_ = 0;
    head_done_ = false;
    read_more();
  });
}

void Connection::expire_if_late(Clock::time_point now, Clock::duration timeout) {
  if (!busy_ || expired_ || now - sent_at_ < timeout) return;
  expired_ = true;
  close_socket();  // the pending write or read completes with operation_aborted, hence fail()
}

void Connection::abandon() {
  if (!busy_) return;
  busy_ = false;
  worker_.on_error(pending_);
}

void Connection::shut() {
  retry_.cancel();
  close_socket();
}

void Connection::close_socket() {
  error_code ignored;
  socket_.close(ignored);
}

void Connection::read_more() {
  socket_.async_read_some(asio::buffer(buffer_.data() + filled_, buffer_.size() - filled_),
                          [this](const error_code& ec, std::size_t bytes) {
                            if (ec) return fail();
                            on_bytes(bytes);
                          });
}

// The head is kept until complete; body bytes are only counted (read over the same buffer).
void Connection::on_bytes(std::size_t bytes) {
  if (!head_done_) {
    filled_ += bytes;
    const std::string_view seen(buffer_.data(), filled_);
    const std::size_t head_end = seen.find("\r\n\r\n");
    if (head_end == seen.npos) return filled_ == buffer_.size() ? fail() : read_more();
    if (!parse_head(seen.substr(0, head_end + 2))) return fail();
    head_done_ = true;
    bytes = filled_ - (head_end + 4);
    filled_ = 0;
  }
  if (bytes > body_left_) return fail();  // more than one response: the server answered unasked
  body_left_ -= bytes;
  if (body_left_ > 0) return read_more();
  complete();
}

bool iequals(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

// Minimal: the status, Content-Length and Connection. Chunked bodies are refused (the server sends
// Content-Length), as are interim 1xx answers (no Expect header is sent).
bool Connection::parse_head(std::string_view head) {
  if (head.size() < 14 || !head.starts_with("HTTP/1.") || head[8] != ' ') return false;
  const auto [stop, ec] = std::from_chars(head.data() + 9, head.data() + 12, status_);
  if (ec != std::errc{} || stop != head.data() + 12 || status_ < 200) return false;
  close_after_ = head[7] == '0';  // HTTP/1.0 closes unless told otherwise
  bool has_length = false;
  body_left_ = 0;
  for (std::size_t line = head.find("\r\n") + 2; line < head.size();) {
    const std::size_t eol = head.find("\r\n", line);
    const std::string_view field = head.substr(line, eol - line);
    line = eol + 2;
    const std::size_t colon = field.find(':');
    if (colon == field.npos) return false;
    std::string_view value = field.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    const std::string_view name = field.substr(0, colon);
    if (iequals(name, "transfer-encoding")) return false;
    if (iequals(name, "connection")) close_after_ = iequals(value, "close");
    if (!iequals(name, "content-length")) continue;
    const auto parsed = std::from_chars(value.data(), value.data() + value.size(), body_left_);
    if (parsed.ec != std::errc{} || parsed.ptr != value.data() + value.size()) return false;
    has_length = true;
  }
  return has_length || status_ == 204 || status_ == 304;
}

void Connection::complete() {
  busy_ = false;
  worker_.on_answer(pending_, status_);
  if (!close_after_) return worker_.on_idle(*this);
  close_socket();
  worker_.on_reconnect();
  open();
}

void Connection::fail() {
  if (worker_.stopped()) return;
  if (busy_) {
    busy_ = false;
    worker_.on_error(pending_);
  }
  close_socket();
  worker_.on_reconnect();
  open();
}

void Worker::on_idle(Connection& connection) {
  if (!options_.closed) {
    idle_.push_back(&connection);
    return dispatch();
  }
  const auto now = Clock::now();
  if (now < plan_.start || now >= plan_.end) return idle_.push_back(&connection);
  send(connection, {closed_sent_++ * options_.threads + index_, 0, now});
}

void Worker::on_answer(const Pending& pending, int status) {
  const auto now = Clock::now();
  const std::uint64_t latency_us = us_between(pending.intended, now);
  const bool ok = status == options_.success_status();
  if (const auto answered_in = plan_.phase_at(now); ok && answered_in)
    ++stats_[*answered_in].ok_answered;
  bump(pending, ok                  ? &Counts::ok
                : status == 422     ? &Counts::status_422
                : status / 100 == 4 ? &Counts::status_4xx
                : status == 503     ? &Counts::status_503
                : status / 100 == 5 ? &Counts::status_5xx
                                    : &Counts::status_other);
  if (static_cast<double>(latency_us) > options_.latency_slo_ms * 1000)
    bump(pending, &Counts::over_slo);
  PhaseStats& phase = stats_[pending.phase];
  phase.latency.record(latency_us);
  if (!phase.window_latency.empty())
    phase.window_latency[plan_.window_of(pending.phase, pending.intended)].record(latency_us);
}

void Worker::send(Connection& connection, const Pending& pending) {
  bump(pending, &Counts::sent);
  connection.send(pending);
}

// Open loop: admits what is due and sleeps until the next intended time. Closed loop: the start.
void Worker::arm_schedule(Clock::time_point at) {
  schedule_.expires_at(at);
  schedule_.async_wait([this](const error_code& ec) {
    if (ec || stopped_) return;
    const auto now = Clock::now();
    if (options_.closed) {
      std::vector<Connection*> ready;
      ready.swap(idle_);
      for (Connection* connection : ready) on_idle(*connection);
      return;
    }
    admit_due(now);
    dispatch();
    if (due_ < local_total_) arm_schedule(pending_of(due_).intended);
  });
}

void Worker::admit_due(Clock::time_point now) {
  // How late this thread wakes for a due request: the generator's own share of the latency.
  if (due_ < local_total_)
    lag_max_us_ = std::max(lag_max_us_, us_between(pending_of(due_).intended, now));
  while (due_ < local_total_ && pending_of(due_).intended <= now) {
    if (now - pending_of(due_).intended > 1ms) ++admitted_late_;
    ++due_;
    if (due_ - dispatched_ > options_.backlog_max) drop(pending_of(dispatched_++));
  }
  backlog_peak_ = std::max(backlog_peak_, due_ - dispatched_);
}

void Worker::dispatch() {
  while (dispatched_ < due_ && !idle_.empty()) {
    Connection* connection = idle_.back();
    idle_.pop_back();
    send(*connection, pending_of(dispatched_++));
  }
}

void Worker::drop(const Pending& pending) { bump(pending, &Counts::dropped); }

void Worker::arm_tick() {
  tick_.expires_after(kTick);
  tick_.async_wait([this](const error_code& ec) {
    if (ec || stopped_) return;
    const auto now = Clock::now();
    const auto timeout = ordo::bench::to_duration(options_.timeout_ms / 1000);
    for (auto& connection : connections_) connection->expire_if_late(now, timeout);
    if (!finished(now)) return arm_tick();
    stopped_ = true;
    schedule_.cancel();
    for (auto& connection : connections_) connection->shut();
    io_.stop();
  });
}

// After the last phase: done when every request is answered or failed; past the drain deadline,
// what is still queued was never sent and what is in flight never answered.
bool Worker::finished(Clock::time_point now) {
  if (now < plan_.end) return false;
  const bool quiet = std::none_of(connections_.begin(), connections_.end(),
                                  [](const auto& connection) { return connection->busy(); });
  if (quiet && dispatched_ == local_total_) return true;
  if (now < plan_.end + ordo::bench::to_duration(options_.timeout_ms / 1000) + 1s) return false;
  admit_due(now);
  while (dispatched_ < due_) drop(pending_of(dispatched_++));
  for (auto& connection : connections_) connection->abandon();
  return true;
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

int run(const Options& options) {
  const tcp::endpoint endpoint(asio::ip::make_address(options.host), options.port);
  asio::io_context probe_io;
  tcp::socket probe(probe_io);
  error_code ec;
  if (probe.connect(endpoint, ec); ec)  // a clear message rather than a run of errors
    throw std::runtime_error(strf("cannot connect to %s:%u: %s", options.host.c_str(),
                                  unsigned{options.port}, ec.message().c_str()));
  probe.close(ec);
  print_context(options);
  const Requests requests(options);
  const Plan plan = make_plan(options, Clock::now() + kStartDelay);
  std::vector<std::unique_ptr<Worker>> workers;
  for (std::size_t t = 0; t < options.threads; ++t)
    workers.push_back(std::make_unique<Worker>(options, plan, requests, t, endpoint));
  const double cpu_before = cpu_seconds();
  {
    std::vector<std::jthread> threads;
    for (auto& worker : workers) threads.emplace_back([&worker = *worker] { worker.run(); });
  }
  std::vector<PhaseStats> all = std::move(workers.front()->stats());
  std::uint64_t lag_max_us = 0, admitted_late = 0, backlog_peak = 0, reconnects = 0;
  for (std::size_t t = 0; t < workers.size(); ++t) {
    for (std::size_t p = 0; t > 0 && p < all.size(); ++p) all[p].merge(workers[t]->stats()[p]);
    lag_max_us = std::max(lag_max_us, workers[t]->lag_max_us());
    admitted_late += workers[t]->admitted_late();
    backlog_peak += workers[t]->backlog_peak();
    reconnects += workers[t]->reconnects();
  }
  ordo::bench::note(strf("generator: cpu_s=%.2f wall_s=%.2f", cpu_seconds() - cpu_before,
                         ordo::bench::seconds_since(plan.start)) +
                    fields({{"schedule_lag_max_us", lag_max_us},
                            {"admitted_late_1ms", admitted_late},
                            {"backlog_peak", backlog_peak},
                            {"reconnects", reconnects}}));
  if (options.timeline) print_timeline(plan, all);
  std::uint64_t answered = 0;
  for (std::size_t p = 0; p < all.size(); ++p) {
    std::printf("%s\n", phase_line(options, plan, all, p).c_str());
    answered += all[p].counts.answered();
    if (p > 0 && !recovery_of(all[p], plan.phases[p]).recovered)
      ordo::bench::note(strf(
          "phase %zu did not recover: its last 100 ms window still missed the objective", p + 1));
  }
  std::fflush(stdout);
  if (!options.name.empty()) print_figures(options, plan, all);
  if (answered == 0) throw std::runtime_error("no request was answered");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--help") return std::fputs(kUsage, stdout), 0;
  }
  Options options;
  try {
    options = parse_options(argc, argv);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "http_load: %s\n%s", e.what(), kUsage);
    return 2;
  }
  try {
    return run(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "http_load: %s\n", e.what());
    return 1;
  }
}
