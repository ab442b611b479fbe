// Load generator for Ordo's HTTP API (benchmarks, not tests): HTTP/1.1 keep-alive, one request in
// flight per connection (no pipelining), loopback addresses only.
//
//   http_load --port P --token T --phases RATE:SECONDS[,RATE:SECONDS...] [--mode sellable|orders]
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
//   status_other= errors= dropped= throughput_per_s= goodput_per_s= p50_us= p99_us= p999_us=
//   max_us= [recovery_ms= recovered=yes|no]      (recovery: phases after the first)
// With --name NAME, figures as `BENCH <name> <value> <unit>`: with one phase NAME_rps (req/s),
// NAME_p50, NAME_p99, NAME_p999 (ms), NAME_goodput (req/s), NAME_503_share (%); with several phases
// the same six suffixed _phase<i> for every phase, plus NAME_recovery (ms) of the last phase.
// --timeline prints every 100 ms window to stderr at the end. The `# generator:` line says how
// late this program itself was (schedule_lag_max_us; admitted_late_1ms: requests it queued more
// than 1 ms after their intended time): latency it added, which a busy machine makes visible.
//
// Definitions. A request belongs to the phase and 100 ms window of its intended send time. ok: 2xx;
// status_4xx: 4xx other than 422 (422 is a business rejection, a valid answer); errors: connection
// failures, timeouts (--timeout-ms from the actual send), malformed or chunked responses. rps
// (throughput) = answered requests of any status / phase seconds; goodput = 2xx / phase seconds;
// percentiles over answered requests of any status (nearest rank, within 0.8%); 503_share = 503 /
// sent. recovery_ms: from the phase start to the start of the first 100 ms window from which on the
// requests of every following second (this window and the next nine, and so on) have p99 <=
// --latency-slo-ms and no 503, error or drop; the phase length with recovered=no when the last
// one still fails. Exit status: 0 after a run whatever the answers,
// 1 if the server cannot be reached or answered nothing, 2 for bad options.
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <bit>
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

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;
using ordo::bench::strf;
using namespace std::chrono_literals;

constexpr auto kWindow = 100ms;         // recovery and timeline granularity
constexpr std::size_t kRecoveryWindows = 10;  // recovery is judged on 1 s of requests
constexpr auto kTick = 100ms;           // timeout sweep and end-of-run check
constexpr auto kStartDelay = 300ms;     // lets the connections open before the first request is due
constexpr auto kReconnectDelay = 50ms;  // after a refused connect: no busy loop on a dead server
constexpr std::uint64_t kLatencyMaxUs = 60'000'000;  // larger latencies are clamped (max_us is not)
constexpr std::size_t kPhasesMax = 32, kConnectionsMax = 10'000, kThreadsMax = 64;
constexpr double kSecondsMax = 3600, kRateMax = 10'000'000;
constexpr std::size_t kResponseHeadMax = 16 * 1024;
constexpr std::uint64_t kCustomers = 5000;

constexpr const char* kUsage =
    "usage: http_load --port P --token T --phases RATE:SECONDS[,RATE:SECONDS...]\n"
    "         [--mode sellable|orders] [--connections 64] [--threads 1] [--skus 2000]\n"
    "         [--channel web] [--run-id ID] [--name NAME] [--latency-slo-ms 10]\n"
    "         [--timeout-ms 10000] [--backlog-max 100000] [--seed 1] [--host 127.0.0.1]\n"
    "         [--closed (then --phases SECONDS)] [--timeline]\n";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Mode { sellable, orders };

struct PhaseSpec {
  double rate = 0;  // requests per second; 0 in closed loop
  double seconds = 0;
};

struct Options {
  std::string host = "127.0.0.1", token, channel = "web", run_id, name;
  std::string phases_text;  // as given, for the context line
  std::uint16_t port = 0;
  Mode mode = Mode::sellable;
  std::size_t connections = 64, threads = 1, skus = 2000, backlog_max = 100'000;
  std::vector<PhaseSpec> phases;
  double latency_slo_ms = 10, timeout_ms = 10'000;
  std::uint64_t seed = 1;
  bool closed = false, timeline = false;
};

template <class T>
T parse_number(std::string_view text, std::string_view option, T min, T max) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || stop != end || value < min || value > max)
    throw UsageError(strf("%.*s: expected a number between %g and %g, got '%.*s'",
                          int(option.size()), option.data(), double(min), double(max),
                          int(text.size()), text.data()));
  return value;
}

