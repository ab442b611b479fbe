// Faults a SIGKILL cannot show: a WAL sync that stalls, and one that fails. A RocksDB file system
// wrapper holds or fails Sync on the WAL files, so the tests can see that no caller is answered
// and no reader sees an event before its sync returns, and that a failed sync fails the store
// closed instead of acknowledging anything.
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "tests/eventstore/test_support.h"

namespace ordo::eventstore {
namespace {

using namespace std::chrono_literals;

struct SyncControl {
  std::mutex mutex;
  std::condition_variable released, arrived;
  bool hold = false;
  int held = 0;  // syncs waiting for release
  std::atomic<bool> fail{false};

  rocksdb::IOStatus on_sync() {
    std::unique_lock lock(mutex);
    if (hold) {
      ++held;
      arrived.notify_all();
    }
    released.wait(lock, [&] { return !hold; });
    if (fail.load()) return rocksdb::IOStatus::IOError("injected: the disk refused the sync");
    return rocksdb::IOStatus::OK();
  }
  void set_hold(bool value) {
    {
      std::lock_guard lock(mutex);
      hold = value;
      if (!value) held = 0;
    }
    released.notify_all();
  }
  // Waits until a sync is held: the batch is written and its sync has begun.
  bool wait_for_held_sync(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex);
    return arrived.wait_for(lock, timeout, [&] { return held > 0; });
  }
};

class ControlledWal : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  ControlledWal(std::unique_ptr<rocksdb::FSWritableFile> file, SyncControl& control)
      : FSWritableFileOwnerWrapper(std::move(file)), control_(control) {}
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    auto status = control_.on_sync();
    return status.ok() ? target()->Sync(o, d) : status;
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    auto status = control_.on_sync();
    return status.ok() ? target()->Fsync(o, d) : status;
  }

 private:
  SyncControl& control_;
};

class ControlledFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit ControlledFileSystem(SyncControl& control)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), control_(control) {}
  const char* Name() const override { return "ControlledFileSystem"; }
  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    auto status = target()->NewWritableFile(name, options, result, dbg);
    if (status.ok() && name.ends_with(".log")) {
      *result = std::make_unique<ControlledWal>(std::move(*result), control_);
    }
    return status;
  }

 private:
  SyncControl& control_;
};

struct FaultyStore {
  SyncControl control;
  std::shared_ptr<rocksdb::FileSystem> file_system =
      std::make_shared<ControlledFileSystem>(control);
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(file_system);
  std::unique_ptr<EventStore> store;

  explicit FaultyStore(const std::filesystem::path& dir) {
    auto options = testing::options_for(dir, Durability::fsync);
    options.configure_rocksdb = [this](rocksdb::DBOptions& db) { db.env = env.get(); };
    store = std::move(EventStore::open(options).value());
  }
};

TEST(FaultInjection, NoAnswerAndNoReaderBeforeTheWalSyncReturns) {
  testing::TempDir dir;
  FaultyStore faulty(dir.path());
  auto& store = *faulty.store;
  ASSERT_TRUE(store.append("s", ExpectedVersion::any(), testing::events(1)));
  auto subscription = store.subscribe(1);
  ASSERT_EQ(subscription->next(10, 10ms).value().size(), 1u);

  faulty.control.set_hold(true);
  std::atomic<bool> answered{false};
  std::mutex mutex;
  std::condition_variable cv;
  AppendRequest request;
  request.writes.push_back({"s", ExpectedVersion::any(), testing::events(1)});
  store.append_async(std::move(request), [&](Result<AppendResult> r) {
    EXPECT_TRUE(r);
    std::lock_guard lock(mutex);
    answered = true;
    cv.notify_all();
  });
  // Signalled, not slept on: once the sync is held, the batch is written and nothing may answer.
  ASSERT_TRUE(faulty.control.wait_for_held_sync(10s)) << "the append never reached its sync";
  EXPECT_FALSE(answered.load()) << "answered before the WAL sync returned";
  EXPECT_EQ(store.durable_position(), 1u);
  EXPECT_EQ(store.read_all(1, 10).value().size(), 1u) << "a reader saw an event not yet durable";
  EXPECT_TRUE(subscription->next(10, 50ms).value().empty());

  faulty.control.set_hold(false);
  std::unique_lock lock(mutex);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return answered.load(); }));
  EXPECT_EQ(store.read_all(1, 10).value().size(), 2u);
  EXPECT_EQ(subscription->next(10, 1s).value().size(), 1u);
}

TEST(FaultInjection, AFailedSyncAcknowledgesNothingAndFailsTheStoreClosed) {
  testing::TempDir dir;
  {
    FaultyStore faulty(dir.path());
    auto& store = *faulty.store;
    ASSERT_TRUE(store.append("s", ExpectedVersion::any(), testing::events(3)));
    faulty.control.fail = true;
    auto failed = store.append("s", ExpectedVersion::any(), testing::events(1));
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, ErrorCode::unavailable);
    EXPECT_NE(failed.error().message.find("injected"), std::string::npos) << failed.error().message;
    EXPECT_EQ(store.durable_position(), 3u);
    // The disk recovers, but an fsync that failed is never retried: the store stays closed.
    faulty.control.fail = false;
    auto later = store.append("s", ExpectedVersion::any(), testing::events(1));
    ASSERT_FALSE(later);
    EXPECT_NE(later.error().message.find("must be reopened"), std::string::npos);
    EXPECT_EQ(store.read_all(1, 10).value().size(), 3u);
  }
  auto reopened = testing::open_store(dir.path(), Durability::fsync);
  ASSERT_NE(reopened, nullptr);
  EXPECT_GE(reopened->durable_position(), 3u);  // the failed append's outcome was unknown
  auto report = reopened->verify();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_TRUE(reopened->append("s", ExpectedVersion::any(), testing::events(1)));
}

}  // namespace
}  // namespace ordo::eventstore
