// Bad data directories: not a directory, someone else's files, another RocksDB database, a newer
// format, a read-only disk and a full one. Each gives a clear error and a non-zero exit, and
// changes nothing on disk.
#include <rocksdb/db.h>
#include <sys/resource.h>

#include <csignal>
#include <fstream>
#include <map>

#include "eventstore/keys.h"
#include "tests/eventstore/process.h"
#include "tests/eventstore/test_support.h"

namespace ordo::eventstore {
namespace {

using testing::TempDir;

// Every file under `dir` with its size and bytes: equal snapshots mean nothing was modified.
std::map<std::string, std::string> snapshot(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    files[entry.path().string()] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  return files;
}

testing::ProcessResult ordo(std::vector<std::string> args,
                            const std::function<void()>& before_exec = {}) {
  args.insert(args.begin(), testing::binary("ordo"));
  return testing::run_process(args, before_exec);
}

void expect_refused(const std::filesystem::path& data, const std::string& message_part) {
  const auto before = snapshot(data.parent_path());
  auto opened = EventStore::open(testing::options_for(data));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, ErrorCode::failed_precondition);
  EXPECT_NE(opened.error().message.find(message_part), std::string::npos) << opened.error().message;
  for (const char* command : {"stats", "verify"}) {
    auto cli = ordo({"log", command, "--data", data.string()});
    EXPECT_EQ(cli.exit_code, 2) << cli.output;
    EXPECT_NE(cli.output.find(message_part), std::string::npos) << cli.output;
  }
  auto generate = ordo({"log", "generate", "--data", data.string(), "--events", "5"});
  EXPECT_EQ(generate.exit_code, 2) << generate.output;
  EXPECT_EQ(snapshot(data.parent_path()), before) << "a refused directory was modified";
}

TEST(BadDataDir, AFileIsNotADataDirectory) {
  TempDir dir;
  std::ofstream(dir / "file") << "hello";
  expect_refused(dir / "file", "is not a directory");
}

TEST(BadDataDir, SomeoneElsesFilesAreLeftAlone) {
  TempDir dir;
  std::filesystem::create_directories(dir / "data");
  std::ofstream(dir / "data" / "notes.txt") << "quarterly figures";
  expect_refused(dir / "data", "not an Ordo data directory");
}

TEST(BadDataDir, ACreationKilledBeforeRocksDbNamedItsDatabaseIsCompleted) {
  TempDir dir;
  std::filesystem::create_directories(dir / "data");
  for (const char* name : {"LOCK", "LOG", "IDENTITY", "MANIFEST-000001", "000003.log"}) {
    std::ofstream(dir / "data" / name) << "";
  }
  auto store = EventStore::open(testing::options_for(dir / "data"));
  ASSERT_TRUE(store) << store.error().to_string();
  EXPECT_TRUE((*store)->append("s", ExpectedVersion::any(), testing::events(1)));
}

TEST(BadDataDir, AnotherRocksDbDatabaseIsLeftAlone) {
  TempDir dir;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, (dir / "data").string(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put({}, "customer:1", "someone else's data").ok());
  }
  expect_refused(dir / "data", "another RocksDB database");
}

TEST(BadDataDir, ANewerFormatIsRefusedUntouched) {
  TempDir dir;
  { testing::open_store(dir / "data"); }
  {
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies({}, (dir / "data").string(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open({}, (dir / "data").string(), descriptors, &handles, &raw).ok());
    const auto meta = std::find(names.begin(), names.end(), kCfMeta) - names.begin();
    ASSERT_TRUE(raw->Put({}, handles[static_cast<std::size_t>(meta)],
                         std::string(kMetaFormatVersion), encode_u64(kFormatVersion + 1))
                    .ok());
    for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
    delete raw;
  }
  expect_refused(dir / "data", "newer than this build supports");
}

// Runs the child as an unprivileged user when the test runs as root (root ignores permissions).
std::function<void()> as_unprivileged() {
  return [] {
    if (::geteuid() == 0) {
      if (::setgid(65534) != 0 || ::setuid(65534) != 0) std::_Exit(126);
    }
  };
}

TEST(BadDataDir, AReadOnlyDiskRefusesWritesAndStillVerifies) {
  TempDir dir;
  const auto data = dir / "data";
  {
    ASSERT_TRUE(
        testing::open_store(data)->append("s", ExpectedVersion::any(), testing::events(10)));
  }
  std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_all |
                                               std::filesystem::perms::group_exec |
                                               std::filesystem::perms::others_exec);
  std::filesystem::permissions(data, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::remove);
  const auto before = snapshot(data);

  auto generate =
      ordo({"log", "generate", "--data", data.string(), "--events", "5"}, as_unprivileged());
  EXPECT_EQ(generate.signal, 0);
  EXPECT_EQ(generate.exit_code, 2) << generate.output;
  EXPECT_NE(generate.output.find("io_error"), std::string::npos) << generate.output;
  auto verify = ordo({"log", "verify", "--data", data.string()}, as_unprivileged());
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find("ok: 10 events"), std::string::npos) << verify.output;
  EXPECT_EQ(snapshot(data), before);
  std::filesystem::permissions(data, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
}

TEST(BadDataDir, AFullDiskStopsWritesWithAnErrorAndKeepsWhatWasAcknowledged) {
  TempDir dir;
  const auto data = dir / "data";
  {
    ASSERT_TRUE(testing::open_store(data, Durability::fsync)
                    ->append("s", ExpectedVersion::any(), testing::events(100)));
  }
  // A file size limit makes every write past 4 MiB fail as a full disk would.
  auto generate = ordo({"log", "generate", "--data", data.string(), "--events", "200000"}, [] {
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{4 << 20, 4 << 20};
    ::setrlimit(RLIMIT_FSIZE, &limit);
  });
  EXPECT_EQ(generate.signal, 0) << generate.output;
  EXPECT_EQ(generate.exit_code, 2) << generate.output;
  EXPECT_NE(generate.output.find("ordo: "), std::string::npos) << generate.output;

  auto store = testing::open_store(data);
  ASSERT_NE(store, nullptr);
  EXPECT_GE(store->durable_position(), 100u);
  auto first = store->read_stream("s", 1, 200);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->size(), 100u);
  auto report = store->verify();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
}

}  // namespace
}  // namespace ordo::eventstore
