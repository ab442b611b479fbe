// Event store benchmark: the disk's fdatasync floor, durable append throughput and latency with
// 1..512 appends in flight, one blocking writer, non-durable throughput on one core, and the speed
// of replay and verify. Prints `BENCH <name> <value> <unit>` lines, and `#` lines that say what
// was measured and on what. Run by ops/bench-eventstore. Every figure comes from this run.
#include <fcntl.h>
#include <sched.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "eventstore/event_store.h"

namespace {

namespace es = ordo::eventstore;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Nanoseconds = std::chrono::nanoseconds;

constexpr std::size_t kPayloadBytes = 200;
constexpr std::size_t kStreamCount = 1000;
constexpr std::size_t kSubmittersMax = 4;
constexpr std::size_t kInFlightLevels[] = {1, 8, 64, 512};
constexpr std::size_t kSamplesTotalMax = std::size_t{1} << 22;  // 32 MiB of latency samples
constexpr std::string_view kEventType = "BenchAppended";

/// A failure that ends the run: a conflict, an error from the store, a bad argument.
struct BenchFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

__attribute__((format(printf, 1, 2))) std::string strf(const char* format, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  return buffer;
}

void print_figure(const std::string& name, double value, const char* unit, int decimals) {
  std::printf("BENCH %s %.*f %s\n", name.c_str(), decimals, value, unit);
  std::fflush(stdout);
}

void note(const std::string& line) {
  std::printf("# %s\n", line.c_str());
  std::fflush(stdout);
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

Nanoseconds to_duration(double seconds) {
  return std::chrono::duration_cast<Nanoseconds>(std::chrono::duration<double>(seconds));
}

/// Latency samples in a vector reserved up front, so that recording never allocates; samples beyond
/// the bound are counted as dropped, not stored.
class LatencyRecorder {
 public:
  explicit LatencyRecorder(std::size_t samples_max) : samples_max_(samples_max) {
    samples_ns_.reserve(samples_max);
  }

  void record(Nanoseconds latency) {
    if (samples_ns_.size() < samples_max_) {
      samples_ns_.push_back(latency.count());
    } else {
      ++dropped_;
    }
  }

  void merge(const LatencyRecorder& other) {
    for (const std::int64_t sample : other.samples_ns_) record(Nanoseconds(sample));
    dropped_ += other.dropped_;
  }

  /// Nearest-rank percentile in microseconds. Reorders the samples (nth_element), hence not const.
  double percentile_us(double fraction) {
    if (samples_ns_.empty()) throw BenchFailure("no latency samples were recorded");
    const std::size_t n = samples_ns_.size();
    const auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(n)));
    const std::size_t index = std::clamp<std::size_t>(rank, 1, n) - 1;
    const auto nth = samples_ns_.begin() + static_cast<std::ptrdiff_t>(index);
    std::nth_element(samples_ns_.begin(), nth, samples_ns_.end());
    return static_cast<double>(*nth) / 1000.0;
  }

  std::size_t count() const { return samples_ns_.size(); }
  std::uint64_t dropped() const { return dropped_; }

 private:
  std::size_t samples_max_;
  std::vector<std::int64_t> samples_ns_;
  std::uint64_t dropped_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Command line and machine

struct Config {
  fs::path dir;
  double seconds = 3.0;
  std::uint64_t replay_events = 1'000'000;
  std::size_t fdatasync_iterations = 2000;
  bool quick = false;
  Nanoseconds window() const { return to_duration(seconds); }
  // Long enough for the pipeline to fill, short enough not to dominate a --quick run.
  Nanoseconds warmup() const { return to_duration(std::clamp(seconds / 5, 0.05, 0.5)); }
};

constexpr const char* kUsage =
    "usage: eventstore_bench --dir PATH [--seconds S] [--replay-events N] [--quick]";

template <class T>
T parse_number(std::string_view text, std::string_view option) {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw BenchFailure(std::string(option) + " expects a number, got '" + std::string(text) + "'");
  }
  return value;
}

