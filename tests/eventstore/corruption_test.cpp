// Damaged and tampered logs: flipped bytes in a value and in database files, an edited event with
// a valid checksum, deleted, reordered and truncated events. Reads and `verify` report each at the
// right position; nothing crashes.
#include <rapidcheck.h>
#include <rocksdb/db.h>

#include <fstream>
#include <random>

#include "eventstore/envelope.h"
#include "eventstore/keys.h"
#include "tests/eventstore/process.h"
#include "tests/eventstore/test_support.h"

namespace ordo::eventstore {
namespace {

using testing::TempDir;

// Direct access to the store's RocksDB, the way an attacker or a broken disk would change it.
class RawDb {
 public:
  explicit RawDb(const std::filesystem::path& dir) {
    std::vector<std::string> names;
    EXPECT_TRUE(rocksdb::DB::ListColumnFamilies({}, dir.string(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* raw = nullptr;
    EXPECT_TRUE(rocksdb::DB::Open({}, dir.string(), descriptors, &handles_, &raw).ok());
    db_.reset(raw);
    for (std::size_t i = 0; i < names.size(); ++i) by_name_[names[i]] = handles_[i];
  }
  ~RawDb() {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  }
  std::string get_log(std::uint64_t position) {
    std::string value;
    EXPECT_TRUE(db_->Get({}, by_name_[kCfLog], log_key(position), &value).ok());
    return value;
  }
  void put_log(std::uint64_t position, const std::string& value) {
    EXPECT_TRUE(db_->Put({}, by_name_[kCfLog], log_key(position), value).ok());
  }
  void delete_log(std::uint64_t position) {
    EXPECT_TRUE(db_->Delete({}, by_name_[kCfLog], log_key(position)).ok());
  }
  void put(const std::string& family, std::string_view key, std::string_view value) {
    EXPECT_TRUE(db_->Put({}, by_name_[family], key, value).ok());
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> by_name_;
};

void fill(const std::filesystem::path& dir, int events_count) {
  auto store = testing::open_store(dir);
  for (int i = 0; i < events_count; ++i) {
    ASSERT_TRUE(
        store->append("stream-" + std::to_string(i % 4), ExpectedVersion::any(),
                      {testing::event("Happened", "payload of event " + std::to_string(i))}));
  }
}

VerifyReport verify_read_only(const std::filesystem::path& dir) {
  auto options = testing::options_for(dir);
  options.read_only = true;
  auto store = EventStore::open(options);
  if (!store) {
    ADD_FAILURE() << "a read-only open must tolerate damage, to report it: "
                  << store.error().to_string();
    return VerifyReport{};  // ok, position 0: fails the caller's checks without a crash
  }
  auto report = (*store)->verify();
  if (!report) {
    ADD_FAILURE() << report.error().to_string();
    return VerifyReport{};
  }
  return *report;
}

TEST(Corruption, AnyFlippedByteOfAnyEventIsFoundAtItsPosition) {
  TempDir dir;
  fill(dir.path(), 40);
  rc::check([&] {
    const auto position = *rc::gen::inRange<std::uint64_t>(1, 41);
    const std::string original = RawDb(dir.path()).get_log(position);
    const auto offset = *rc::gen::inRange<std::size_t>(0, original.size());
    const auto mask = *rc::gen::inRange<int>(1, 256);
    std::string damaged = original;
    damaged[offset] = static_cast<char>(damaged[offset] ^ mask);
    RawDb(dir.path()).put_log(position, damaged);

    const auto report = verify_read_only(dir.path());
    RawDb(dir.path()).put_log(position, original);
    RC_ASSERT(!report.ok);
    RC_ASSERT(report.first_bad_position == position);
  });
  EXPECT_TRUE(verify_read_only(dir.path()).ok);
}

TEST(Corruption, ADamagedLastEventIsReportedAndNotExtended) {
  TempDir dir;
  fill(dir.path(), 20);
  {
    RawDb raw(dir.path());
    std::string value = raw.get_log(20);
    value[value.size() / 3] ^= 0x11;
    raw.put_log(20, value);
  }
  const auto report = verify_read_only(dir.path());
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_position, 20u);
  auto writable = EventStore::open(testing::options_for(dir.path()));
  ASSERT_FALSE(writable);
  EXPECT_EQ(writable.error().code, ErrorCode::corruption);
  auto cli = testing::run_process(
      {testing::binary("ordo"), "log", "verify", "--data", dir.path().string()});
  EXPECT_EQ(cli.exit_code, 1) << cli.output;
  EXPECT_NE(cli.output.find("BROKEN at position 20"), std::string::npos) << cli.output;
}

TEST(Corruption, ReadsOfADamagedEventFailWithCorruption) {
  TempDir dir;
  fill(dir.path(), 20);
  {
    RawDb raw(dir.path());
    std::string value = raw.get_log(7);
    value[value.size() / 2] ^= 0x20;
    raw.put_log(7, value);
  }
  auto store = testing::open_store(dir.path());
  auto all = store->read_all(1, 100);
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().code, ErrorCode::corruption);
  EXPECT_NE(all.error().message.find("position 7"), std::string::npos) << all.error().message;
  EXPECT_EQ(store->read_stream("stream-2", 1, 100).error().code, ErrorCode::corruption);
  EXPECT_TRUE(store->read_all(8, 100));  // the rest of the log is still readable
}

TEST(Corruption, AnEditedEventWithAValidChecksumBreaksTheChainAfterIt) {
  TempDir dir;
  fill(dir.path(), 20);
  {
    RawDb raw(dir.path());
    const std::string stored = raw.get_log(10);
    auto decoded = decode_envelope(stored, 10).value();
    AppendRequest forger;
    auto forged = build_envelope(testing::event("Happened", "a refund nobody asked for"),
                                 decoded.event.stream, forger);
    seal_envelope(forged, 10, decoded.event.stream_version, decoded.event.recorded_at_us,
                  decoded.previous_hash);
    raw.put_log(10, std::string(reinterpret_cast<const char*>(forged.data()), forged.size()));
  }
  const auto report = verify_read_only(dir.path());
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_position, 11u);
  EXPECT_NE(report.problem.find("hash chain"), std::string::npos) << report.problem;
}

TEST(Corruption, DeletedAndReorderedEventsAreFound) {
  TempDir dir;
  fill(dir.path(), 20);
  {
    RawDb raw(dir.path());
    const std::string a = raw.get_log(5), b = raw.get_log(6);
    raw.put_log(5, b);
    raw.put_log(6, a);
  }
  EXPECT_EQ(verify_read_only(dir.path()).first_bad_position, 5u);
  {
    RawDb raw(dir.path());
    const std::string a = raw.get_log(5), b = raw.get_log(6);
    raw.put_log(5, b);
    raw.put_log(6, a);
    raw.delete_log(12);
  }
  const auto report = verify_read_only(dir.path());
  EXPECT_EQ(report.first_bad_position, 12u);
  EXPECT_NE(report.problem.find("missing"), std::string::npos) << report.problem;
}

TEST(Corruption, ATruncatedLogIsReportedAndNeverExtended) {
  TempDir dir;
  fill(dir.path(), 20);
  {
    RawDb raw(dir.path());
    for (std::uint64_t p = 16; p <= 20; ++p) raw.delete_log(p);
  }
  const auto report = verify_read_only(dir.path());
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_position, 16u);
  std::map<std::string, std::string> files_before;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    std::ifstream in(entry.path(), std::ios::binary);
    files_before[entry.path().filename()] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  auto writable = EventStore::open(testing::options_for(dir.path()));
  ASSERT_FALSE(writable);
  EXPECT_EQ(writable.error().code, ErrorCode::corruption);
  std::map<std::string, std::string> files_after;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    std::ifstream in(entry.path(), std::ios::binary);
    files_after[entry.path().filename()] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  EXPECT_EQ(files_after, files_before) << "refusing a truncated log changed its directory";

