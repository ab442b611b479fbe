// The `ordo` executable: parses the command line and runs one subcommand.
#include <iostream>

#include "app/cli.h"

int main(int argc, char** argv) {
  CLI::App app{"Ordo: event-sourced order orchestration for omnichannel retail"};
  app.require_subcommand(1);
  int exit_code = ordo::cli::kExitOk;
  ordo::cli::add_log_commands(app, exit_code);
  ordo::cli::add_engine_commands(app, exit_code);
  ordo::cli::add_demo_command(app, exit_code);
  ordo::cli::add_import_command(app, exit_code);
  ordo::cli::add_serve_commands(app, exit_code);
  ordo::cli::add_user_commands(app, exit_code);
  ordo::cli::add_nats_commands(app, exit_code);
  ordo::cli::add_store_sim_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : ordo::cli::kExitError;
  }
  return exit_code;
}
