// Crash test: a child appends durably and records each acknowledgement in shared memory; the parent
// kills it with SIGKILL at random moments (some during its recovery), reopens the store, and checks
// that every acknowledged event is there, the log is a prefix with no hole and no foreign event,
// and the hash chain verifies. ORDO_CRASH_CYCLES sets the number of cycles (default 200;
// ops/crash-soak runs thousands).
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "tests/eventstore/crash_shared.h"
#include "tests/eventstore/test_support.h"

namespace ordo::eventstore {
namespace {

using namespace std::chrono_literals;

class AckMapping {
 public:
  explicit AckMapping(const std::filesystem::path& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
    EXPECT_GE(fd_, 0);
    EXPECT_EQ(::ftruncate(fd_, sizeof(crash::AckFile)), 0);
    void* mapped =
        ::mmap(nullptr, sizeof(crash::AckFile), PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    EXPECT_NE(mapped, MAP_FAILED);
    acks_ = static_cast<crash::AckFile*>(mapped);
  }
  ~AckMapping() {
    ::munmap(acks_, sizeof(crash::AckFile));
    ::close(fd_);
  }
  crash::AckFile& acks() { return *acks_; }

 private:
  int fd_ = -1;
  crash::AckFile* acks_ = nullptr;
};

pid_t spawn_child(const std::filesystem::path& data, const std::filesystem::path& ack_file) {
  const std::string binary = testing::binary("eventstore_crash_child");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl(binary.c_str(), binary.c_str(), data.c_str(), ack_file.c_str(), nullptr);
    std::_Exit(127);
  }
  return pid;
}

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

int cycles_from_environment() {
  const char* value = std::getenv("ORDO_CRASH_CYCLES");
  return value != nullptr ? std::max(1, std::atoi(value)) : 200;
}

TEST(Crash, AcknowledgedEventsSurviveSigkillAtAnyMoment) {
  testing::TempDir dir;
  const auto data = dir / "data";
  const auto ack_file = dir / "acks";
  AckMapping mapping(ack_file);
  Checker checker;
  std::mt19937 random(std::random_device{}());
  const int cycles = cycles_from_environment();
  for (int cycle = 0; cycle < cycles; ++cycle) {
    __atomic_store_n(&mapping.acks().ready, 0, __ATOMIC_SEQ_CST);
    const pid_t pid = spawn_child(data, ack_file);
    ASSERT_GT(pid, 0);
    kill_at_random(pid, mapping.acks(), random);
    if (!std::filesystem::exists(data / "CURRENT")) continue;  // killed before it created the store
    auto store = testing::open_store(data);
    ASSERT_NE(store, nullptr) << "cycle " << cycle;
    checker.check(*store, mapping.acks());
    if (::testing::Test::HasFailure()) FAIL() << "failed at cycle " << cycle;
    if (cycle % 25 == 24 || cycle == cycles - 1) {
      auto report = store->verify();
      ASSERT_TRUE(report);
      ASSERT_TRUE(report->ok) << "cycle " << cycle << ": " << report->problem;
    }
  }
  RecordProperty("events", static_cast<int>(checker.head));
  std::printf("%d kill cycles, %llu events in the log\n", cycles,
              static_cast<unsigned long long>(checker.head));
  EXPECT_GT(checker.head, 0u);
}

}  // namespace
}  // namespace ordo::eventstore
