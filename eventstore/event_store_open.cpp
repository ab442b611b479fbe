// Opening a store: refuse what is not ours without touching it, create a new store atomically
// enough to be recognised, and find the log head the writer continues from.
#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstring>
#include <iostream>
#include <random>
#include <system_error>
#include <unordered_map>

#include "eventstore/checksum.h"
#include "eventstore/envelope.h"
#include "eventstore/store_impl.h"

namespace ordo::eventstore {
namespace fs = std::filesystem;
namespace {

// A literal, not rocksdb::kDefaultColumnFamilyName: static initialisation order across a static
// library is unspecified.
const std::vector<std::string>& column_family_names() {
  // meta first: a store whose creation was interrupted is recognised by its meta column family.
  static const std::vector<std::string> names = {
      "default", kCfMeta, kCfLog, kCfStreams, kCfHeads, kCfIdempotency, kCfCheckpoints};
  return names;
}

// The stream id part of a `streams` key (up to and including its 0x00), or a whole `heads` key.
// RocksDB keeps an insert hint per prefix, so the next version of a stream is inserted next to
// the previous one instead of searching the memtable's skiplist from the top.
class StreamPrefix : public rocksdb::SliceTransform {
 public:
  explicit StreamPrefix(bool whole_key) : whole_key_(whole_key) {}
  const char* Name() const override { return whole_key_ ? "ordo.WholeKey" : "ordo.StreamPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    if (whole_key_) return key;
    const auto* end = static_cast<const char*>(std::memchr(key.data(), 0, key.size()));
    return rocksdb::Slice(key.data(), static_cast<std::size_t>(end - key.data()) + 1);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return whole_key_ || std::memchr(key.data(), 0, key.size()) != nullptr;
  }

 private:
  bool whole_key_;
};

rocksdb::ColumnFamilyOptions column_family_options(const std::string& name,
                                                   const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions cf;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  if (name == kCfLog) {
    // Written in key order and mostly scanned: large memtable, larger blocks, LZ4.
    cf.write_buffer_size = 128 << 20;
    table.block_size = 32 << 10;
    cf.compression = rocksdb::kNoCompression;
  } else {
    if (name == kCfStreams || name == kCfHeads) {
      cf.memtable_insert_with_hint_prefix_extractor =
          std::make_shared<StreamPrefix>(name == kCfHeads);
    }
    cf.write_buffer_size = 32 << 20;
    table.block_size = 8 << 10;
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    cf.compression = rocksdb::kLZ4Compression;
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

rocksdb::DBOptions db_options(const Options& options) {
  rocksdb::DBOptions db;
  db.create_if_missing = false;
  db.create_missing_column_families = false;
  db.max_background_jobs = 2;
  // Small column families (meta, heads) would otherwise keep old WAL files alive, and every
  // restart after a crash replays what they hold.
  db.max_total_wal_size = 64 << 20;
  // A torn last write (a crash during a sync: never acknowledged) is dropped; damage anywhere
  // else refuses the open instead of silently dropping every record after it (point in time).
  db.wal_recovery_mode = options.point_in_time_recovery
                             ? rocksdb::WALRecoveryMode::kPointInTimeRecovery
                             : rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  db.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db.keep_log_file_num = 5;
  db.paranoid_checks = true;
  // Compactions run niced: on a small machine they would otherwise take a core from the threads
  // that answer (the writer, the pipeline, the projector) for milliseconds at a time. Flushes keep
  // their priority: a full memtable stalls every writer.
  static_cast<void>(rocksdb::Env::Default()->LowerThreadPoolCPUPriority(
      rocksdb::Env::Priority::LOW, rocksdb::CpuPriority::kLow));
  if (options.configure_rocksdb) options.configure_rocksdb(db);
  return db;
}

// Read-only opens must not touch the directory, and RocksDB would otherwise rotate its info LOG.
class SilentLogger : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
};

std::string new_store_id() {
  std::random_device random;
  std::string bytes(16, '\0');
  for (auto& b : bytes) b = static_cast<char>(random() & 0xFFu);
  return to_hex(bytes.data(), bytes.size());
}

std::int64_t system_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

enum class DirState { absent, empty, rocksdb, interrupted, foreign };

// Files RocksDB writes while creating a database, before CURRENT names it: a directory holding
// only these is a creation that was killed half-way.
bool is_bootstrap_file(const std::string& name) {
  return name == "LOCK" || name == "IDENTITY" || name == "LOG" || name.starts_with("LOG.old.") ||
         name.starts_with("MANIFEST-") || name.starts_with("OPTIONS-") || name.ends_with(".log") ||
         name.ends_with(".dbtmp");
}

// Looks at the directory without changing it.
Result<DirState> inspect(const fs::path& dir) {
  std::error_code ec;
  const auto status = fs::status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return fail(ErrorCode::io_error, "cannot inspect " + dir.string() + ": " + ec.message());
  }
  if (!fs::exists(status)) return DirState::absent;
  if (!fs::is_directory(status)) {
    return fail(ErrorCode::failed_precondition, dir.string() + " is not a directory");
  }
  if (fs::exists(dir / "CURRENT", ec)) return DirState::rocksdb;
  fs::directory_iterator it(dir, ec);
  if (ec) return fail(ErrorCode::io_error, "cannot list " + dir.string() + ": " + ec.message());
  if (it == fs::directory_iterator()) return DirState::empty;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec || !is_bootstrap_file(it->path().filename().string())) return DirState::foreign;
  }
  return DirState::interrupted;
}

}  // namespace

