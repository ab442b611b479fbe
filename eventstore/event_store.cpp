#include "eventstore/event_store.h"

#include <flatbuffers/flatbuffers.h>
#include <rocksdb/write_batch.h>
#include <unistd.h>

#include <future>
#include <unordered_set>

#include "eventstore/checksum.h"
#include "eventstore/envelope.h"
#include "eventstore/store_impl.h"

namespace ordo::eventstore {
namespace {

std::optional<std::string> validate(const AppendRequest& request) {
  if (request.writes.empty()) return "an append needs at least one stream write";
  std::size_t events = 0;
  std::unordered_set<std::string_view> streams;
  for (std::size_t w = 0; w < request.writes.size(); ++w) {
    const auto& write = request.writes[w];
    const std::string where = "writes[" + std::to_string(w) + "]";
    if (auto e = check_identifier(write.stream, kStreamIdBytesMax, where + ".stream")) return e;
    if (!streams.insert(write.stream).second) return where + ".stream appears twice in one append";
    if (write.events.empty()) return where + ".events is empty";
    events += write.events.size();
    for (std::size_t i = 0; i < write.events.size(); ++i) {
      const auto& event = write.events[i];
      const std::string at = where + ".events[" + std::to_string(i) + "]";
      if (auto e = check_identifier(event.type, kTypeBytesMax, at + ".type")) return e;
      if (event.payload.size() > kPayloadBytesMax) {
        return at + ".payload is " + std::to_string(event.payload.size()) + " bytes, at most " +
               std::to_string(kPayloadBytesMax) + " allowed";
      }
    }
  }
  if (events > kEventsPerAppendMax) {
    return "an append carries " + std::to_string(events) + " events, at most " +
           std::to_string(kEventsPerAppendMax) + " allowed";
  }
  if (auto e = check_text(request.idempotency_key, kIdBytesMax, "idempotency key")) return e;
  if (auto e = check_text(request.correlation_id, kIdBytesMax, "correlation id")) return e;
  if (auto e = check_text(request.causation_id, kIdBytesMax, "causation id")) return e;
  if (auto e = check_text(request.actor.id, kIdBytesMax, "actor id")) return e;
  if (request.response.size() > kResponseBytesMax) return "the stored response is too large";
  return std::nullopt;
}

// Hash of what makes two appends "the same request" for idempotency: streams, expected versions,
// event types, schema versions and payloads, each length-prefixed so no two requests collide.
Hash256 hash_writes(const AppendRequest& request) {
  std::string canonical;
  auto put = [&](std::string_view s) {
    put_u64_be(canonical, s.size());
    canonical.append(s);
  };
  for (const auto& write : request.writes) {
    put(write.stream);
    put_u64_be(canonical, static_cast<std::uint64_t>(write.expected.kind));
    put_u64_be(canonical, write.expected.version);
    put_u64_be(canonical, write.events.size());
    for (const auto& event : write.events) {
      put(event.type);
      put_u64_be(canonical, event.schema_version);
      put(event.payload);
    }
  }
  return sha256(canonical);
}

}  // namespace

EventStore::EventStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

EventStore::~EventStore() = default;

EventStore::Impl::~Impl() {
  stop_threads();
  // Flushing on close keeps the next open from replaying the whole WAL.
  if (db && !options.read_only && !failed.load()) {
    rocksdb::FlushOptions flush_options;
    flush_options.wait = true;
    db->Flush(flush_options, handles);
  }
  for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
  handles.clear();
  if (db) db->Close();
  if (acknowledged_fd >= 0) ::close(acknowledged_fd);
}

void EventStore::append_async(AppendRequest request, AppendCallback done, Leading leading) {
  if (impl_->options.read_only) {
    return done(fail(ErrorCode::failed_precondition, "the event store is open read-only"));
  }
  if (auto problem = validate(request)) return done(fail(ErrorCode::invalid_argument, *problem));
  if (impl_->failed.load()) return done(fail(ErrorCode::unavailable, impl_->failure()));
  PendingAppend pending;
  pending.envelopes.reserve(request.writes.size());
  for (const auto& write : request.writes) {
    auto& envelopes = pending.envelopes.emplace_back();
    envelopes.reserve(write.events.size());
    for (const auto& event : write.events) {
      envelopes.push_back(build_envelope(event, write.stream, request));
      ++pending.event_count;
    }
  }
  if (!request.idempotency_key.empty()) {
    pending.request_hash = request.content_hash ? *request.content_hash : hash_writes(request);
  }
  pending.request = std::move(request);
  pending.done = std::move(done);
  impl_->enqueue(std::move(pending), leading);
}

std::optional<std::string> EventStore::check_request(const AppendRequest& request) {
  return validate(request);
}

void EventStore::barrier_async(AppendCallback done, Leading leading) {
  if (impl_->options.read_only) {  // nothing is ever written: everything before is durable
    AppendResult at;
    at.last_position = impl_->durable_position.load();
    return done(std::move(at));
  }
  if (impl_->failed.load()) return done(fail(ErrorCode::unavailable, impl_->failure()));
  PendingAppend pending;
  pending.barrier = true;
  pending.done = std::move(done);
  impl_->enqueue(std::move(pending), leading);
}

Result<std::optional<std::pair<Hash256, AppendResult>>> EventStore::find_idempotency(
    std::string_view idempotency_key) const {
  using Found = std::optional<std::pair<Hash256, AppendResult>>;
  auto stored = impl_->get(impl_->cf_idempotency, idempotency_key);
  if (!stored) return std::unexpected(stored.error());
  if (!stored->has_value()) return Found();
  auto record = decode_idempotency(**stored);
  if (!record) return std::unexpected(record.error());
  return Found(std::pair{record->request_hash, std::move(record->result)});
}

Result<AppendResult> EventStore::append(AppendRequest request) {
  std::promise<Result<AppendResult>> promise;
  auto future = promise.get_future();
  append_async(
      std::move(request),
      [&promise](Result<AppendResult> result) { promise.set_value(std::move(result)); },
      Leading::write_and_sync);
  return future.get();
}

Result<AppendResult> EventStore::append(std::string stream, ExpectedVersion expected,
                                        std::vector<EventData> events, std::string idempotency_key,
                                        Actor actor) {
  AppendRequest request;
  request.writes.push_back(StreamWrite{std::move(stream), expected, std::move(events)});
  request.idempotency_key = std::move(idempotency_key);
  request.actor = std::move(actor);
  return append(std::move(request));
}

std::uint64_t EventStore::durable_position() const { return impl_->durable_position.load(); }

std::uint64_t EventStore::wait_for_position(std::uint64_t position,
                                            std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->durable_mutex);
  impl_->durable_cv.wait_for(lock, timeout,
                             [&] { return impl_->durable_position.load() >= position; });
  return impl_->durable_position.load();
}

