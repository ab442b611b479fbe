// What the `ordo` subcommands share: reporting an error, opening the engine's store.
#include <iostream>

#include "app/cli.h"
#include "projections/projector.h"

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
  return eventstore::EventStore::open(std::move(options));
}

}  // namespace ordo::cli
