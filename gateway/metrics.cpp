#include "gateway/metrics.h"

#include <cstdio>

namespace ordo::gateway {
namespace {

std::string label(const std::string& route) {
  const auto space = route.find(' ');
  return "method=\"" + route.substr(0, space) + "\",route=\"" + route.substr(space + 1) + "\"";
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

}  // namespace

Metrics::Metrics(std::vector<std::string> routes)
    : routes_(std::move(routes)), series_(new Series[routes_.size() + 1]) {}

void Metrics::record(std::size_t route, unsigned status, std::chrono::nanoseconds duration) {
  auto& s = series_[route < routes_.size() ? route : routes_.size()];
  const auto status_class = status / 100;
  if (status_class >= 1 && status_class <= 5)
    s.by_class[status_class].fetch_add(1, std::memory_order_relaxed);
  const double seconds = std::chrono::duration<double>(duration).count();
  std::size_t bucket = 0;
  while (bucket < kBucketsSeconds.size() && seconds > kBucketsSeconds[bucket]) ++bucket;
  s.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  s.count.fetch_add(1, std::memory_order_relaxed);
  s.sum_ns.fetch_add(static_cast<std::uint64_t>(duration.count()), std::memory_order_relaxed);
}

std::string Metrics::render() const {
  std::string out;
  out += "# HELP ordo_http_requests_total HTTP requests answered, by route and status class.\n";
  out += "# TYPE ordo_http_requests_total counter\n";
  for (std::size_t r = 0; r <= routes_.size(); ++r) {
    const std::string labels =
        r < routes_.size() ? label(routes_[r]) : "method=\"\",route=\"unmatched\"";
    for (std::size_t c = 1; c <= 5; ++c) {
      const auto n = series_[r].by_class[c].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out += "ordo_http_requests_total{" + labels + ",status=\"" + std::to_string(c) + "xx\"} " +
             std::to_string(n) + "\n";
    }
  }
  out += "# HELP ordo_http_request_duration_seconds Time from a request read to its answer.\n";
  out += "# TYPE ordo_http_request_duration_seconds histogram\n";
  for (std::size_t r = 0; r <= routes_.size(); ++r) {
    const auto& s = series_[r];
    const auto count = s.count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    const std::string labels =
        r < routes_.size() ? label(routes_[r]) : "method=\"\",route=\"unmatched\"";
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b <= kBucketsSeconds.size(); ++b) {
      cumulative += s.buckets[b].load(std::memory_order_relaxed);
      const std::string le = b < kBucketsSeconds.size() ? number(kBucketsSeconds[b]) : "+Inf";
      out += "ordo_http_request_duration_seconds_bucket{" + labels + ",le=\"" + le + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "ordo_http_request_duration_seconds_sum{" + labels + "} " +
           number(static_cast<double>(s.sum_ns.load(std::memory_order_relaxed)) / 1e9) + "\n";
    out +=
        "ordo_http_request_duration_seconds_count{" + labels + "} " + std::to_string(count) + "\n";
  }
  return out;
}

}  // namespace ordo::gateway