Config parse_args(int argc, char** argv) {
  Config config;
  std::optional<double> seconds;
  std::optional<std::uint64_t> replay_events;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) throw BenchFailure(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "--dir")
      config.dir = value();
    else if (arg == "--seconds")
      seconds = parse_number<double>(value(), arg);
    else if (arg == "--replay-events")
      replay_events = parse_number<std::uint64_t>(value(), arg);
    else if (arg == "--quick")
      config.quick = true;
    else
      throw BenchFailure("unknown argument '" + std::string(arg) + "'");
  }
  if (config.dir.empty()) throw BenchFailure("--dir is required");
  if (config.quick) {
    config.seconds = 0.3;
    config.replay_events = 100'000;
    config.fdatasync_iterations = 1000;
  }
  // Explicit values win over --quick, whatever their order.
  if (seconds) config.seconds = *seconds;
  if (replay_events) config.replay_events = *replay_events;
  if (!(config.seconds >= 0.01 && config.seconds <= 3600)) {
    throw BenchFailure("--seconds must be between 0.01 and 3600");
  }
  if (config.replay_events < 1 || config.replay_events > 1'000'000'000) {
    throw BenchFailure("--replay-events must be between 1 and 1e9");
  }
  return config;
}

std::string read_first_line_of(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("model name")) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

std::string kernel_release() {
  utsname name{};
  if (uname(&name) != 0) return "unknown";
  return std::string(name.sysname) + " " + name.release;
}

// The mount holding `dir` (longest mount point that prefixes it), its device and whether the
// kernel believes the device rotates: what an fsync figure depends on.
std::string describe_disk(const fs::path& dir) {
  const std::string path = fs::canonical(dir).string();
  std::ifstream mounts("/proc/self/mounts");
  std::string device = "?", mount_point, fs_type = "?";
  for (std::string dev, point, type, rest;
       mounts >> dev >> point >> type && std::getline(mounts, rest);) {
    const bool covers = path == point || point == "/" || path.starts_with(point + "/");
    if (covers && point.size() >= mount_point.size())
      std::tie(device, mount_point, fs_type) = std::tie(dev, point, type);
  }
  std::string rotational = "?";
  if (device.starts_with("/dev/")) {
    const fs::path block = fs::path("/sys/class/block") / fs::path(device).filename();
    std::error_code ec;
    for (const auto& queue : {block / "queue", fs::canonical(block, ec).parent_path() / "queue"}) {
      if (fs::exists(queue / "rotational", ec)) {
        rotational = read_first_line_of(queue / "rotational");
        break;
      }
    }
  }
  struct statvfs space {};
  const double free_gib =
      statvfs(path.c_str(), &space) == 0
          ? static_cast<double>(space.f_bavail) * static_cast<double>(space.f_frsize) / (1u << 30)
          : -1.0;
  return strf("%s on %s (fs %s, mount %s, rotational %s, %.0f GiB free)", path.c_str(),
              device.c_str(), fs_type.c_str(), mount_point.c_str(), rotational.c_str(), free_gib);
}

// Other work on the machine (a parallel build or test run) moves every figure: say how busy it was.
std::string describe_load() {
  std::string line = "loadavg " + read_first_line_of("/proc/loadavg");
  for (const char* resource : {"cpu", "io"}) {
    const std::string pressure = read_first_line_of(std::string("/proc/pressure/") + resource);
    if (!pressure.empty()) line += strf(", %s pressure %s", resource, pressure.c_str());
  }
  return line;
}

void print_context(const Config& config, const fs::path& run_dir) {
  note(strf("cpu %s, %u online", cpu_model().c_str(), std::thread::hardware_concurrency()));
  note("kernel " + kernel_release());
  note("disk " + describe_disk(run_dir));
  note("load at start: " + describe_load());
#ifdef NDEBUG
  note(strf("build NDEBUG, g++ %s", __VERSION__));
#else
  note(strf("build WITH ASSERTS (not a release build), g++ %s", __VERSION__));
#endif
  note(strf(
      "config seconds=%.2f (after a %.2f s warmup) replay_events=%llu fdatasync_iterations=%zu%s",
      config.seconds, std::chrono::duration<double>(config.warmup()).count(),
      static_cast<unsigned long long>(config.replay_events), config.fdatasync_iterations,
      config.quick ? " quick" : ""));
}

