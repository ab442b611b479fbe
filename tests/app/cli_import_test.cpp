// `ordo import` as a retailer's operations team runs it on a fresh data directory: brands, sites,
// items, prices and stock counts from files; a file with one bad row applies nothing and names
// the row; the same file twice changes nothing; a 100,000-row items file.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/gateway/cli_support.h"

namespace ordo {
namespace {

using eventstore::testing::TempDir;
using testing::ordo;

std::string write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

bool has(const std::string& output, const std::string& part) {
  return output.find(part) != std::string::npos;
}

class CliImport : public ::testing::Test {
 protected:
  std::string import(const std::string& kind, const std::string& file, int expected_exit = 0,
                     std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"import", kind, file, "--data", data_};
    args.insert(args.end(), extra.begin(), extra.end());
    auto run = ordo(args);
    EXPECT_EQ(run.exit_code, expected_exit) << run.output;
    return run.output;
  }
  std::uint64_t events() {
    auto stats = ordo({"log", "verify", "--data", data_});
    const auto at = stats.output.find("ok: ");
    return at == std::string::npos ? 0 : std::stoull(stats.output.substr(at + 4));
  }
  TempDir dir_;
  std::string data_ = (dir_ / "data").string();
};

TEST_F(CliImport, AFileWithOneBadRowAppliesNothingAndNamesTheRow) {
  const auto brands = write(dir_ / "brands.csv", "brand_id,name\nveja,Veja\nkalenji,Kalenji\n");
  EXPECT_TRUE(
      has(import("brands", brands), "2 rows: 2 created, 0 changed, 0 unchanged, 0 refused"));
  const auto before = events();
  const auto items = write(dir_ / "items.csv",
                           "sku,name,brand,price_minor,currency\n"
                           "SKU-1,Runner,kalenji,11900,EUR\n"
                           "SKU-2,Sneaker,veja,9900,EUR\n"
                           "SKU-3,Tee,adidas,1990,EUR\n"
                           "SKU-4,Cap,veja,1490,EU\n");
  const auto refused = import("items", items, 1);
  EXPECT_TRUE(has(refused, "4 rows: 0 created, 0 changed, 0 unchanged, 2 refused; nothing applied"))
      << refused;
  EXPECT_TRUE(has(refused, "line 4, brand: no brand has the id 'adidas'")) << refused;
  EXPECT_TRUE(has(refused, "line 5: item SKU-4: currency \"EU\" is not an ISO 4217 code"))
      << refused;
  EXPECT_EQ(events(), before);
  const auto partly = import("items", items, 1, {"--apply-valid"});
  EXPECT_TRUE(has(partly, "4 rows: 2 created, 0 changed, 0 unchanged, 2 refused")) << partly;
  EXPECT_EQ(events(), before + 2);
}

TEST_F(CliImport, TheSameFilesTwiceChangeNothingTheSecondTime) {
  write(dir_ / "brands.jsonl", "{\"brand_id\":\"veja\",\"name\":\"Veja\"}\n");
  import("brands", (dir_ / "brands.jsonl").string());
  const auto sites = write(dir_ / "sites.csv",
                           "site_id,name,type,country,postcode,latitude,longitude,time_zone,mon\n"
                           "WH-LYON,Lyon,warehouse,FR,69003,45.76,4.85,Europe/Paris,06:00-19:00\n"
                           "ST-PARIS,Paris,store,FR,75011,48.86,2.38,Europe/Paris,09:00-19:00\n");
  const auto items = write(dir_ / "items.csv",
                           "sku,name,brand,price_minor,currency\nSKU-1,Sneaker,veja,9900,EUR\n");
  const auto counts = write(
      dir_ / "counts.csv", "site,sku,counted,source\nWH-LYON,SKU-1,40,wms\nST-PARIS,SKU-1,3,pos\n");
  EXPECT_TRUE(has(import("sites", sites), "2 rows: 2 created"));
  EXPECT_TRUE(has(import("items", items), "1 rows: 1 created"));
  EXPECT_TRUE(has(import("stock", counts), "2 rows: 2 created"));
  const auto before = events();
  for (const auto& [kind, file] :
       {std::pair{"sites", sites}, std::pair{"items", items}, std::pair{"stock", counts}}) {
    const auto again = import(kind, file);
    EXPECT_TRUE(has(again, "0 created, 0 changed")) << again;
    EXPECT_TRUE(has(again, "unchanged, 0 refused")) << again;
  }
  EXPECT_EQ(events(), before);
  // A new count is reconciled into an adjustment of the difference.
  write(dir_ / "recount.csv", "site,sku,counted\nWH-LYON,SKU-1,37\n");
  EXPECT_TRUE(
      has(import("stock", (dir_ / "recount.csv").string()), "1 rows: 0 created, 1 changed"));
  EXPECT_EQ(events(), before + 1);
}

TEST_F(CliImport, ABadFileIsRefusedWholeWithItsLine) {
  const auto latin1 = write(dir_ / "brands.csv", "brand_id,name\nlecoq,Le Coq Sportif Caf\xE9\n");
  const auto out = import("brands", latin1, 2);
  EXPECT_TRUE(has(out, "line 2 is not valid UTF-8")) << out;
  const auto columns = write(dir_ / "b2.csv", "id,name\nveja,Veja\n");
  EXPECT_TRUE(has(import("brands", columns, 2), "line 1: unknown column \"id\""));
  EXPECT_TRUE(has(import("castles", columns, 2), "unknown kind 'castles'"));
  EXPECT_TRUE(has(import("brands", (dir_ / "none.csv").string(), 2), "cannot read"));
}

TEST_F(CliImport, OneHundredThousandItems) {
  std::string text = "sku,name,category,price_minor,currency,weight_g\n";
  constexpr int kItems = 100'000;
  for (int n = 0; n < kItems; ++n) {
    text += "SKU-" + std::to_string(n) + ",Item " + std::to_string(n) + ",cat/" +
            std::to_string(n % 50) + "," + std::to_string(1000 + n % 900) + ",EUR,300\n";
  }
  const auto file = write(dir_ / "items.csv", text);
  const auto out = import("items", file);
  EXPECT_TRUE(has(out, "100000 rows: 100000 created, 0 changed, 0 unchanged, 0 refused")) << out;
  EXPECT_EQ(events(), static_cast<std::uint64_t>(kItems));
}

}  // namespace
}  // namespace ordo
