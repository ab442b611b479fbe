// Benchmark of the command pipeline and the projections (issue figures, `BENCH name value unit`):
// durable 3-line orders with reservations through the pipeline at 64 and 512 in flight, with the
// projector following; sellable stock lookups in process; projection lag; full rebuild rate.
//
//   pipeline_bench --dir PATH [--seconds S] [--quick]
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/pipeline.h"
#include "projections/projector.h"

namespace {

namespace fs = std::filesystem;
namespace p = ordo::projections;
namespace e = ordo::engine;
namespace d = ordo::domain;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kWarehouses = 2, kStores = 50, kSkus = 2000;

double percentile_us(std::vector<double>& samples, double q) {
  if (samples.empty()) return 0;
  const auto k = static_cast<std::size_t>(q * static_cast<double>(samples.size() - 1));
  std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(k),
                   samples.end());
  return samples[k];
}

void bench(const char* name, double value, const char* unit) {
  std::printf("BENCH %s %.*f %s\n", name, value < 100 ? 2 : 0, value, unit);
  std::fflush(stdout);
}

std::string sku(std::size_t n) { return "SKU-" + std::to_string(n); }

e::Submission submission(e::Command c) {
  e::Submission s;
  s.command = std::move(c);
  s.actor = {ordo::eventstore::ActorKind::system, "bench"};
  return s;
}

// Two warehouses with deep stock of every SKU, stores with a little: orders never run out.
void load_retailer(e::Pipeline& pipeline) {
  using T = d::site::SiteType;
  d::InventoryViews views;
  views.channels.push_back({"web", {{}, {T::store, T::warehouse}, {}, {}}, 100, {}, 0, 0});
  views.channels.push_back({"marketplace", {{}, {T::warehouse}, {}, {}}, 80, {}, 0, 0});
  views.channels.push_back({"stores", {{}, {T::store}, {}, {}}, 100, {}, 0, 0});
  std::vector<e::Submission> all;
  all.push_back(submission(d::configuration::Command{
      d::configuration::ChangeConfiguration{views, "bench", "bench", 1}}));
  std::vector<std::string> sites;
  for (std::size_t s = 0; s < kWarehouses + kStores; ++s) {
    d::site::Profile profile;
    profile.name = "site " + std::to_string(s);
    profile.type = s < kWarehouses ? T::warehouse : T::store;
    profile.country = "FR";
    profile.time_zone = "Europe/Paris";
    profile.latitude = 45;
    profile.longitude = 4;
    sites.push_back((s < kWarehouses ? "WH-" : "ST-") + std::to_string(s));
    all.push_back(submission(d::site::Command{d::site::RegisterSite{sites.back(), profile, 1}}));
  }
  for (std::size_t n = 0; n < kSkus; ++n) {
    all.push_back(
        submission(d::catalog::Command{d::catalog::DefineItem{{sku(n),
                                                               "item",
                                                               "cat/" + std::to_string(n % 10),
                                                               "",
                                                               300,
                                                               900,
                                                               {1990, "EUR"},
                                                               false,
                                                               true,
                                                               {}},
                                                              1}}));
    for (std::size_t s = 0; s < sites.size(); ++s) {
      if (s >= kWarehouses && (n + s) % 10 != 0) continue;
      all.push_back(submission(e::StockCommand{
          sites[s], sku(n), d::stock::ReceiveStock{s < kWarehouses ? 10'000'000 : 5, "bench", 1}}));
    }
  }
  std::atomic<std::size_t> outstanding{0};
  for (auto& s : all) {
    while (outstanding.load() > 1024) std::this_thread::sleep_for(std::chrono::microseconds(100));
    ++outstanding;
    pipeline.submit(std::move(s), [&](e::Answer a) {
      if (!a) std::fprintf(stderr, "setup command refused\n");
      --outstanding;
    });
  }
  while (outstanding.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

// Measures projection lag while orders flow: for each sampled answer (its log position and the
// moment it was durable), waits until the projector has applied that position and records the
// delay. Runs beside the submitters, so a sample is never measured late.
class LagProbe {
 public:
  explicit LagProbe(const p::Projector* projector) : projector_(projector) {
    if (projector_ != nullptr) thread_ = std::thread([this] { loop(); });
  }
  ~LagProbe() { stop(); }
  void sample(std::uint64_t position, Clock::time_point durable_at) {
    if (projector_ == nullptr) return;
    std::lock_guard lock(mutex_);
    pending_.emplace_back(position, durable_at);
    cv_.notify_one();
  }
  std::vector<double> stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
    return lag_us_;
  }

 private:
  void loop() {
    while (true) {
      std::pair<std::uint64_t, Clock::time_point> next;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
        if (pending_.empty()) return;
        next = pending_.front();
        pending_.erase(pending_.begin());
      }
      projector_->wait_for(next.first, std::chrono::seconds(30));
      lag_us_.push_back(
          std::chrono::duration<double, std::micro>(Clock::now() - next.second).count());
    }
  }
  const p::Projector* projector_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::pair<std::uint64_t, Clock::time_point>> pending_;
  bool stopping_ = false;
  std::vector<double> lag_us_;
  std::thread thread_;
};