// ---------------------------------------------------------------------------------------------
// Figure 1: the physical floor

struct FsyncFloor {
  double p50_us = 0;
  double p99_us = 0;
};

// Appends a 200-byte record and fdatasyncs, as the WAL does: the least a durable append can cost.
FsyncFloor bench_fdatasync(const fs::path& dir, std::size_t iterations) {
  const fs::path file = dir / "fdatasync.bin";
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw BenchFailure("cannot create " + file.string());
  const std::string record(kPayloadBytes, 'f');
  LatencyRecorder latencies(iterations);
  for (std::size_t i = 0; i < iterations; ++i) {
    const auto started = Clock::now();
    const ssize_t written = ::write(fd, record.data(), record.size());
    if (written != static_cast<ssize_t>(record.size()) || ::fdatasync(fd) != 0) {
      ::close(fd);
      throw BenchFailure("write or fdatasync failed on " + file.string());
    }
    latencies.record(Clock::now() - started);
  }
  ::close(fd);
  fs::remove(file);
  FsyncFloor floor{latencies.percentile_us(0.50), latencies.percentile_us(0.99)};
  print_figure("fdatasync_p50_us", floor.p50_us, "us", 1);
  print_figure("fdatasync_p99_us", floor.p99_us, "us", 1);
  return floor;
}

// ---------------------------------------------------------------------------------------------
// Submitters: appends kept in flight the way a gateway's coroutines keep them

enum class Phase : std::uint8_t { warmup, measure, after, stop };

/// One append's outcome, posted by the store's sync thread to the submitter that made it.
struct Completion {
  std::size_t slot = 0;
  ordo::Result<es::AppendResult> result;
  Nanoseconds latency{};
  bool in_window = false;
};

std::string make_payload() {
  std::string payload(kPayloadBytes, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);
  return payload;
}

std::vector<std::string> stream_names() {
  std::vector<std::string> names;
  names.reserve(kStreamCount);
  for (std::size_t i = 0; i < kStreamCount; ++i) names.push_back(strf("order-%04zu", i));
  return names;
}

/// One submitting thread. It is the only writer of its streams and keeps `in_flight_max` appends
/// outstanding, one per stream at a time, each expecting the stream's exact version, and refills as
/// answers arrive. The store's callbacks only post to its mailbox: they run on the store's sync
/// thread and must be quick, so the next append is built here, as a gateway would.
class Submitter {
 public:
  Submitter(es::EventStore& store, std::vector<std::string> streams, std::size_t in_flight_max,
            const std::atomic<Phase>& phase, std::size_t samples_max)
      : store_(store),
        phase_(phase),
        streams_(std::move(streams)),
        versions_(streams_.size(), 0),
        busy_(streams_.size(), false),
        in_flight_max_(in_flight_max),
        payload_(make_payload()),
        latencies_(samples_max) {
    if (in_flight_max_ == 0 || in_flight_max_ > streams_.size()) {
      throw BenchFailure("a submitter needs 1..streams appends in flight");
    }
    for (std::size_t slot = 0; slot < streams_.size(); ++slot) free_.push_back(slot);
  }

  /// The thread body: returns once stopped (or failed) with nothing left in flight, so that no
  /// callback can reach this object afterwards.
  void run() {
    while (true) {
      if (phase_.load() != Phase::stop && !failed_.load()) {
        while (in_flight_ < in_flight_max_ && !free_.empty() && !failed_.load()) {
          const std::size_t slot = free_.front();
          free_.pop_front();
          submit(slot);
        }
      } else if (in_flight_ == 0) {
        return;
      }
      for (auto& completion : take_completions()) handle(completion);
    }
  }

  std::uint64_t completed() const { return completed_.load(std::memory_order_relaxed); }
  bool failed() const { return failed_.load(); }
  // Read only after run() has returned.
  const std::string& error() const { return error_; }
  std::uint64_t window_events() const { return window_events_; }
  const LatencyRecorder& latencies() const { return latencies_; }