  auto cli = testing::run_process(
      {testing::binary("ordo"), "log", "verify", "--data", dir.path().string()});
  EXPECT_EQ(cli.exit_code, 1) << cli.output;
  EXPECT_NE(cli.output.find("BROKEN at position 16"), std::string::npos) << cli.output;
}

std::vector<std::filesystem::path> sst_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".sst") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::filesystem::file_size(a) > std::filesystem::file_size(b);
  });
  return out;
}

TEST(Corruption, FlippedBytesInDatabaseFilesGiveAnErrorNeverACrash) {
  TempDir dir;
  const auto pristine = dir / "pristine";
  {
    auto store = testing::open_store(pristine);
    for (int i = 0; i < 40; ++i) {
      ASSERT_TRUE(
          store->append("s" + std::to_string(i % 9), ExpectedVersion::any(), testing::events(100)));
    }
    ASSERT_TRUE(store->flush());
  }
  const auto files = sst_files(pristine);
  ASSERT_FALSE(files.empty());
  std::mt19937 random(20261122);
  for (int round = 0; round < 12; ++round) {
    const auto copy = dir / ("copy-" + std::to_string(round));
    std::filesystem::copy(pristine, copy);
    // The largest table holds the log; its first half is data blocks, all read by verify.
    const auto target = copy / files.front().filename();
    const auto size = std::filesystem::file_size(target);
    std::fstream file(target, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(static_cast<std::streamoff>(
        std::uniform_int_distribution<std::uint64_t>(0, size / 2)(random)));
    char byte = 0;
    file.read(&byte, 1);
    file.seekp(file.tellg() - std::streamoff(1));
    byte = static_cast<char>(byte ^ 0x5A);
    file.write(&byte, 1);
    file.close();
    for (const char* command : {"verify", "stats", "tail"}) {
      auto cli =
          testing::run_process({testing::binary("ordo"), "log", command, "--data", copy.string()});
      EXPECT_EQ(cli.signal, 0) << command << " crashed: " << cli.output;
      if (std::string(command) == "verify") {
        EXPECT_NE(cli.exit_code, 0) << "a flipped byte went unnoticed: " << cli.output;
      }
    }
  }
}

}  // namespace
}  // namespace ordo::eventstore