// What goes into a URL, a header or a JSON string unescaped.
bool is_plain_text(std::string_view text, std::string_view extra) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || extra.find(c) != extra.npos;
  });
}

std::vector<PhaseSpec> parse_phases(std::string_view text, bool closed) {
  std::vector<PhaseSpec> phases;
  double seconds_total = 0;
  for (std::size_t begin = 0;;) {
    const std::size_t comma = text.find(',', begin);
    const std::string_view item =
        text.substr(begin, comma == text.npos ? text.npos : comma - begin);
    const std::size_t colon = item.find(':');
    PhaseSpec phase;
    if (closed) {
      if (colon != item.npos) throw UsageError("--phases with --closed is a duration: SECONDS");
      phase.seconds = parse_number<double>(item, "--phases seconds", 0.1, kSecondsMax);
    } else {
      if (colon == item.npos)
        throw UsageError("--phases: expected RATE:SECONDS, got '" + std::string(item) + "'");
      phase.rate = parse_number<double>(item.substr(0, colon), "--phases rate", 0.1, kRateMax);
      phase.seconds =
          parse_number<double>(item.substr(colon + 1), "--phases seconds", 0.1, kSecondsMax);
    }
    phases.push_back(phase);
    seconds_total += phase.seconds;
    if (comma == text.npos) break;
    begin = comma + 1;
  }
  if (closed && phases.size() != 1) throw UsageError("--closed takes a single phase");
  if (phases.size() > kPhasesMax) throw UsageError(strf("--phases: at most %zu", kPhasesMax));
  if (seconds_total > kSecondsMax) throw UsageError("--phases: at most 3600 seconds in all");
  return phases;
}

void validate(Options& o, bool has_phases) {
  error_code ec;
  const auto address = asio::ip::make_address(o.host, ec);
  if (ec || !address.is_loopback())
    throw UsageError("--host: a loopback address is required (load is driven at 127.0.0.1 only)");
  if (o.port == 0) throw UsageError("--port is required");
  if (!is_plain_text(o.token, "-._~+/="))
    throw UsageError("--token is required (bearer token characters only)");
  if (!has_phases) throw UsageError("--phases is required");
  if (o.threads > o.connections) throw UsageError("--threads cannot exceed --connections");
  if (!is_plain_text(o.channel, "-_")) throw UsageError("--channel: letters, digits, - and _");
  if (o.run_id.empty())
    o.run_id = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count());
  if (!is_plain_text(o.run_id, "-_.")) throw UsageError("--run-id: letters, digits, -, _ and .");
  if (!o.name.empty() && !is_plain_text(o.name, "-_."))
    throw UsageError("--name: letters, digits, -, _ and .");
}

Options parse_options(int argc, char** argv) {
  static constexpr std::string_view kValued[] = {
      "--host",    "--port",           "--token",      "--mode",        "--connections",
      "--threads", "--phases",         "--skus",       "--channel",     "--run-id",
      "--name",    "--latency-slo-ms", "--timeout-ms", "--backlog-max", "--seed"};
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--closed" || arg == "--timeline") {
      (arg == "--closed" ? o.closed : o.timeline) = true;
      continue;
    }
    if (std::ranges::find(kValued, arg) == std::end(kValued))
      throw UsageError("unknown option '" + std::string(arg) + "'");
    if (i + 1 >= argc) throw UsageError(std::string(arg) + " needs a value");
    const std::string_view v = argv[++i];
    if (arg == "--host") o.host = v;
    if (arg == "--port") o.port = parse_number<std::uint16_t>(v, arg, 1, 65535);
    if (arg == "--token") o.token = v;
    if (arg == "--mode" && v != "sellable" && v != "orders")
      throw UsageError("--mode: sellable or orders");
    if (arg == "--mode") o.mode = v == "orders" ? Mode::orders : Mode::sellable;
    if (arg == "--connections")
      o.connections = parse_number<std::size_t>(v, arg, 1, kConnectionsMax);
    if (arg == "--threads") o.threads = parse_number<std::size_t>(v, arg, 1, kThreadsMax);
    if (arg == "--phases") o.phases_text = v;
    if (arg == "--skus") o.skus = parse_number<std::size_t>(v, arg, 1, 9'999'999);
    if (arg == "--channel") o.channel = v;
    if (arg == "--run-id") o.run_id = v;
    if (arg == "--name") o.name = v;
    if (arg == "--latency-slo-ms") o.latency_slo_ms = parse_number(v, arg, 0.001, 60'000.0);
    if (arg == "--timeout-ms") o.timeout_ms = parse_number(v, arg, 1.0, 60'000.0);
    if (arg == "--backlog-max") o.backlog_max = parse_number<std::size_t>(v, arg, 1, 100'000'000);
    if (arg == "--seed") o.seed = parse_number<std::uint64_t>(v, arg, 0, UINT64_MAX);
  }
  if (!o.phases_text.empty()) o.phases = parse_phases(o.phases_text, o.closed);
  validate(o, !o.phases_text.empty());
  return o;
}

