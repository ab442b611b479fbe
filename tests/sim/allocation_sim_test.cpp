// The deterministic simulation of competitive allocation (allocation_sim.h) over a range of seeds:
// ORDO_SIM_FIRST_SEED and ORDO_SIM_SEEDS choose them (ctest runs four ranges of 250); a failure
// prints its seed, and ORDO_SIM_SEED=<seed> replays exactly that one.
#include "tests/sim/allocation_sim.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "tests/eventstore/test_support.h"

namespace ordo::sim {
namespace {

std::uint64_t env(const char* name, std::uint64_t otherwise) {
  const char* value = std::getenv(name);
  return value == nullptr ? otherwise : std::strtoull(value, nullptr, 10);
}

TEST(AllocationSimulation, EveryLawHoldsForEverySeed) {
  eventstore::testing::TempDir dir;
  std::uint64_t first = env("ORDO_SIM_FIRST_SEED", 1);
  std::uint64_t count = env("ORDO_SIM_SEEDS", 250);
  if (const char* one = std::getenv("ORDO_SIM_SEED")) {
    first = std::strtoull(one, nullptr, 10);
    count = 1;
  }
  SimResult total;
  for (std::uint64_t seed = first; seed < first + count; ++seed) {
    const auto result = simulate({seed, dir.path() / "sim", 6, 6, 240});
    ASSERT_EQ(result.failure, "") << "seed " << seed << " (replay: ORDO_SIM_SEED=" << seed
                                  << ")\nlast steps:\n"
                                  << result.trace;
    total.rounds += result.rounds;
    total.wins += result.wins;
    total.crashes += result.crashes;
    total.dropped += result.dropped;
    total.duplicated += result.duplicated;
    total.answers += result.answers;
    total.lost += result.lost;
    total.expired += result.expired;
    total.told_by_messages += result.told_by_messages;
  }
  std::cout << count << " seeds from " << first << ": " << total.rounds << " rounds, " << total.wins
            << " won, " << total.crashes << " crashes, " << total.dropped << " messages dropped, "
            << total.duplicated << " duplicated, " << total.answers << " answers (" << total.lost
            << " lost, " << total.expired << " expired)\n";
  // The runs did what they are for: rounds were won and lost to another store, claims came too
  // late, and crashes and faults happened.
  if (count >= 50) {
    EXPECT_GT(total.wins, count);
    EXPECT_GT(total.crashes, count / 2);
    EXPECT_GT(total.dropped, count);
    EXPECT_GT(total.duplicated, count);
    EXPECT_GT(total.lost, count / 10);
    EXPECT_GT(total.expired, count / 2);
    EXPECT_GT(total.told_by_messages, count / 10);  // stores told by messages alone
  }
}

// A seed replays exactly: the same log, the same answers, twice.
TEST(AllocationSimulation, ASeedReplaysExactly) {
  eventstore::testing::TempDir dir;
  for (std::uint64_t seed : {7u, 1234u, 99991u}) {
    const auto first = simulate({seed, dir.path() / "a", 6, 6, 240});
    const auto second = simulate({seed, dir.path() / "b", 6, 6, 240});
    ASSERT_EQ(first.failure, "") << "seed " << seed;
    EXPECT_GT(first.events, 20u);
    EXPECT_EQ(first.digest, second.digest) << "seed " << seed;
    EXPECT_EQ(first.events, second.events) << "seed " << seed;
  }
}

}  // namespace
}  // namespace ordo::sim
