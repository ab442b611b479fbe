// `ordo store-sim`: simulated stores answering competitive allocation offers over NATS, each on its
// own credentials through the store-side client (adapters/store_client.h), for demos and soak runs.
// A store answers an offer after a log-normal reaction time, declines some, claims the others, and
// after a win starts preparation and marks the order prepared (or gives it back for missing stock).
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <queue>
#include <random>
#include <set>
#include <thread>

#include "adapters/store_client.h"
#include "app/cli.h"
#include "base/secrets.h"
#include "domain/types.h"

namespace ordo::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct SimArgs {
  std::string url = "nats://127.0.0.1:4222";
  std::string credentials;
  std::string tenant = "main";
  std::size_t stores = 10;
  double reaction_ms = 800;  // median time to answer an offer
  double decline_rate = 0.1;
  double discrepancy_rate = 0.02;
  double prepare_ms = 3000;  // from the win to "prepared"
  double duration_s = 0;     // 0: until SIGINT/SIGTERM
  double report_s = 10;
  unsigned seed = 1;
};

struct Counters {
  std::atomic<std::uint64_t> offers{0}, duplicates{0}, won{0}, lost{0}, expired{0}, declined{0},
      released{0}, prepared{0}, withdrawn{0}, failed{0};
};

// One task due at a time: answering an offer, or a step after a win.
struct Task {
  std::chrono::steady_clock::time_point due;
  std::size_t store = 0;
  std::string action;  // claim-or-decline, release, start_preparation, prepared
  std::string order_id;
  std::uint32_t round = 0;
  domain::Instant deadline = 0;
  bool collect = false;  // click and collect: prepared means ready for pickup
  bool operator>(const Task& other) const { return due > other.due; }
};

class Simulation {
 public:
  Simulation(const SimArgs& args, std::vector<std::string> sites)
      : args_(args), sites_(std::move(sites)), random_(args.seed) {}

  Result<void> connect() {
    resync_ = std::make_unique<std::atomic<bool>[]>(sites_.size());
    for (std::size_t i = 0; i < sites_.size(); ++i)
      resync_[i] = true;  // offers made before it started
    for (std::size_t i = 0; i < sites_.size(); ++i) {
      auto password = ordo::read_secret(
          (fs::path(args_.credentials) / "stores" / (sites_[i] + ".password")).string());
      if (!password) return std::unexpected(password.error());
      adapters::StoreClientOptions options{
          args_.url,
          args_.tenant,
          sites_[i],
          *password,
          "store-sim " + sites_[i],
          true,
          [](std::string_view e) { std::cerr << "ordo store-sim: NATS: " << e << "\n"; }};
      auto client = adapters::StoreClient::connect(
          options, [this, i](const json& message) { offered(i, message); },
          [this, i] { resync_[i] = true; });
      if (!client) return std::unexpected(client.error());
      clients_.push_back(std::move(*client));
    }
    return {};
  }

