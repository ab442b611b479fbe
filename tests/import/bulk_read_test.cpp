// Reading import files: what a retailer's exports look like (BOM, CRLF, quotes, line breaks in
// quotes, '|' lists), and the files and rows that are refused, each with its line and field.
#include <gtest/gtest.h>

#include "gateway/import/bulk.h"

namespace ordo::bulk {

void PrintTo(const Problem& p, std::ostream* out) {
  *out << "{" << p.line << ", \"" << p.field << "\", \"" << p.message << "\"}";
}

namespace {

constexpr domain::Instant kNow = 1'800'000'000'000'000;

Rows read_ok(Kind kind, Format format, std::string_view bytes,
             ReadOptions options = {kNow, "", {}}) {
  auto rows = read_rows(kind, format, bytes, options);
  EXPECT_TRUE(rows) << rows.error().to_string();
  return rows ? std::move(*rows) : Rows{};
}

std::string read_error(Kind kind, std::string_view bytes, Format format = Format::csv) {
  auto rows = read_rows(kind, format, bytes, {kNow, "", {}});
  EXPECT_FALSE(rows);
  return rows ? "" : rows.error().message;
}

const domain::catalog::Item& item_of(const Row& row) {
  return std::get<domain::catalog::DefineItem>(std::get<domain::catalog::Command>(row.command))
      .item;
}

TEST(BulkRead, AnExcelExportWithBomCrlfQuotesAndALineBreakInAQuotedCellIsRead) {
  const std::string file =
      "\xEF\xBB\xBFsku,name,price_minor,currency,category,brand,dangerous_goods\r\n"
      "SKU-1,\"Runner, \"\"Trail\"\" edition\",11900,EUR,shoes/running,,no\r\n"
      "SKU-2,\"Cap\r\nsecond line\",2490,EUR,accessories/caps,,1\r\n"
      "\r\n";
  const auto rows = read_ok(Kind::items, Format::csv, file);
  ASSERT_EQ(rows.rows.size(), 2u);
  EXPECT_TRUE(rows.problems.empty());
  EXPECT_EQ(item_of(rows.rows[0]).name, "Runner, \"Trail\" edition");
  EXPECT_EQ(item_of(rows.rows[0]).price, (domain::Money{11900, "EUR"}));
  EXPECT_FALSE(item_of(rows.rows[0]).dangerous_goods);
  EXPECT_EQ(item_of(rows.rows[1]).name, "Cap\nsecond line");
  EXPECT_TRUE(item_of(rows.rows[1]).dangerous_goods);
  EXPECT_EQ(rows.rows[0].line, 2u);
  EXPECT_EQ(rows.rows[1].line, 3u);
}

TEST(BulkRead, EveryBadRowIsReportedWithItsLineAndColumnAndTheOthersAreRead) {
  const std::string file =
      "sku,name,price_minor,currency,weight_g\n"
      "SKU-1,Runner,11900,EUR,650\n"
      "SKU 2,Cap,twelve,EUR,-1\n"
      "SKU-3,,100,EUR,\n"
      "SKU-4,Bag,100,EUR,10,extra\n";
  const auto rows = read_ok(Kind::items, Format::csv, file);
  ASSERT_EQ(rows.rows.size(), 1u);
  const std::vector<Problem> expected = {
      {3, "sku",
       "\"SKU 2\" is not an id (1..64 characters of [A-Za-z0-9._-], not \".\" or \"..\")"},
      {3, "weight_g", "-1 is smaller than 0"},
      {3, "price_minor", "expected an integer, got the string \"twelve\""},
      {4, "name", "name is required"},
      {5, "", "6 fields, the header has 5"}};
  EXPECT_EQ(rows.problems, expected);
}

TEST(BulkRead, AFileThatCannotBeReadAsAWholeIsRefusedNamingTheLine) {
  EXPECT_EQ(read_error(Kind::items, ""), "line 1: the file is empty (a header is required)");
  EXPECT_EQ(read_error(Kind::items, "sku,name,colour\n"),
            "line 1: unknown column \"colour\" for items (columns: sku, name, price_minor, "
            "currency, category, brand, weight_g, volume_cm3, dangerous_goods, "
            "click_and_collect)");
  EXPECT_EQ(read_error(Kind::items, "sku,name,price_minor\n"),
            "line 1: the column \"currency\" is required for items");
  EXPECT_EQ(read_error(Kind::brands, "brand_id,name,name\n"),
            "line 1: column \"name\" appears twice");
  EXPECT_EQ(read_error(Kind::brands, "brand_id,name\nveja,\"Veja\nkalenji,Kalenji\n"),
            "line 2: a quoted field is never closed");
  // Latin-1 "é" (0xE9), as a spreadsheet exports it when asked for "CSV" on some systems.
  EXPECT_EQ(read_error(Kind::brands, "brand_id,name\nveja,Veja\nlecoq,Le Coq Sportif Caf\xE9\n"),
            "line 3 is not valid UTF-8: export the file as UTF-8 (not Latin-1 or "
            "Windows-1252)");
}

TEST(BulkRead, SiteColumnsBecomeTheSiteAndAMissingPlaceComesFromTheGazetteer) {
  const std::string file =
      "site_id,name,type,country,postcode,time_zone,click_and_collect,mon,sun,closed_days,brands\n"
      "GB-LEEDS,Leeds,store,GB,LS1,Europe/London,true,09:00-20:00,closed,2026-12-25|2026-12-26,"
      "veja|kalenji\n";
  ReadOptions options{kNow, "", {}};
  options.locate =
      [](std::string_view country,
         std::string_view postcode) -> std::optional<std::pair<domain::geo::Point, std::string>> {
    if (country == "GB" && postcode == "LS1")
      return std::pair{domain::geo::Point{53.8, -1.55}, "ENG"};
    return std::nullopt;
  };
  const auto rows = read_ok(Kind::sites, Format::csv, file, options);
  ASSERT_EQ(rows.rows.size(), 1u) << (rows.problems.empty() ? "" : rows.problems[0].message);
  const auto& define =
      std::get<domain::site::DefineSite>(std::get<domain::site::Command>(rows.rows[0].command));
  EXPECT_EQ(define.site_id, "GB-LEEDS");
  EXPECT_EQ(define.profile.latitude, 53.8);
  EXPECT_EQ(define.profile.region, "ENG");
  EXPECT_TRUE(define.profile.capabilities.click_and_collect);
  EXPECT_EQ(define.profile.opening_hours[0], (domain::site::DayHours{540, 1200}));
  EXPECT_EQ(define.profile.closed_days, (std::vector<std::int64_t>{20'812, 20'813}));
  EXPECT_EQ(define.profile.brands, (std::vector<std::string>{"veja", "kalenji"}));
  const auto unplaced = read_ok(Kind::sites, Format::csv, file, {kNow, "", {}});
  ASSERT_EQ(unplaced.problems.size(), 1u);
  EXPECT_EQ(unplaced.problems[0].field, "latitude");
}

TEST(BulkRead, JsonLinesTakeTheApisObjectsAndNameProblemsByPointer) {
  const std::string file =
      "{\"site\":\"WH-1\",\"sku\":\"SKU-1\",\"counted\":12}\n"
      "\n"
      "{\"site\":\"WH-1\",\"sku\":\"SKU-2\",\"counted\":-3,\"source\":\"wms\"}\n"
      "{\"site\":\"WH-1\",\"sku\":\n";
  const auto rows = read_ok(Kind::stock, Format::jsonl, file);
  ASSERT_EQ(rows.rows.size(), 1u);
  const auto& count = std::get<engine::StockCommand>(rows.rows[0].command);
  EXPECT_EQ(count.site_id, "WH-1");
  EXPECT_EQ(std::get<domain::stock::CountStock>(count.command).counted, 12);
  EXPECT_EQ(std::get<domain::stock::CountStock>(count.command).source, "import");
  const std::vector<Problem> expected = {{3, "/counted", "-3 is smaller than 0"},
                                         {4, "", "not a JSON object (malformed JSON)"}};
  EXPECT_EQ(rows.problems, expected);
}

TEST(BulkRead, PriceRowsSetOneChannelsPrice) {
  const auto rows = read_ok(Kind::prices, Format::csv,
                            "sku,channel,price_minor,currency\nSKU-1,web-gb,9900,GBP\n");
  ASSERT_EQ(rows.rows.size(), 1u);
  const auto& set = std::get<domain::catalog::SetChannelPrice>(
      std::get<domain::catalog::Command>(rows.rows[0].command));
  EXPECT_EQ(set.sku, "SKU-1");
  EXPECT_EQ(set.price, (domain::catalog::ChannelPrice{"web-gb", {9900, "GBP"}}));
}

TEST(BulkRead, AReceiptRowIsAPurchaseOrderDueOnADayOrAtAUtcTime) {
  const auto rows = read_ok(Kind::receipts, Format::csv,
                            "site,sku,receipt_id,quantity,expected_at\n"
                            "WH-1,SKU-1,PO-1,60,2027-02-01\n"
                            "WH-1,SKU-2,PO-2,40,2027-02-01T06:30:00Z\n"
                            "WH-1,SKU-3,PO-3,0,2027-02-01\n"
                            "WH-1,SKU-4,PO-4,5,01/02/2027\n"
                            "WH-1,SKU-5,PO-5,5,2027-02-01T06:30:00+01:00\n");
  ASSERT_EQ(rows.rows.size(), 2u);
  const auto expect = [](const Row& row) {
    return std::get<domain::stock::ExpectReceipt>(
        std::get<engine::StockCommand>(row.command).command);
  };
  constexpr domain::Instant kFeb1 = 1'801'440'000'000'000;  // 2027-02-01T00:00Z
  EXPECT_EQ(expect(rows.rows[0]).receipt_id, "PO-1");
  EXPECT_EQ(expect(rows.rows[0]).quantity, 60);
  EXPECT_EQ(expect(rows.rows[0]).expected_at, kFeb1);
  EXPECT_EQ(expect(rows.rows[1]).expected_at, kFeb1 + (6 * 60 + 30) * 60'000'000LL);
  ASSERT_EQ(rows.problems.size(), 3u);
  EXPECT_EQ(rows.problems[0], (Problem{4, "quantity", "0 is smaller than 1"}));
  EXPECT_EQ(rows.problems[1].line, 5u);
  EXPECT_EQ(rows.problems[1].field, "expected_at");
  EXPECT_NE(rows.problems[1].message.find("\"01/02/2027\" is not a date"), std::string::npos);
  EXPECT_EQ(rows.problems[2].line, 6u);  // an offset is refused: UTC ("Z") only
}

// Two rows defining the same receipt (or SKU, site...) would leave the file half applied: the
// second is refused when the file is read, naming the first.
TEST(BulkRead, ARowDefiningWhatAnEarlierRowDefinesIsRefused) {
  const auto rows = read_ok(Kind::receipts, Format::csv,
                            "site,sku,receipt_id,quantity,expected_at\n"
                            "WH-1,SKU-1,PO-1,60,2027-02-01\n"
                            "WH-1,SKU-1,PO-2,10,2027-02-01\n"
                            "WH-1,SKU-1,PO-1,70,2027-02-03\n");
  ASSERT_EQ(rows.rows.size(), 2u);
  ASSERT_EQ(rows.problems.size(), 1u);
  EXPECT_EQ(rows.problems[0].line, 4u);
  EXPECT_EQ(rows.problems[0].message,
            "\"WH-1/SKU-1/PO-1\" is defined on line 2 already: one row each");
  const auto items =
      read_ok(Kind::items, Format::jsonl,
              "{\"sku\":\"S-1\",\"name\":\"a\",\"price\":{\"minor\":1,\"currency\":\"EUR\"}}\n"
              "{\"sku\":\"S-1\",\"name\":\"b\",\"price\":{\"minor\":1,\"currency\":\"EUR\"}}\n");
  EXPECT_EQ(items.rows.size(), 1u);
  ASSERT_EQ(items.problems.size(), 1u);
  EXPECT_EQ(items.problems[0].line, 2u);
}

TEST(BulkRead, AJsonLineHoldingANulByteIsRefusedNotReadCutShort) {
  const auto rows =
      read_ok(Kind::brands, Format::jsonl,
              std::string("{\"brand_id\":\"veja\",\"name\":\"Veja\"}\0 trailing\n", 44));
  EXPECT_TRUE(rows.rows.empty());
  ASSERT_EQ(rows.problems.size(), 1u);
  EXPECT_EQ(rows.problems[0].message, "holds a NUL byte: not a JSON object");
}

}  // namespace
}  // namespace ordo::bulk