 private:
  void submit(std::size_t slot) {
    if (busy_[slot]) return fail("benchmark bug: two appends in flight on " + streams_[slot]);
    busy_[slot] = true;
    ++in_flight_;
    es::AppendRequest request;
    request.writes.push_back(
        es::StreamWrite{streams_[slot],
                        es::ExpectedVersion::exact(versions_[slot]),
                        {es::EventData{std::string(kEventType), 1, payload_}}});
    const auto submitted = Clock::now();
    store_.append_async(std::move(request),
                        [this, slot, submitted](ordo::Result<es::AppendResult> r) {
                          post(slot, submitted, std::move(r));
                        });
  }

  // On the store's sync thread (or inline, for an append refused at once).
  void post(std::size_t slot, Clock::time_point submitted, ordo::Result<es::AppendResult> result) {
    const auto answered = Clock::now();
    Completion completion{slot, std::move(result), answered - submitted,
                          phase_.load() == Phase::measure};
    std::unique_lock lock(mailbox_mutex_);
    const bool was_empty = mailbox_.empty();
    mailbox_.push_back(std::move(completion));
    lock.unlock();
    // The submitter sleeps only on an empty mailbox: waking it once per burst is enough.
    if (was_empty) mailbox_cv_.notify_one();
  }

  std::vector<Completion> take_completions() {
    std::vector<Completion> taken;
    std::unique_lock lock(mailbox_mutex_);
    mailbox_cv_.wait_for(lock, std::chrono::milliseconds(10), [&] { return !mailbox_.empty(); });
    taken.swap(mailbox_);
    return taken;
  }

  void handle(Completion& completion) {
    const std::size_t slot = completion.slot;
    busy_[slot] = false;
    --in_flight_;
    if (!completion.result) {
      const ordo::Error& error = completion.result.error();
      const bool conflict = error.code == ordo::ErrorCode::conflict;
      return fail(strf("append to %s expecting version %llu failed: %s%s", streams_[slot].c_str(),
                       static_cast<unsigned long long>(versions_[slot]), error.to_string().c_str(),
                       conflict ? " (a BUG: this submitter is the stream's only writer)" : ""));
    }
    const auto& stream_versions = completion.result->stream_versions;
    if (stream_versions.size() != 1 || stream_versions[0] != versions_[slot] + 1) {
      return fail("append to " + streams_[slot] + " did not advance its version by one");
    }
    versions_[slot] = stream_versions[0];
    free_.push_back(slot);
    completed_.fetch_add(1, std::memory_order_relaxed);
    if (completion.in_window) {
      ++window_events_;
      latencies_.record(completion.latency);
    }
  }

  void fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    failed_.store(true);
  }

  es::EventStore& store_;
  const std::atomic<Phase>& phase_;
  std::vector<std::string> streams_;
  std::vector<std::uint64_t> versions_;
  std::vector<bool> busy_;
  std::deque<std::size_t> free_;  // streams with nothing in flight, least recently used first
  std::size_t in_flight_max_;
  std::size_t in_flight_ = 0;
  std::string payload_;
  LatencyRecorder latencies_;
  std::uint64_t window_events_ = 0;
  std::string error_;
  std::atomic<std::uint64_t> completed_{0};
  std::atomic<bool> failed_{false};
  std::mutex mailbox_mutex_;
  std::condition_variable mailbox_cv_;
  std::vector<Completion> mailbox_;
};

using Submitters = std::vector<std::unique_ptr<Submitter>>;

// Submitter k writes streams k, k+n, k+2n...: disjoint sets, so no append can conflict.
Submitters make_submitters(es::EventStore& store, std::size_t in_flight, std::size_t count,
                           const std::atomic<Phase>& phase) {
  const auto names = stream_names();
  Submitters submitters;
  for (std::size_t k = 0; k < count; ++k) {
    std::vector<std::string> mine;
    for (std::size_t i = k; i < names.size(); i += count) mine.push_back(names[i]);
    const std::size_t share = in_flight / count + (k < in_flight % count ? 1 : 0);
    submitters.push_back(std::make_unique<Submitter>(store, std::move(mine), share, phase,
                                                     kSamplesTotalMax / count));
  }
  return submitters;
}

