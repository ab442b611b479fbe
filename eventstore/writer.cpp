// The write path: one writer thread decides and writes batches, one sync thread makes them durable
// and answers. While the sync thread waits on fdatasync for batch N, the writer prepares and writes
// batch N+1, so CPU work and disk latency overlap.
#include <flatbuffers/flatbuffers.h>
#include <pthread.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <gsl/assert>

#include "eventstore/envelope.h"
#include "eventstore/store_impl.h"

namespace ordo::eventstore {
namespace {

// Heads are written at checkpoints (every Options::heads_checkpoint_events, when many are dirty,
// and at close), not with every batch (FORMAT.md, "heads").
constexpr std::size_t kDirtyHeadsMax = 1 << 18;
constexpr std::size_t kHeadCacheEntriesMax = 1 << 20;  // clean entries beyond are dropped

bool expected_matches(const ExpectedVersion& expected, std::uint64_t current) {
  switch (expected.kind) {
    case ExpectedVersion::Kind::any:
      return true;
    case ExpectedVersion::Kind::no_stream:
      return current == 0;
    case ExpectedVersion::Kind::exact:
      return current == expected.version;
  }
  return false;
}

std::string describe(const ExpectedVersion& expected) {
  switch (expected.kind) {
    case ExpectedVersion::Kind::any:
      return "any";
    case ExpectedVersion::Kind::no_stream:
      return "no stream";
    case ExpectedVersion::Kind::exact:
      return "version " + std::to_string(expected.version);
  }
  return "?";
}

std::int64_t elapsed_us(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               since)
      .count();
}

}  // namespace

PendingAppend::PendingAppend() = default;
PendingAppend::PendingAppend(PendingAppend&&) noexcept = default;
PendingAppend& PendingAppend::operator=(PendingAppend&&) noexcept = default;
PendingAppend::~PendingAppend() = default;

void EventStore::Impl::start_threads() {
  writer = std::thread([this] {
    pthread_setname_np(pthread_self(), "ordo-writer");
    writer_loop();
  });
  syncer = std::thread([this] {
    pthread_setname_np(pthread_self(), "ordo-sync");
    syncer_loop();
  });
}

void EventStore::Impl::stop_threads() {
  {
    std::lock_guard lock(queue_mutex);
    stopping = true;
  }
  queue_cv.notify_all();
  if (writer.joinable()) writer.join();
  if (syncer.joinable()) syncer.join();
}

// Leader/follower: when the writer is idle and nothing waits, the caller's thread writes its own
// append (and syncs it, when nothing else is pending) instead of waking the writer thread; one
// thread hand-off less on the answer's path. Otherwise the append joins the queue. Appends are
// written in the order they were queued either way: a leader only writes into an empty queue.
void EventStore::Impl::enqueue(PendingAppend pending, EventStore::Leading leading) {
  bool closing = false;
  {
    std::unique_lock lock(queue_mutex);
    closing = stopping;
    if (!closing && leading != EventStore::Leading::no && queue.empty() && !writing) {
      writing = true;
      lock.unlock();
      std::vector<PendingAppend> taken;
      taken.push_back(std::move(pending));
      write_group(taken, leading == EventStore::Leading::write_and_sync);
      lock.lock();
      writing = false;
      lock.unlock();
      queue_cv.notify_one();  // the writer takes what queued meanwhile, or sees a stop
      return;
    }
    if (!closing && queue.size() < options.queue_requests_max) {
      queue.push_back(std::move(pending));
      const bool idle = !writing;
      lock.unlock();
      if (idle) queue_cv.notify_one();
      return;
    }
  }
  // Answered outside the lock: the callback may submit again.
  if (closing) {
    pending.done(fail(ErrorCode::unavailable, "the event store is closing"));
  } else {
    pending.done(fail(ErrorCode::overloaded, "the append queue is full (" +
                                                 std::to_string(options.queue_requests_max) +
                                                 " requests); retry later"));
  }
}

void EventStore::Impl::fail_store(const std::string& message) {
  std::lock_guard lock(failure_mutex);
  if (!failed.exchange(true)) failure_message = message;
}

std::string EventStore::Impl::failure() {
  std::lock_guard lock(failure_mutex);
  return "the event store failed and must be reopened: " + failure_message;
}

