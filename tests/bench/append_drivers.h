// Append drivers of the event store benchmark: submitters that keep appends in flight the way the
// gateway's coroutines will (each with its own streams and exact expected versions), and the
// drive that runs them for a warm-up and a measured window.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "eventstore/event_store.h"
#include "tests/bench/bench_support.h"

namespace ordo::bench {

namespace es = ordo::eventstore;

constexpr std::size_t kPayloadBytes = 200;
constexpr std::size_t kStreamCount = 1000;
constexpr std::size_t kSubmittersMax = 4;
constexpr std::size_t kInFlightLevels[] = {1, 8, 64, 512};
constexpr std::size_t kSamplesTotalMax = std::size_t{1} << 22;  // 32 MiB of latency samples
constexpr std::string_view kEventType = "BenchAppended";

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

inline std::string make_payload() {
  std::string payload(kPayloadBytes, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);
  return payload;
}

inline std::vector<std::string> stream_names() {
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
inline Submitters make_submitters(es::EventStore& store, std::size_t in_flight, std::size_t count,
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

inline DriveResult collect(const Submitters& submitters, double window_s) {
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
inline DriveResult drive(es::EventStore& store, const DriveSpec& spec) {
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

inline void note_window(const std::string& name, const DriveSpec& spec, const DriveResult& result) {
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

inline std::unique_ptr<es::EventStore> open_store(const fs::path& dir, es::Durability durability) {
  es::Options options;
  options.data_dir = dir;
  options.durability = durability;
  auto store = es::EventStore::open(std::move(options));
  if (!store) throw BenchFailure("opening " + dir.string() + ": " + store.error().to_string());
  return std::move(*store);
}

}  // namespace ordo::bench
