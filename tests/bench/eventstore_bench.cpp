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
#include "tests/bench/append_drivers.h"
#include "tests/bench/bench_support.h"

namespace {

using namespace ordo::bench;
namespace es = ordo::eventstore;

// ---------------------------------------------------------------------------------------------
// Command line and machine

struct Config {
  fs::path dir;
  double seconds = 3.0;
  std::uint64_t replay_events = 1'000'000;
  std::size_t fdatasync_iterations = 2000;
  bool quick = false;
  bool fdatasync_only = false;  // the disk's floor alone: printed beside a latency figure
  Nanoseconds window() const { return to_duration(seconds); }
  // Long enough for the pipeline to fill, short enough not to dominate a --quick run.
  Nanoseconds warmup() const { return to_duration(std::clamp(seconds / 5, 0.05, 0.5)); }
};

constexpr const char* kUsage =
    "usage: eventstore_bench --dir PATH [--seconds S] [--replay-events N] [--quick]\n"
    "       eventstore_bench --dir PATH --fdatasync-only [--fdatasync-iterations N]";

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
  std::optional<std::size_t> iterations;
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
    else if (arg == "--fdatasync-only")
      config.fdatasync_only = true;
    else if (arg == "--fdatasync-iterations")
      iterations = parse_number<std::size_t>(value(), arg);
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
  if (iterations) config.fdatasync_iterations = *iterations;
  if (config.fdatasync_iterations < 10 || config.fdatasync_iterations > 1'000'000) {
    throw BenchFailure("--fdatasync-iterations must be between 10 and 1e6");
  }
  if (!(config.seconds >= 0.01 && config.seconds <= 3600)) {
    throw BenchFailure("--seconds must be between 0.01 and 3600");
  }
  if (config.replay_events < 1 || config.replay_events > 1'000'000'000) {
    throw BenchFailure("--replay-events must be between 1 and 1e9");
  }
  return config;
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
  note(
      strf("single_writer_durable: %zu appends in %.2f s, each followed by one raw fdatasync of "
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
    if (config.fdatasync_only)
      bench_fdatasync(run_dir, config.fdatasync_iterations);
    else
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