Result<EventStore::Impl::HeadEntry*> EventStore::Impl::current_head(const std::string& stream) {
  if (auto it = head_cache.find(stream); it != head_cache.end()) return &*it;
  auto stored = get(cf_heads, stream);
  if (!stored) return std::unexpected(stored.error());
  Head head;
  if (stored->has_value()) {
    auto decoded = decode_u64(**stored, "heads/" + stream);
    if (!decoded) return std::unexpected(decoded.error());
    head.version = *decoded;
  }
  return &*head_cache.emplace(stream, head).first;
}

// The answer a retry gets from the record of the first append with its key; nullopt when the key
// is new.
std::optional<Result<AppendResult>> EventStore::Impl::earlier_answer(const PendingAppend& pending) {
  const auto& key = pending.request.idempotency_key;
  if (key.empty()) return std::nullopt;
  auto stored = get(cf_idempotency, key);
  if (!stored) return std::unexpected(stored.error());
  if (!stored->has_value()) return std::nullopt;
  auto record = decode_idempotency(**stored);
  if (!record) return std::unexpected(record.error());
  if (record->request_hash != pending.request_hash) {
    return fail(ErrorCode::idempotency_mismatch,
                "idempotency key '" + key + "' was already used for a different request");
  }
  record->result.duplicate = true;
  return std::move(record->result);
}

// The head of every stream the append writes, each at the version its writer expects.
Result<std::vector<EventStore::Impl::HeadEntry*>> EventStore::Impl::expected_heads(
    const AppendRequest& request) {
  std::vector<HeadEntry*> heads;
  heads.reserve(request.writes.size());
  for (const auto& write : request.writes) {
    auto head = current_head(write.stream);
    if (!head) return std::unexpected(head.error());
    const auto version = (*head)->second.version;
    if (!expected_matches(write.expected, version)) {
      return fail(ErrorCode::conflict, "stream '" + write.stream + "' is at version " +
                                           std::to_string(version) + ", expected " +
                                           describe(write.expected));
    }
    heads.push_back(*head);
  }
  return heads;
}

// Seals every envelope of the append at its position and version, and adds it and its stream
// index entry to `batch`.
AppendResult EventStore::Impl::add_records(PendingAppend& pending,
                                           const std::vector<HeadEntry*>& heads,
                                           rocksdb::WriteBatch& batch, std::int64_t now_us) {
  Expects(heads.size() == pending.envelopes.size());  // one head per written stream
  AppendResult result;
  result.response = pending.request.response;
  for (std::size_t w = 0; w < heads.size(); ++w) {
    auto& [stream, head] = *heads[w];
    for (auto& envelope : pending.envelopes[w]) {
      const std::uint64_t position = next_position++;
      const std::uint64_t version = ++head.version;
      last_hash = seal_envelope(envelope, position, version, now_us, last_hash);
      const std::string key = log_key(position);  // 8 bytes: no allocation
      batch.Put(cf_log, key,
                rocksdb::Slice(reinterpret_cast<const char*>(envelope.data()), envelope.size()));
      key_buffer.assign(stream);
      key_buffer.push_back('\0');
      put_u64_be(key_buffer, version);
      batch.Put(cf_streams, key_buffer, key);
      if (result.first_position == 0) result.first_position = position;
      result.last_position = position;
    }
    if (!head.dirty) {
      head.dirty = true;
      dirty_heads.push_back(heads[w]);
    }
    result.stream_versions.push_back(head.version);
  }
  return result;
}

// Decides one append against the current state and, when it is accepted, adds its records to
// `batch`. The answer goes into `group` either way.
void EventStore::Impl::prepare(PendingAppend& pending, rocksdb::WriteBatch& batch,
                               CommitGroup& group, std::int64_t now_us) {
  auto answer = [&](Result<AppendResult> result) {
    group.answers.emplace_back(std::move(pending.done), std::move(result));
  };
  if (pending.barrier) {
    AppendResult at;
    at.last_position = next_position - 1;
    return answer(std::move(at));
  }
  if (auto earlier = earlier_answer(pending)) return answer(std::move(*earlier));
  auto heads = expected_heads(pending.request);
  if (!heads) return answer(std::unexpected(heads.error()));
  auto result = add_records(pending, *heads, batch, now_us);
  const auto& key = pending.request.idempotency_key;
  if (!key.empty()) {
    batch.Put(cf_idempotency, key,
              encode_idempotency(IdempotencyRecord{pending.request_hash, result}));
    // Not visible through RocksDB until the batch is written: the writer loop defers a second
    // request with this key to the next batch.
    batch_keys.insert(key);
  }
  group.events += pending.event_count;
  appends.fetch_add(1, std::memory_order_relaxed);
  answer(std::move(result));
}

