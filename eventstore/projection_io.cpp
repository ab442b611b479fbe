// Query-model storage for projections/: their own column families, written atomically with the
// consumers' checkpoints.
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <tuple>

#include "eventstore/store_impl.h"

namespace ordo::eventstore {
namespace {

// The store's own keys; scans never visit them. (Data keys start with printable text or, for
// promise accuracy, a big-endian time whose first byte is 0, never followed by these words.)
constexpr std::string_view kCheckpointKey("\0checkpoint", 11);
constexpr std::string_view kDefinitionKey("\0definition", 11);

}  // namespace

Result<rocksdb::ColumnFamilyHandle*> EventStore::Impl::projection(std::string_view family) const {
  auto it = projection_handles.find(std::string(family));
  if (it == projection_handles.end()) {
    return fail(ErrorCode::invalid_argument,
                "no projection column family '" + std::string(family) + "' in this store");
  }
  return it->second;
}

Result<void> EventStore::commit_projection(
    const std::vector<std::pair<std::string, std::uint64_t>>& family_checkpoints,
    const std::vector<ProjectionWrite>& writes) {
  if (impl_->options.read_only) {
    return fail(ErrorCode::failed_precondition, "the event store is open read-only");
  }
  // Written in key order (stable: a later write of the same key still wins): a memtable insert
  // next to the previous one reuses its place in the skip list instead of searching from the top.
  std::vector<const ProjectionWrite*> sorted;
  sorted.reserve(writes.size());
  for (const auto& write : writes) sorted.push_back(&write);
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    return std::tie(a->family, a->key) < std::tie(b->family, b->key);
  });
  rocksdb::WriteBatch batch;
  for (const auto* write_ptr : sorted) {
    const auto& write = *write_ptr;
    auto cf = impl_->projection(write.family);
    if (!cf) return std::unexpected(cf.error());
    if (write.value)
      batch.Put(*cf, write.key, *write.value);
    else
      batch.Delete(*cf, write.key);
  }
  for (const auto& [family, position] : family_checkpoints) {
    auto cf = impl_->projection(family);
    if (!cf) return std::unexpected(cf.error());
    batch.Put(*cf, rocksdb::Slice(kCheckpointKey.data(), kCheckpointKey.size()),
              encode_u64(position));
  }
  rocksdb::WriteOptions options;
  // Query models are rebuilt from the log, so they stay out of the WAL: the log's fsyncs then
  // carry only the log.
  options.disableWAL = true;
  auto status = impl_->db->Write(options, &batch);
  if (!status.ok()) return std::unexpected(to_error(status, "writing a projection"));
  return {};
}

Result<std::uint64_t> EventStore::projection_checkpoint(std::string_view family) const {
  auto value = read_projection(family, kCheckpointKey);
  if (!value) return std::unexpected(value.error());
  if (!value->has_value()) return 0;
  return decode_u64(**value, "checkpoint of " + std::string(family));
}

Result<std::uint64_t> EventStore::projection_definition(std::string_view family) const {
  auto value = read_projection(family, kDefinitionKey);
  if (!value) return std::unexpected(value.error());
  if (!value->has_value()) return 0;
  return decode_u64(**value, "definition of " + std::string(family));
}

Result<void> EventStore::set_projection_definition(std::string_view family, std::uint64_t version) {
  auto cf = impl_->projection(family);
  if (!cf) return std::unexpected(cf.error());
  rocksdb::WriteOptions options;
  options.sync = true;
  auto status =
      impl_->db->Put(options, *cf, rocksdb::Slice(kDefinitionKey.data(), kDefinitionKey.size()),
                     encode_u64(version));
  if (!status.ok()) return std::unexpected(to_error(status, "recording a projection's definition"));
  return {};
}

Result<std::optional<std::string>> EventStore::read_projection(std::string_view family,
                                                               std::string_view key) const {
  auto cf = impl_->projection(family);
  if (!cf) return std::unexpected(cf.error());
  return impl_->get(*cf, key);
}

Result<void> EventStore::scan_projection(
    std::string_view family, std::string_view prefix, std::string_view start,
    const std::function<bool(std::string_view, std::string_view)>& visit) const {
  auto cf = impl_->projection(family);
  if (!cf) return std::unexpected(cf.error());
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator({}, *cf));
  for (it->Seek(rocksdb::Slice(start.empty() ? prefix : start)); it->Valid(); it->Next()) {
    const auto key = it->key().ToStringView();
    if (key == kCheckpointKey || key == kDefinitionKey) continue;
    if (!it->key().starts_with(rocksdb::Slice(prefix))) break;
    if (!visit(it->key().ToStringView(), it->value().ToStringView())) break;
  }
  if (!it->status().ok()) return std::unexpected(to_error(it->status(), "scanning a projection"));
  return {};
}

Result<void> EventStore::clear_projection(std::string_view family) {
  auto cf = impl_->projection(family);
  if (!cf) return std::unexpected(cf.error());
  rocksdb::WriteBatch batch;
  // Projection keys start with printable text, so this range covers them all in O(1).
  batch.DeleteRange(*cf, rocksdb::Slice(""), rocksdb::Slice("\xff\xff\xff\xff"));
  rocksdb::WriteOptions options;
  options.sync = true;
  auto status = impl_->db->Write(options, &batch);
  if (!status.ok()) return std::unexpected(to_error(status, "clearing a projection"));
  return {};
}

}  // namespace ordo::eventstore
