// Competitive allocation end to end on 127.0.0.1: a real nats-server configured by
// `ordo nats-config`, a real `ordo serve --nats`, and stores written here on the NATS C client,
// each with its own credentials.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>

#include "adapters/store_client.h"
#include "tests/gateway/http_support.h"
#include "tests/nats_server.h"

namespace ordo::adapters::testing {

using gateway::testing::Http;
using gateway::testing::ServerProcess;
using nlohmann::json;
namespace fs = std::filesystem;

using ordo::testing::free_port;
using ordo::testing::NatsServer;

/// What one store was told for one order.
struct Outcome {
  std::string result;  // won, lost, expired, declined, invalid
  std::uint32_t round = 0;
};

/// A store on its own NATS credentials (adapters/store_client.h): takes offers and claims each
/// after `reaction`, retrying while Ordo or NATS is away.
class Store {
 public:
  Store(const std::string& url, const fs::path& credentials, std::string site,
        std::chrono::milliseconds reaction = std::chrono::milliseconds(0))
      : site_(std::move(site)), reaction_(reaction) {
    auto password = ordo::read_secret((credentials / "stores" / (site_ + ".password")).string());
    if (!password) throw std::runtime_error(password.error().to_string());
    StoreClientOptions options{
        url, "main", site_, *password, "test " + site_, false, [this](std::string_view e) {
          std::lock_guard lock(mutex_);
          errors_.emplace_back(e);
        }};
    auto client = StoreClient::connect(
        options,
        [this](const json& message) {
          std::lock_guard lock(mutex_);
          take(message);
        },
        [this] {
          std::lock_guard lock(mutex_);
          resync_ = true;
          cv_.notify_one();
        });
    if (!client) throw std::runtime_error(client.error().to_string());
    client_ = std::move(*client);
    worker_ = std::thread([this] { work(); });
  }
  ~Store() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }

  /// A request/reply on `subject` (this store's claims subject unless given); "timeout" when
  /// no reply comes.
  json request(const json& body, std::string subject = {}, int timeout_ms = 1500) {
    return client_->request(body, timeout_ms, subject);
  }
  json request_raw(const std::string& text, const std::string& subject, int timeout_ms = 1500) {
    return client_->request_text(text, subject, timeout_ms);
  }

  std::string trace(const std::string& order_id) {
    std::lock_guard lock(mutex_);
    return trace_[order_id];
  }
  std::map<std::string, Outcome> outcomes() {
    std::lock_guard lock(mutex_);
    return outcomes_;
  }
  std::size_t answered() {
    std::lock_guard lock(mutex_);
    return outcomes_.size();
  }
  std::size_t repeated_offers() const { return client_->repeated_offers(); }
  std::vector<std::string> errors() {
    std::lock_guard lock(mutex_);
    return errors_;
  }
  natsConnection* connection() { return client_->connection(); }
  const std::string& site() const { return site_; }
  void pause(bool paused) { paused_ = paused; }

 private:
  struct Offer {
    std::string order_id;
    std::uint32_t round = 0;
  };

  // Under mutex_. Offers come once each from the client, also the ones `pending` lists again.
  void take(const json& doc) {
    if (!doc.is_object() || doc.value("type", "") != "offer") return;
    Offer offer{doc.value("order_id", ""), doc.value("round", 0u)};
    if (!seen_.insert(offer.order_id + "/" + std::to_string(offer.round)).second) return;
    queue_.push_back(std::move(offer));
    cv_.notify_one();
  }

  // Offers sent while this store was away are not kept by NATS: ask Ordo for the pending ones.
  void resync() {
    auto reply = client_->pending(1500);
    std::lock_guard lock(mutex_);
    if (reply.value("result", "") != "ok") {
      resync_ = true;  // Ordo or NATS is away: again a little later
      retry_after_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
      return;
    }
    for (const auto& offer : reply["offers"]) take(offer);
    more_ =
        reply.value("more", false);  // more than one answer holds: ask again once these are done
  }