  void run(const std::atomic<bool>& stop) {
    const auto start = std::chrono::steady_clock::now();
    auto next_report = start + std::chrono::milliseconds(static_cast<long>(args_.report_s * 1000));
    while (!stop.load()) {
      const auto now = std::chrono::steady_clock::now();
      if (args_.duration_s > 0 &&
          now - start > std::chrono::milliseconds(static_cast<long>(args_.duration_s * 1000)))
        break;
      if (now >= next_report) {
        print();
        next_report = now + std::chrono::milliseconds(static_cast<long>(args_.report_s * 1000));
      }
      // NATS keeps nothing for a store that is away: after (re)connecting, it asks for its
      // pending offers.
      for (std::size_t i = 0; i < sites_.size(); ++i) {
        if (!resync_[i].exchange(false)) continue;
        auto reply = request(i, {{"action", "pending"}});
        if (reply.value("result", "") != "ok") {
          resync_[i] = true;
          continue;
        }
        for (const auto& offer : reply["offers"]) offered(i, offer);
        if (reply.value("more", false))
          schedule({{}, i, "resync", {}, 0, 0, false}, 1000);  // the rest, once these are answered
      }
      std::optional<Task> task;
      {
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, std::chrono::milliseconds(50), [&] {
          return !tasks_.empty() && tasks_.top().due <= std::chrono::steady_clock::now();
        });
        if (!tasks_.empty() && tasks_.top().due <= std::chrono::steady_clock::now()) {
          task = tasks_.top();
          tasks_.pop();
        }
      }
      if (task) perform(*task);
    }
    print();
  }

 private:
  void offered(std::size_t store, const json& doc) {
    const auto type = doc.value("type", "");
    if (type == "withdrawn") {
      counters_.withdrawn.fetch_add(1);
      return;
    }
    if (type != "offer") return;
    const std::string order_id = doc.value("order_id", "");
    const auto round = doc.value("round", 0u);
    std::lock_guard lock(mutex_);
    // Offers come at least once: after a restart of Ordo or NATS the same one may come again.
    if (!seen_.insert(sites_[store] + "/" + order_id + "/" + std::to_string(round)).second) {
      counters_.duplicates.fetch_add(1);
      return;
    }
    counters_.offers.fetch_add(1);
    std::lognormal_distribution<double> reaction(std::log(std::max(1.0, args_.reaction_ms)), 0.5);
    tasks_.push({after(reaction(random_)), store, "answer", order_id, round,
                 doc.value("deadline_us", std::int64_t{0}),
                 doc.value("delivery_method", "") == "click_and_collect"});
    cv_.notify_one();
  }

  std::chrono::steady_clock::time_point after(double ms) {
    return std::chrono::steady_clock::now() +
           std::chrono::microseconds(static_cast<long>(ms * 1000));
  }

  json request(std::size_t store, const json& body) {
    auto answer = clients_[store]->request(body, 3000);
    const auto result = answer.value("result", "");
    if (result == "timeout" || result == "error") answer["result"] = "retry";  // NATS or Ordo away
    return answer;
  }

  void schedule(Task task, double ms) {
    task.due = after(ms);
    std::lock_guard lock(mutex_);
    tasks_.push(std::move(task));
  }

  void perform(Task task) {
    const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    if (task.action == "resync") {
      resync_[task.store] = true;
      return;
    }
    if (task.action == "answer") {
      if (task.deadline != 0 && now_us > task.deadline) {
        counters_.expired.fetch_add(1);
        return;
      }
      double roll = 0;
      {
        std::lock_guard lock(mutex_);
        roll = std::uniform_real_distribution<double>(0, 1)(random_);
      }
      const bool decline = roll < args_.decline_rate;
      auto answer = request(task.store, {{"action", decline ? "decline" : "claim"},
                                         {"order_id", task.order_id},
                                         {"round", task.round},
                                         {"reason", decline ? "too busy to prepare it now" : ""}});
      const auto result = answer.value("result", "");
      if (result == "retry")
        return schedule(task, 200);  // NATS or Ordo unavailable: again, until the deadline
      if (result == "declined")
        counters_.declined.fetch_add(1);
      else if (result == "lost")
        counters_.lost.fetch_add(1);
      else if (result == "expired")
        counters_.expired.fetch_add(1);
      else if (result == "won") {
        counters_.won.fetch_add(1);
        double discrepancy = 0;
        {
          std::lock_guard lock(mutex_);
          discrepancy = std::uniform_real_distribution<double>(0, 1)(random_);
        }
        task.action = discrepancy < args_.discrepancy_rate ? "release" : "start_preparation";
        schedule(task, args_.prepare_ms / 2);
      } else {
        counters_.failed.fetch_add(1);
      }
      return;
    }
    json body = {{"action", task.action}, {"order_id", task.order_id}};
    if (task.action == "release") {
      body["reason"] = "stock not found on the shelf";
      body["stock_missing"] = true;
    }
    if (task.action == "prepared" && task.collect) body["ready_for_pickup"] = true;
    auto answer = request(task.store, body);
    const auto result = answer.value("result", "");
    if (result == "retry") return schedule(task, 500);
    if (result != "ok") {
      counters_.failed.fetch_add(1);
      return;
    }
    if (task.action == "release") counters_.released.fetch_add(1);
    if (task.action == "prepared") counters_.prepared.fetch_add(1);
    if (task.action == "start_preparation") {
      task.action = "prepared";
      schedule(task, args_.prepare_ms / 2);
    }
  }

  std::uint64_t repeated() const {
    std::uint64_t total = 0;
    for (const auto& client : clients_) total += client->repeated_offers();
    return total;
  }

  void print() {
    std::cout << "ordo store-sim: " << sites_.size() << " stores: offers " << counters_.offers
              << " (repeated " << counters_.duplicates + repeated() << "), won " << counters_.won
              << ", lost " << counters_.lost << ", expired " << counters_.expired << ", declined "
              << counters_.declined << ", released " << counters_.released << ", prepared "
              << counters_.prepared << ", withdrawn " << counters_.withdrawn << ", failed "
              << counters_.failed << std::endl;
  }

  const SimArgs& args_;
  std::vector<std::string> sites_;
  std::unique_ptr<std::atomic<bool>[]> resync_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::priority_queue<Task, std::vector<Task>, std::greater<>> tasks_;
  std::set<std::string> seen_;
  std::mt19937 random_;
  Counters counters_;
  // Last: destroyed first, so that no NATS callback runs on members already gone.
  std::vector<std::unique_ptr<adapters::StoreClient>> clients_;
};

