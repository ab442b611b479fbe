// Competitive allocation end to end on one machine: Ordo's pipeline and NATS relay in this
// process on a real RocksDB store, a real nats-server child on 127.0.0.1 with a user per store,
// and N simulated stores (each its own NATS connection and credentials) that claim every offer at
// once, so each round has one winner and (round size - 1) losers.
//
// Figures (BENCH lines):
//   allocation_<label>_rounds_per_s          rounds opened and won end to end, per second
//   allocation_<label>_fanout_p50/p99_us     round durable (the order's append acknowledged) ->
//                                            offer received by a store, for every offer (also
//                                            those received after the winner's answer)
//   allocation_<label>_claim_decision_p50/p99_us   store's claim request -> its answer (won, lost)
//
//   allocation_bench --dir DIR [--stores 50] [--round-size 3] [--rounds 20000] [--window 2000]
//                    [--label loaded] [--quick]
// The figures are named allocation_<label>_...; ops/allocation-bench runs it with one round in
// flight (light: latency unloaded) and with 2,000 (loaded: throughput).
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <unordered_map>

#include "adapters/allocation_relay.h"
#include "adapters/store_client.h"
#include "engine/pipeline.h"
#include "projections/projector.h"
#include "tests/bench/bench_support.h"
#include "tests/bench/setup_support.h"
#include "tests/nats_server.h"

namespace ordo::bench {
namespace {

namespace nats = adapters::nats;
namespace orch = domain::orchestration;
using nlohmann::json;

struct Options {
  fs::path dir;
  std::size_t stores = 50;
  int round_size = 3;
  std::size_t rounds = 20000;
  std::size_t window = 2000;     // rounds in flight at most
  std::string label = "loaded";  // in the figures' names: allocation_<label>_...
};

domain::Instant now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string site_of(std::size_t i) { return strf("ST-%03zu", i); }

// One round's times. Every offer is timed, also those that arrive after the winner's answer; an
// offer that arrives before the order's append is acknowledged to this program (the relay and the
// pipeline's callback run on different threads) counts as 0.
struct Round {
  std::optional<Clock::time_point> committed;  // round durable
  std::size_t early = 0;                       // offers received before `committed`
  std::size_t offers = 0;
  bool won = false;
};

// Every round's times, by order id.
struct Tracker {
  std::mutex mutex;
  std::condition_variable cv;
  std::size_t round_size = 0;
  std::unordered_map<std::string, Round> rounds;
  std::size_t won = 0;
  std::size_t in_flight = 0;
  LatencyRecorder fanout{1 << 20};
  LatencyRecorder claims{1 << 21};
  std::atomic<std::uint64_t> failures{0};

  // Drops a round once it is won and every store it was offered to has received its offer.
  void forget_when_done(const std::string& order_id, const Round& round) {
    if (round.won && round.committed && round.offers >= round_size) rounds.erase(order_id);
  }
};

// A store answers without blocking its delivery thread: claims go out with the answer to come to
// its own inbox (StoreClient::request_async), so that an offer is timed when it arrives, not after
// the claims queued before it.
struct BenchStore {
  Tracker* tracker = nullptr;
  std::mutex mutex;
  std::unordered_map<std::string, Clock::time_point> asked;  // by order
  std::unique_ptr<adapters::StoreClient> client;

  void on_offer(const json& doc) {
    const auto received = Clock::now();
    if (doc.value("type", "") != "offer") return;
    const std::string order_id = doc.value("order_id", "");
    auto& t = *tracker;
    {
      std::lock_guard lock(t.mutex);
      auto& round = t.rounds[order_id];
      ++round.offers;
      if (round.committed)
        t.fanout.record(received - *round.committed);
      else
        ++round.early;
      t.forget_when_done(order_id, round);
    }
    {
      std::lock_guard lock(mutex);
      asked[order_id] = Clock::now();
    }
    if (!client->request_async(
            {{"action", "claim"}, {"order_id", order_id}, {"round", doc.value("round", 1u)}})) {
      t.failures.fetch_add(1);
    }
  }

