// The read path: everything stops at the durable position and every envelope is verified.
#include <algorithm>

#include "eventstore/envelope.h"
#include "eventstore/store_impl.h"

namespace ordo::eventstore {
namespace {

rocksdb::ReadOptions scan_options(const std::string& upper_bound_key, rocksdb::Slice& upper_bound) {
  rocksdb::ReadOptions options;
  options.verify_checksums = true;
  // Scans are replays and catch-ups: they read each block once, so they bypass the block cache
  // instead of evicting what point reads need. Large readahead turns them into few big reads.
  options.fill_cache = false;
  options.readahead_size = 4 << 20;
  upper_bound = rocksdb::Slice(upper_bound_key);
  options.iterate_upper_bound = &upper_bound;
  return options;
}

}  // namespace

Result<std::optional<std::string>> EventStore::Impl::get(rocksdb::ColumnFamilyHandle* cf,
                                                         std::string_view key) const {
  std::string value;
  auto status = db->Get(rocksdb::ReadOptions(), cf, rocksdb::Slice(key), &value);
  if (status.IsNotFound()) return std::optional<std::string>();
  if (!status.ok()) return std::unexpected(to_error(status, "reading " + cf->GetName()));
  return std::optional<std::string>(std::move(value));
}

// Visits verified events from `from_position` to `to_position` (capped at the durable position).
// `scanned_to` receives the position after the last one looked at, which is how a filtered
// subscription moves past events it does not want.
Result<std::uint64_t> EventStore::Impl::scan(std::uint64_t from_position, std::uint64_t to_position,
                                             const std::function<bool(const EventView&)>& visit,
                                             std::uint64_t* scanned_to) const {
  from_position = std::max<std::uint64_t>(from_position, 1);
  to_position = std::min(to_position, durable_position.load());
  if (scanned_to != nullptr) *scanned_to = from_position;
  if (from_position > to_position) return 0;
  const std::string upper_key = log_key(to_position + 1);
  rocksdb::Slice upper;
  auto read_options = scan_options(upper_key, upper);
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read_options, cf_log));
  std::uint64_t expected = from_position;
  std::uint64_t visited = 0;
  for (it->Seek(log_key(from_position)); it->Valid(); it->Next()) {
    auto position = parse_log_key(it->key().ToStringView());
    if (!position || *position != expected) {
      return fail(ErrorCode::corruption,
                  "the log has no event at position " + std::to_string(expected));
    }
    auto decoded = decode_envelope(it->value().ToStringView(), expected);
    if (!decoded) return std::unexpected(decoded.error());
    ++expected;
    if (scanned_to != nullptr) *scanned_to = expected;
    ++visited;
    if (!visit(decoded->event)) return visited;
  }
  if (!it->status().ok()) return std::unexpected(to_error(it->status(), "reading the log"));
  if (expected <= to_position) {
    return fail(ErrorCode::corruption,
                "the log has no event at position " + std::to_string(expected));
  }
  return visited;
}

Result<std::uint64_t> EventStore::for_each(
    std::uint64_t from_position, std::uint64_t to_position,
    const std::function<bool(const EventView&)>& visit) const {
  return impl_->scan(from_position, to_position, visit, nullptr);
}

Result<std::vector<RecordedEvent>> EventStore::read_all(
    std::uint64_t from_position, std::size_t count_max,
    const std::vector<std::string>& types) const {
  std::vector<RecordedEvent> out;
  if (count_max == 0) return out;
  out.reserve(std::min<std::size_t>(count_max, 4096));
  auto visited = impl_->scan(
      from_position, UINT64_MAX,
      [&](const EventView& e) {
        if (types.empty() || std::find(types.begin(), types.end(), e.type) != types.end()) {
          out.push_back(e.to_owned());
        }
        return out.size() < count_max;
      },
      nullptr);
  if (!visited) return std::unexpected(visited.error());
  return out;
}

