// Old logs replay forever: data directories written by earlier builds (tests/golden) are verified,
// replayed into the engine and every projection, and read by today's build. Their figures were
// recorded when they were written, by the build of that time (tests/golden/README.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/pipeline.h"
#include "eventstore/codec/codec.h"
#include "projections/projector.h"
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

// Copies golden log `name` to `data`, verifies its chain (`events` events, head `head`),
// rebuilds every projection from it, and folds it into the engine (the pipeline's start replays
// the whole log).
void verify_and_replay(const std::filesystem::path& data, const char* name, const char* events,
                       const char* head) {
  std::filesystem::copy(std::filesystem::path(ORDO_GOLDEN_DIR) / name, data,
                        std::filesystem::copy_options::recursive);
  auto verify = ordo({"log", "verify", "--data", data.string()});
  ASSERT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find(std::string("ok: ") + events + " events"), std::string::npos)
      << verify.output;
  auto stats = ordo({"log", "stats", "--data", data.string()});
  EXPECT_NE(stats.output.find(head), std::string::npos) << stats.output;
  auto rebuild = ordo({"rebuild", "--data", data.string()});
  ASSERT_EQ(rebuild.exit_code, 0) << rebuild.output;
  eventstore::Options options;
  options.data_dir = data;
  options.projection_families = projections::projection_families();
  auto store = eventstore::EventStore::open(options);
  ASSERT_TRUE(store) << store.error().to_string();
  auto pipeline = engine::Pipeline::start(**store);
  ASSERT_TRUE(pipeline) << pipeline.error().to_string();
}

// Format 2, one event of every type the codec reads (tests/golden/golden_writer.cpp).
TEST(GoldenLog, AVersion2LogOfEveryEventTypeVerifiesAndReplaysIntoTheEngineAndTheProjections) {
  TempDir dir;
  verify_and_replay(dir / "data", "v2-every-event", "35",
                    "29d0a1d22569099d98e19fb350bc80d6322dad619c3fe6096e7ef7f2bae53f18");
  auto order = ordo({"order", "--data", (dir / "data").string(), "O-1"});
  ASSERT_EQ(order.exit_code, 0) << order.output;
  EXPECT_EQ(nlohmann::json::parse(order.output).value("channel", ""), "web");
}

// Master data: sites with brands, closed days and a status, items with channel prices, brands
// and channels (tests/golden/golden_writer.cpp, December 2026).
TEST(GoldenLog, AVersion2LogWithMasterDataVerifiesAndReplays) {
  TempDir dir;
  verify_and_replay(dir / "data", "v2-master-data", "41",
                    "c183963ae797e0599237205372adbe640650e0bcbc560a088990c3fb6d373b3d");
}

// Reservations naming their channel's inventory view, holds for competitive rounds, a feed's
// count with its sequence, an address change with its check and override.
TEST(GoldenLog, AVersion2LogOfTheIntakeEventsVerifiesAndReplays) {
  TempDir dir;
  verify_and_replay(dir / "data", "v2-intake", "42",
                    "e3c21418c3515c3a12fdeb378285050406c75e70dcfcda946e1467de13a5e8a4");
}

// Lines split across sites and pre-ordered on a receipt, a reservation on an expected receipt, and
// the release of the pre-orders a receipt did not cover.
TEST(GoldenLog, AVersion2LogOfTheFloorEventsVerifiesAndReplays) {
  TempDir dir;
  verify_and_replay(dir / "data", "v2-floor", "46",
                    "fdfb9684e28ef5e0d40db5da7122d667f69b373b16de02a5078df994e00a0928");
}

// Every event type the codec reads is in some golden log, so that each one is replayed by the
// builds that come after: a new type ships with a golden log holding it.
TEST(GoldenLog, TheGoldenLogsHoldEveryEventType) {
  std::set<std::string> stored;
  for (const char* name :
       {"v1-demo", "v2-every-event", "v2-master-data", "v2-intake", "v2-floor"}) {
    TempDir dir;
    std::filesystem::copy(std::filesystem::path(ORDO_GOLDEN_DIR) / name, dir / "data",
                          std::filesystem::copy_options::recursive);
    eventstore::Options options;
    options.data_dir = dir / "data";
    options.read_only = true;
    auto store = eventstore::EventStore::open(options);
    ASSERT_TRUE(store) << name << ": " << store.error().to_string();
    ASSERT_TRUE((*store)->for_each(1, UINT64_MAX, [&](const eventstore::EventView& e) {
      stored.emplace(e.type);
      return true;
    }));
  }
  for (const auto& type : wire::domain_type_names())
    EXPECT_TRUE(stored.contains(type)) << type << " is in no golden log";
  for (const char* type : {"TokenIssued", "TokenRevoked", "Generated"})
    EXPECT_TRUE(stored.contains(type)) << type;
}

}  // namespace
}  // namespace ordo