  void on_answer(const json& answer) {
    const auto answered = Clock::now();
    const std::string order_id = answer.value("order_id", "");
    Clock::time_point sent;
    {
      std::lock_guard lock(mutex);
      auto it = asked.find(order_id);
      if (it == asked.end()) return;
      sent = it->second;
      asked.erase(it);
    }
    auto& t = *tracker;
    const auto result = answer.value("result", "");
    std::lock_guard lock(t.mutex);
    t.claims.record(answered - sent);
    if (result == "won") {
      ++t.won;
      --t.in_flight;
      auto& round = t.rounds[order_id];
      round.won = true;
      t.forget_when_done(order_id, round);
      t.cv.notify_all();
    } else if (result != "lost") {
      t.failures.fetch_add(1);
    }
  }
};

engine::Submission submission(engine::Command command) {
  return bench::submission(std::move(command), "allocation_bench");
}

void setup(engine::Pipeline& pipeline, const Options& o) {
  using T = domain::site::SiteType;
  const auto at = now_us();
  domain::InventoryViews views;
  views.channels.push_back({"web", {{}, {T::store}, {}, {}}, 100, {}, 0, 0});
  must(pipeline.execute(submission(domain::configuration::Command{
           domain::configuration::ChangeConfiguration{views, "bench", "views", at}})),
       "views");
  orch::Strategy s;
  s.name = "compete";
  s.require_capacity = false;
  s.ranking = {orch::Criterion::stock_depth};
  s.mode = orch::AllocationMode::competitive;
  s.round_size = o.round_size;
  s.round_timeout_ms = 600'000;
  s.max_rounds = 1;
  must(pipeline.execute(
           submission(domain::configuration::Command{domain::configuration::ChangeConfiguration{
               orch::Rules{{s}, {}, "compete"}, "bench", "compete", at}})),
       "rules");
  must(pipeline.execute(submission(domain::catalog::Command{domain::catalog::DefineItem{
           {"SKU-1", "Runner", "shoes/running", "", 500, 1500, {9900, "EUR"}, false, true, {}},
           at}})),
       "item");
  for (std::size_t i = 0; i < o.stores; ++i) {
    domain::site::Profile p;
    p.name = site_of(i);
    p.type = T::store;
    p.country = "FR";
    p.region = "75";
    p.postcode = "75001";
    p.latitude = 48.0 + static_cast<double>(i) * 0.01;
    p.longitude = 2.0;
    p.time_zone = "Europe/Paris";
    p.capabilities = {true, true, true};
    p.daily_capacity = 1'000'000;
    must(pipeline.execute(
             submission(domain::site::Command{domain::site::RegisterSite{site_of(i), p, at}})),
         "site");
    must(pipeline.execute(submission(engine::StockCommand{
             site_of(i), "SKU-1", domain::stock::ReceiveStock{10'000'000, "bench", at}})),
         "stock");
  }
}

domain::order::PlaceOrder order(std::size_t n) {
  domain::order::PlaceOrder p;
  p.order_id = strf("B-%zu", n);
  p.channel = "web";
  p.customer_id = "C";
  p.email = "c@example.fr";
  p.delivery = {"Jeanne Martin", "12 rue de la Paix", "", "75002", "Paris", "FR", ""};
  p.billing = p.delivery;
  p.currency = "EUR";
  p.lines = {{1, "SKU-1", 1, 9900}};
  p.at = now_us();
  return p;
}

std::vector<std::unique_ptr<BenchStore>> connect_stores(
    const Options& o, const std::string& url,
    const std::vector<std::pair<std::string, std::string>>& credentials, Tracker& tracker) {
  std::vector<std::unique_ptr<BenchStore>> stores;
  for (std::size_t i = 0; i < o.stores; ++i) {
    auto bench_store = std::make_unique<BenchStore>();
    bench_store->tracker = &tracker;
    auto* s = bench_store.get();
    auto client = adapters::StoreClient::connect(
        {url, "main", site_of(i), credentials[i].second, site_of(i), false, {}},
        [s](const json& m) { s->on_offer(m); }, {}, [s](const json& a) { s->on_answer(a); });
    if (!client) throw BenchFailure(client.error().to_string());
    bench_store->client = std::move(*client);
    stores.push_back(std::move(bench_store));
  }
  return stores;
}

/// Places o.rounds orders, at most o.window unsettled at once, and waits for every round's end.
void place_rounds(const Options& o, engine::Pipeline& pipeline, Tracker& tracker) {
  for (std::size_t n = 0; n < o.rounds; ++n) {
    {
      std::unique_lock lock(tracker.mutex);
      tracker.cv.wait(lock, [&] { return tracker.in_flight < o.window; });
      ++tracker.in_flight;
    }
    auto placed = order(n);
    const auto id = placed.order_id;
    pipeline.submit(submission(std::move(placed)), [&tracker, id](engine::Answer answer) {
      std::lock_guard lock(tracker.mutex);
      if (!answer) {
        tracker.failures.fetch_add(1);
        --tracker.in_flight;
        tracker.cv.notify_all();
        return;
      }
      auto& round = tracker.rounds[id];
      round.committed = Clock::now();
      for (; round.early > 0; --round.early) tracker.fanout.record(Clock::duration::zero());
      tracker.forget_when_done(id, round);
    });
  }
  {
    std::unique_lock lock(tracker.mutex);
    if (!tracker.cv.wait_for(lock, std::chrono::seconds(120),
                             [&] { return tracker.won + tracker.failures >= o.rounds; })) {
      throw BenchFailure(strf("only %zu of %zu rounds won in 120 s", tracker.won, o.rounds));
    }
  }
}

int run(const Options& o) {
  fs::remove_all(o.dir);
  fs::create_directories(o.dir);
  eventstore::Options store_options;
  store_options.data_dir = o.dir / "store";
  store_options.projection_families = projections::projection_families();
  auto store = eventstore::EventStore::open(store_options);
  if (!store) throw BenchFailure(store.error().to_string());
  auto pipeline = engine::Pipeline::start(**store);
  if (!pipeline) throw BenchFailure(pipeline.error().to_string());
  setup(**pipeline, o);
  auto projector =
      projections::Projector::start(**store);  // as in `ordo serve`: it shares the machine
  if (!projector) throw BenchFailure(projector.error().to_string());

  const auto port = testing::free_port();
  std::vector<std::pair<std::string, std::string>> credentials;
  for (std::size_t i = 0; i < o.stores; ++i)
    credentials.emplace_back(site_of(i), strf("secret-%zu", i));
  const auto conf = o.dir / "nats-server.conf";
  std::ofstream(conf) << nats::server_config("main", "127.0.0.1:" + std::to_string(port),
                                             "ordo-secret", credentials);
  testing::NatsServer server(conf, port);
  const std::string url = "nats://127.0.0.1:" + std::to_string(port);
  auto ordo_connection =
      nats::Connection::open({url, "ordo", "ordo-secret", "ordo", {}, 2000, false, {}, {}});
  if (!ordo_connection) throw BenchFailure(ordo_connection.error().to_string());
  auto relay =
      adapters::AllocationRelay::start(**store, **pipeline, **projector, **ordo_connection);
  if (!relay) throw BenchFailure(relay.error().to_string());

  Tracker tracker;
  tracker.round_size = static_cast<std::size_t>(o.round_size);
  auto stores = connect_stores(o, url, credentials, tracker);
  note(strf(
      "allocation: %zu stores, round size %d, %zu rounds, window %zu; nats-server %s on 127.0.0.1; "
      "store %s",
      o.stores, o.round_size, o.rounds, o.window, "2.9", describe_disk(o.dir).c_str()));

  const auto start = Clock::now();
  place_rounds(o, **pipeline, tracker);
  const double elapsed = seconds_since(start);
  const std::string name = "allocation_" + o.label + "_";
  print_figure(name + "rounds_per_s", static_cast<double>(tracker.won) / elapsed, "rounds/s", 0);
  print_figure(name + "fanout_p50_us", tracker.fanout.percentile_us(0.50), "us", 0);
  print_figure(name + "fanout_p99_us", tracker.fanout.percentile_us(0.99), "us", 0);
  print_figure(name + "claim_decision_p50_us", tracker.claims.percentile_us(0.50), "us", 0);
  print_figure(name + "claim_decision_p99_us", tracker.claims.percentile_us(0.99), "us", 0);
  print_figure(name + "failures", static_cast<double>(tracker.failures.load()), "count", 0);
  for (auto& s : stores) s->client.reset();  // no handler runs after this
  relay->reset();
  stores.clear();
  pipeline->reset();
  projector->reset();
  return tracker.failures.load() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace ordo::bench

int main(int argc, char** argv) {
  using namespace ordo::bench;
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw BenchFailure(a + " needs a value");
      return argv[++i];
    };
    try {
      if (a == "--dir")
        o.dir = value();
      else if (a == "--stores")
        o.stores = std::stoul(value());
      else if (a == "--round-size")
        o.round_size = std::stoi(value());
      else if (a == "--rounds")
        o.rounds = std::stoul(value());
      else if (a == "--window")
        o.window = std::stoul(value());
      else if (a == "--label")
        o.label = value();
      else if (a == "--quick")
        o.rounds = std::min<std::size_t>(o.rounds, 1000);
      else
        throw BenchFailure("unknown option " + a);
    } catch (const std::exception& e) {
      std::cerr << "allocation_bench: " << e.what() << "\n";
      return 2;
    }
  }
  if (o.dir.empty()) {
    std::cerr << "allocation_bench: --dir is required\n";
    return 2;
  }
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::cerr << "allocation_bench: " << e.what() << "\n";
    return 2;
  }
}
