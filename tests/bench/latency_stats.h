// http_load's statistics: the log-linear latency histogram and its percentiles, the counts of a
// phase and of each of its 100 ms windows (merged across io threads after the run), and the
// recovery time computed from the windows. Part of http_load.cpp's single translation unit
// (unnamed namespace).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "http_load_plan.h"

namespace {

constexpr std::size_t kRecoveryWindows = 10;         // recovery is judged on 1 s of requests
constexpr std::uint64_t kLatencyMaxUs = 60'000'000;  // larger latencies are clamped (max_us is not)

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
  // Requests that got no valid answer: a rung of a ladder with any of these does not pass.
  std::uint64_t failures() const {
    return status_4xx + status_503 + status_5xx + status_other + errors + dropped;
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
  // Successful answers received between this phase's start and end, whenever they were sent:
  // goodput. (Counted by intended send time, an overload phase would be credited with answers
  // that arrived during the next phase.)
  std::uint64_t ok_answered = 0;
  LatencyHistogram latency;
  std::vector<Counts> windows;
  std::vector<WindowHistogram> window_latency;  // empty without --timeline

  void merge(const PhaseStats& o) {
    counts.merge(o.counts);
    ok_answered += o.ok_answered;
    latency.merge(o.latency);
    for (std::size_t w = 0; w < windows.size(); ++w) windows[w].merge(o.windows[w]);
    for (std::size_t w = 0; w < window_latency.size(); ++w)
      window_latency[w].merge(o.window_latency[w]);
  }
};

struct Recovery {
  double ms = 0;
  bool recovered = true;
};

// Judged on 1 s of requests from each window on: the p99 of one 100 ms window is nearly its
// maximum at low rates, so a single slow fsync (which the disk gives at any rate) would count as
// "not recovered".
inline Recovery recovery_of(const PhaseStats& stats, const PlannedPhase& phase) {
  const auto second_from = [&](std::size_t w) {
    Counts c;
    for (std::size_t i = w; i < std::min(w + kRecoveryWindows, stats.windows.size()); ++i)
      c.merge(stats.windows[i]);
    return c;
  };
  std::size_t first_good = stats.windows.size();
  while (first_good > 0 && second_from(first_good - 1).meets_slo()) --first_good;
  if (first_good == stats.windows.size()) return {phase.spec.seconds * 1000, false};
  return {static_cast<double>(first_good) * static_cast<double>(kWindow.count()), true};
}

}  // namespace
