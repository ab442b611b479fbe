// Internal state of EventStore, shared by the open, write, read and verify translation units.
// Not part of the public API.
#pragma once

#include <rocksdb/db.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "eventstore/event_store.h"
#include "eventstore/keys.h"

namespace flatbuffers {
class DetachedBuffer;
}

namespace ordo::eventstore {

/// An append waiting for the writer: the request, its envelopes built by the submitting thread, and
/// the hash of its content for idempotency.
struct PendingAppend {
  AppendRequest request;
  std::vector<std::vector<flatbuffers::DetachedBuffer>> envelopes;  // [write][event]
  Hash256 request_hash{};
  EventStore::AppendCallback done;
  std::size_t event_count = 0;
  bool barrier = false;  // no writes: answered once everything before it is durable

  PendingAppend();
  PendingAppend(PendingAppend&&) noexcept;
  PendingAppend& operator=(PendingAppend&&) noexcept;
  ~PendingAppend();
};

/// The answers of one written batch, handed from the writer to the sync thread.
struct CommitGroup {
  std::vector<std::pair<EventStore::AppendCallback, Result<AppendResult>>> answers;
  std::uint64_t last_position = 0;  // the log head the answers were decided against
  std::size_t events = 0;
};

struct EventStore::Impl {
  Options options;
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // owned; destroyed before db
  rocksdb::ColumnFamilyHandle* cf_log = nullptr;
  rocksdb::ColumnFamilyHandle* cf_streams = nullptr;
  rocksdb::ColumnFamilyHandle* cf_heads = nullptr;
  rocksdb::ColumnFamilyHandle* cf_idempotency = nullptr;
  rocksdb::ColumnFamilyHandle* cf_checkpoints = nullptr;
  rocksdb::ColumnFamilyHandle* cf_meta = nullptr;
  Result<rocksdb::ColumnFamilyHandle*> projection(std::string_view family) const;
  std::unordered_map<std::string, rocksdb::ColumnFamilyHandle*> projection_handles;
  std::uint64_t format_version = 0;
  std::string store_id;
  std::string head_problem;  // set when the last event does not match meta/head
  // ACKNOWLEDGED (FORMAT.md): the last position answered as durable, written outside RocksDB after
  // each sync, so that a log recovered shorter than what was acknowledged is refused, not extended.
  int acknowledged_fd = -1;                // fsync durability only (none would run ahead)
  std::uint64_t acknowledged_at_open = 0;  // read before the database (verify compares it)
  mutable std::mutex acknowledged_mutex;   // the file only moves forward
  mutable std::uint64_t acknowledged_written = 0;
  void record_acknowledged(std::uint64_t position) const;

  // Writer-thread state (set by open before the threads start).
  std::uint64_t next_position = 1;
  Hash256 last_hash{};
  std::int64_t last_recorded_at_us = 0;
  // Stream versions as the writer sees them (including written, not yet synced batches). The heads
  // column family holds them as of `heads_position` only: a head changed since is `dirty` here
  // and is never evicted until a heads checkpoint writes it (FORMAT.md, "heads").
  struct Head {
    std::uint64_t version = 0;
    bool dirty = false;
  };
  std::unordered_map<std::string, Head> head_cache;
  using HeadEntry = std::pair<const std::string, Head>;  // stable: the cache is node-based
  std::vector<HeadEntry*> dirty_heads;
  std::uint64_t heads_position = 0;  // the log position the heads column family is complete up to
  std::string key_buffer;            // reused for stream index keys
  std::unordered_set<std::string> batch_keys;  // idempotency keys in the current batch

  // Submission queue (bounded).
  std::mutex queue_mutex;
  std::condition_variable queue_cv;
  std::deque<PendingAppend> queue;
  bool stopping = false;
  bool writing = false;  // the writer thread or a leading caller is writing a group