// CPU time of the whole process (every thread), for the CPU cost of an order.
double process_cpu_s() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// A 3-line web order of random SKUs.
d::order::PlaceOrder bench_order(std::size_t id, std::mt19937& random) {
  d::order::PlaceOrder order;
  order.order_id = "B" + std::to_string(id);
  order.channel = "web";
  order.customer_id = "C" + std::to_string(id % 5000);
  order.email = "c@example.com";
  order.currency = "EUR";
  order.delivery.country = order.billing.country = "FR";
  order.at = 2;
  for (std::uint32_t l = 1; l <= 3; ++l) {
    order.lines.push_back(
        {l, sku(std::uniform_int_distribution<std::size_t>(0, kSkus - 1)(random)), 1, 1990});
  }
  return order;
}

struct Run {
  double orders_per_s = 0;
  double cpu_us_per_order = 0;
  std::size_t refused = 0;
  std::vector<double> latency_us;
};

// Keeps `in_flight` 3-line orders outstanding for `seconds`, from two submitting threads.
Run place_orders(e::Pipeline& pipeline, std::size_t in_flight, double seconds, std::size_t& next_id,
                 LagProbe* lag) {
  Run run;
  std::mutex mutex;
  std::condition_variable cv;
  std::size_t outstanding = 0, done = 0;
  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  auto submitter = [&](unsigned seed) {
    std::mt19937 random(seed);
    while (Clock::now() < end) {
      std::size_t id;
      {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return outstanding < in_flight; });
        ++outstanding;
        id = next_id++;
      }
      auto order = bench_order(id, random);
      const auto submitted = Clock::now();
      pipeline.submit(submission(std::move(order)), [&, submitted, id](e::Answer a) {
        const auto now = Clock::now();
        std::lock_guard lock(mutex);
        --outstanding;
        if (!a) {
          ++run.refused;
          if (run.refused == 1) {
            const auto* r = std::get_if<d::Rejection>(&a.error());
            std::fprintf(
                stderr, "first refusal: %s\n",
                r ? r->reason.c_str() : std::get<ordo::Error>(a.error()).to_string().c_str());
          }
          return cv.notify_all();
        }
        ++done;
        run.latency_us.push_back(
            std::chrono::duration<double, std::micro>(now - submitted).count());
        if (lag != nullptr && id % 16 == 0) lag->sample(a->last_position, now);
        cv.notify_all();
      });
    }
  };
  const double cpu_before = process_cpu_s();
  std::thread a(submitter, 1), b(submitter, 2);
  a.join();
  b.join();
  std::unique_lock lock(mutex);
  cv.wait(lock, [&] { return outstanding == 0; });
  run.orders_per_s =
      static_cast<double>(done) / std::chrono::duration<double>(Clock::now() - start).count();
  run.cpu_us_per_order =
      done == 0 ? 0 : (process_cpu_s() - cpu_before) * 1e6 / static_cast<double>(done);
  return run;
}

