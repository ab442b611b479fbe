// EventStore: Ordo's append-only, hash-chained event log in RocksDB.
//
// Contract
// - Appends are durable before they are answered: the callback of `append_async` (or the return of
//   `append`) happens only after the WAL holding the events was fsynced, unless the store was
//   opened with Durability::none (tests and benchmarks only).
// - Appends from any number of threads are queued (bounded) and taken by one writer thread, which
//   checks expected versions and idempotency keys against the current state, builds one RocksDB
//   WriteBatch per group and writes it; a second thread syncs the WAL and answers the callers. The
//   writer prepares the next group while the previous one is being synced. When the writer is idle
//   and nothing is queued, a caller that allows it (Leading) writes its own append, and may sync
//   and answer it too, instead of waking the writer: one thread hand-off less at low load.
// - Readers never see an event before it is durable: every read stops at `durable_position()`.
// - Every read verifies the stored bytes (FlatBuffers verifier, CRC32C, position). Damaged bytes
// give
//   ErrorCode::corruption, never a crash.
// - Thread-safety: every method may be called from any thread. Callbacks run on the store's sync
//   thread and must be quick (post the result elsewhere; do not append and wait inside one).
// - Errors: invalid_argument (bad request), conflict (expected version), idempotency_mismatch,
//   overloaded (queue full: retry later), unavailable (closed or failed store), corruption,
//   io_error. After an I/O error on write or sync the store fails closed: every later append gets
//   `unavailable` until it is reopened (an fsync that failed cannot be retried safely).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "eventstore/types.h"

namespace rocksdb {
struct DBOptions;
}

namespace ordo::eventstore {

enum class Durability : std::uint8_t {
  fsync,  // acknowledged events survive power loss (the only mode for production)
  none,   // acknowledged events survive a process crash but not power loss: tests and benchmarks
};

struct Options {
  std::filesystem::path data_dir;
  Durability durability = Durability::fsync;
  bool create_if_missing = true;  // create a new store in an absent or empty directory
  bool read_only = false;         // open without writing anything (ordo log stats/tail/verify)
  std::size_t queue_requests_max = 16384;   // appends waiting for the writer; beyond: overloaded
  std::size_t batch_events_max = 4096;      // events in one WriteBatch
  std::size_t unsynced_events_max = 65536;  // written but not yet synced; the writer waits beyond
  // Events between two writes of the stream heads (FORMAT.md, "heads"): what an open after a crash
  // reads again to find them.
  std::uint64_t heads_checkpoint_events = 1 << 20;
  std::function<std::int64_t()> clock_us;  // recorded-at source; default: system clock
  // Column families for query models (projections/), created when missing. Existing ones are
  // always opened, listed here or not.
  std::vector<std::string> projection_families;
  // Recovers the write-ahead log up to its first damaged record, dropping the rest (RocksDB's
  // point in time). Set by open itself, only when what it drops was never acknowledged.
  bool point_in_time_recovery = false;
  // Adjusts RocksDB's options before opening (tests inject a faulty file system here).
  std::function<void(rocksdb::DBOptions&)> configure_rocksdb;
};

/// One change to a query model: `value` set puts, unset deletes.
struct ProjectionWrite {
  std::string family;
  std::string key;
  std::optional<std::string> value;
};

struct StoreStats {
  std::uint64_t format_version = 0;
  std::string store_id;  // 32 hex characters, fixed at creation
  std::uint64_t head_position = 0;
  Hash256 head_hash{};
  std::uint64_t durable_position = 0;
  std::uint64_t appends = 0;  // since open
  std::uint64_t events_appended = 0;
  std::uint64_t batches_written = 0;
  std::uint64_t syncs = 0;
  std::uint64_t last_sync_us = 0;
  std::uint64_t queue_depth = 0;
};

/// Where `verify` found the log broken, if it did.
struct VerifyReport {
  std::uint64_t events_checked = 0;
  std::uint64_t head_position = 0;
  bool ok = true;
  std::uint64_t first_bad_position = 0;  // 0 when ok
  std::string problem;                   // what is wrong there
};

class Subscription;

class EventStore {
 public:
  using AppendCallback = std::function<void(Result<AppendResult>)>;

  /// Opens or creates a store. Refuses a directory that holds something other than an Ordo store,
  /// or a store of a newer format, without modifying anything (failed_precondition); disk problems
  /// give io_error; a log whose head does not match its recorded head gives corruption.
  static Result<std::unique_ptr<EventStore>> open(Options options);

  /// Stops accepting appends, answers everything queued, syncs, and closes the database.
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  /// Whether a caller may write its own append when the writer is idle and nothing is queued
  /// (leader/follower: one thread hand-off less): not at all, write it and leave the sync to the
  /// sync thread, or also sync and answer it (the caller then waits for the disk).
  enum class Leading : std::uint8_t { no, write, write_and_sync };

  /// Queues an append. `done` is called exactly once: inline for a request that is invalid or finds
  /// the queue full or the store closed, otherwise once the outcome is durable: on the sync or the
  /// writer thread, or with `Leading::write_and_sync` on the caller's thread, which then returns
  /// after it.
  void append_async(AppendRequest request, AppendCallback done, Leading leading = Leading::no);

  /// Calls `done` once everything queued before it is durable (in order with appends), with the
  /// durable position in `last_position`. For answers decided against state that includes appends
  /// still in flight (a rejection, "already done"): they must not be given before those appends.
  void barrier_async(AppendCallback done, Leading leading = Leading::no);

  /// The stored outcome of an append made with `idempotency_key`, if any (written appends
  /// included, even before they are durable).
  Result<std::optional<std::pair<Hash256, AppendResult>>> find_idempotency(
      std::string_view idempotency_key) const;

