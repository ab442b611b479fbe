// `ordo user create|list|disable|enable|grant|revoke|reset-mfa|reissue|enrol`: the people of the
// back office, while the server is stopped (the store admits one process at a time).
//
// Whoever runs these commands can read and write the data directory, so holds everything: the
// CLI acts as a super administrator named "cli", and every change it makes is an event with that
// actor and the reason given. Passwords are read from standard input, never from arguments.
#include <iostream>

#include "app/cli.h"
#include "base/clock.h"
#include "gateway/security/users.h"

namespace ordo::cli {
namespace {

namespace access = domain::access;
namespace users = domain::users;

struct UserArgs {
  std::string data_dir, email, name, user_id, reason, code;
  std::vector<std::string> grants;
};

const users::Actor& cli_actor() {
  static const users::Actor kCli{"cli", {access::Grant{access::Role::super_admin, {}, {}}}};
  return kCli;
}
const eventstore::Actor kWriter{eventstore::ActorKind::user, "cli"};

Result<std::unique_ptr<gateway::UserRegistry>> open_users(eventstore::EventStore& store) {
  return gateway::UserRegistry::load(store);
}

void print_invitation(const gateway::Invitation& invitation, std::string_view email) {
  std::cout << invitation.enrolment_code << std::endl;  // line 1: for scripts
  std::cerr << "ordo: user " << invitation.user_id << " (" << email
            << ") invited; the enrolment code above is shown only once and works for 72 hours "
               "(ordo user enrol --code CODE, the password on standard input)\n";
}

int run_create(const UserArgs& args) {
  std::vector<access::Grant> grants;
  for (const auto& text : args.grants) {
    auto grant = gateway::parse_grant(text);
    if (!grant) return report(grant.error());
    grants.push_back(std::move(*grant));
  }
  auto store = open_engine_store(args.data_dir, true);
  if (!store) return report(store.error());
  auto registry = open_users(**store);
  if (!registry) return report(registry.error());
  auto invited = (*registry)->invite(args.email, args.name, std::move(grants), cli_actor(),
                                     args.reason, kWriter);
  if (!invited) return report(invited.error());
  print_invitation(*invited, args.email);
  return kExitOk;
}

int run_list(const UserArgs& args) {
  auto store = open_engine_store(args.data_dir, false);
  if (!store) return report(store.error());
  auto registry = open_users(**store);
  if (!registry) return report(registry.error());
  for (const auto& u : (*registry)->list()) {
    std::string grants;
    for (const auto& g : u.grants) grants += (grants.empty() ? "" : " ") + gateway::grant_text(g);
    std::cout << u.user_id << "  " << u.email << "  " << users::to_string(u.status)
              << (u.totp_secret.empty() ? "  no-second-factor" : "  totp") << "  " << grants << "  "
              << u.name << "\n";
  }
  return kExitOk;
}

// Runs one administrative command built from the user's id, and says what it did.
template <class Build>
int run_change(const UserArgs& args, std::string_view done, Build build) {
  auto store = open_engine_store(args.data_dir, false);
  if (!store) return report(store.error());
  auto registry = open_users(**store);
  if (!registry) return report(registry.error());
  auto command = build();
  if (!command) return report(command.error());
  auto executed = (*registry)->execute(*command, kWriter);
  if (!executed) return report(executed.error());
  std::cout << done << " " << args.user_id << "\n";
  return kExitOk;
}

int run_grant(const UserArgs& args, bool add) {
  return run_change(args, add ? "granted" : "revoked", [&]() -> Result<users::Command> {
    if (args.grants.size() != 1) return fail(ErrorCode::invalid_argument, "one --grant at a time");
    auto grant = gateway::parse_grant(args.grants.front());
    if (!grant) return std::unexpected(grant.error());
    if (add) return users::AddGrant{args.user_id, *grant, cli_actor(), args.reason, now_us()};
    return users::RemoveGrant{args.user_id, *grant, cli_actor(), args.reason, now_us()};
  });
}

int run_reissue(const UserArgs& args) {
  auto store = open_engine_store(args.data_dir, false);
  if (!store) return report(store.error());
  auto registry = open_users(**store);
  if (!registry) return report(registry.error());
  auto user = (*registry)->find(args.user_id);
  auto invited = (*registry)->reissue_enrolment(args.user_id, cli_actor(), args.reason, kWriter);
  if (!invited) return report(invited.error());
  print_invitation(*invited, user ? user->email : "");
  return kExitOk;
}

int run_enrol(const UserArgs& args) {
  std::string password;
  if (!std::getline(std::cin, password))
    return report(Error{ErrorCode::invalid_argument, "the password is read from standard input"});
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto common = gateway::security::CommonPasswords::open();
  if (!common) return report(common.error());
  auto store = open_engine_store(args.data_dir, false);
  if (!store) return report(store.error());
  auto registry = open_users(**store);
  if (!registry) return report(registry.error());
  auto enrolled = (*registry)->complete_enrolment(args.code, password, common->get());
  if (!enrolled) return report(enrolled.error());
  std::cout << "enrolled " << *enrolled << "\n";
  return kExitOk;
}

void add_change(CLI::App& user, UserArgs& args, int& exit_code, const char* name, const char* what,
                std::function<int()> run) {
  auto* c = user.add_subcommand(name, what);
  c->add_option("--data", args.data_dir, "Data directory")->required();
  c->add_option("--user", args.user_id, "The user's id (ordo user list)")->required();
  c->add_option("--reason", args.reason, "Why (kept with the change)")->required();
  if (std::string_view(name) == "grant" || std::string_view(name) == "revoke") {
    c->add_option("--grant", args.grants,
                  "[deny:]ROLE[:country=FR,DE;channel=web;brand=...;site=...]")
        ->required();
  }
  c->callback([&exit_code, run] { exit_code = run(); });
}

}  // namespace

void add_user_commands(CLI::App& app, int& exit_code) {
  static UserArgs args;
  auto* user =
      app.add_subcommand("user", "People of the back office (while the server is stopped)");
  user->require_subcommand(1);
  auto* create =
      user->add_subcommand("create", "Invite a person; prints a one-time enrolment code");
  create->add_option("--data", args.data_dir, "Data directory")->required();
  create->add_option("--email", args.email, "Their e-mail address (how they sign in)")->required();
  create->add_option("--name", args.name, "Their name")->required();
  create
      ->add_option("--grant", args.grants,
                   "[deny:]ROLE[:country=FR,DE;channel=web;brand=...;site=...] (repeatable)")
      ->required();
  create->add_option("--reason", args.reason, "Why (kept with the invitation)")->required();
  create->callback([&] { exit_code = run_create(args); });
  auto* list = user->add_subcommand("list", "Every user, with status, second factor and grants");
  list->add_option("--data", args.data_dir, "Data directory")->required();
  list->callback([&] { exit_code = run_list(args); });
  add_change(*user, args, exit_code, "disable", "Disable a user (ends their sessions)", [] {
    return run_change(args, "disabled", [&]() -> Result<users::Command> {
      return users::DisableUser{args.user_id, cli_actor(), args.reason, now_us()};
    });
  });
  add_change(*user, args, exit_code, "enable", "Enable a disabled user again", [] {
    return run_change(args, "enabled", [&]() -> Result<users::Command> {
      return users::EnableUser{args.user_id, cli_actor(), args.reason, now_us()};
    });
  });
  add_change(*user, args, exit_code, "reset-mfa",
             "Break-glass: remove a user's second factor and recovery codes", [] {
               return run_change(
                   args, "reset the second factor of", [&]() -> Result<users::Command> {
                     return users::ResetFactors{args.user_id, cli_actor(), args.reason, now_us()};
                   });
             });
  add_change(*user, args, exit_code, "grant", "Add a grant", [] { return run_grant(args, true); });
  add_change(*user, args, exit_code, "revoke", "Remove a grant",
             [] { return run_grant(args, false); });
  add_change(*user, args, exit_code, "reissue",
             "A new enrolment code (the former one stops working)",
             [] { return run_reissue(args); });
  auto* enrol = user->add_subcommand(
      "enrol", "Set your password with your enrolment code (the password on standard input)");
  enrol->add_option("--data", args.data_dir, "Data directory")->required();
  enrol->add_option("--code", args.code, "The enrolment code you were given")->required();
  enrol->callback([&] { exit_code = run_enrol(args); });
}

}  // namespace ordo::cli
