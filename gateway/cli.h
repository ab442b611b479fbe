// Subcommands of the `ordo` executable. Each `add_*` registers its commands on the CLI11 app; the
// command runs when parsed and leaves its exit code in `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

namespace ordo::cli {

/// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;  // the command ran and found a problem (verify)
inline constexpr int kExitError = 2;        // the command could not run (bad dir, disk, usage)

/// `ordo log stats|tail|verify|generate`.
void add_log_commands(CLI::App& app, int& exit_code);

/// `ordo demo-data|rebuild|sellable|order`.
void add_engine_commands(CLI::App& app, int& exit_code);

/// `ordo serve` and `ordo token create|list|revoke`.
void add_serve_commands(CLI::App& app, int& exit_code);

}  // namespace ordo::cli
