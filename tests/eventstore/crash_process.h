// The crash child as its parent drives it: the shared acknowledgement file and the spawning of
// eventstore_crash_child (crash_child.cpp).
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "tests/eventstore/crash_shared.h"
#include "tests/eventstore/test_support.h"

namespace ordo::eventstore::crash {

/// The acknowledgement file, created empty and mapped in the parent.
class AckMapping {
 public:
  explicit AckMapping(const std::filesystem::path& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
    EXPECT_GE(fd_, 0);
    EXPECT_EQ(::ftruncate(fd_, sizeof(AckFile)), 0);
    void* mapped = ::mmap(nullptr, sizeof(AckFile), PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    EXPECT_NE(mapped, MAP_FAILED);
    acks_ = static_cast<AckFile*>(mapped);
  }
  ~AckMapping() {
    ::munmap(acks_, sizeof(AckFile));
    ::close(fd_);
  }
  AckMapping(const AckMapping&) = delete;
  AckMapping& operator=(const AckMapping&) = delete;
  AckFile& acks() { return *acks_; }

 private:
  int fd_ = -1;
  AckFile* acks_ = nullptr;
};

/// Starts a child appending to `data` and acknowledging into `ack_file`; `environment` is set in
/// the child (crash_child.cpp reads ORDO_POWER_LOSS_JOURNAL and ORDO_CRASH_NO_FSYNC).
inline pid_t spawn_child(const std::filesystem::path& data, const std::filesystem::path& ack_file,
                         const std::vector<std::pair<std::string, std::string>>& environment = {}) {
  const std::string binary = testing::binary("eventstore_crash_child");
  const pid_t pid = ::fork();
  if (pid == 0) {
    for (const auto& [name, value] : environment) ::setenv(name.c_str(), value.c_str(), 1);
    ::execl(binary.c_str(), binary.c_str(), data.c_str(), ack_file.c_str(), nullptr);
    std::_Exit(127);
  }
  return pid;
}

}  // namespace ordo::eventstore::crash