int run_store_sim(const SimArgs& args) {
  std::vector<std::string> sites;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(args.credentials) / "stores", ec)) {
    const auto name = entry.path().filename().string();
    if (name.ends_with(".password")) sites.push_back(name.substr(0, name.size() - 9));
  }
  if (ec)
    return report(Error{ErrorCode::not_found, "no store credentials under " + args.credentials +
                                                  "/stores: run ordo nats-config"});
  std::sort(sites.begin(), sites.end());
  if (sites.size() > args.stores) sites.resize(args.stores);
  if (sites.empty())
    return report(
        Error{ErrorCode::not_found, "no store credentials under " + args.credentials + "/stores"});
  if (args.decline_rate < 0 || args.decline_rate > 1 || args.discrepancy_rate < 0 ||
      args.discrepancy_rate > 1) {
    return report(Error{ErrorCode::invalid_argument, "rates are between 0 and 1"});
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::atomic<bool> stop{false};
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    stop = true;
  });
  Simulation simulation(args, sites);
  if (auto connected = simulation.connect(); !connected) {
    kill(getpid(), SIGTERM);
    waiter.join();
    return report(connected.error());
  }
  std::cout << "ordo store-sim: " << sites.size() << " stores on " << args.url << " (tenant "
            << args.tenant << "), reaction median " << args.reaction_ms << " ms, decline "
            << args.decline_rate << ", discrepancy " << args.discrepancy_rate << std::endl;
  simulation.run(stop);
  if (!stop.load()) kill(getpid(), SIGTERM);
  waiter.join();
  return kExitOk;
}

}  // namespace

void add_store_sim_command(CLI::App& app, int& exit_code) {
  static SimArgs sim_args;
  auto* sim = app.add_subcommand("store-sim", "Simulated stores answering offers over NATS");
  sim->add_option("--nats", sim_args.url, "NATS URL");
  sim->add_option("--credentials", sim_args.credentials, "The directory ordo nats-config wrote")
      ->required();
  sim->add_option("--tenant", sim_args.tenant, "Tenant in subjects");
  sim->add_option("--stores", sim_args.stores, "How many stores (the first by site id)")
      ->check(CLI::Range(1, 10000));
  sim->add_option("--reaction-ms", sim_args.reaction_ms,
                  "Median time to answer an offer (log-normal)")
      ->check(CLI::Range(0.0, 3600000.0));
  sim->add_option("--decline-rate", sim_args.decline_rate, "Share of offers declined");
  sim->add_option("--discrepancy-rate", sim_args.discrepancy_rate,
                  "Share of wins given back for missing stock");
  sim->add_option("--prepare-ms", sim_args.prepare_ms, "From a win to prepared")
      ->check(CLI::Range(0.0, 3600000.0));
  sim->add_option("--duration-s", sim_args.duration_s,
                  "Stop after this long (0: at SIGINT/SIGTERM)");
  sim->add_option("--report-s", sim_args.report_s, "Print counters this often")
      ->check(CLI::Range(0.1, 3600.0));
  sim->add_option("--seed", sim_args.seed, "Random seed");
  sim->callback([&exit_code] { exit_code = run_store_sim(sim_args); });
}

}  // namespace ordo::cli