// HdrHistogram's log-linear layout: exact below 2^bits, then 2^(bits-1) buckets per power of two,
// so a recorded value is off by at most 2^-(bits-1) of itself.
constexpr std::size_t bucket_of(std::uint64_t value, int bits) {
  const int width = static_cast<int>(std::bit_width(value));
  if (width <= bits) return static_cast<std::size_t>(value);
  const int shift = width - bits;
  const std::uint64_t half = std::uint64_t{1} << (bits - 1);
  return static_cast<std::size_t>((std::uint64_t{1} << bits) +
                                  static_cast<std::uint64_t>(shift - 1) * half +
                                  ((value >> shift) - half));
}

constexpr std::uint64_t bucket_highest(std::size_t bucket, int bits) {
  const std::uint64_t full = std::uint64_t{1} << bits, half = full / 2;
  if (bucket < full) return bucket;
  const std::uint64_t shift = (bucket - full) / half + 1, mantissa = half + (bucket - full) % half;
  return ((mantissa + 1) << shift) - 1;
}

static_assert(bucket_highest(bucket_of(1'000'003, 8), 8) >= 1'000'003);
static_assert(bucket_highest(bucket_of(1'000'003, 8), 8) <= 1'000'003 * 1.008);

// Latencies in microseconds up to kLatencyMaxUs; fixed size, recording never allocates.
template <int kBits, class Count>
class Histogram {
 public:
  void record(std::uint64_t value_us) {
    max_us_ = std::max(max_us_, value_us);
    ++counts_[bucket_of(std::min(value_us, kLatencyMaxUs), kBits)];
    ++total_;
  }
  void merge(const Histogram& other) {
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
    max_us_ = std::max(max_us_, other.max_us_);
  }
  // Nearest rank; the highest value of the bucket holding it, never above the largest recorded.
  std::uint64_t percentile_us(double fraction) const {
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(total_))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size() && total_ > 0; ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::min(bucket_highest(i, kBits), max_us_);
    }
    return max_us_;
  }
  std::uint64_t max_us() const { return max_us_; }

 private:
  std::array<Count, bucket_of(kLatencyMaxUs, kBits) + 1> counts_{};
  std::uint64_t total_ = 0, max_us_ = 0;
};

using LatencyHistogram = Histogram<8, std::uint64_t>;  // within 0.8%, 20 KiB: one per phase
using WindowHistogram = Histogram<6, std::uint32_t>;   // within 3%, 2.8 KiB: per window, --timeline

struct Counts {
  std::uint64_t sent = 0, ok = 0, status_422 = 0, status_4xx = 0, status_503 = 0, status_5xx = 0,
                status_other = 0, errors = 0, dropped = 0;
  std::uint64_t over_slo = 0;  // answered later than --latency-slo-ms after the intended time

  std::uint64_t answered() const {
    return ok + status_422 + status_4xx + status_503 + status_5xx + status_other;
  }
  void merge(const Counts& o) {
    sent += o.sent, ok += o.ok, status_422 += o.status_422, status_4xx += o.status_4xx;
    status_503 += o.status_503, status_5xx += o.status_5xx, status_other += o.status_other;
    errors += o.errors, dropped += o.dropped, over_slo += o.over_slo;
  }
  // p99 <= SLO exactly (nearest rank): at most n - ceil(0.99 n) answers over it.
  bool meets_slo() const {
    const std::uint64_t n = answered();
    return status_503 == 0 && errors == 0 && dropped == 0 && over_slo <= n - (99 * n + 99) / 100;
  }
};