// Orders sent at a constant rate from one thread, open loop (each at its intended send time,
// whatever the answers do), with the lag of every sixteenth sampled.
void place_orders_at_rate(e::Pipeline& pipeline, double rate, double seconds, std::size_t& next_id,
                          LagProbe& lag) {
  std::mt19937 random(3);
  std::atomic<std::size_t> outstanding{0};
  const auto start = Clock::now();
  const auto count = static_cast<std::size_t>(rate * seconds);
  for (std::size_t n = 0; n < count; ++n) {
    std::this_thread::sleep_until(
        start + std::chrono::duration_cast<Clock::duration>(
                    std::chrono::duration<double>(static_cast<double>(n) / rate)));
    const auto id = next_id++;
    ++outstanding;
    pipeline.submit(submission(bench_order(id, random)), [&, id](e::Answer a) {
      if (a && id % 16 == 0) lag.sample(a->last_position, Clock::now());
      --outstanding;
    });
  }
  while (outstanding.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void report_run(const Run& run, std::size_t in_flight) {
  const auto name = std::to_string(in_flight);
  if (run.refused > 0)
    std::printf("# %zu orders refused at %zu in flight\n", run.refused, in_flight);
  bench(("orders_durable_" + name + "inflight_per_s").c_str(), run.orders_per_s, "orders/s");
  auto latency = run.latency_us;
  bench(("orders_durable_" + name + "inflight_p50_us").c_str(), percentile_us(latency, 0.5), "us");
  bench(("orders_durable_" + name + "inflight_p99_us").c_str(), percentile_us(latency, 0.99), "us");
  // Every thread of the process (pipeline, store, projector, submitters) per order.
  if (in_flight == 512) bench("orders_cpu_us_per_order", run.cpu_us_per_order, "us");
}

// Projection lag: durable answer to visible in the projector, at half the peak rate (open loop)
// and under the saturating 64-in-flight load.
void report_lag(e::Pipeline& pipeline, p::Projector& projector, ordo::eventstore::EventStore& store,
                double peak, double seconds, std::size_t& next_id,
                std::vector<double> saturated_lag_us) {
  projector.wait_for(store.durable_position(), std::chrono::seconds(60));  // the backlog of 512
  std::vector<double> half_lag_us;
  {
    LagProbe probe(&projector);
    place_orders_at_rate(pipeline, peak / 2, seconds, next_id, probe);
    half_lag_us = probe.stop();
  }
  std::printf("# half the peak: %.0f orders/s\n", peak / 2);
  bench("projection_lag_half_peak_p50_us", percentile_us(half_lag_us, 0.5), "us");
  bench("projection_lag_half_peak_p99_us", percentile_us(half_lag_us, 0.99), "us");
  bench("projection_lag_64inflight_p50_us", percentile_us(saturated_lag_us, 0.5), "us");
  bench("projection_lag_64inflight_p99_us", percentile_us(saturated_lag_us, 0.99), "us");
}

std::int64_t report_lookups(const p::Projector& projector) {
  std::vector<double> lookup_us;
  std::mt19937 random(7);
  static const char* kChannels[] = {"web", "marketplace", "stores"};
  std::int64_t checksum = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    const auto s = sku(std::uniform_int_distribution<std::size_t>(0, kSkus - 1)(random));
    const auto t0 = Clock::now();
    auto figure = projector.sellable(kChannels[i % 3], s);
    const auto t1 = Clock::now();
    checksum += figure ? figure->total : 0;
    lookup_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  bench("sellable_lookup_p50_us", percentile_us(lookup_us, 0.5), "us");
  bench("sellable_lookup_p99_us", percentile_us(lookup_us, 0.99), "us");
  return checksum;
}

void report_rebuild(ordo::eventstore::EventStore& store) {
  const auto started = Clock::now();
  const auto events = p::Projector::rebuild(store, {}).value();
  const double rebuild_s = std::chrono::duration<double>(Clock::now() - started).count();
  bench("rebuild_all_projections_events_per_s", static_cast<double>(events) / rebuild_s,
        "events/s");
  std::printf("# rebuild: %llu events in %.2f s\n", static_cast<unsigned long long>(events),
              rebuild_s);
}

struct Args {
  fs::path dir;
  double seconds = 3;
  bool with_projector = true;  // --no-projector: the pipeline's own capacity (diagnosis)
};

std::optional<Args> parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dir" && i + 1 < argc) {
      a.dir = argv[++i];
    } else if (arg == "--seconds" && i + 1 < argc) {
      a.seconds = std::stod(argv[++i]);
    } else if (arg == "--quick") {
      a.seconds = 0.5;
    } else if (arg == "--no-projector") {
      a.with_projector = false;
    } else {
      return std::nullopt;
    }
  }
  if (a.dir.empty()) return std::nullopt;
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  auto args = parse_args(argc, argv);
  if (!args) {
    std::fprintf(stderr,
                 "usage: pipeline_bench --dir PATH [--seconds S] [--quick] [--no-projector]\n");
    return 2;
  }
  const auto dir = args->dir / ("pipeline-bench-" + std::to_string(::getpid()));
  ordo::eventstore::Options options;
  options.data_dir = dir;
  options.projection_families = p::projection_families();
  auto store = std::move(ordo::eventstore::EventStore::open(options).value());
  auto pipeline = std::move(e::Pipeline::start(*store).value());
  load_retailer(*pipeline);
  std::unique_ptr<p::Projector> projector;
  if (args->with_projector) projector = std::move(p::Projector::start(*store).value());
  std::printf("# retailer: %zu warehouses, %zu stores, %zu SKUs; %llu events\n", kWarehouses,
              kStores, kSkus, static_cast<unsigned long long>(store->durable_position()));
  std::size_t next_id = 0;
  std::vector<double> lag_us;
  double peak = 0;
  for (std::size_t in_flight : {64, 512}) {
    LagProbe probe(in_flight == 64 ? projector.get() : nullptr);
    auto run = place_orders(*pipeline, in_flight, args->seconds, next_id, &probe);
    if (in_flight == 64) lag_us = probe.stop();
    peak = std::max(peak, run.orders_per_s);
    report_run(run, in_flight);
  }
  if (!projector) return 0;
  report_lag(*pipeline, *projector, *store, peak, args->seconds, next_id, std::move(lag_us));
  projector->wait_for(store->durable_position(), std::chrono::seconds(30));
  std::printf("# lookup checksum %lld\n", static_cast<long long>(report_lookups(*projector)));
  projector.reset();
  pipeline.reset();
  report_rebuild(*store);
  store.reset();
  fs::remove_all(dir);
  return 0;
}
