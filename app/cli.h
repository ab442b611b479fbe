// Subcommands of the `ordo` executable. Each `add_*` registers its commands on the CLI11 app; the
// command runs when parsed and leaves its exit code in `exit_code`.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "eventstore/event_store.h"

namespace ordo::cli {

/// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;  // the command ran and found a problem (verify)
inline constexpr int kExitError = 2;        // the command could not run (bad dir, disk, usage)

/// Prints "ordo: <error>" to stderr; returns kExitError.
int report(const Error& error);

/// Opens the engine's store (with the projections' column families). Only loading data (and the
/// server) creates one: a query on a directory without a store says so.
Result<std::unique_ptr<eventstore::EventStore>> open_engine_store(const std::string& data_dir,
                                                                  bool create = false);

/// `ordo log stats|tail|verify|generate`.
void add_log_commands(CLI::App& app, int& exit_code);

/// `ordo rebuild|sellable|order`.
void add_engine_commands(CLI::App& app, int& exit_code);

/// `ordo demo-data`.
void add_demo_command(CLI::App& app, int& exit_code);

/// `ordo import KIND FILE`.
void add_import_command(CLI::App& app, int& exit_code);

/// `ordo nats-config`.
void add_nats_commands(CLI::App& app, int& exit_code);

/// `ordo store-sim`.
void add_store_sim_command(CLI::App& app, int& exit_code);

/// `ordo serve` and `ordo token create|list|revoke`.
void add_serve_commands(CLI::App& app, int& exit_code);

/// `ordo user create|list|disable|enable|grant|revoke|reset-mfa|reissue|enrol`.
void add_user_commands(CLI::App& app, int& exit_code);

}  // namespace ordo::cli
