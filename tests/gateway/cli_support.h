// Runs the `ordo` executable of this build as an operator would, for the CLI tests.
#pragma once

#include <string>
#include <vector>

#include "tests/eventstore/process.h"
#include "tests/eventstore/test_support.h"

namespace ordo::testing {

inline eventstore::testing::ProcessResult ordo(std::vector<std::string> args) {
  args.insert(args.begin(), eventstore::testing::binary("ordo"));
  return eventstore::testing::run_process(args);
}

}  // namespace ordo::testing