struct PhaseStats {
  Counts counts;
  LatencyHistogram latency;
  std::vector<Counts> windows;
  std::vector<WindowHistogram> window_latency;  // empty without --timeline

  void merge(const PhaseStats& o) {
    counts.merge(o.counts);
    latency.merge(o.latency);
    for (std::size_t w = 0; w < windows.size(); ++w) windows[w].merge(o.windows[w]);
    for (std::size_t w = 0; w < window_latency.size(); ++w)
      window_latency[w].merge(o.window_latency[w]);
  }
};

struct PlannedPhase {
  PhaseSpec spec;
  Clock::time_point start, end;
  std::uint64_t first = 0, count = 0;  // request numbers [first, first + count) in open loop
  std::size_t windows = 0;
};

// The schedule of the whole run, shared read-only by the io threads.
struct Plan {
  std::vector<PlannedPhase> phases;
  std::uint64_t total = 0;
  Clock::time_point start, end;

  std::size_t phase_of(std::uint64_t number) const {
    std::size_t p = 0;
    while (p + 1 < phases.size() && number >= phases[p].first + phases[p].count) ++p;
    return p;
  }
  Clock::time_point intended(std::uint64_t number, std::size_t p) const {
    const double offset_ns =
        static_cast<double>(number - phases[p].first) * 1e9 / phases[p].spec.rate;
    return phases[p].start + std::chrono::nanoseconds(std::llround(offset_ns));
  }
  std::size_t window_of(std::size_t p, Clock::time_point t) const {
    const auto index = std::max<std::int64_t>(0, (t - phases[p].start) / kWindow);
    return std::min(static_cast<std::size_t>(index), phases[p].windows - 1);
  }
};

