// The process the crash test kills. It appends durably from many threads and records, in a shared
// memory file that outlives it, how many events of each stream were acknowledged. A SIGKILL can
// land anywhere: between an append and its record (fine: the record only ever under-counts).
//
// Usage: eventstore_crash_child DATA_DIR ACK_FILE
#include <fcntl.h>
#include <rocksdb/env.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "eventstore/event_store.h"
#include "tests/eventstore/crash_shared.h"
#include "tests/eventstore/power_loss_fs.h"

using namespace ordo::eventstore;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: eventstore_crash_child DATA_DIR ACK_FILE\n");
    return 2;
  }
  const int fd = ::open(argv[2], O_RDWR);
  if (fd < 0) return 2;
  void* mapped = ::mmap(nullptr, sizeof(crash::AckFile), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (mapped == MAP_FAILED) return 2;
  auto* acks = static_cast<crash::AckFile*>(mapped);

  Options options;
  options.data_dir = argv[1];
  options.durability =
      std::getenv("ORDO_CRASH_NO_FSYNC") != nullptr ? Durability::none : Durability::fsync;
  // A simulated power loss: the parent cuts every file to what was synced (power_loss_fs.h).
  std::shared_ptr<rocksdb::FileSystem> journaling;
  std::unique_ptr<rocksdb::Env> env;
  if (const char* journal = std::getenv("ORDO_POWER_LOSS_JOURNAL")) {
    journaling = std::make_shared<power_loss::JournalingFileSystem>(journal);
    env = rocksdb::NewCompositeEnv(journaling);
    options.configure_rocksdb = [&](rocksdb::DBOptions& db) { db.env = env.get(); };
  }
  auto store = EventStore::open(options);
  if (!store) {
    std::fprintf(stderr, "crash child: %s\n", store.error().to_string().c_str());
    return 3;
  }
  std::vector<std::thread> threads;
  for (std::size_t s = 0; s < crash::kStreams; ++s) {
    threads.emplace_back([&, s] {
      const std::string stream = crash::stream_name(s);
      std::uint64_t version = (*store)->stream_version(stream).value_or(0);
      while (true) {
        auto result =
            (*store)->append(stream, ExpectedVersion::exact(version),
                             {EventData{"CrashTest", 1, crash::payload(stream, version + 1)}});
        if (!result) {
          std::fprintf(stderr, "crash child: %s\n", result.error().to_string().c_str());
          std::_Exit(4);
        }
        version = result->stream_versions.front();
        __atomic_store_n(&acks->acknowledged[s], version, __ATOMIC_SEQ_CST);
      }
    });
  }
  __atomic_store_n(&acks->ready, 1, __ATOMIC_SEQ_CST);
  for (auto& t : threads) t.join();
}