  // Written, waiting for the WAL sync.
  std::mutex sync_mutex;
  std::condition_variable sync_cv;        // the sync thread waits for groups
  std::condition_variable sync_space_cv;  // the writer waits for room
  std::deque<CommitGroup> sync_queue;
  std::size_t unsynced_events = 0;
  bool writer_done = false;
  bool syncing = false;  // a thread is syncing and answering groups it took

  // Durable head: readers stop here.
  std::atomic<std::uint64_t> durable_position{0};
  mutable std::mutex durable_mutex;
  mutable std::condition_variable durable_cv;

  // Fail-closed state after an I/O error on write or sync.
  std::atomic<bool> failed{false};
  std::mutex failure_mutex;
  std::string failure_message;

  std::thread writer;
  std::thread syncer;

  // Counters for stats() and /metrics.
  std::atomic<std::uint64_t> appends{0};
  std::atomic<std::uint64_t> events_appended{0};
  std::atomic<std::uint64_t> batches_written{0};
  std::atomic<std::uint64_t> syncs{0};
  std::atomic<std::uint64_t> last_sync_us{0};

  ~Impl();

  // writer.cpp
  void start_threads();
  void stop_threads();
  void writer_loop();
  void syncer_loop();
  void enqueue(PendingAppend pending, EventStore::Leading leading);
  void fail_store(const std::string& message);
  std::string failure();

  // event_store_reads.cpp
  Result<std::uint64_t> scan(std::uint64_t from_position, std::uint64_t to_position,
                             const std::function<bool(const EventView&)>& visit,
                             std::uint64_t* scanned_to) const;
  Result<std::optional<std::string>> get(rocksdb::ColumnFamilyHandle* cf,
                                         std::string_view key) const;

 private:
  void prepare(PendingAppend& pending, rocksdb::WriteBatch& batch, CommitGroup& group,
               std::int64_t now_us);
  Result<HeadEntry*> current_head(const std::string& stream);
  std::optional<Result<AppendResult>> earlier_answer(const PendingAppend& pending);
  Result<std::vector<HeadEntry*>> expected_heads(const AppendRequest& request);
  AppendResult add_records(PendingAppend& pending, const std::vector<HeadEntry*>& heads,
                           rocksdb::WriteBatch& batch, std::int64_t now_us);
  void write_group(std::vector<PendingAppend>& taken, bool sync_here_allowed);
  void fill_batch(std::vector<PendingAppend>& taken, rocksdb::WriteBatch& batch,
                  CommitGroup& group);
  void hand_to_syncer(CommitGroup group, bool sync_here_allowed);
  void checkpoint_heads(rocksdb::WriteBatch& batch, bool force);
  void complete(std::deque<CommitGroup>& groups);
  bool queue_is_empty();
};

/// Maps a RocksDB status to an ordo::Error with `context` in front of the message.
Error to_error(const rocksdb::Status& status, std::string_view context);

/// The first damaged record of the write-ahead log files in `dir` ("<file> at byte N (what)"), or
/// nullopt (a torn last write is not damage).
std::optional<std::string> find_wal_damage(const std::filesystem::path& dir);
/// RocksDB's refusal to open `path`, said for an operator (wal_check.cpp).
Error open_error(const rocksdb::Status& status, const std::string& path);

// ACKNOWLEDGED (acknowledged.cpp).
/// The last position answered as durable (0 when absent or blank); corruption when damaged.
Result<std::uint64_t> read_acknowledged(const std::filesystem::path& dir);
/// Opens the file for the writer (fsync durability only) and records the recovered head.
Result<void> open_acknowledged(EventStore::Impl& impl);
/// Why a log that ends at `last` is refused when `acknowledged` was answered as durable.
std::string acknowledged_loss(const EventStore::Impl& impl, std::uint64_t last,
                              std::uint64_t acknowledged);
/// `error`, for a store that acknowledged events and cannot be read at all.
Error with_acknowledged(const Error& error, std::uint64_t acknowledged);

}  // namespace ordo::eventstore