  void work() {
    resync();
    for (;;) {
      Offer offer;
      {
        std::unique_lock lock(mutex_);
        const auto due = [&] {
          return resync_ && std::chrono::steady_clock::now() >= retry_after_;
        };
        cv_.wait_for(lock, std::chrono::milliseconds(50),
                     [&] { return stopping_ || !queue_.empty() || due(); });
        if (stopping_) return;
        if (queue_.empty() && more_) {
          more_ = false;
          resync_ = true;
        }
        if (due()) {
          resync_ = false;
          lock.unlock();
          resync();
          continue;
        }
        if (queue_.empty()) continue;
        offer = queue_.front();
        queue_.pop_front();
      }
      if (reaction_.count() > 0) std::this_thread::sleep_for(reaction_);
      claim(offer);
    }
  }

  // Until Ordo has decided: a timeout (NATS or Ordo down) or "retry" asks again.
  void claim(const Offer& offer) {
    json reply;
    for (int attempt = 0; attempt < 200; ++attempt) {
      while (paused_.load()) {
        {
          std::lock_guard lock(mutex_);
          if (stopping_) return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      reply = request({{"action", "claim"}, {"order_id", offer.order_id}, {"round", offer.round}});
      const auto result = reply.value("result", "");
      {
        std::lock_guard lock(mutex_);
        trace_[offer.order_id] +=
            result + "@" +
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - born_)
                               .count()) +
            " ";
      }
      if (result != "timeout" && result != "retry" && result != "error") break;
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::lock_guard lock(mutex_);
    outcomes_[offer.order_id] = {reply.value("result", "none"), offer.round};
  }

  std::string site_;
  std::chrono::milliseconds reaction_;
  std::thread worker_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Offer> queue_;
  std::set<std::string> seen_;
  std::map<std::string, Outcome> outcomes_;
  std::map<std::string, std::string> trace_;
  std::chrono::steady_clock::time_point born_ = std::chrono::steady_clock::now();
  std::vector<std::string> errors_;
  std::atomic<bool> paused_{false};
  bool stopping_ = false;
  bool resync_ = false;
  bool more_ = false;
  std::chrono::steady_clock::time_point retry_after_{};
  // Last: destroyed first, so that no NATS callback runs on members already gone.
  std::unique_ptr<StoreClient> client_;
};

/// The demo retailer's six stores.
inline std::vector<std::string> store_sites(const fs::path& credentials) {
  std::vector<std::string> sites;
  for (const auto& entry : fs::directory_iterator(credentials / "stores")) {
    const auto name = entry.path().filename().string();
    if (name.starts_with("FR-")) sites.push_back(name.substr(0, name.size() - 9));
  }
  std::sort(sites.begin(), sites.end());
  return sites;
}

/// Stores compete for every web order: all of them offered at once (round_size), no capacity
/// limit, `rounds` rounds of `timeout_ms`, then the warehouse when `fallback`.
inline json competitive_rules(int round_size, int timeout_ms, int rounds, bool fallback) {
  return {{"author", "tests"},
          {"reason", "stores compete"},
          {"document",
           {{"default_strategy", "compete"},
            {"strategies", json::array({{{"name", "compete"},
                                         {"site_types", {"store", "warehouse"}},
                                         {"require_capacity", false},
                                         {"ranking", {"priority", "stock_depth"}},
                                         {"groups", json::array({{{"name", "stores"},
                                                                  {"sites", {{"types", {"store"}}}},
                                                                  {"priority", 1}}})},
                                         {"mode", "competitive"},
                                         {"competitive_types", {"store"}},
                                         {"round_size", round_size},
                                         {"round_timeout_ms", timeout_ms},
                                         {"max_rounds", rounds},
                                         {"fallback_direct", fallback}}})}}}};
}

}  // namespace ordo::adapters::testing