/// Runs the submitters' threads; stops and joins them on destruction, also when a phase throws.
class RunningSubmitters {
 public:
  RunningSubmitters(Submitters& submitters, std::atomic<Phase>& phase)
      : submitters_(submitters), phase_(phase) {
    for (auto& submitter : submitters_) threads_.emplace_back([s = submitter.get()] { s->run(); });
  }
  ~RunningSubmitters() { stop(); }
  RunningSubmitters(const RunningSubmitters&) = delete;
  RunningSubmitters& operator=(const RunningSubmitters&) = delete;

  void stop() {
    phase_.store(Phase::stop);
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }
  bool any_failed() const {
    return std::any_of(submitters_.begin(), submitters_.end(), [](auto& s) { return s->failed(); });
  }
  std::uint64_t completed() const {
    std::uint64_t total = 0;
    for (const auto& submitter : submitters_) total += submitter->completed();
    return total;
  }
  // Sleeps for `duration` in short steps, returning early when a submitter has failed.
  void watch_for(Nanoseconds duration) const {
    const auto until = Clock::now() + duration;
    while (Clock::now() < until && !any_failed()) {
      std::this_thread::sleep_for(
          std::min<Nanoseconds>(until - Clock::now(), std::chrono::milliseconds(5)));
    }
  }

 private:
  Submitters& submitters_;
  std::atomic<Phase>& phase_;
  std::vector<std::thread> threads_;
};

struct DriveSpec {
  std::size_t in_flight = 1;
  std::size_t submitters = 1;
  Nanoseconds warmup{};
  Nanoseconds window{};
  std::uint64_t store_events_min =
      0;  // after the window, keep appending until the store holds this
  std::function<void()> after_window;  // must not throw: the submitters are still running
};

struct DriveResult {
  double events_per_s = 0;
  double window_s = 0;
  std::uint64_t window_events = 0;
  std::uint64_t store_events = 0;
  LatencyRecorder latencies{kSamplesTotalMax};
  std::uint64_t window_syncs = 0;
  std::uint64_t window_batches = 0;
};

DriveResult collect(const Submitters& submitters, double window_s) {
  DriveResult result;
  result.window_s = window_s;
  for (const auto& submitter : submitters) {
    if (submitter->failed()) throw BenchFailure(submitter->error());
    result.window_events += submitter->window_events();
    result.store_events += submitter->completed();
    result.latencies.merge(submitter->latencies());
  }
  result.events_per_s = static_cast<double>(result.window_events) / window_s;
  return result;
}

// Warmup, measured window, optional fill; throughput counts the answers that arrive in the window.
DriveResult drive(es::EventStore& store, const DriveSpec& spec) {
  std::atomic<Phase> phase{Phase::warmup};
  Submitters submitters = make_submitters(store, spec.in_flight, spec.submitters, phase);
  RunningSubmitters running(submitters, phase);
  running.watch_for(spec.warmup);
  const es::StoreStats before = store.stats();
  const auto window_start = Clock::now();
  phase.store(Phase::measure);
  running.watch_for(spec.window);
  phase.store(Phase::after);
  const double window_s = seconds_since(window_start);
  const es::StoreStats after = store.stats();
  if (spec.after_window) spec.after_window();
  while (!running.any_failed() && running.completed() < spec.store_events_min) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  running.stop();
  DriveResult result = collect(submitters, window_s);
  result.window_syncs = after.syncs - before.syncs;
  result.window_batches = after.batches_written - before.batches_written;
  return result;
}

void note_window(const std::string& name, const DriveSpec& spec, const DriveResult& result) {
  const double events = static_cast<double>(result.window_events);
  note(
      strf("%s: %zu submitters, window %.2f s, %llu events, %llu batches, %llu WAL syncs "
           "(%.1f events/sync), %zu latency samples (%llu dropped)",
           name.c_str(), spec.submitters, result.window_s,
           static_cast<unsigned long long>(result.window_events),
           static_cast<unsigned long long>(result.window_batches),
           static_cast<unsigned long long>(result.window_syncs),
           result.window_syncs > 0 ? events / static_cast<double>(result.window_syncs) : 0.0,
           result.latencies.count(), static_cast<unsigned long long>(result.latencies.dropped())));
}

