// http_load's report: the `# ...` context lines, one line per phase on stdout, the `BENCH` figures
// with --name and the --timeline windows on stderr, in the formats documented at the top of
// http_load.cpp. Part of http_load.cpp's single translation unit (unnamed namespace).
#pragma once

#include <chrono>
#include <cmath>  // for bench_support.h, which uses std::ceil without including it
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bench_support.h"
#include "http_load_options.h"
#include "http_load_plan.h"
#include "latency_stats.h"

namespace {

using ordo::bench::strf;

// " name=value" for each pair: the report's and the timeline's format.
inline std::string fields(std::initializer_list<std::pair<const char*, std::uint64_t>> values) {
  std::string out;
  for (const auto& [name, value] : values)
    out.append(" ").append(name).append("=").append(std::to_string(value));
  return out;
}

inline std::string phase_line(const Options& o, const Plan& plan,
                              const std::vector<PhaseStats>& all, std::size_t p) {
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
  line += strf(" throughput_per_s=%.1f goodput_per_s=%.1f failures=%llu",
               static_cast<double>(c.answered()) / seconds,
               static_cast<double>(stats.ok_answered) / seconds,
               static_cast<unsigned long long>(c.failures()));
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

inline void print_figures(const Options& o, const Plan& plan, const std::vector<PhaseStats>& all) {
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
    figure("goodput", static_cast<double>(all[p].ok_answered) / seconds, "req/s", 1);
    figure("failures", static_cast<double>(c.failures()), "requests", 0);
    figure(
        "503_share",
        c.sent == 0 ? 0.0 : 100.0 * static_cast<double>(c.status_503) / static_cast<double>(c.sent),
        "%", 2);
  }
  if (several)
    ordo::bench::print_figure(o.name + "_recovery", recovery_of(all.back(), plan.phases.back()).ms,
                              "ms", 0);
}

inline void print_timeline(const Plan& plan, const std::vector<PhaseStats>& all) {
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

inline void print_context(const Options& o) {
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

}  // namespace