Result<std::vector<RecordedEvent>> EventStore::read_stream(std::string_view stream,
                                                           std::uint64_t from_version,
                                                           std::size_t count_max) const {
  if (auto e = check_identifier(stream, kStreamIdBytesMax, "stream")) {
    return fail(ErrorCode::invalid_argument, *e);
  }
  std::vector<RecordedEvent> out;
  const std::string prefix = stream_prefix(stream);
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator({}, impl_->cf_streams));
  const std::uint64_t durable = impl_->durable_position.load();
  std::uint64_t expected_version = std::max<std::uint64_t>(from_version, 1);
  for (it->Seek(stream_key(stream, expected_version)); it->Valid() && out.size() < count_max;
       it->Next()) {
    if (!it->key().starts_with(prefix)) break;
    auto position = decode_u64(it->value().ToStringView(), "stream index entry");
    if (!position) return std::unexpected(position.error());
    if (*position > durable) break;  // written but not yet durable
    auto value = impl_->get(impl_->cf_log, log_key(*position));
    if (!value) return std::unexpected(value.error());
    if (!value->has_value()) {
      return fail(ErrorCode::corruption,
                  "stream index points at missing position " + std::to_string(*position));
    }
    auto decoded = decode_envelope(**value, *position);
    if (!decoded) return std::unexpected(decoded.error());
    if (decoded->event.stream != stream || decoded->event.stream_version != expected_version) {
      return fail(ErrorCode::corruption, "stream index entry for " + std::string(stream) + "@" +
                                             std::to_string(expected_version) +
                                             " points at another event");
    }
    ++expected_version;
    out.push_back(decoded->event.to_owned());
  }
  if (!it->status().ok()) return std::unexpected(to_error(it->status(), "reading a stream"));
  return out;
}

// From the stream index, not the heads: those are only complete up to their checkpoint. The last
// index entry of the stream whose event is durable.
Result<std::uint64_t> EventStore::stream_version(std::string_view stream) const {
  if (auto e = check_identifier(stream, kStreamIdBytesMax, "stream"))
    return fail(ErrorCode::invalid_argument, *e);
  const std::string prefix = stream_prefix(stream);
  const std::uint64_t durable = impl_->durable_position.load();
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator({}, impl_->cf_streams));
  for (it->SeekForPrev(stream_key(stream, UINT64_MAX));
       it->Valid() && it->key().starts_with(prefix); it->Prev()) {
    auto position = decode_u64(it->value().ToStringView(), "stream index entry");
    if (!position) return std::unexpected(position.error());
    if (*position > durable) continue;  // written but not yet durable
    const auto key = it->key().ToStringView();
    if (key.size() != prefix.size() + 8)
      return fail(ErrorCode::corruption,
                  "a stream index key of " + std::string(stream) + " is malformed");
    return get_u64_be(key.data() + prefix.size());
  }
  if (!it->status().ok())
    return std::unexpected(to_error(it->status(), "reading a stream's version"));
  return 0;
}

Subscription::Subscription(const EventStore::Impl& store, std::uint64_t from_position,
                           std::vector<std::string> types)
    : store_(store),
      next_position_(std::max<std::uint64_t>(from_position, 1)),
      types_(std::move(types)) {}

Result<std::vector<RecordedEvent>> Subscription::next(std::size_t count_max,
                                                      std::chrono::milliseconds wait) {
  std::vector<RecordedEvent> out;
  if (count_max == 0) return out;
  if (store_.durable_position.load() < next_position_) {
    std::unique_lock lock(store_.durable_mutex);
    store_.durable_cv.wait_for(lock, wait,
                               [&] { return store_.durable_position.load() >= next_position_; });
  }
  // A filtered subscription may look at many events it does not want: bound the scan too.
  const std::uint64_t scan_limit = next_position_ + std::max<std::uint64_t>(count_max, 1) * 16;
  std::uint64_t next = next_position_;
  auto visited = store_.scan(
      next_position_, scan_limit,
      [&](const EventView& e) {
        if (types_.empty() || std::find(types_.begin(), types_.end(), e.type) != types_.end()) {
          out.push_back(e.to_owned());
        }
        return out.size() < count_max;
      },
      &next);
  if (!visited) return std::unexpected(visited.error());
  next_position_ = next;
  return out;
}

}  // namespace ordo::eventstore
