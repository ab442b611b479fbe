// ordo-simulate: runs the deterministic simulation of competitive allocation over many seeds
// (ops/simulate). Usage: ordo-simulate --seeds N [--first SEED] [--dir DIR]. Prints each failing
// seed with its last steps, a summary, and BENCH simulation_seeds_per_s. Exit 1 on any failure.
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "tests/sim/allocation_sim.h"

int main(int argc, char** argv) {
  std::uint64_t seeds = 1000, first = 1;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "ordo-simulate";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seeds") == 0) {
      seeds = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--first") == 0) {
      first = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--dir") == 0) {
      dir = argv[i + 1];
    } else {
      std::cerr << "usage: ordo-simulate --seeds N [--first SEED] [--dir DIR]\n";
      return 2;
    }
  }
  const auto started = std::chrono::steady_clock::now();
  std::uint64_t failed = 0, events = 0, rounds = 0, wins = 0, crashes = 0, lost = 0, expired = 0,
                told = 0;
  for (std::uint64_t seed = first; seed < first + seeds; ++seed) {
    const auto r = ordo::sim::simulate({seed, dir / std::to_string(seed), 6, 6, 240});
    events += r.events;
    rounds += r.rounds;
    wins += r.wins;
    crashes += r.crashes;
    lost += r.lost;
    expired += r.expired;
    told += r.told_by_messages;
    if (!r.failure.empty()) {
      ++failed;
      std::cout << "FAILED seed " << seed << ": " << r.failure << "\n" << r.trace;
    }
    if ((seed - first + 1) % 1000 == 0) {
      std::cerr << (seed - first + 1) << " seeds, " << failed << " failed\n";
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << seeds << " seeds from " << first << ": " << failed << " failed; " << events
            << " events, " << rounds << " rounds, " << wins << " won, " << lost << " claims lost, "
            << expired << " answers expired, " << crashes << " crashes in " << seconds << " s\n";
  std::cout << "BENCH simulation_seeds_per_s " << static_cast<double>(seeds) / seconds
            << " seeds/s\n";
  return failed == 0 ? 0 : 1;
}
