// What the benchmarks that set up a retailer through the pipeline share: a system submission and
// a check that stops the run, with the refusal's reason, when a setup command is refused.
#pragma once

#include <string>

#include "engine/pipeline.h"
#include "tests/bench/bench_support.h"

namespace ordo::bench {

inline void must(const engine::Answer& answer, const char* what) {
  if (answer) return;
  if (const auto* r = std::get_if<domain::Rejection>(&answer.error()))
    throw BenchFailure(std::string(what) + ": " + r->reason);
  throw BenchFailure(std::string(what) + ": " + std::get<Error>(answer.error()).to_string());
}

inline engine::Submission submission(engine::Command command, const char* bench) {
  engine::Submission s;
  s.command = std::move(command);
  s.actor = {eventstore::ActorKind::system, bench};
  return s;
}

}  // namespace ordo::bench