Error to_error(const rocksdb::Status& status, std::string_view context) {
  ErrorCode code = ErrorCode::internal;
  if (status.IsCorruption())
    code = ErrorCode::corruption;
  else if (status.IsIOError() || status.IsNoSpace())
    code = ErrorCode::io_error;
  else if (status.IsNotFound())
    code = ErrorCode::not_found;
  else if (status.IsInvalidArgument() || status.IsNotSupported())
    code = ErrorCode::failed_precondition;
  else if (status.IsBusy() || status.IsTryAgain() || status.IsTimedOut())
    code = ErrorCode::unavailable;
  return Error{code, std::string(context) + ": " + status.ToString()};
}

namespace {

// Decides whether an existing RocksDB database is an Ordo store, without writing to it. Returns
// whether column families are missing because a creation was interrupted (then they are created):
// such a database has Ordo's meta column family, or nothing but an empty default one.
Result<bool> recognise(const rocksdb::DBOptions& db, const std::string& path) {
  std::vector<std::string> existing;
  auto status = rocksdb::DB::ListColumnFamilies(db, path, &existing);
  if (!status.ok()) return std::unexpected(to_error(status, "reading " + path));
  auto has = [&](const std::string& name) {
    return std::find(existing.begin(), existing.end(), name) != existing.end();
  };
  bool all = true;
  for (const auto& name : column_family_names()) all = all && has(name);
  if (all) return false;
  if (has(kCfMeta)) return true;
  if (existing.size() == 1) {
    rocksdb::DB* raw = nullptr;
    rocksdb::Options quiet(db, {});
    quiet.info_log = std::make_shared<SilentLogger>();
    status = rocksdb::DB::OpenForReadOnly(quiet, path, &raw);
    if (!status.ok()) return std::unexpected(to_error(status, "reading " + path));
    std::unique_ptr<rocksdb::DB> bare(raw);
    std::unique_ptr<rocksdb::Iterator> it(bare->NewIterator({}));
    it->SeekToFirst();
    if (!it->Valid() && it->status().ok()) return true;
  }
  return fail(ErrorCode::failed_precondition,
              path + " is not an Ordo data directory: it holds another RocksDB database");
}

Result<void> open_database(EventStore::Impl& impl, bool creating) {
  rocksdb::DBOptions db = db_options(impl.options);
  auto cache = rocksdb::NewLRUCache(256 << 20);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : column_family_names()) {
    descriptors.emplace_back(name, column_family_options(name, cache));
  }
  const std::string path = impl.options.data_dir.string();
  bool complete_creation = false;
  if (!creating) {
    auto ours = recognise(db, path);
    if (!ours) return std::unexpected(ours.error());
    complete_creation = *ours;
  }
  db.create_if_missing = creating;
  db.create_missing_column_families = creating || complete_creation;
  // RocksDB opens a database only with all its column families: add the query models' too.
  std::vector<std::string> existing;
  if (!creating) {
    auto listed = rocksdb::DB::ListColumnFamilies(db, path, &existing);
    if (!listed.ok()) return std::unexpected(to_error(listed, "reading " + path));
  }
  for (const auto& name : existing) {
    const auto& ours = column_family_names();
    if (std::find(ours.begin(), ours.end(), name) == ours.end()) {
      descriptors.emplace_back(name, column_family_options(name, cache));
    }
  }
  if (impl.options.read_only) db.info_log = std::make_shared<SilentLogger>();
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status =
      impl.options.read_only
          ? rocksdb::DB::OpenForReadOnly(db, path, descriptors, &impl.handles, &raw)
          : rocksdb::DB::Open(db, path, descriptors, &impl.handles, &raw);
  if (!status.ok()) return std::unexpected(open_error(status, path));
  impl.db.reset(raw);
  impl.cf_meta = impl.handles[1];
  impl.cf_log = impl.handles[2];
  impl.cf_streams = impl.handles[3];
  impl.cf_heads = impl.handles[4];
  impl.cf_idempotency = impl.handles[5];
  impl.cf_checkpoints = impl.handles[6];
  for (std::size_t i = column_family_names().size(); i < impl.handles.size(); ++i) {
    impl.projection_handles[descriptors[i].name] = impl.handles[i];
  }
  if (impl.options.read_only) return {};
  // The query models' families missing (a new store, or models added since), created in one
  // step: RocksDB rewrites and re-reads its OPTIONS file on every creation.
  std::vector<rocksdb::ColumnFamilyDescriptor> missing;
  for (const auto& family : impl.options.projection_families) {
    if (!impl.projection_handles.contains(family))
      missing.emplace_back(family, column_family_options(family, cache));
  }
  if (missing.empty()) return {};
  std::vector<rocksdb::ColumnFamilyHandle*> created;
  status = impl.db->CreateColumnFamilies(missing, &created);
  for (std::size_t i = 0; i < created.size(); ++i) {  // those made before a failure too
    impl.handles.push_back(created[i]);
    impl.projection_handles[missing[i].name] = created[i];
  }
  if (!status.ok()) return std::unexpected(to_error(status, "creating the query models' families"));
  return {};
}