namespace ordo::eventstore {
namespace {

// Stream heads are written at checkpoints: a store that stopped between two (a crash) finds its
// heads again from the events after the last one, and appends at the right versions.
TEST(Heads, AnOpenAfterACrashFindsTheHeadsWrittenSinceTheLastCheckpoint) {
  TempDir dir;
  {
    auto options = testing::options_for(dir.path());
    options.heads_checkpoint_events = 8;
    auto store = EventStore::open(options).value();
    for (int i = 0; i < 30; ++i) {
      ASSERT_TRUE(store->append("s" + std::to_string(i % 4), ExpectedVersion::any(),
                                {testing::event("Happened", "x")}));
    }
  }
  {
    // As if the process died after event 12: heads as they were then, the log complete.
    RawDb raw(dir.path());
    raw.put(kCfMeta, kMetaHeadsPosition, encode_u64(12));
    for (int s = 0; s < 4; ++s) raw.put(kCfHeads, "s" + std::to_string(s), encode_u64(3));
  }
  auto store = testing::open_store(dir.path());
  for (int s = 0; s < 4; ++s) {
    const auto stream = "s" + std::to_string(s);
    EXPECT_EQ(store->stream_version(stream).value(), s < 2 ? 8u : 7u);
    // The writer's own check of expected versions uses the recovered heads.
    EXPECT_TRUE(store->append(stream, ExpectedVersion::exact(s < 2 ? 8 : 7),
                              {testing::event("Happened", "y")}));
    EXPECT_FALSE(store->append(stream, ExpectedVersion::exact(s < 2 ? 8 : 7),
                               {testing::event("Happened", "z")}));
  }
  auto report = store->verify().value();
  EXPECT_TRUE(report.ok) << report.problem;
}

TEST(Heads, VerifyFindsAHeadThatDisagreesWithItsCheckpoint) {
  TempDir dir;
  fill(dir.path(), 12);
  {
    RawDb raw(dir.path());
    raw.put(kCfHeads, "stream-1", encode_u64(2));  // it is at 3
  }
  const auto report = verify_read_only(dir.path());
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.problem.find("stream-1"), std::string::npos) << report.problem;
}

}  // namespace
}  // namespace ordo::eventstore

namespace ordo::eventstore {
namespace {

std::string sealed_bytes(ActorKind kind) {
  AppendRequest request;
  request.actor = {kind, "FR-CAEN"};
  request.correlation_id = "c-1";
  auto buffer = build_envelope(testing::event("Happened", "payload bytes"), "stream-1", request);
  seal_envelope(buffer, 42, 3, 1'800'000'000'000'000, Hash256{});
  return {reinterpret_cast<const char*>(buffer.data()), buffer.size()};
}

// A value in a RocksDB block may start at any address (found by fuzz_http under UBSan):
// FlatBuffers reads scalars in place, so the envelope is read from an aligned copy.
TEST(Envelope, AnEnvelopeAtAnyAddressDecodesFromAlignedMemory) {
  const auto stored = sealed_bytes(ActorKind::store);
  for (std::size_t shift = 0; shift < 8; ++shift) {
    alignas(8) char memory[512] = {};
    ASSERT_LT(stored.size() + shift, sizeof memory);
    std::memcpy(memory + shift, stored.data(), stored.size());
    const auto decoded = decode_envelope({memory + shift, stored.size()}, 42);
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(decoded->event.stream, "stream-1");
    EXPECT_EQ(decoded->event.payload, "payload bytes");
    EXPECT_EQ(decoded->event.actor_id, "FR-CAEN");
    EXPECT_EQ(decoded->event.stream_version, 3u);
    // Read in place when aligned, from the copy otherwise: never from misaligned memory.
    const auto* read_from =
        decoded->aligned ? reinterpret_cast<const char*>(decoded->aligned.get()) : memory + shift;
    EXPECT_EQ(decoded->aligned != nullptr, shift != 0) << "shift " << shift;
    EXPECT_GE(decoded->event.stream.data(), read_from);
    EXPECT_LT(decoded->event.stream.data(), read_from + stored.size());
  }
}

TEST(Envelope, AnUnknownKindOfActorIsCorruption) {
  const auto decoded = decode_envelope(sealed_bytes(static_cast<ActorKind>(9)), 42);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, ErrorCode::corruption);
  EXPECT_NE(decoded.error().message.find("actor"), std::string::npos) << decoded.error().message;
}

}  // namespace
}  // namespace ordo::eventstore
