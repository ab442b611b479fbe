// The simulation's inside, shared by its two halves: Ordo's side (allocation_sim.cpp) and the
// stores' side with the laws (allocation_sim_stores.cpp).
#pragma once

#include <cstdlib>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "adapters/allocation_protocol.h"
#include "engine/pipeline.h"
#include "projections/projector.h"
#include "tests/sim/allocation_sim.h"
#include "tests/sim/log_model.h"
#include "tests/sim/network.h"

namespace ordo::sim {

using domain::Instant;
using nlohmann::json;
namespace protocol = adapters::protocol;

constexpr Instant kStart = 1'795'000'000'000'000;  // 2026-11-18
constexpr Instant kSecond = 1'000'000;
constexpr Instant kRoundTimeout = 30 * kSecond;
constexpr Instant kRetryAfter = 3 * kSecond;  // a store asks again when no answer came

// An offer as a store sees it. Open until it acts or hears; the rest are ends.
enum class Offer : std::uint8_t { open, claiming, declining, won, lost, expired, declined, gone };
inline bool ended(Offer o) { return o >= Offer::won; }

struct Request {
  json body;
  Instant sent_at = 0;
  bool answered = false;
  std::set<std::pair<std::string, std::uint32_t>> known;  // pending: open offers when sent
};

struct Store {
  std::string site;
  std::map<std::pair<std::string, std::uint32_t>, Offer> offers;
  std::map<std::uint64_t, Request> requests;  // by reply inbox
  // The lines it holds, as the latest message or answer about each said (by log position, since
  // messages arrive out of order): (order, line) -> (held, position).
  std::map<std::pair<std::string, std::uint32_t>, std::pair<bool, std::uint64_t>> lines;
  std::map<std::pair<std::string, std::uint32_t>, std::vector<std::uint32_t>> offered_lines;

  void hold(const std::string& order_id, const std::vector<std::uint32_t>& numbers, bool held,
            std::uint64_t position) {
    for (auto n : numbers) {
      auto& entry = lines[{order_id, n}];
      if (position >= entry.second) entry = {held, position};
    }
  }
  void hold_all(const std::string& order_id, bool held, std::uint64_t position) {
    for (auto& [key, entry] : lines) {
      if (key.first == order_id && position >= entry.second) entry = {held, position};
    }
  }
  std::vector<std::string> held_orders() const {
    std::set<std::string> out;
    for (const auto& [key, entry] : lines) {
      if (entry.first) out.insert(key.first);
    }
    return {out.begin(), out.end()};
  }
};

class Simulation {
 public:
  explicit Simulation(const SimOptions& options) : o_(options), random_(options.seed) {}
  SimResult run();

 private:
  void start_ordo();
  void stop_ordo();
  void crash(const std::string& where);
  engine::Answer run_command(engine::Command command, eventstore::ActorKind kind);
  void setup();
  void step();
  void place_order();
  void relay();
  void deliver();
  void to_ordo(const Packet& packet);
  void to_store(const Packet& packet);
  void on_message(Store& store, const json& message);
  void on_lines_gone(Store& store, const json& message);
  static std::vector<std::uint32_t> lines_of(const json& offer);
  void on_answer(Store& store, std::uint64_t inbox, const json& answer);
  void check_answer(const Store& store, const json& request, const json& answer);
  void check_pending(const std::string& site, const json& answer);
  void reconcile(Store& store, const Request& request, const json& answer);
  void store_acts();
  void send(Store& store, json body, Request request = {});
  void retry(Store& store);
  void pending(Store& store);
  void time_passes(Instant by);
  void expire_due();
  void customer_service();
  void check_step();
  void drain();
  void deliver_all();
  void check_quiet();
  void check_holdings(bool caught_up);
  void fail(const std::string& why);
  std::string describe(const std::pair<std::string, std::uint32_t>& key) const;
  void note(std::string what);
  Store& store_at(const std::string& site);

  SimOptions o_;
  Random random_;
  Instant now_ = kStart;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<engine::Pipeline> pipeline_;
  std::unique_ptr<projections::Projector> projector_;
  std::uint64_t cursor_ = 0;  // the relay's
  Network net_;
  LogModel log_;
  std::vector<Store> stores_;
  std::vector<std::string> placed_;
  std::uint64_t next_inbox_ = 1;
  std::uint64_t answer_digest_ = 1469598103934665603ull;
  std::deque<std::string> trace_;
  std::size_t trace_max_ = std::getenv("ORDO_SIM_TRACE_ALL") != nullptr ? SIZE_MAX : 40;
  std::string failure_;
  SimResult result_;
};

}  // namespace ordo::sim