Result<void> initialize_meta(EventStore::Impl& impl) {
  rocksdb::WriteBatch batch;
  impl.store_id = new_store_id();
  batch.Put(impl.cf_meta, std::string(kMetaFormatVersion), encode_u64(kFormatVersion));
  batch.Put(impl.cf_meta, std::string(kMetaStoreId), impl.store_id);
  batch.Put(impl.cf_meta, std::string(kMetaCreatedAt),
            encode_u64(static_cast<std::uint64_t>(impl.options.clock_us())));
  batch.Put(impl.cf_meta, std::string(kMetaHead), encode_head(0, Hash256{}));
  batch.Put(impl.cf_meta, std::string(kMetaHeadsPosition), encode_u64(0));
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  auto status = impl.db->Write(write_options, &batch);
  if (!status.ok()) return std::unexpected(to_error(status, "initializing the store"));
  impl.format_version = kFormatVersion;
  return {};
}

// Reads the format version and store id; a store with no meta yet is initialised (a creation that
// was interrupted after RocksDB made the column families).
Result<void> load_meta(EventStore::Impl& impl) {
  auto version = impl.get(impl.cf_meta, kMetaFormatVersion);
  if (!version) return std::unexpected(version.error());
  if (!version->has_value()) {
    if (impl.options.read_only) {
      return fail(ErrorCode::failed_precondition,
                  impl.options.data_dir.string() + " is not an initialised Ordo data directory");
    }
    return initialize_meta(impl);
  }
  auto decoded = decode_u64(**version, "meta/format_version");
  if (!decoded) return std::unexpected(decoded.error());
  if (*decoded > kFormatVersion) {
    return fail(ErrorCode::failed_precondition,
                impl.options.data_dir.string() + " has format version " + std::to_string(*decoded) +
                    ", newer than this build supports (" + std::to_string(kFormatVersion) +
                    "): upgrade Ordo");
  }
  impl.format_version = *decoded;
  auto id = impl.get(impl.cf_meta, kMetaStoreId);
  if (!id) return std::unexpected(id.error());
  impl.store_id = id->value_or("");
  return {};
}

