// The `ordo` executable as an operator runs it: a small demo retailer from the real French site
// network (../shared/data), then sellable stock with its explanation, an order's timeline, a
// rebuild of one projection and of all, and the verified log. Also what a bad invocation gets.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/gateway/cli_support.h"

namespace ordo {
namespace {

using eventstore::testing::TempDir;

using testing::ordo;

TEST(Cli, TheDemoRetailerThenWhatAnOperatorAsks) {
  TempDir dir;
  const std::string data = (dir / "data").string();
  auto demo = ordo({"demo-data", "--data", data, "--sites-file", ORDO_SITES_FILE, "--postcodes",
                    ORDO_POSTCODES_DIR, "--stores", "20", "--skus", "60", "--orders", "40"});
  ASSERT_EQ(demo.exit_code, 0) << demo.output;
  EXPECT_NE(demo.output.find("orders: 40 applied, 0 already there, 0 rejected"), std::string::npos)
      << demo.output;
  auto again = ordo({"demo-data", "--data", data, "--sites-file", ORDO_SITES_FILE, "--postcodes",
                     ORDO_POSTCODES_DIR, "--stores", "20", "--skus", "60", "--orders", "40"});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find(" 0 applied"), std::string::npos) << again.output;

  auto sellable = ordo(
      {"sellable", "--data", data, "--channel", "marketplace", "--sku", "SKU-00007", "--explain"});
  ASSERT_EQ(sellable.exit_code, 0) << sellable.output;
  EXPECT_NE(sellable.output.find("80% share of"), std::string::npos) << sellable.output;

  auto order = ordo({"order", "--data", data, "DEMO-1"});
  ASSERT_EQ(order.exit_code, 0) << order.output;
  const auto view = nlohmann::json::parse(order.output);
  EXPECT_EQ(view["order_id"], "DEMO-1");
  EXPECT_EQ(view["timeline"][0]["type"], "OrderPlaced");
  auto no_order = ordo({"order", "--data", data, "NOPE"});
  EXPECT_EQ(no_order.exit_code, 2);
  EXPECT_NE(no_order.output.find("no order NOPE"), std::string::npos) << no_order.output;

  EXPECT_EQ(ordo({"rebuild", "--data", data, "--projection", "sellable_stock"}).exit_code, 0);
  auto unknown = ordo({"rebuild", "--data", data, "--projection", "no_such_projection"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("unknown projection"), std::string::npos) << unknown.output;
  EXPECT_EQ(ordo({"rebuild", "--data", data}).exit_code, 0);
  auto verify = ordo({"log", "verify", "--data", data});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

// A command that writes, run while another process holds the data directory, names that process.
TEST(Cli, ADataDirectoryInUseNamesTheProcessHoldingIt) {
  TempDir dir;
  auto options = eventstore::testing::options_for(dir.path());
  auto held = eventstore::EventStore::open(options);
  ASSERT_TRUE(held) << held.error().to_string();
  auto refused = ordo({"rebuild", "--data", dir.path().string()});
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  const std::string holder = "in use by pid " + std::to_string(::getpid()) + ": ";
  EXPECT_NE(refused.output.find(holder), std::string::npos) << refused.output;
  EXPECT_EQ(refused.output.find("Resource temporarily unavailable"), std::string::npos)
      << refused.output;
  EXPECT_EQ(ordo({"log", "stats", "--data", dir.path().string()}).exit_code, 0)
      << "read-only commands work beside the holder";
}

TEST(Cli, BadInvocationsSayWhatIsWrong) {
  TempDir dir;
  const std::string data = (dir / "data").string();
  auto missing = ordo({"demo-data", "--data", data, "--sites-file", (dir / "nope.csv").string(),
                       "--postcodes", ORDO_POSTCODES_DIR});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("cannot read the sites file"), std::string::npos) << missing.output;
  EXPECT_FALSE(std::filesystem::exists(data)) << "a refused demo-data left a store behind";
  auto no_store = ordo({"order", "--data", data, "DEMO-1"});  // a query never creates a store
  EXPECT_EQ(no_store.exit_code, 2);
  EXPECT_NE(no_store.output.find("holds no Ordo data"), std::string::npos) << no_store.output;
  EXPECT_FALSE(std::filesystem::exists(data));
  EXPECT_EQ(ordo({"no-such-command"}).exit_code, 2);
}

}  // namespace
}  // namespace ordo
