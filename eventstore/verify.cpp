// `verify`: the auditor's check that the log is whole and untouched. It walks every stored key,
// not only up to the durable head, so that an event inserted past the head is found too.
#include <unordered_map>

#include "eventstore/checksum.h"
#include "eventstore/envelope.h"
#include "eventstore/store_impl.h"

namespace ordo::eventstore {
namespace {

struct Walk {
  VerifyReport report;
  std::uint64_t expected = 1;
  Hash256 previous_hash{};
  std::unordered_map<std::string, std::uint64_t> stream_heads;
  // Each stream's version as of the heads checkpoint, which is what the heads family must hold.
  std::uint64_t heads_position = 0;
  std::unordered_map<std::string, std::uint64_t> heads_at_checkpoint;

  void broken(std::uint64_t position, std::string problem) {
    if (!report.ok) return;
    report.ok = false;
    report.first_bad_position = position;
    report.problem = std::move(problem);
  }
};

// Checks one log entry; returns false when the walk cannot go on.
bool check_entry(const EventStore::Impl& impl, Walk& walk, std::string_view key,
                 std::string_view value) {
  auto position = parse_log_key(key);
  if (!position) {
    walk.broken(walk.expected, "a log key is not 8 bytes");
    return false;
  }
  if (*position != walk.expected) {
    walk.broken(walk.expected, *position > walk.expected ? "missing (the next stored position is " +
                                                               std::to_string(*position) + ")"
                                                         : "positions out of order");
    return false;
  }
  auto decoded = decode_envelope(value, *position);
  if (!decoded) {
    walk.broken(*position, decoded.error().message);
    return false;
  }
  if (decoded->previous_hash != walk.previous_hash) {
    walk.broken(*position, "hash chain broken: previous hash does not match the event before it");
    return false;
  }
  const EventView& e = decoded->event;
  const std::string stream(e.stream);
  auto& head = walk.stream_heads[stream];
  if (e.stream_version != head + 1) {
    walk.broken(*position, "stream " + stream + " jumps from version " + std::to_string(head) +
                               " to " + std::to_string(e.stream_version));
    return false;
  }
  head = e.stream_version;
  if (*position <= walk.heads_position) walk.heads_at_checkpoint[stream] = e.stream_version;
  auto index = impl.get(impl.cf_streams, stream_key(stream, e.stream_version));
  if (!index || !index->has_value() || **index != log_key(*position)) {
    walk.broken(*position, "stream index entry for " + stream + "@" +
                               std::to_string(e.stream_version) + " is missing or wrong");
    return false;
  }
  walk.previous_hash = sha256(value);
  walk.report.events_checked += 1;
  walk.expected += 1;
  return true;
}

void check_heads(const EventStore::Impl& impl, Walk& walk) {
  std::unique_ptr<rocksdb::Iterator> it(impl.db->NewIterator({}, impl.cf_heads));
  std::uint64_t heads = 0;
  for (it->SeekToFirst(); it->Valid() && walk.report.ok; it->Next()) {
    ++heads;
    const std::string stream = it->key().ToString();
    auto version = decode_u64(it->value().ToStringView(), "heads/" + stream);
    auto found = walk.heads_at_checkpoint.find(stream);
    if (!version || found == walk.heads_at_checkpoint.end() || found->second != *version) {
      walk.broken(walk.expected, "stream head of " + stream +
                                     " does not match its events at position " +
                                     std::to_string(walk.heads_position));
    }
  }
  if (!it->status().ok()) walk.broken(walk.expected, to_error(it->status(), "heads").message);
  if (walk.report.ok && heads != walk.heads_at_checkpoint.size()) {
    walk.broken(walk.expected, "the heads index lacks some streams");
  }
}

}  // namespace

Result<VerifyReport> EventStore::verify() const {
  Walk walk;
  walk.heads_position = impl_->heads_position;
  rocksdb::ReadOptions options;
  options.verify_checksums = true;
  options.fill_cache = false;
  options.readahead_size = 4 << 20;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(options, impl_->cf_log));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!check_entry(*impl_, walk, it->key().ToStringView(), it->value().ToStringView())) break;
  }
  if (walk.report.ok && !it->status().ok()) {
    walk.broken(walk.expected, to_error(it->status(), "reading the log").message);
  }
  const std::uint64_t last = walk.expected - 1;
  walk.report.head_position = last;
  if (walk.report.ok) {
    auto head_value = impl_->get(impl_->cf_meta, kMetaHead);
    auto head = head_value && head_value->has_value()
                    ? decode_head(**head_value)
                    : Result<std::pair<std::uint64_t, Hash256>>(
                          fail(ErrorCode::corruption, "meta/head is missing"));
    if (!head) {
      walk.broken(last + 1, head.error().message);
    } else if (head->first != last) {
      walk.broken(std::min(head->first, last) + 1,
                  "the recorded head is position " + std::to_string(head->first) +
                      " but the log ends at " + std::to_string(last) +
                      (head->first > last ? " (events were removed from the end)" : ""));
    } else if (head->second != walk.previous_hash) {
      walk.broken(last, "the last event's hash differs from the recorded head hash");
    }
  }
  if (walk.report.ok && impl_->acknowledged_at_open > last) {
    walk.broken(last + 1, acknowledged_loss(*impl_, last, impl_->acknowledged_at_open));
  }
  if (walk.report.ok) check_heads(*impl_, walk);
  return walk.report;
}

}  // namespace ordo::eventstore