// Positions the writer after the last event, and checks it against the recorded head so that a
// truncated or edited log is not silently extended.
Result<void> load_head(EventStore::Impl& impl) {
  auto head_value = impl.get(impl.cf_meta, kMetaHead);
  if (!head_value) return std::unexpected(head_value.error());
  auto head = decode_head(head_value->value_or(encode_head(0, Hash256{})));
  if (!head) return std::unexpected(head.error());
  std::unique_ptr<rocksdb::Iterator> it(impl.db->NewIterator({}, impl.cf_log));
  it->SeekToLast();
  if (!it->status().ok()) return std::unexpected(to_error(it->status(), "reading the log head"));
  std::uint64_t last_position = 0;
  Hash256 last_hash{};
  std::int64_t last_recorded_at = 0;
  if (it->Valid()) {
    auto position = parse_log_key(it->key().ToStringView());
    if (!position) return fail(ErrorCode::corruption, "the last log key is not 8 bytes");
    auto decoded = decode_envelope(it->value().ToStringView(), *position);
    if (!decoded) {
      // A writer must not continue a damaged log; a reader (`ordo log verify`) opens it anyway
      // so that it can say where the damage is.
      if (!impl.options.read_only) return std::unexpected(decoded.error());
      impl.head_problem = decoded.error().message;
    } else {
      last_recorded_at = decoded->event.recorded_at_us;
    }
    last_position = *position;
    last_hash = sha256(it->value().ToStringView());
  }
  if (impl.head_problem.empty() && (last_position != head->first || last_hash != head->second)) {
    impl.head_problem =
        "the log ends at position " + std::to_string(last_position) +
        " but its recorded head is position " + std::to_string(head->first) +
        " with another hash: the log was truncated or edited; run `ordo log verify`";
    // Read-only opens go on, so that `ordo log verify` can say where the log breaks.
    if (!impl.options.read_only) return fail(ErrorCode::corruption, impl.head_problem);
  }
  impl.next_position = last_position + 1;
  impl.last_hash = last_hash;
  impl.last_recorded_at_us = last_recorded_at;
  impl.durable_position.store(last_position);
  return {};
}

// The heads column family is complete up to meta "heads_position"; the events after it are read
// once more and their heads written, with the new position, in one batch, so that the writer
// starts from heads that match the log. A version 1 store (heads written with every batch) is
// complete up to its head, and is upgraded to version 2 here.
Result<void> recover_heads(EventStore::Impl& impl) {
  const std::uint64_t head = impl.next_position - 1;
  std::uint64_t complete = head;
  if (impl.format_version >= 2) {
    auto stored = impl.get(impl.cf_meta, kMetaHeadsPosition);
    if (!stored) return std::unexpected(stored.error());
    if (stored->has_value()) {
      auto decoded = decode_u64(**stored, "meta/heads_position");
      if (!decoded) return std::unexpected(decoded.error());
      complete = std::min(*decoded, head);
    }
  }
  impl.heads_position = complete;
  if (impl.options.read_only) return {};
  std::unordered_map<std::string, std::uint64_t> heads;
  auto scanned = impl.scan(
      complete + 1, head,
      [&](const EventView& e) {
        heads[std::string(e.stream)] = e.stream_version;
        return true;
      },
      nullptr);
  if (!scanned) return std::unexpected(scanned.error());
  rocksdb::WriteBatch batch;
  for (const auto& [stream, version] : heads) batch.Put(impl.cf_heads, stream, encode_u64(version));
  batch.Put(impl.cf_meta, std::string(kMetaHeadsPosition), encode_u64(head));
  if (impl.format_version < kFormatVersion)
    batch.Put(impl.cf_meta, std::string(kMetaFormatVersion), encode_u64(kFormatVersion));
  rocksdb::WriteOptions write_options;
  write_options.sync = impl.options.durability == Durability::fsync;
  if (auto status = impl.db->Write(write_options, &batch); !status.ok()) {
    return std::unexpected(to_error(status, "writing the stream heads"));
  }
  impl.heads_position = head;
  impl.format_version = kFormatVersion;
  return {};
}

}  // namespace