// Adds the records of `taken` to `batch`, answers into `group`. An append whose idempotency key is
// already in this batch (not readable from RocksDB until the batch is written: a client retrying
// within one batch) goes back to the queue's front with the rest, in order, for the next batch.
void EventStore::Impl::fill_batch(std::vector<PendingAppend>& taken, rocksdb::WriteBatch& batch,
                                  CommitGroup& group) {
  const std::int64_t now_us = std::max(options.clock_us(), last_recorded_at_us);
  last_recorded_at_us = now_us;
  for (auto& pending : taken) {
    if (!pending.request.idempotency_key.empty() &&
        batch_keys.contains(pending.request.idempotency_key)) {
      std::lock_guard lock(queue_mutex);
      auto first = std::find_if(taken.begin(), taken.end(),
                                [&](const PendingAppend& p) { return &p == &pending; });
      for (auto it = taken.rbegin(); it.base() != first; ++it) queue.push_front(std::move(*it));
      taken.erase(first, taken.end());
      break;
    }
    prepare(pending, batch, group, now_us);
  }
}

// Writes one group of appends as one RocksDB batch (without syncing: hand_to_syncer makes it
// durable and answers). Runs on the writer thread, or on a caller's thread as the leader.
void EventStore::Impl::write_group(std::vector<PendingAppend>& taken, bool sync_here_allowed) {
  CommitGroup group;
  group.answers.reserve(taken.size());
  if (failed.load()) {
    for (auto& p : taken)
      group.answers.emplace_back(std::move(p.done), fail(ErrorCode::unavailable, failure()));
    group.last_position = next_position - 1;
    return hand_to_syncer(std::move(group), sync_here_allowed);
  }
  std::size_t bytes = 0;
  for (const auto& p : taken) {
    for (const auto& envelopes : p.envelopes) {
      for (const auto& e : envelopes) bytes += e.size() + 96;
    }
  }
  rocksdb::WriteBatch batch(bytes + 256);
  fill_batch(taken, batch, group);
  if (batch.Count() > 0) {
    checkpoint_heads(batch, false);
    batch.Put(cf_meta, std::string(kMetaHead), encode_head(next_position - 1, last_hash));
    rocksdb::WriteOptions write_options;
    write_options.sync = false;  // the sync thread makes it durable, overlapping the next batch
    auto status = db->Write(write_options, &batch);
    if (!status.ok()) {
      fail_store(to_error(status, "writing a batch").message);
      for (auto& [done, result] : group.answers) result = fail(ErrorCode::unavailable, failure());
    } else {
      batches_written.fetch_add(1, std::memory_order_relaxed);
      events_appended.fetch_add(group.events, std::memory_order_relaxed);
    }
  }
  batch_keys.clear();
  group.last_position = next_position - 1;
  hand_to_syncer(std::move(group), sync_here_allowed);
}

void EventStore::Impl::writer_loop() {
  std::vector<PendingAppend> taken;
  while (true) {
    taken.clear();
    {
      std::unique_lock lock(queue_mutex);
      queue_cv.wait(lock, [&] { return (stopping && !writing) || (!queue.empty() && !writing); });
      if (queue.empty()) break;  // stopping and drained
      std::size_t events = 0;
      while (!queue.empty() &&
             (taken.empty() || events + queue.front().event_count <= options.batch_events_max)) {
        events += queue.front().event_count;
        taken.push_back(std::move(queue.front()));
        queue.pop_front();
      }
      writing = true;
    }
    write_group(taken, true);
    {
      std::lock_guard lock(queue_mutex);
      writing = false;
    }
  }
  if (!failed.load() && !dirty_heads.empty()) {
    // Closing: the heads go to disk with the last flush, so the next open replays none.
    rocksdb::WriteBatch batch;
    checkpoint_heads(batch, true);
    if (auto status = db->Write(rocksdb::WriteOptions(), &batch); !status.ok()) {
      fail_store(to_error(status, "writing the stream heads").message);
    }
  }
  {
    std::lock_guard lock(sync_mutex);
    writer_done = true;
  }
  sync_cv.notify_all();
}

