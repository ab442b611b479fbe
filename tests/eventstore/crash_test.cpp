// Crash test: a child appends durably and records each acknowledgement in shared memory; the parent
// kills it with SIGKILL at random moments (some during its recovery), reopens the store, and checks
// that every acknowledged event is there, the log is a prefix with no hole and no foreign event,
// and the hash chain verifies, on every reopen. The seed is printed and ORDO_CRASH_SEED replays it;
// ops/crash-soak runs thousands of cycles with progress.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <thread>

#include "tests/eventstore/crash_process.h"
#include "tests/eventstore/power_loss_fs.h"

namespace ordo::eventstore {
namespace {

using namespace std::chrono_literals;

using crash::AckMapping;
using crash::spawn_child;

// Kills the child at a random moment: usually while it appends, sometimes while it recovers.
void kill_at_random(pid_t pid, crash::AckFile& acks, std::mt19937& random) {
  const bool during_recovery = std::uniform_int_distribution(0, 9)(random) == 0;
  if (!during_recovery) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (__atomic_load_n(&acks.ready, __ATOMIC_SEQ_CST) == 0 &&
           std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      ASSERT_EQ(::waitpid(pid, &status, WNOHANG), 0) << "the child exited early: " << status;
      std::this_thread::sleep_for(200us);
    }
  }
  std::this_thread::sleep_for(std::chrono::microseconds(
      std::uniform_int_distribution(during_recovery ? 1000 : 0, 40'000)(random)));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child exited by itself with " << WEXITSTATUS(status);
}

struct Checker {
  std::uint64_t head = 0;
  std::map<std::string, std::uint64_t> versions;

  // Everything acknowledged is there; the new events continue each stream without a gap.
  void check(EventStore& store, const crash::AckFile& acks) {
    const std::uint64_t new_head = store.durable_position();
    ASSERT_GE(new_head, head) << "the log lost events it had before";
    for (std::size_t s = 0; s < crash::kStreams; ++s) {
      const auto stream = crash::stream_name(s);
      ASSERT_GE(store.stream_version(stream).value(), acks.acknowledged[s])
          << "an acknowledged event of " << stream << " is missing";
    }
    auto visited = store.for_each(head + 1, new_head, [&](const EventView& e) {
      auto& version = versions[std::string(e.stream)];
      EXPECT_EQ(e.stream_version, version + 1);
      EXPECT_EQ(e.payload, crash::payload(std::string(e.stream), e.stream_version));
      version = e.stream_version;
      return true;
    });
    ASSERT_TRUE(visited) << visited.error().to_string();
    ASSERT_EQ(*visited, new_head - head) << "the log has a hole";
    head = new_head;
  }
};

std::uint64_t from_environment(const char* name, std::uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::strtoull(value, nullptr, 10) : fallback;
}

// ORDO_CRASH_CYCLES (default 200), ORDO_CRASH_SEED (replays a run: it is printed first),
// ORDO_CRASH_FRESH_EVERY (a new store every N cycles, default 50, so that every cycle keeps its
// cost however long the run; 0: one store), ORDO_CRASH_PROGRESS (a line every N cycles; 0: none).
TEST(Crash, AcknowledgedEventsSurviveSigkillAtAnyMoment) {
  const auto cycles = std::max<std::uint64_t>(1, from_environment("ORDO_CRASH_CYCLES", 200));
  const auto seed = from_environment("ORDO_CRASH_SEED", std::random_device{}());
  const auto fresh_every = from_environment("ORDO_CRASH_FRESH_EVERY", 50);
  const auto progress = from_environment("ORDO_CRASH_PROGRESS", 0);
  std::printf("ORDO_CRASH_SEED=%llu\n", static_cast<unsigned long long>(seed));
  std::fflush(stdout);
  RecordProperty("seed", std::to_string(seed));
  testing::TempDir dir;
  const auto data = dir / "data";
  const auto ack_file = dir / "acks";
  AckMapping mapping(ack_file);
  Checker checker;
  std::mt19937 random(static_cast<std::mt19937::result_type>(seed));
  const auto started = std::chrono::steady_clock::now();
  std::uint64_t events = 0, verified = 0;
  for (std::uint64_t cycle = 0; cycle < cycles; ++cycle) {
    if (fresh_every != 0 && cycle % fresh_every == 0 && cycle != 0) {
      events += checker.head;
      std::filesystem::remove_all(data);
      checker = Checker{};
      mapping.acks() = crash::AckFile{};
    }
    __atomic_store_n(&mapping.acks().ready, 0, __ATOMIC_SEQ_CST);
    const pid_t pid = spawn_child(data, ack_file);
    ASSERT_GT(pid, 0);
    kill_at_random(pid, mapping.acks(), random);
    if (!std::filesystem::exists(data / "CURRENT")) continue;  // killed before it created the store
    auto store = testing::open_store(data);
    ASSERT_NE(store, nullptr) << "cycle " << cycle << ", seed " << seed;
    checker.check(*store, mapping.acks());
    if (::testing::Test::HasFailure()) FAIL() << "failed at cycle " << cycle << ", seed " << seed;
    // The whole chain, on every reopen: a crash must never leave a link that does not verify.
    auto report = store->verify();
    ASSERT_TRUE(report);
    ASSERT_TRUE(report->ok) << "cycle " << cycle << ", seed " << seed << ": " << report->problem;
    ++verified;
    if (progress != 0 && (cycle + 1) % progress == 0) {
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::printf("cycle %llu/%llu: %llu events, %.0f s, %.1f cycles/min\n",
                  static_cast<unsigned long long>(cycle + 1),
                  static_cast<unsigned long long>(cycles),
                  static_cast<unsigned long long>(events + checker.head), elapsed,
                  static_cast<double>(cycle + 1) * 60.0 / elapsed);
      std::fflush(stdout);
    }
  }
  events += checker.head;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  RecordProperty("events", static_cast<int>(events));
  std::printf("%llu kill cycles, %llu reopens verified, %llu events, %.0f s, %.1f cycles/min\n",
              static_cast<unsigned long long>(cycles), static_cast<unsigned long long>(verified),
              static_cast<unsigned long long>(events), elapsed,
              static_cast<double>(cycles) * 60.0 / elapsed);
  EXPECT_GT(events, 0u);
  EXPECT_GT(verified, cycles / 2) << "most cycles must reopen a store";
}

// What one power-loss cycle found: the store refused to open, lost an acknowledged event, or
// came up whole.
enum class AfterPowerLoss { refused, lost, whole };

// Kills a child that journals its file writes, drops every write it had not synced, and reopens.
AfterPowerLoss power_loss_cycle(const testing::TempDir& dir, AckMapping& mapping, Checker& checker,
                                std::mt19937& random, bool fsync, std::uint64_t& dropped) {
  const auto data = dir / "data";
  const auto journal = (dir / "journal").string();
  std::vector<std::pair<std::string, std::string>> environment{
      {"ORDO_POWER_LOSS_JOURNAL", journal}};
  if (!fsync) environment.emplace_back("ORDO_CRASH_NO_FSYNC", "1");
  __atomic_store_n(&mapping.acks().ready, 0, __ATOMIC_SEQ_CST);
  const pid_t pid = spawn_child(data, dir / "acks", environment);
  EXPECT_GT(pid, 0);
  kill_at_random(pid, mapping.acks(), random);
  dropped += power_loss::lose_unsynced_writes(journal);
  if (!std::filesystem::exists(data / "CURRENT")) return AfterPowerLoss::whole;
  auto store = EventStore::open(testing::options_for(data, Durability::fsync));
  if (!store) return AfterPowerLoss::refused;
  for (std::size_t s = 0; s < crash::kStreams; ++s) {
    if ((*store)->stream_version(crash::stream_name(s)).value() < mapping.acks().acknowledged[s])
      return AfterPowerLoss::lost;
  }
  checker.check(**store, mapping.acks());
  auto report = (*store)->verify();
  EXPECT_TRUE(report && report->ok) << (report ? report->problem : report.error().to_string());
  return AfterPowerLoss::whole;
}

// Every acknowledged event survives losing every write not yet synced, because an answer waits
// for the WAL's fsync; the same simulation without fsync loses acknowledged events, so the test
// tells a synced write from an unsynced one (a SIGKILL alone cannot: the page cache survives it).
TEST(PowerLoss, EveryAcknowledgedEventSurvivesLosingEveryUnsyncedWrite) {
  const auto seed = from_environment("ORDO_CRASH_SEED", std::random_device{}());
  std::printf("ORDO_CRASH_SEED=%llu\n", static_cast<unsigned long long>(seed));
  std::mt19937 random(static_cast<std::mt19937::result_type>(seed));
  std::map<AfterPowerLoss, int> synced, unsynced;
  std::uint64_t dropped_synced = 0, dropped_unsynced = 0;
  {
    testing::TempDir dir;
    AckMapping mapping(dir / "acks");
    Checker checker;
    for (int cycle = 0; cycle < 40 && !::testing::Test::HasFailure(); ++cycle) {
      const auto after = power_loss_cycle(dir, mapping, checker, random, true, dropped_synced);
      synced[after]++;
      EXPECT_EQ(after, AfterPowerLoss::whole) << "cycle " << cycle << ", seed " << seed;
    }
  }
  for (int cycle = 0; cycle < 10 && unsynced[AfterPowerLoss::whole] == cycle; ++cycle) {
    testing::TempDir dir;  // a new store each time: a refused one cannot go on
    AckMapping mapping(dir / "acks");
    Checker checker;
    unsynced[power_loss_cycle(dir, mapping, checker, random, false, dropped_unsynced)]++;
  }
  std::printf(
      "with fsync: %d cycles whole, %llu unsynced bytes dropped; without: %d refused, "
      "%d lost, %d whole\n",
      synced[AfterPowerLoss::whole], static_cast<unsigned long long>(dropped_synced),
      unsynced[AfterPowerLoss::refused], unsynced[AfterPowerLoss::lost],
      unsynced[AfterPowerLoss::whole]);
  EXPECT_GT(dropped_synced, 0u) << "no cycle had unsynced writes to lose: the test proved nothing";
  EXPECT_GT(unsynced[AfterPowerLoss::refused] + unsynced[AfterPowerLoss::lost], 0)
      << "without fsync nothing acknowledged was lost: the simulation cannot tell";
}

}  // namespace
}  // namespace ordo::eventstore