// Opens the store read-only first, so that nothing is written (RocksDB rewrites its files when a
// writer opens) to a store that must be refused: a newer format, a cut or edited log, a damaged
// write-ahead log, a log shorter than what was acknowledged. A damaged WAL whose damage lies
// after everything acknowledged (a torn last write) is recovered up to the damage, and `options`
// says so. Returns the refusal, or nullopt.
std::optional<Error> EventStore::probe_before_writing(Options& options,
                                                      std::uint64_t acknowledged) {
  Options probe_options = options;
  probe_options.read_only = true;
  auto probe = open(probe_options);
  if (!probe && probe.error().code != ErrorCode::failed_precondition &&
      probe.error().code != ErrorCode::corruption) {
    return probe.error();
  }
  if (!probe && probe.error().message.find("newer than this build") != std::string::npos) {
    return probe.error();
  }
  if (!probe && probe.error().code == ErrorCode::corruption && acknowledged > 0) {
    probe_options.point_in_time_recovery = true;
    auto before_damage = open(probe_options);
    if (!before_damage || !(*before_damage)->impl_->head_problem.empty() ||
        (*before_damage)->impl_->next_position - 1 < acknowledged) {
      return probe.error();
    }
    std::cerr << "ordo: " << probe.error().message << "\nordo: everything acknowledged (up to "
              << acknowledged << ") lies before the damage: recovering the log up to position "
              << (*before_damage)->impl_->next_position - 1
              << " and dropping the torn records after it\n";
    options.point_in_time_recovery = true;
    probe = std::move(before_damage);
  }
  if (!probe) {
    // A creation interrupted before its meta is completed below; but a store that acknowledged
    // events and now holds no meta lost its log.
    if (acknowledged == 0) return std::nullopt;
    return with_acknowledged(probe.error(), acknowledged);
  }
  const auto& impl = *(*probe)->impl_;
  if (!impl.head_problem.empty()) return Error{ErrorCode::corruption, impl.head_problem};
  if (impl.next_position - 1 < acknowledged)
    return Error{ErrorCode::corruption,
                 acknowledged_loss(impl, impl.next_position - 1, acknowledged)};
  return std::nullopt;
}

Result<std::unique_ptr<EventStore>> EventStore::open(Options options) {
  if (!options.clock_us) options.clock_us = system_clock_us;
  if (options.queue_requests_max == 0 || options.batch_events_max == 0 ||
      options.unsynced_events_max == 0 || options.heads_checkpoint_events == 0) {
    return fail(ErrorCode::invalid_argument, "queue, batch and unsynced limits must be positive");
  }
  auto state = inspect(options.data_dir);
  if (!state) return std::unexpected(state.error());
  const std::string path = options.data_dir.string();
  if (*state == DirState::foreign) {
    return fail(ErrorCode::failed_precondition,
                path + " is not an Ordo data directory: it holds files but no database");
  }
  const bool creating =
      *state == DirState::absent || *state == DirState::empty || *state == DirState::interrupted;
  if (creating && (options.read_only || !options.create_if_missing)) {
    return fail(ErrorCode::failed_precondition, path + " holds no Ordo data");
  }
  if (*state == DirState::interrupted) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(options.data_dir, ec))
      fs::remove(entry.path(), ec);
    if (ec) return fail(ErrorCode::io_error, "cannot clear " + path + ": " + ec.message());
  }
  if (*state == DirState::absent) {
    std::error_code ec;
    fs::create_directories(options.data_dir, ec);
    if (ec) return fail(ErrorCode::io_error, "cannot create " + path + ": " + ec.message());
  }
  // Read before the database: a writer beside a reader only moves it forward.
  std::uint64_t acknowledged = 0;
  if (!creating) {
    auto read = read_acknowledged(options.data_dir);
    if (!read && !options.read_only) return std::unexpected(read.error());
    if (!read) std::cerr << "ordo: " << read.error().message << "\n";  // verify still reads
    acknowledged = read.value_or(0);
  }
  if (!creating && !options.read_only) {
    if (auto refused = probe_before_writing(options, acknowledged))
      return std::unexpected(*refused);
  }
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  auto opened = open_database(*impl, creating);
  if (opened) opened = load_meta(*impl);
  if (!opened) {
    // A creation that failed half-way leaves nothing behind: the directory was empty before.
    if (creating) {
      impl.reset();
      std::error_code ec;
      for (const auto& entry : fs::directory_iterator(path, ec)) fs::remove_all(entry.path(), ec);
    }
    if (!creating && acknowledged > 0 && opened.error().code == ErrorCode::failed_precondition)
      return std::unexpected(with_acknowledged(opened.error(), acknowledged));
    return std::unexpected(opened.error());
  }
  if (auto head = load_head(*impl); !head) return std::unexpected(head.error());
  impl->acknowledged_at_open = acknowledged;
  if (!impl->options.read_only && impl->next_position - 1 < acknowledged) {  // the probe's check
    return fail(ErrorCode::corruption,
                acknowledged_loss(*impl, impl->next_position - 1, acknowledged));
  }
  if (auto recorded = open_acknowledged(*impl); !recorded) return std::unexpected(recorded.error());
  if (impl->head_problem.empty()) {
    if (auto heads = recover_heads(*impl); !heads) return std::unexpected(heads.error());
  }
  if (!impl->options.read_only) impl->start_threads();
  return std::unique_ptr<EventStore>(new EventStore(std::move(impl)));
}

}  // namespace ordo::eventstore