std::unique_ptr<es::EventStore> open_store(const fs::path& dir, es::Durability durability) {
  es::Options options;
  options.data_dir = dir;
  options.durability = durability;
  auto store = es::EventStore::open(std::move(options));
  if (!store) throw BenchFailure("opening " + dir.string() + ": " + store.error().to_string());
  return std::move(*store);
}

// ---------------------------------------------------------------------------------------------
// Figures 2 and 3: durable appends

void bench_durable(const fs::path& dir, std::size_t in_flight, const Config& config) {
  DriveResult result;
  DriveSpec spec;
  spec.in_flight = in_flight;
  spec.submitters = std::min(in_flight, kSubmittersMax);
  spec.warmup = config.warmup();
  spec.window = config.window();
  {
    auto store = open_store(dir, es::Durability::fsync);
    result = drive(*store, spec);
  }
  fs::remove_all(dir);
  const std::string name = strf("append_durable_%zuinflight", in_flight);
  print_figure(name + "_events_per_s", result.events_per_s, "events/s", 0);
  print_figure(name + "_p50_us", result.latencies.percentile_us(0.50), "us", 1);
  print_figure(name + "_p99_us", result.latencies.percentile_us(0.99), "us", 1);
  note_window(name, spec, result);
}

// One blocking append at a time from this thread, round-robin over the streams.
class BlockingWriter {
 public:
  explicit BlockingWriter(es::EventStore& store)
      : store_(store),
        names_(stream_names()),
        versions_(names_.size(), 0),
        payload_(make_payload()) {}

  /// Appends one event and returns how long the blocking call took.
  Nanoseconds append_one() {
    const std::size_t slot = appends_++ % names_.size();
    const auto started = Clock::now();
    auto result = store_.append(names_[slot], es::ExpectedVersion::exact(versions_[slot]),
                                {es::EventData{std::string(kEventType), 1, payload_}});
    const Nanoseconds latency = Clock::now() - started;
    if (!result) {
      throw BenchFailure("blocking append to " + names_[slot] +
                         " failed: " + result.error().to_string() +
                         (result.error().code == ordo::ErrorCode::conflict
                              ? " (a BUG: this is the stream's only writer)"
                              : ""));
    }
    if (result->stream_versions.size() != 1 || result->stream_versions[0] != versions_[slot] + 1) {
      throw BenchFailure("blocking append to " + names_[slot] + " did not advance its version");
    }
    versions_[slot] = result->stream_versions[0];
    return latency;
  }

 private:
  es::EventStore& store_;
  std::vector<std::string> names_;
  std::vector<std::uint64_t> versions_;
  std::string payload_;
  std::uint64_t appends_ = 0;
};

// One raw write + fdatasync of a 200-byte record on an open file, as bench_fdatasync does.
Clock::duration raw_fdatasync(int fd, const std::string& record) {
  const auto started = Clock::now();
  if (::write(fd, record.data(), record.size()) != static_cast<ssize_t>(record.size()) ||
      ::fdatasync(fd) != 0) {
    throw BenchFailure("write or fdatasync failed");
  }
  return Clock::now() - started;
}