  /// What is wrong with `request` (sizes, identifiers, text), as append_async would refuse it with
  /// invalid_argument; nullopt when it is acceptable. Pure; for callers that must know before
  /// they act (the pipeline applies events to its state before appending them).
  static std::optional<std::string> check_request(const AppendRequest& request);

  /// Blocking append: queues the request and waits for its durable outcome.
  Result<AppendResult> append(AppendRequest request);

  /// Convenience for the common single-stream case.
  Result<AppendResult> append(std::string stream, ExpectedVersion expected,
                              std::vector<EventData> events, std::string idempotency_key = {},
                              Actor actor = {});

  /// Events of `stream` from version `from_version` (1-based), at most `count_max`.
  Result<std::vector<RecordedEvent>> read_stream(std::string_view stream,
                                                 std::uint64_t from_version,
                                                 std::size_t count_max) const;

  /// Events of the whole log from `from_position` (1-based), at most `count_max`, optionally only
  /// those whose type is in `types`.
  Result<std::vector<RecordedEvent>> read_all(std::uint64_t from_position, std::size_t count_max,
                                              const std::vector<std::string>& types = {}) const;

  /// Calls `visit` for each event from `from_position` up to `to_position` (inclusive, capped at
  /// the durable position) without copying. Stops at the first error or when `visit` returns
  /// false. Returns the number of events visited.
  Result<std::uint64_t> for_each(std::uint64_t from_position, std::uint64_t to_position,
                                 const std::function<bool(const EventView&)>& visit) const;

  /// Current version of `stream` (0 when it does not exist).
  Result<std::uint64_t> stream_version(std::string_view stream) const;

  /// Catch-up subscription from `from_position`: reads history, then follows live appends.
  std::unique_ptr<Subscription> subscribe(std::uint64_t from_position,
                                          std::vector<std::string> types = {}) const;

  /// Waits until `position` is durable or `timeout` passes; returns the durable position.
  std::uint64_t wait_for_position(std::uint64_t position, std::chrono::milliseconds timeout) const;
  /// The same, ending also once `stop` is set and wake_waiters() called: a follower stops at once
  /// rather than at its next timeout.
  std::uint64_t wait_for_position(std::uint64_t position, std::chrono::milliseconds timeout,
                                  const std::atomic<bool>& stop) const;
  void wake_waiters() const;

  /// Consumer checkpoints: the last position a consumer (projection, relay) has processed.
  Result<std::uint64_t> load_checkpoint(std::string_view consumer) const;
  /// `durable` false: not flushed to disk on its own (it is with the next durable write); for a
  /// consumer that re-sends after a crash (at least once) and must not wait for a disk flush.
  Result<void> save_checkpoint(std::string_view consumer, std::uint64_t position,
                               bool durable = true);

  /// Writes query-model changes and the checkpoints of the families they belong to in one atomic
  /// batch, so a projection is never ahead of or behind its checkpoint. A family's checkpoint is a
  /// key of its own family: the batch skips the WAL (query models are rebuilt from the log), and a
  /// memtable flush then keeps each family's data and checkpoint together across a crash.
  /// Unknown families: invalid_argument.
  Result<void> commit_projection(
      const std::vector<std::pair<std::string, std::uint64_t>>& family_checkpoints,
      const std::vector<ProjectionWrite>& writes);
  /// Last position applied to `family` (0: none).
  Result<std::uint64_t> projection_checkpoint(std::string_view family) const;
  Result<std::optional<std::string>> read_projection(std::string_view family,
                                                     std::string_view key) const;
  /// Visits the keys of `family` that start with `prefix`, in order, from `start` (when not empty,
  /// a key with that prefix), until `visit` returns false. The checkpoint key is never visited.
  Result<void> scan_projection(
      std::string_view family, std::string_view prefix, std::string_view start,
      const std::function<bool(std::string_view key, std::string_view value)>& visit) const;
  /// Deletes every key of `family`, its checkpoint and definition included (before a rebuild).
  Result<void> clear_projection(std::string_view family);
  /// The version of the projection's definition that built `family` (0: never recorded). The
  /// projector rebuilds a projection whose definition changed since.
  Result<std::uint64_t> projection_definition(std::string_view family) const;
  Result<void> set_projection_definition(std::string_view family, std::uint64_t version);

  /// Walks the whole log: envelope, checksum, position, hash chain, stream index, recorded head.
  Result<VerifyReport> verify() const;

  std::uint64_t durable_position() const;
  StoreStats stats() const;
  /// Number of distinct streams (scans the heads index).
  Result<std::uint64_t> count_streams() const;
  /// Bytes the store occupies on disk (SST files and WAL).
  std::uint64_t disk_bytes() const;
  /// Flushes memtables to SST files (for tests and maintenance).
  Result<void> flush();

  struct Impl;

 private:
  static std::optional<Error> probe_before_writing(Options& options, std::uint64_t acknowledged);
  explicit EventStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  friend class Subscription;
};

/// A pull-based catch-up subscription. Not thread-safe: one consumer thread per subscription.
/// Positions advance strictly: no event is delivered twice and none is skipped, across the seam
/// between history and live appends, because both are read from the log by position.
class Subscription {
 public:
  Subscription(const EventStore::Impl& store, std::uint64_t from_position,
               std::vector<std::string> types);

  /// Up to `count_max` next events; waits up to `wait` when caught up. An empty vector means none
  /// arrived in time.
  Result<std::vector<RecordedEvent>> next(std::size_t count_max, std::chrono::milliseconds wait);

  /// Position of the next event this subscription will look at.
  std::uint64_t position() const { return next_position_; }

 private:
  const EventStore::Impl& store_;
  std::uint64_t next_position_;
  std::vector<std::string> types_;
};

}  // namespace ordo::eventstore
