// http_load's schedule: each phase's start and end, the numbers of the requests it sends in open
// loop and their intended send times, and its 100 ms windows. Computed once from the options and
// read by every io thread. Part of http_load.cpp's single translation unit (unnamed namespace).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "bench_support.h"
#include "http_load_options.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kWindow = 100ms;  // recovery and timeline granularity

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
  // The phase running at `t`, or nullopt outside the run.
  std::optional<std::size_t> phase_at(Clock::time_point t) const {
    if (t < start || t >= end) return std::nullopt;
    std::size_t p = 0;
    while (t >= phases[p].end) ++p;
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

inline Plan make_plan(const Options& o, Clock::time_point start) {
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

}  // namespace