Plan make_plan(const Options& o, Clock::time_point start) {
  Plan plan;
  plan.start = plan.end = start;
  for (const PhaseSpec& spec : o.phases) {
    PlannedPhase phase{spec,       plan.end, plan.end + ordo::bench::to_duration(spec.seconds),
                       plan.total, 0,        0};
    phase.count = static_cast<std::uint64_t>(std::llround(spec.rate * spec.seconds));
    phase.windows = static_cast<std::size_t>(std::ceil(spec.seconds * 1000 / kWindow.count()));
    plan.total += phase.count;
    plan.end = phase.end;
    plan.phases.push_back(phase);
  }
  return plan;
}

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
  }

  void build(std::uint64_t number, std::size_t sku, std::string& request, std::string& body) const {
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
  const std::uint64_t latency_us = us_between(pending.intended, Clock::now());
  bump(pending, status / 100 == 2   ? &Counts::ok
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

// " name=value" for each pair: the report's and the timeline's format.
std::string fields(std::initializer_list<std::pair<const char*, std::uint64_t>> values) {
  std::string out;
  for (const auto& [name, value] : values)
    out.append(" ").append(name).append("=").append(std::to_string(value));
  return out;
}

struct Recovery {
  double ms = 0;
  bool recovered = true;
};

// Judged on 1 s of requests from each window on: the p99 of one 100 ms window is nearly its
// maximum at low rates, so a single slow fsync (which the disk gives at any rate) would count as
// "not recovered".
Recovery recovery_of(const PhaseStats& stats, const PlannedPhase& phase) {
  const auto second_from = [&](std::size_t w) {
    Counts c;
    for (std::size_t i = w; i < std::min(w + kRecoveryWindows, stats.windows.size()); ++i) c.merge(stats.windows[i]);
    return c;
  };
  std::size_t first_good = stats.windows.size();
  while (first_good > 0 && second_from(first_good - 1).meets_slo()) --first_good;
  if (first_good == stats.windows.size()) return {phase.spec.seconds * 1000, false};
  return {static_cast<double>(first_good) * static_cast<double>(kWindow.count()), true};
}

std::string phase_line(const Options& o, const Plan& plan, const std::vector<PhaseStats>& all,
                       std::size_t p) {
  const PlannedPhase& phase = plan.phases[p];
  const PhaseStats& stats = all[p];
  const Counts& c = stats.counts;
  const double seconds = phase.spec.seconds;
  std::string line = "phase=" + std::to_string(p + 1) +
                     (o.closed ? std::string(" rate=closed") : strf(" rate=%g", phase.spec.rate)) +
                     strf(" seconds=%g", seconds);
  line += fields({{"sent", c.sent},
                  {"ok", c.ok},
                  {"status_422", c.status_422},
                  {"status_4xx", c.status_4xx},
                  {"status_503", c.status_503},
                  {"status_5xx", c.status_5xx},
                  {"status_other", c.status_other},
                  {"errors", c.errors},
                  {"dropped", c.dropped}});
  line += strf(" throughput_per_s=%.1f goodput_per_s=%.1f",
               static_cast<double>(c.answered()) / seconds, static_cast<double>(c.ok) / seconds);
  line += fields({{"p50_us", stats.latency.percentile_us(0.5)},
                  {"p99_us", stats.latency.percentile_us(0.99)},
                  {"p999_us", stats.latency.percentile_us(0.999)},
                  {"max_us", stats.latency.max_us()}});
  if (p > 0) {
    const Recovery recovery = recovery_of(stats, phase);
    line += strf(" recovery_ms=%.0f recovered=%s", recovery.ms, recovery.recovered ? "yes" : "no");
  }
  return line;
}

void print_figures(const Options& o, const Plan& plan, const std::vector<PhaseStats>& all) {
  const bool several = all.size() > 1;
  for (std::size_t p = 0; p < all.size(); ++p) {
    const std::string suffix = several ? "_phase" + std::to_string(p + 1) : "";
    const auto figure = [&](const char* what, double value, const char* unit, int decimals) {
      ordo::bench::print_figure(o.name + "_" + what + suffix, value, unit, decimals);
    };
    const Counts& c = all[p].counts;
    const double seconds = plan.phases[p].spec.seconds;
    figure("rps", static_cast<double>(c.answered()) / seconds, "req/s", 1);
    figure("p50", static_cast<double>(all[p].latency.percentile_us(0.5)) / 1000, "ms", 3);
    figure("p99", static_cast<double>(all[p].latency.percentile_us(0.99)) / 1000, "ms", 3);
    figure("p999", static_cast<double>(all[p].latency.percentile_us(0.999)) / 1000, "ms", 3);
    figure("goodput", static_cast<double>(c.ok) / seconds, "req/s", 1);
    figure(
        "503_share",
        c.sent == 0 ? 0.0 : 100.0 * static_cast<double>(c.status_503) / static_cast<double>(c.sent),
        "%", 2);
  }
  if (several)
    ordo::bench::print_figure(o.name + "_recovery", recovery_of(all.back(), plan.phases.back()).ms,
                              "ms", 0);
}

void print_timeline(const Plan& plan, const std::vector<PhaseStats>& all) {
  for (std::size_t p = 0; p < all.size(); ++p) {
    const auto phase_start_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(plan.phases[p].start - plan.start)
            .count();
    for (std::size_t w = 0; w < all[p].windows.size(); ++w) {
      const Counts& c = all[p].windows[w];
      const auto t_ms = static_cast<std::uint64_t>(phase_start_ms) + w * kWindow.count();
      std::fprintf(stderr, "timeline phase=%zu%s slo=%s\n", p + 1,
                   fields({{"t_ms", t_ms},
                           {"sent", c.sent},
                           {"ok", c.ok},
                           {"status_503", c.status_503},
                           {"errors", c.errors},
                           {"dropped", c.dropped},
                           {"p99_us", all[p].window_latency[w].percentile_us(0.99)}})
                       .c_str(),
                   c.meets_slo() ? "met" : "missed");
    }
  }
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void print_context(const Options& o) {
  ordo::bench::note(
      strf("http_load mode=%s host=%s port=%u connections=%zu threads=%zu skus=%zu channel=%s "
           "run_id=%s phases=%.*s loop=%s slo_ms=%g timeout_ms=%g seed=%llu",
           o.mode == Mode::orders ? "orders" : "sellable", o.host.c_str(), unsigned{o.port},
           o.connections, o.threads, o.skus, o.channel.c_str(), o.run_id.c_str(),
           int(o.phases_text.size()), o.phases_text.data(), o.closed ? "closed" : "open",
           o.latency_slo_ms, o.timeout_ms, static_cast<unsigned long long>(o.seed)));
  ordo::bench::note(strf("machine: nproc=%u cpu=%s kernel=%s", std::thread::hardware_concurrency(),
                         ordo::bench::cpu_model().c_str(), ordo::bench::kernel_release().c_str()));
  ordo::bench::note(ordo::bench::describe_load());
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