// The disk's latency drifts by half between runs on a shared machine, so the ratio compares each
// append with a raw fdatasync taken right beside it (alternating), not with the floor measured
// at the start.
void bench_single_writer(const fs::path& dir, const Config& config) {
  LatencyRecorder latencies(kSamplesTotalMax);
  LatencyRecorder floor(kSamplesTotalMax);
  double window_s = 0;
  {
    auto store = open_store(dir, es::Durability::fsync);
    const fs::path file = dir / "fdatasync-beside.bin";
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) throw BenchFailure("cannot create " + file.string());
    const std::string record(kPayloadBytes, 'f');
    BlockingWriter writer(*store);
    const auto warm_until = Clock::now() + config.warmup();
    while (Clock::now() < warm_until) writer.append_one();
    const auto window_start = Clock::now();
    const auto window_end = window_start + config.window();
    while (Clock::now() < window_end) {
      latencies.record(writer.append_one());
      floor.record(raw_fdatasync(fd, record));
    }
    window_s = seconds_since(window_start);
    ::close(fd);
  }
  fs::remove_all(dir);
  const double p50_us = latencies.percentile_us(0.50);
  const double floor_p50_us = floor.percentile_us(0.50);
  print_figure("single_writer_durable_p50_us", p50_us, "us", 1);
  print_figure("single_writer_durable_p99_us", latencies.percentile_us(0.99), "us", 1);
  print_figure("single_writer_beside_fdatasync_p50_us", floor_p50_us, "us", 1);
  print_figure("single_writer_p50_over_fdatasync_p50", p50_us / floor_p50_us, "x", 2);
  note(strf("single_writer_durable: %zu appends in %.2f s, each followed by one raw fdatasync of "
            "the same disk; %llu samples dropped",
            latencies.count(), window_s, static_cast<unsigned long long>(latencies.dropped())));
}

// ---------------------------------------------------------------------------------------------
// Figure 4: one core, no fsync

std::vector<pid_t> process_thread_ids() {
  std::vector<pid_t> ids;
  for (const auto& entry : fs::directory_iterator("/proc/self/task")) {
    ids.push_back(parse_number<pid_t>(entry.path().filename().string(), "/proc/self/task"));
  }
  return ids;
}

// sched_setaffinity applies to one thread: set it on every thread the process has now. Threads
// that end meanwhile (ESRCH) are skipped. Returns how many were set.
std::size_t set_process_affinity(const cpu_set_t& mask) {
  std::size_t set = 0;
  for (const pid_t id : process_thread_ids()) {
    if (sched_setaffinity(id, sizeof mask, &mask) == 0) {
      ++set;
    } else if (errno != ESRCH) {
      throw BenchFailure(strf("sched_setaffinity(%d) failed: errno %d", id, errno));
    }
  }
  return set;
}

/// Pins every thread of the process to the first CPU it may use, so that threads started later
/// (the store's writer and syncer, RocksDB's) inherit the pin. Restores the saved mask on every
/// thread then present, at the latest on destruction.
class ProcessCpuPin {
 public:
  ProcessCpuPin() {
    if (sched_getaffinity(0, sizeof original_, &original_) != 0) {
      throw BenchFailure("sched_getaffinity failed");
    }
    while (cpu_ < CPU_SETSIZE && !CPU_ISSET(cpu_, &original_)) ++cpu_;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu_, &one);
    pinned_ = true;
    try {
      threads_pinned_ = set_process_affinity(one);
    } catch (...) {
      restore();
      throw;
    }
  }
  ~ProcessCpuPin() { restore(); }
  ProcessCpuPin(const ProcessCpuPin&) = delete;
  ProcessCpuPin& operator=(const ProcessCpuPin&) = delete;

  /// Does not throw: it runs while submitters are running. Says so when it cannot restore.
  void restore() noexcept {
    if (!pinned_) return;
    pinned_ = false;
    try {
      set_process_affinity(original_);
    } catch (const std::exception& e) {
      note(std::string("warning: could not restore CPU affinity: ") + e.what());
    }
  }
  int cpu() const { return cpu_; }
  std::size_t threads_pinned() const { return threads_pinned_; }

 private:
  cpu_set_t original_{};
  int cpu_ = 0;
  bool pinned_ = false;
  std::size_t threads_pinned_ = 0;
};

void bench_nodurable_1core(const fs::path& dir, const Config& config) {
  DriveSpec spec;
  spec.in_flight = 512;
  spec.submitters = 1;
  spec.warmup = config.warmup();
  spec.window = config.window();
  spec.store_events_min = config.replay_events;
  DriveResult result;
  int cpu = 0;
  std::size_t threads_pinned = 0;
  {
    ProcessCpuPin pin;
    cpu = pin.cpu();
    threads_pinned = pin.threads_pinned();
    auto store = open_store(dir, es::Durability::none);
    spec.after_window = [&pin] { pin.restore(); };
    result = drive(*store, spec);
  }
  const std::string name = "append_nodurable_1core";
  print_figure(name + "_events_per_s", result.events_per_s, "events/s", 0);
  note_window(name, spec, result);
  note(strf(
      "%s: whole process (%zu threads, and the store's) pinned to CPU %d for warmup and "
      "window only (p50 %.1f us, p99 %.1f us); then unpinned and filled to %llu events for "
      "replay, untimed",
      name.c_str(), threads_pinned, cpu, result.latencies.percentile_us(0.50),
      result.latencies.percentile_us(0.99), static_cast<unsigned long long>(result.store_events)));
}

