// A deterministic simulation of competitive allocation: Ordo's pipeline, event store and
// projections with the allocation protocol (adapters/allocation_protocol.h), and many stores, in
// one process, on a seeded clock, over a network that drops, duplicates, delays and reorders, with
// Ordo crashing and restarting at random points (between a durable append and its answer, in the
// middle of relaying a batch, with requests on their way). After every step the laws are checked
// against an independent reading of the log (log_model.h):
//   - at most one winner per round, and only a store offered that did not decline;
//   - no stock held or reserved twice, nor beyond what a site has;
//   - every answer a store gets (won, lost, expired, declined) and every message (won, withdrawn)
//     agrees with the log;
// and once the faults stop and time runs on: every round ended, every store's offers ended (it
// won, lost, declined, or was told it was withdrawn or expired), the winner knows it won, and every
// allocated line is reserved once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace ordo::sim {

struct SimOptions {
  std::uint64_t seed = 1;
  std::filesystem::path dir;  // a directory of its own, emptied first
  int stores = 6;
  int orders = 6;
  int steps = 240;
};

struct SimResult {
  std::string failure;       // empty: every law held
  std::string trace;         // the last steps before the failure
  std::uint64_t digest = 0;  // of the log and of every store's answers: equal for equal seeds
  std::uint64_t events = 0;
  std::uint64_t rounds = 0;
  std::uint64_t wins = 0;
  std::uint64_t crashes = 0;
  std::uint64_t dropped = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t answers = 0;           // answers stores received
  std::uint64_t lost = 0;              // claims answered lost: another store won the same round
  std::uint64_t expired = 0;           // claims or declines answered expired
  std::uint64_t told_by_messages = 0;  // seeds whose holdings were checked before any catch-up
};

SimResult simulate(const SimOptions& options);

}  // namespace ordo::sim