std::uint64_t EventStore::wait_for_position(std::uint64_t position,
                                            std::chrono::milliseconds timeout,
                                            const std::atomic<bool>& stop) const {
  std::unique_lock lock(impl_->durable_mutex);
  impl_->durable_cv.wait_for(
      lock, timeout, [&] { return stop.load() || impl_->durable_position.load() >= position; });
  return impl_->durable_position.load();
}

void EventStore::wake_waiters() const {
  std::lock_guard lock(impl_->durable_mutex);
  impl_->durable_cv.notify_all();
}

StoreStats EventStore::stats() const {
  StoreStats s;
  s.format_version = impl_->format_version;
  s.store_id = impl_->store_id;
  s.durable_position = impl_->durable_position.load();
  s.head_position = s.durable_position;
  if (auto head = impl_->get(impl_->cf_meta, kMetaHead); head && head->has_value()) {
    if (auto decoded = decode_head(**head)) {
      s.head_position = decoded->first;
      s.head_hash = decoded->second;
    }
  }
  s.appends = impl_->appends.load();
  s.events_appended = impl_->events_appended.load();
  s.batches_written = impl_->batches_written.load();
  s.syncs = impl_->syncs.load();
  s.last_sync_us = impl_->last_sync_us.load();
  {
    std::lock_guard lock(impl_->queue_mutex);
    s.queue_depth = impl_->queue.size();
  }
  return s;
}

Result<std::uint64_t> EventStore::load_checkpoint(std::string_view consumer) const {
  auto stored = impl_->get(impl_->cf_checkpoints, consumer);
  if (!stored) return std::unexpected(stored.error());
  if (!stored->has_value()) return 0;
  return decode_u64(**stored, "checkpoint of " + std::string(consumer));
}

Result<void> EventStore::save_checkpoint(std::string_view consumer, std::uint64_t position,
                                         bool durable) {
  if (impl_->options.read_only) {
    return fail(ErrorCode::failed_precondition, "the event store is open read-only");
  }
  if (auto e = check_identifier(consumer, kIdBytesMax, "consumer name")) {
    return fail(ErrorCode::invalid_argument, *e);
  }
  rocksdb::WriteOptions options;
  options.sync = durable && impl_->options.durability == Durability::fsync;
  auto status = impl_->db->Put(options, impl_->cf_checkpoints, rocksdb::Slice(consumer),
                               encode_u64(position));
  if (!status.ok()) return std::unexpected(to_error(status, "saving a checkpoint"));
  return {};
}

Result<std::uint64_t> EventStore::count_streams() const {
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator({}, impl_->cf_heads));
  std::uint64_t count = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++count;
  if (!it->status().ok()) return std::unexpected(to_error(it->status(), "counting streams"));
  return count;
}

std::uint64_t EventStore::disk_bytes() const {
  std::uint64_t total = 0;
  for (auto* handle : impl_->handles) {
    std::uint64_t bytes = 0;
    if (impl_->db->GetIntProperty(handle, "rocksdb.live-sst-files-size", &bytes)) total += bytes;
  }
  rocksdb::VectorLogPtr wal_files;
  if (impl_->db->GetSortedWalFiles(wal_files).ok()) {
    for (const auto& file : wal_files) total += file->SizeFileBytes();
  }
  return total;
}

Result<void> EventStore::flush() {
  if (impl_->options.read_only) return {};
  rocksdb::FlushOptions options;
  options.wait = true;
  auto status = impl_->db->Flush(options, impl_->handles);
  if (!status.ok()) return std::unexpected(to_error(status, "flushing memtables"));
  return {};
}

std::unique_ptr<Subscription> EventStore::subscribe(std::uint64_t from_position,
                                                    std::vector<std::string> types) const {
  return std::make_unique<Subscription>(*impl_, from_position, std::move(types));
}

}  // namespace ordo::eventstore
