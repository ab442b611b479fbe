// A damaged write-ahead log never loses acknowledged events silently. A child appends durably and
// records each acknowledgement in shared memory; after a SIGKILL the parent flips one byte at many
// offsets of the WAL (each on a fresh copy) and opens the store: it either refuses, naming the
// damage, or comes up with every acknowledged event and a verified chain. The same offsets opened
// the way RocksDB does by default (point-in-time recovery, no ACKNOWLEDGED check) lose acknowledged
// events at some offset, which shows the test can tell. ORDO_WAL_SEED replays a seed.
#include <rocksdb/options.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "tests/eventstore/crash_process.h"

namespace ordo::eventstore {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::uint64_t acknowledged_total(const crash::AckFile& acks) {
  std::uint64_t total = 0;
  for (auto version : acks.acknowledged) total += version;
  return total;
}

// Runs the child until it acknowledged `events`, then kills it: the WAL holds what it wrote.
void append_then_kill(const fs::path& data, const fs::path& ack_file, crash::AckFile& acks,
                      std::uint64_t events) {
  const pid_t pid = crash::spawn_child(data, ack_file);
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (acknowledged_total(acks) < events && std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, WNOHANG), 0) << "the child exited early: " << status;
    std::this_thread::sleep_for(1ms);
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_GE(acknowledged_total(acks), events);
}

fs::path largest_wal(const fs::path& data) {
  fs::path best;
  for (const auto& entry : fs::directory_iterator(data)) {
    if (entry.path().extension() != ".log") continue;
    if (best.empty() || entry.file_size() > fs::file_size(best)) best = entry.path();
  }
  return best;
}

void flip(const fs::path& file, std::uint64_t offset, unsigned char mask) {
  std::fstream io(file, std::ios::in | std::ios::out | std::ios::binary);
  io.seekg(static_cast<std::streamoff>(offset));
  const auto byte = static_cast<unsigned char>(io.get());
  io.seekp(static_cast<std::streamoff>(offset));
  io.put(static_cast<char>(byte ^ mask));
}

enum class Outcome { refused, intact, lost };

struct Trial {
  Outcome outcome = Outcome::intact;
  std::string detail;
};

// Opens a damaged copy and classifies what it did; `legacy` opens it as RocksDB does by default.
Trial open_damaged(const fs::path& copy, const crash::AckFile& acks, bool legacy) {
  auto options = testing::options_for(copy);
  if (legacy) {
    fs::remove(copy / "ACKNOWLEDGED");
    options.configure_rocksdb = [](rocksdb::DBOptions& db) {
      db.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
    };
  }
  auto store = EventStore::open(options);
  if (!store) return {Outcome::refused, store.error().to_string()};
  for (std::size_t s = 0; s < crash::kStreams; ++s) {
    const auto version = (*store)->stream_version(crash::stream_name(s)).value_or(0);
    if (version < acks.acknowledged[s]) {
      return {Outcome::lost, crash::stream_name(s) + " at version " + std::to_string(version) +
                                 ", acknowledged " + std::to_string(acks.acknowledged[s])};
    }
  }
  auto report = (*store)->verify();
  if (!report || !report->ok) return {Outcome::lost, "opened, but verify fails"};
  return {Outcome::intact, {}};
}

// A refusal names the file and the damaged record, which holds the flipped byte, or (when RocksDB
// took the damage for the end of the log) the acknowledged events that are missing.
void expect_named(const std::string& refusal, const fs::path& wal, std::uint64_t offset) {
  if (refusal.find("acknowledged events are missing") != std::string::npos) return;
  const auto named = refusal.find(wal.filename().string() + " at byte ");
  ASSERT_NE(named, std::string::npos) << refusal;
  const auto record =
      std::strtoull(refusal.c_str() + refusal.find(" at byte ", named) + 9, nullptr, 10);
  EXPECT_LE(record, offset) << refusal;
  EXPECT_LT(offset, record + 32768) << refusal;
  EXPECT_NE(refusal.find("Restore the directory from a backup"), std::string::npos) << refusal;
}

// A store whose child was killed after acknowledging 3,000 events, and its largest WAL.
struct KilledStore {
  testing::TempDir dir;
  fs::path data = dir / "data";
  crash::AckMapping mapping{dir / "acks"};
  fs::path wal;
  KilledStore() {
    append_then_kill(data, dir / "acks", mapping.acks(), 3000);
    wal = largest_wal(data);
  }
};

