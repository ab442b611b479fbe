// Request metrics in the Prometheus text format: counts by route and status class, and latency
// histograms by route. Lock-free: one set of atomic counters per route, fixed buckets.
//
// Thread-safety: record() and render() from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace ordo::gateway {

class Metrics {
 public:
  /// `routes`: a label per route ("GET /v1/orders/{id}"); one more slot counts unmatched requests.
  explicit Metrics(std::vector<std::string> routes);

  void record(std::size_t route, unsigned status, std::chrono::nanoseconds duration);
  std::size_t unmatched() const { return routes_.size(); }

  /// Every series, in the text exposition format (version 0.0.4).
  std::string render() const;

  static constexpr std::array<double, 15> kBucketsSeconds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                             0.005,  0.01,    0.025,  0.05,  0.1,
                                                             0.25,   0.5,     1.0,    2.5,   10.0};

 private:
  struct Series {
    std::array<std::atomic<std::uint64_t>, 6> by_class{};  // 1xx..5xx, index 0 unused
    std::array<std::atomic<std::uint64_t>, kBucketsSeconds.size() + 1> buckets{};
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_ns{0};
  };
  std::vector<std::string> routes_;
  std::unique_ptr<Series[]> series_;
};

}  // namespace ordo::gateway
