// What the `ordo` subcommands share: reporting an error, opening the engine's store.
#include <iostream>

#include "app/cli.h"
#include "projections/projector.h"
#ifdef ORDO_POWER_LOSS_TESTING
#include <cstdlib>

#include "tests/eventstore/power_loss_fs.h"
#endif

namespace ordo::cli {

int report(const Error& error) {
  std::cerr << "ordo: " << error.to_string() << "\n";
  return kExitError;
}

Result<std::unique_ptr<eventstore::EventStore>> open_engine_store(const std::string& data_dir,
                                                                  bool create) {
  eventstore::Options options;
  options.data_dir = data_dir;
  options.create_if_missing = create;
  options.projection_families = projections::projection_families();
#ifdef ORDO_POWER_LOSS_TESTING
  // The power-loss test's program only: every file write journaled with its synced length.
  if (const char* journal = std::getenv("ORDO_POWER_LOSS_JOURNAL")) {
    static const auto file_system =
        std::make_shared<eventstore::power_loss::JournalingFileSystem>(journal);
    static const auto env = rocksdb::NewCompositeEnv(file_system);
    options.configure_rocksdb = [](rocksdb::DBOptions& db) { db.env = env.get(); };
  }
  // Answers before the fsync (what the test must be able to tell apart).
  if (std::getenv("ORDO_POWER_LOSS_NO_FSYNC") != nullptr)
    options.durability = eventstore::Durability::none;
#endif
  return eventstore::EventStore::open(std::move(options));
}

}  // namespace ordo::cli
