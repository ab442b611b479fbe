// `ordo user ...` as an administrator runs it: invite a person with scoped grants, the person
// sets a password with the one-time code (common passwords refused), grants change, the account is
// disabled and enabled, a factor reset; every change needs a reason, and no password reaches the
// data directory in clear.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <regex>

#include "tests/gateway/cli_support.h"

namespace ordo {
namespace {

using eventstore::testing::TempDir;
using testing::ordo;

// Runs `ordo` with `input` on its standard input.
eventstore::testing::ProcessResult ordo_with_input(const std::vector<std::string>& args,
                                                   const std::filesystem::path& input_file,
                                                   const std::string& input) {
  std::ofstream(input_file) << input;
  std::vector<std::string> argv = args;
  argv.insert(argv.begin(), eventstore::testing::binary("ordo"));
  return eventstore::testing::run_process(argv, [path = input_file.string()] {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd >= 0) ::dup2(fd, 0);
  });
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// Every byte of every file under `dir`, to look for a secret in clear.
bool any_file_holds(const std::filesystem::path& dir, const std::string& needle) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(CliUsers, AnInvitedPersonEnrolsWithTheCodeAndAdministratorsChangeTheirGrants) {
  TempDir dir;
  const std::string data = (dir / "data").string();
  auto created = ordo({"user", "create", "--data", data, "--email", "Anna.Martin@Example.fr",
                       "--name", "Anna Martin", "--grant", "customer_service:country=FR", "--grant",
                       "deny:customer_service:brand=velo", "--reason", "new agent"});
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const auto code = first_line(created.output);
  ASSERT_TRUE(std::regex_match(code, std::regex("u[0-9a-f]{16}-[0-9a-f]{32}"))) << code;
  const auto user = code.substr(0, 17);
  auto list = ordo({"user", "list", "--data", data});
  EXPECT_NE(list.output.find(user + "  anna.martin@example.fr  invited  no-second-factor  "
                                    "customer_service:country=FR deny:customer_service:brand=velo"),
            std::string::npos)
      << list.output;

  auto twice = ordo({"user", "create", "--data", data, "--email", "anna.martin@example.fr",
                     "--name", "Anna", "--grant", "auditor", "--reason", "again"});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.output.find("another user has the e-mail address"), std::string::npos)
      << twice.output;

  const auto input = dir / "password.txt";
  auto common =
      ordo_with_input({"user", "enrol", "--data", data, "--code", code}, input, "password1\n");
  EXPECT_EQ(common.exit_code, 2);
  EXPECT_NE(common.output.find("common passwords"), std::string::npos) << common.output;
  const std::string password = "tractor harbour violet 1987";
  auto enrolled =
      ordo_with_input({"user", "enrol", "--data", data, "--code", code}, input, password + "\n");
  ASSERT_EQ(enrolled.exit_code, 0) << enrolled.output;
  auto again =
      ordo_with_input({"user", "enrol", "--data", data, "--code", code}, input, password + "\n");
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.output.find("not valid"), std::string::npos) << again.output;
  std::filesystem::remove(input);

  for (const auto& step : std::vector<std::vector<std::string>>{
           {"grant", "--grant", "auditor"},
           {"revoke", "--grant", "deny:customer_service:brand=velo"},
           {"disable"},
           {"enable"},
           {"reset-mfa"}}) {
    std::vector<std::string> args = {"user",   step[0], "--data",   data,
                                     "--user", user,    "--reason", "ticket 42"};
    args.insert(args.end(), step.begin() + 1, step.end());
    auto done = ordo(args);
    EXPECT_EQ(done.exit_code, 0) << step[0] << ": " << done.output;
  }
  list = ordo({"user", "list", "--data", data});
  EXPECT_NE(list.output.find(user + "  anna.martin@example.fr  active  no-second-factor  "
                                    "customer_service:country=FR auditor  Anna Martin"),
            std::string::npos)
      << list.output;
  EXPECT_FALSE(any_file_holds(data, password)) << "a password in clear in the data directory";
  EXPECT_FALSE(any_file_holds(data, code.substr(18))) << "an enrolment code in clear";
  EXPECT_EQ(ordo({"log", "verify", "--data", data}).exit_code, 0);
}

TEST(CliUsers, BadGrantsAndMissingReasonsSayWhatIsWrong) {
  TempDir dir;
  const std::string data = (dir / "data").string();
  for (const auto& [grant, expected] : std::vector<std::pair<std::string, std::string>>{
           {"wizard", "unknown role 'wizard'"},
           {"store:site=FR-CAEN", "for API tokens, not people"},
           {"auditor:planet=mars", "a scope reads country="},
           {"auditor:country=UK", "ISO 3166-1"},
           {"auditor:country=", "a scope reads"}}) {
    auto refused = ordo({"user", "create", "--data", data, "--email", "b@example.fr", "--name", "B",
                         "--grant", grant, "--reason", "x"});
    EXPECT_EQ(refused.exit_code, 2) << grant;
    EXPECT_NE(refused.output.find(expected), std::string::npos) << grant << ": " << refused.output;
  }
  auto no_reason = ordo({"user", "create", "--data", data, "--email", "b@example.fr", "--name", "B",
                         "--grant", "auditor"});
  EXPECT_NE(no_reason.exit_code, 0);
  EXPECT_NE(no_reason.output.find("--reason"), std::string::npos) << no_reason.output;
  auto unknown =
      ordo({"user", "disable", "--data", data, "--user", "u0000000000000000", "--reason", "x"});
  EXPECT_EQ(unknown.exit_code, 2);
}

}  // namespace
}  // namespace ordo