// Adds the dirty heads and the position they are complete up to to `batch`, when due (or
// `force`d). In the same batch as the events they follow, so the log and its heads checkpoint
// never disagree after a crash. Then drops clean cache entries beyond the bound.
void EventStore::Impl::checkpoint_heads(rocksdb::WriteBatch& batch, bool force) {
  const std::uint64_t head = next_position - 1;
  const bool due = force || dirty_heads.size() >= kDirtyHeadsMax ||
                   head - heads_position >= options.heads_checkpoint_events;
  if (!due || head == heads_position) return;
  for (auto* entry : dirty_heads) {
    batch.Put(cf_heads, entry->first, encode_u64(entry->second.version));
    entry->second.dirty = false;
  }
  dirty_heads.clear();
  batch.Put(cf_meta, std::string(kMetaHeadsPosition), encode_u64(head));
  heads_position = head;
  if (head_cache.size() >= kHeadCacheEntriesMax) head_cache.clear();  // every entry is clean now
}

void EventStore::Impl::hand_to_syncer(CommitGroup group, bool sync_here_allowed) {
  std::unique_lock lock(sync_mutex);
  sync_space_cv.wait(lock, [&] {
    return unsynced_events == 0 || unsynced_events + group.events <= options.unsynced_events_max;
  });
  unsynced_events += group.events;
  // Nothing else queued, being written or being synced: syncing here saves a thread handoff on
  // the answer's path (the single-caller case). Under load the sync thread overlaps the next batch.
  const bool sync_here = sync_here_allowed && sync_queue.empty() && !syncing && queue_is_empty();
  if (sync_here) {
    syncing = true;
    lock.unlock();
    std::deque<CommitGroup> groups;
    groups.push_back(std::move(group));
    complete(groups);
    return;
  }
  sync_queue.push_back(std::move(group));
  lock.unlock();
  sync_cv.notify_one();
}

bool EventStore::Impl::queue_is_empty() {
  std::lock_guard lock(queue_mutex);
  return queue.empty();
}

// Syncs the WAL once for `groups` (all written), publishes the new durable position and answers
// every caller in order. Runs on the sync thread, or on the writer when nothing else is pending.
void EventStore::Impl::complete(std::deque<CommitGroup>& groups) {
  Expects(!groups.empty());
  const std::uint64_t last_position = groups.back().last_position;
  if (last_position > durable_position.load() && !failed.load()) {
    if (options.durability == Durability::fsync) {
      const auto started = std::chrono::steady_clock::now();
      auto status = db->SyncWAL();
      last_sync_us.store(static_cast<std::uint64_t>(elapsed_us(started)),
                         std::memory_order_relaxed);
      syncs.fetch_add(1, std::memory_order_relaxed);
      if (!status.ok()) fail_store(to_error(status, "syncing the WAL").message);
    }
    if (!failed.load()) {
      record_acknowledged(last_position);  // before any caller hears of it
      {
        std::lock_guard lock(durable_mutex);
        durable_position.store(last_position);
      }
      durable_cv.notify_all();
    }
  }
  std::size_t events = 0;
  const bool sync_failed = failed.load() && last_position > durable_position.load();
  for (auto& group : groups) {
    events += group.events;
    for (auto& [done, result] : group.answers) {
      if (sync_failed && result) result = fail(ErrorCode::unavailable, failure());
      done(std::move(result));
    }
  }
  groups.clear();
  {
    std::lock_guard lock(sync_mutex);
    unsynced_events -= events;
    syncing = false;
  }
  sync_space_cv.notify_all();
}

void EventStore::Impl::syncer_loop() {
  std::deque<CommitGroup> groups;
  while (true) {
    {
      std::unique_lock lock(sync_mutex);
      sync_cv.wait(lock, [&] { return writer_done || !sync_queue.empty(); });
      if (sync_queue.empty()) break;  // writer done and drained
      groups.swap(sync_queue);
      syncing = true;
    }
    complete(groups);
  }
}

}  // namespace ordo::eventstore
