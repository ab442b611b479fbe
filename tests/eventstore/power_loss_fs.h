// A simulated power loss for RocksDB. In the process under test, JournalingFileSystem records in a
// journal (one write(2) per line, so a SIGKILL loses none) every file it creates, how many bytes of
// each were synced, renames and deletions. After the process is killed, lose_unsynced_writes()
// replays the journal and cuts every file created since to the bytes that were synced: what a
// machine that lost power would find. (Directory entries are taken as durable: RocksDB syncs its
// directory after creating a file, and the wrapper does not model metadata.)
#pragma once

#include <fcntl.h>
#include <rocksdb/file_system.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace ordo::eventstore::power_loss {

class Journal {
 public:
  explicit Journal(const std::string& path)
      : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) {}
  ~Journal() {
    if (fd_ >= 0) ::close(fd_);
  }
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  void line(const std::string& text) const {
    const std::string out = text + "\n";
    if (::write(fd_, out.data(), out.size()) != static_cast<ssize_t>(out.size())) std::abort();
  }

 private:
  int fd_;
};

class JournaledFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  JournaledFile(std::unique_ptr<rocksdb::FSWritableFile> file, std::string name, std::uint64_t size,
                const Journal& journal)
      : FSWritableFileOwnerWrapper(std::move(file)),
        name_(std::move(name)),
        size_(size),
        journal_(journal) {}
  using FSWritableFileOwnerWrapper::Append;
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           rocksdb::IODebugContext* d) override {
    auto status = target()->Append(data, o, d);
    if (status.ok()) size_ += data.size();
    return status;
  }
  using FSWritableFileOwnerWrapper::PositionedAppend;
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, std::uint64_t offset,
                                     const rocksdb::IOOptions& o,
                                     rocksdb::IODebugContext* d) override {
    auto status = target()->PositionedAppend(data, offset, o, d);
    if (status.ok()) {
      auto now = size_.load();
      while (now < offset + data.size() &&
             !size_.compare_exchange_weak(now, offset + data.size())) {
      }
    }
    return status;
  }
  rocksdb::IOStatus Truncate(std::uint64_t size, const rocksdb::IOOptions& o,
                             rocksdb::IODebugContext* d) override {
    auto status = target()->Truncate(size, o, d);
    if (status.ok()) size_ = size;
    return status;
  }
  // Only the bytes appended before the sync began count as synced: RocksDB may append from
  // another thread while it syncs.
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    const auto before = size_.load();
    return synced(target()->Sync(o, d), before);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    const auto before = size_.load();
    return synced(target()->Fsync(o, d), before);
  }

 private:
  rocksdb::IOStatus synced(rocksdb::IOStatus status, std::uint64_t size) {
    if (status.ok()) journal_.line("synced " + std::to_string(size) + " " + name_);
    return status;
  }
  std::string name_;
  std::atomic<std::uint64_t> size_;
  const Journal& journal_;
};

class JournalingFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit JournalingFileSystem(const std::string& journal_path)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), journal_(journal_path) {}
  const char* Name() const override { return "JournalingFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    journal_.line("created 0 " + name);
    auto status = target()->NewWritableFile(name, options, result, dbg);
    if (status.ok())
      *result = std::make_unique<JournaledFile>(std::move(*result), name, 0, journal_);
    return status;
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    std::error_code ec;
    const auto size = std::filesystem::exists(name, ec) ? std::filesystem::file_size(name, ec) : 0;
    journal_.line("reopened " + std::to_string(size) + " " + name);
    auto status = target()->ReopenWritableFile(name, options, result, dbg);
    if (status.ok())
      *result = std::make_unique<JournaledFile>(std::move(*result), name, size, journal_);
    return status;
  }
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    auto status = target()->RenameFile(from, to, o, d);
    if (status.ok()) journal_.line("renamed " + from + "\t" + to);
    return status;
  }
  rocksdb::IOStatus DeleteFile(const std::string& name, const rocksdb::IOOptions& o,
                               rocksdb::IODebugContext* d) override {
    auto status = target()->DeleteFile(name, o, d);
    if (status.ok()) journal_.line("deleted 0 " + name);
    return status;
  }

 private:
  Journal journal_;
};

/// Cuts every file the journal saw written to its synced bytes (0 when never synced), as a power
/// loss would; returns how many bytes were dropped. Removes the journal.
inline std::uint64_t lose_unsynced_writes(const std::string& journal_path) {
  std::map<std::string, std::uint64_t> synced;  // files written since the journal began
  std::ifstream in(journal_path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string verb;
    fields >> verb;
    if (verb == "renamed") {
      const auto tab = line.find('\t');
      const auto from = line.substr(8, tab - 8), to = line.substr(tab + 1);
      if (synced.contains(from)) synced[to] = synced[from];
      synced.erase(from);
      continue;
    }
    std::uint64_t size = 0;
    fields >> size;
    std::string name;
    std::getline(fields >> std::ws, name);
    if (verb == "deleted") synced.erase(name);
    if (verb == "created" || verb == "reopened") synced[name] = size;
    if (verb == "synced") synced[name] = std::max(synced[name], size);  // journaled out of order
  }
  std::uint64_t dropped = 0;
  for (const auto& [name, size] : synced) {
    std::error_code ec;
    const auto now = std::filesystem::file_size(name, ec);
    if (ec || now <= size) continue;
    dropped += now - size;
    std::filesystem::resize_file(name, size, ec);
  }
  std::filesystem::remove(journal_path);
  return dropped;
}

}  // namespace ordo::eventstore::power_loss