std::uint64_t seed_from_environment() {
  const char* value = std::getenv("ORDO_WAL_SEED");
  return value != nullptr ? std::strtoull(value, nullptr, 10) : std::random_device{}();
}

TEST(WalCorruption, AFlippedByteEitherRefusesTheOpenOrLosesNothingAcknowledged) {
  const auto seed = seed_from_environment();
  std::printf("ORDO_WAL_SEED=%llu\n", static_cast<unsigned long long>(seed));
  RecordProperty("seed", std::to_string(seed));
  KilledStore killed;
  ASSERT_FALSE(killed.wal.empty()) << "no write-ahead log after the kill";
  auto& [dir, data, mapping, wal] = killed;
  const auto wal_size = fs::file_size(wal);
  ASSERT_GT(wal_size, 10'000u);

  std::mt19937_64 random(seed);
  std::vector<std::uint64_t> offsets = {0, 7, wal_size / 2, wal_size - 1};
  for (int i = 0; i < 60; ++i) offsets.push_back(random() % wal_size);
  std::map<Outcome, int> ours, legacy;
  std::string refusal;
  for (const auto offset : offsets) {
    const auto mask = static_cast<unsigned char>(1 + random() % 255);
    for (const bool is_legacy : {false, true}) {
      const auto copy = dir / "copy";
      fs::remove_all(copy);
      fs::copy(data, copy, fs::copy_options::recursive);
      flip(copy / wal.filename(), offset, mask);
      const auto trial = open_damaged(copy, mapping.acks(), is_legacy);
      (is_legacy ? legacy : ours)[trial.outcome]++;
      if (!is_legacy) {
        EXPECT_NE(trial.outcome, Outcome::lost) << "offset " << offset << " of " << wal_size
                                                << " (seed " << seed << "): " << trial.detail;
        if (trial.outcome == Outcome::refused) expect_named(trial.detail, wal, offset);
        if (trial.outcome == Outcome::refused) refusal = trial.detail;
      }
    }
  }
  fs::remove_all(dir / "copy");
  std::printf("%zu offsets in a %llu-byte WAL: refused %d, intact %d; point-in-time: lost %d\n",
              offsets.size(), static_cast<unsigned long long>(wal_size), ours[Outcome::refused],
              ours[Outcome::intact], legacy[Outcome::lost]);
  std::printf("a refusal: %s\n", refusal.c_str());
  EXPECT_GT(ours[Outcome::refused], 0) << "no offset was found damaged";
  EXPECT_GT(legacy[Outcome::lost], 0) << "the default recovery lost nothing: the test cannot tell";
}

// A log cut short or removed is not damaged, just shorter: only ACKNOWLEDGED can tell.
TEST(WalCorruption, ALogCutShortOrRemovedIsRefusedBecauseAcknowledgedEventsAreMissing) {
  KilledStore killed;
  ASSERT_FALSE(killed.wal.empty()) << "no write-ahead log after the kill";
  auto& [dir, data, mapping, wal] = killed;
  for (const bool remove : {false, true}) {
    for (const bool is_legacy : {false, true}) {
      const auto copy = dir / "copy";
      fs::remove_all(copy);
      fs::copy(data, copy, fs::copy_options::recursive);
      if (remove) {
        fs::remove(copy / wal.filename());
      } else {
        fs::resize_file(copy / wal.filename(), fs::file_size(wal) / 2);
      }
      const auto trial = open_damaged(copy, mapping.acks(), is_legacy);
      if (is_legacy) {
        EXPECT_EQ(trial.outcome, Outcome::lost) << "without the check the loss goes unseen";
        continue;
      }
      ASSERT_EQ(trial.outcome, Outcome::refused) << trial.detail;
      EXPECT_NE(trial.detail.find("acknowledged events are missing"), std::string::npos)
          << trial.detail;
      // What ordo log verify opens: it reads the shorter log and reports the missing events, or,
      // when nothing is left to read, says so on opening.
      auto options = testing::options_for(copy);
      options.read_only = true;
      auto store = EventStore::open(options);
      if (!store) {
        EXPECT_NE(store.error().message.find("acknowledged events are missing"), std::string::npos)
            << store.error().message;
        continue;
      }
      auto report = (*store)->verify();
      ASSERT_TRUE(report);
      EXPECT_FALSE(report->ok) << "verify must say so";
      EXPECT_NE(report->problem.find("was acknowledged"), std::string::npos) << report->problem;
    }
  }
  fs::remove_all(dir / "copy");
}

}  // namespace
}  // namespace ordo::eventstore
