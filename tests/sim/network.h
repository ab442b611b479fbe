// The simulation's randomness and its transport between Ordo and the stores: every message may be
// dropped, duplicated, delayed and so delivered out of order, as core NATS may (at most once, no
// order across subjects once reconnects and redeliveries are in play). One seeded generator
// drives everything, so a seed replays exactly.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "domain/types.h"

namespace ordo::sim {

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  /// 0 <= result < n (n > 0). Written out rather than std::uniform_int_distribution, whose
  /// results differ between standard libraries: a seed must replay anywhere.
  std::uint64_t below(std::uint64_t n) { return engine_() % n; }
  bool chance(double p) { return static_cast<double>(engine_() >> 11) * 0x1.0p-53 < p; }

 private:
  std::mt19937_64 engine_;
};

/// What travels: a message or answer to a store, or a request to Ordo.
struct Packet {
  enum class To : std::uint8_t { store, ordo };
  To to = To::store;
  std::string site;         // the store it comes from or goes to
  std::string body;         // JSON
  std::uint64_t inbox = 0;  // a request's reply inbox; an answer's: the inbox it answers
  domain::Instant deliver_at = 0;
};

struct Faults {
  double drop = 0;
  double duplicate = 0;
  domain::Instant delay_max = 0;  // microseconds
};

class Network {
 public:
  void send(Packet packet, Random& random, domain::Instant now) {
    ++sent_;
    if (random.chance(faults_.drop)) {
      ++dropped_;
      dropped_to_stores_ += packet.to == Packet::To::store;
      return;
    }
    const int copies = random.chance(faults_.duplicate) ? 2 : 1;
    duplicated_ += static_cast<std::uint64_t>(copies - 1);
    for (int i = 0; i < copies; ++i) {
      packet.deliver_at = now + static_cast<domain::Instant>(random.below(
                                    static_cast<std::uint64_t>(faults_.delay_max) + 1));
      in_flight_.push_back(packet);
    }
  }
  /// One packet due by `now`, chosen at random among them (so equal delays reorder too).
  std::optional<Packet> take_due(Random& random, domain::Instant now) {
    std::vector<std::size_t> due;
    for (std::size_t i = 0; i < in_flight_.size(); ++i) {
      if (in_flight_[i].deliver_at <= now) due.push_back(i);
    }
    if (due.empty()) return std::nullopt;
    const auto at = due[random.below(due.size())];
    Packet packet = std::move(in_flight_[at]);
    in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(at));
    return packet;
  }
  /// Ordo went away: core NATS keeps nothing for a subscriber that is gone, so the requests on
  /// their way to it are lost (some may have reached it: `kept` of them, at random, still do).
  void lose_requests(Random& random, double kept) {
    std::erase_if(in_flight_, [&](const Packet& p) {
      const bool lost = p.to == Packet::To::ordo && !random.chance(kept);
      dropped_ += lost;
      return lost;
    });
  }
  /// When the next packet is due (the network is not empty).
  domain::Instant next_due() const {
    domain::Instant next = in_flight_.front().deliver_at;
    for (const auto& p : in_flight_) next = std::min(next, p.deliver_at);
    return next;
  }
  void set_faults(Faults faults) { faults_ = faults; }
  const Faults& faults() const { return faults_; }
  bool empty() const { return in_flight_.empty(); }
  std::uint64_t sent() const { return sent_; }
  std::uint64_t dropped() const { return dropped_; }
  std::uint64_t dropped_to_stores() const { return dropped_to_stores_; }
  std::uint64_t duplicated() const { return duplicated_; }

 private:
  Faults faults_;
  std::vector<Packet> in_flight_;
  std::uint64_t sent_ = 0, dropped_ = 0, duplicated_ = 0, dropped_to_stores_ = 0;
};

}  // namespace ordo::sim
