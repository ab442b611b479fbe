// Helpers shared by Ordo's benchmark programs: figures printed as `BENCH <name> <value> <unit>`,
// context lines (`# ...`) describing the machine, and a bounded latency recorder.
#pragma once

#include <sys/statvfs.h>
#include <sys/utsname.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ordo::bench {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Nanoseconds = std::chrono::nanoseconds;

/// A failure that ends the run: a conflict, an error from the store, a bad argument.
struct BenchFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

__attribute__((format(printf, 1, 2))) inline std::string strf(const char* format, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  return buffer;
}

inline void print_figure(const std::string& name, double value, const char* unit, int decimals) {
  std::printf("BENCH %s %.*f %s\n", name.c_str(), decimals, value, unit);
  std::fflush(stdout);
}

inline void note(const std::string& line) {
  std::printf("# %s\n", line.c_str());
  std::fflush(stdout);
}

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

inline Nanoseconds to_duration(double seconds) {
  return std::chrono::duration_cast<Nanoseconds>(std::chrono::duration<double>(seconds));
}

/// Latency samples in a vector reserved up front, so that recording never allocates; samples beyond
/// the bound are counted as dropped, not stored.
class LatencyRecorder {
 public:
  explicit LatencyRecorder(std::size_t samples_max) : samples_max_(samples_max) {
    samples_ns_.reserve(samples_max);
  }

  void record(Nanoseconds latency) {
    if (samples_ns_.size() < samples_max_) {
      samples_ns_.push_back(latency.count());
    } else {
      ++dropped_;
    }
  }

  void merge(const LatencyRecorder& other) {
    for (const std::int64_t sample : other.samples_ns_) record(Nanoseconds(sample));
    dropped_ += other.dropped_;
  }

  /// Nearest-rank percentile in microseconds. Reorders the samples (nth_element), hence not const.
  double percentile_us(double fraction) {
    if (samples_ns_.empty()) throw BenchFailure("no latency samples were recorded");
    const std::size_t n = samples_ns_.size();
    const auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(n)));
    const std::size_t index = std::clamp<std::size_t>(rank, 1, n) - 1;
    const auto nth = samples_ns_.begin() + static_cast<std::ptrdiff_t>(index);
    std::nth_element(samples_ns_.begin(), nth, samples_ns_.end());
    return static_cast<double>(*nth) / 1000.0;
  }

  std::size_t count() const { return samples_ns_.size(); }
  std::uint64_t dropped() const { return dropped_; }

 private:
  std::size_t samples_max_;
  std::vector<std::int64_t> samples_ns_;
  std::uint64_t dropped_ = 0;
};

inline std::string read_first_line_of(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

inline std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("model name")) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

inline std::string kernel_release() {
  utsname name{};
  if (uname(&name) != 0) return "unknown";
  return std::string(name.sysname) + " " + name.release;
}

// The mount holding `dir` (longest mount point that prefixes it), its device and whether the
// kernel believes the device rotates: what an fsync figure depends on.
inline std::string describe_disk(const fs::path& dir) {
  const std::string path = fs::canonical(dir).string();
  std::ifstream mounts("/proc/self/mounts");
  std::string device = "?", mount_point, fs_type = "?";
  for (std::string dev, point, type, rest;
       mounts >> dev >> point >> type && std::getline(mounts, rest);) {
    const bool covers = path == point || point == "/" || path.starts_with(point + "/");
    if (covers && point.size() >= mount_point.size())
      std::tie(device, mount_point, fs_type) = std::tie(dev, point, type);
  }
  std::string rotational = "?";
  if (device.starts_with("/dev/")) {
    const fs::path block = fs::path("/sys/class/block") / fs::path(device).filename();
    std::error_code ec;
    for (const auto& queue : {block / "queue", fs::canonical(block, ec).parent_path() / "queue"}) {
      if (fs::exists(queue / "rotational", ec)) {
        rotational = read_first_line_of(queue / "rotational");
        break;
      }
    }
  }
  struct statvfs space {};
  const double free_gib =
      statvfs(path.c_str(), &space) == 0
          ? static_cast<double>(space.f_bavail) * static_cast<double>(space.f_frsize) / (1u << 30)
          : -1.0;
  return strf("%s on %s (fs %s, mount %s, rotational %s, %.0f GiB free)", path.c_str(),
              device.c_str(), fs_type.c_str(), mount_point.c_str(), rotational.c_str(), free_gib);
}

// Other work on the machine (a parallel build or test run) moves every figure: say how busy it was.
inline std::string describe_load() {
  std::string line = "loadavg " + read_first_line_of("/proc/loadavg");
  for (const char* resource : {"cpu", "io"}) {
    const std::string pressure = read_first_line_of(std::string("/proc/pressure/") + resource);
    if (!pressure.empty()) line += strf(", %s pressure %s", resource, pressure.c_str());
  }
  return line;
}

}  // namespace ordo::bench