// ---------------------------------------------------------------------------------------------
// Figure 5: replay and verify

void bench_replay(const fs::path& dir) {
  const auto open_started = Clock::now();
  auto store = open_store(dir, es::Durability::none);
  note(
      strf("replay: reopening the store took %.1f ms; OS page cache warm (just written), "
           "fresh block cache",
           seconds_since(open_started) * 1000));
  const std::uint64_t head = store->durable_position();
  std::uint64_t payload_bytes = 0;
  const auto replay_started = Clock::now();
  auto visited = store->for_each(1, UINT64_MAX, [&payload_bytes](const es::EventView& event) {
    payload_bytes += event.payload.size();
    return true;
  });
  const double replay_s = seconds_since(replay_started);
  if (!visited) throw BenchFailure("replay failed: " + visited.error().to_string());
  if (*visited != head || payload_bytes != head * kPayloadBytes) {
    throw BenchFailure(strf("replay visited %llu events with %llu payload bytes; expected %llu",
                            static_cast<unsigned long long>(*visited),
                            static_cast<unsigned long long>(payload_bytes),
                            static_cast<unsigned long long>(head)));
  }
  print_figure("replay_events_per_s", static_cast<double>(*visited) / replay_s, "events/s", 0);
  const auto verify_started = Clock::now();
  auto report = store->verify();
  const double verify_s = seconds_since(verify_started);
  if (!report) throw BenchFailure("verify failed: " + report.error().to_string());
  if (!report->ok || report->events_checked != head) {
    throw BenchFailure("verify found the log broken at " +
                       std::to_string(report->first_bad_position) + ": " + report->problem);
  }
  print_figure("verify_events_per_s", static_cast<double>(report->events_checked) / verify_s,
               "events/s", 0);
  note(strf("replay: %llu events (%.2f s), verify %.2f s, store %.0f MiB on disk",
            static_cast<unsigned long long>(head), replay_s, verify_s,
            static_cast<double>(store->disk_bytes()) / (1 << 20)));
}

void run_all(const Config& config, const fs::path& run_dir) {
  const auto started = Clock::now();
  print_context(config, run_dir);
  bench_fdatasync(run_dir, config.fdatasync_iterations);
  for (const std::size_t in_flight : kInFlightLevels) {
    bench_durable(run_dir / strf("durable-%zu", in_flight), in_flight, config);
  }
  bench_single_writer(run_dir / "single-writer", config);
  const fs::path nodurable_dir = run_dir / "nodurable";
  bench_nodurable_1core(nodurable_dir, config);
  bench_replay(nodurable_dir);
  note("load at end: " + describe_load());
  note(strf("total %.1f s", seconds_since(started)));
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  try {
    config = parse_args(argc, argv);
  } catch (const BenchFailure& e) {
    std::fprintf(stderr, "eventstore_bench: %s\n%s\n", e.what(), kUsage);
    return 2;
  }
  // One subdirectory per run, so that concurrent runs and earlier leftovers do not meet.
  const fs::path run_dir = config.dir / strf("eventstore-bench-%d", static_cast<int>(getpid()));
  int status = 0;
  try {
    fs::create_directories(run_dir);
    run_all(config, run_dir);
  } catch (const std::exception& e) {
    std::printf("# FAILED: %s\n", e.what());
    std::fflush(stdout);
    std::fprintf(stderr, "eventstore_bench: FAILED: %s\n", e.what());
    status = 1;
  }
  std::error_code ec;
  fs::remove_all(run_dir, ec);
  return status;
}
