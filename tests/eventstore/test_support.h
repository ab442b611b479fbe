// Helpers for event store tests: temporary directories and short ways to build requests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "eventstore/event_store.h"

namespace ordo::eventstore::testing {

/// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("ordo-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline Options options_for(const std::filesystem::path& dir,
                           Durability durability = Durability::none) {
  Options options;
  options.data_dir = dir;
  options.durability = durability;
  return options;
}

/// Opens a store or fails the test.
inline std::unique_ptr<EventStore> open_store(const std::filesystem::path& dir,
                                              Durability durability = Durability::none) {
  auto store = EventStore::open(options_for(dir, durability));
  if (!store) ADD_FAILURE() << store.error().to_string();
  return store ? std::move(*store) : nullptr;
}

inline EventData event(std::string type, std::string payload = {}) {
  return EventData{std::move(type), 1, std::move(payload)};
}

inline std::vector<EventData> events(std::size_t n, const std::string& type = "Happened") {
  std::vector<EventData> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(event(type, "payload-" + std::to_string(i)));
  return out;
}

/// Path of a built executable, passed to the tests by CMake as ORDO_BIN_DIR.
inline std::string binary(const std::string& name) {
  return std::string(ORDO_BIN_DIR) + "/" + name;
}

}  // namespace ordo::eventstore::testing
