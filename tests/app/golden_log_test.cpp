// Old logs replay forever: a data directory written by format version 1 (tests/golden/v1-demo) is
// verified, rebuilt into every projection and read by today's build. Its figures were recorded
// when it was written, by the build of that time (tests/golden/README.md).
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/gateway/cli_support.h"

namespace ordo {
namespace {

using eventstore::testing::TempDir;

using testing::ordo;

TEST(GoldenLog, AVersion1LogVerifiesReplaysAndReadsWithTodaysBuild) {
  TempDir dir;
  const auto data = dir / "data";
  std::filesystem::copy(ORDO_GOLDEN_DIR "/v1-demo", data, std::filesystem::copy_options::recursive);

  auto verify = ordo({"log", "verify", "--data", data.string()});
  ASSERT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find("ok: 96 events"), std::string::npos) << verify.output;
  auto stats = ordo({"log", "stats", "--data", data.string()});
  EXPECT_NE(stats.output.find("fd22611de7896c7fba66e5f7f118eac298406a01e955167b3b0e22407ddd90dc"),
            std::string::npos)
      << stats.output;

  auto rebuild = ordo({"rebuild", "--data", data.string()});
  ASSERT_EQ(rebuild.exit_code, 0) << rebuild.output;
  auto order = ordo({"order", "--data", data.string(), "DEMO-1"});
  ASSERT_EQ(order.exit_code, 0) << order.output;
  const auto view = nlohmann::json::parse(order.output, nullptr, false);
  ASSERT_TRUE(view.is_object()) << order.output;
  EXPECT_EQ(view.value("status", ""), "allocated");
  EXPECT_EQ(view.value("timeline", nlohmann::json::array()).size(), 6u);
  EXPECT_EQ(view.value("channel", ""), "web");
}

}  // namespace
}  // namespace ordo
