// Bulk import of master data and stock counts: CSV or JSON Lines files as an ERP, PIM or WMS
// exports them, read into engine commands (each with its line), then validated whole and applied.
//
// Reading. A file is UTF-8 (a byte-order mark is skipped; CRLF and LF both end a line). CSV is
// RFC 4180: a header row naming the columns (any order; unknown columns are refused; an empty
// cell is an absent value), quoted fields may hold commas, quotes ("") and line breaks; list cells
// separate their values with '|'. JSON Lines holds one object per line, as the HTTP API takes it
// (gateway/json/master_json.h); blank lines are skipped. A problem of one row is reported with its
// line number and field, and the others are still read; a file that cannot be read as a whole
// (not UTF-8, no header, unknown columns) is an error naming the line.
//
// Columns (required in bold in docs/ONBOARDING.md):
//   brands    brand_id, name
//   channels  channel_id, name, countries, currency, brand, inventory_view, delivery_methods,
//             address_policy, price_tolerance_bp
//   sites     site_id, name, type, country, region, postcode, latitude, longitude, time_zone,
//             ship_from_store, click_and_collect, returns, ship_to_store, mon .. sun (opening
//             hours "09:00-19:00" or "closed"), closed_days, brands, daily_capacity
//   items     sku, name, category, brand, weight_g, volume_cm3, price_minor, currency,
//             dangerous_goods, click_and_collect
//   prices    sku, channel, price_minor, currency
//   stock     site, sku, counted, source (a count: reconciled into an adjustment with its source)
//   receipts  site, sku, receipt_id, quantity, expected_at (a purchase order or transfer due:
//             "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ")
//
// Applying (run_import). Every row is first decided against the engine's state without writing
// (a dry run); if any row is invalid or refused, nothing is applied unless `apply_valid` is set.
// Rows are then applied in file order; a row equal to what Ordo holds changes nothing, so the same
// file imported twice changes nothing the second time.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "domain/geo.h"
#include "engine/pipeline.h"

namespace ordo::bulk {

enum class Kind : std::uint8_t { brands, channels, sites, items, prices, stock, receipts };
std::optional<Kind> kind_from_string(std::string_view name);
std::string_view to_string(Kind kind);
inline constexpr std::string_view kKindNames =
    "brands, channels, sites, items, prices, stock, receipts";

enum class Format : std::uint8_t { csv, jsonl };

/// One row's problem: its line in the file (1-based; the header is line 1), the column (CSV) or
/// JSON pointer (JSON Lines), and what is wrong.
struct Problem {
  std::size_t line = 0;
  std::string field;
  std::string message;
  friend bool operator==(const Problem&, const Problem&) = default;
};

struct Row {
  std::size_t line = 0;
  engine::Command command;
  std::string key;  // what the row defines ("SKU-1", "WH-1/SKU-1/PO-7"): once per file
};

struct Rows {
  std::vector<Row> rows;          // the rows read, in file order
  std::vector<Problem> problems;  // rows that could not be read, in file order
};

/// A postcode's centroid and region, to place a site given without coordinates.
using Locate = std::function<std::optional<std::pair<domain::geo::Point, std::string>>(
    std::string_view country, std::string_view postcode)>;

struct ReadOptions {
  domain::Instant now = 0;  // every command's instant
  std::string source;       // a stock count's default source ("import" when empty)
  Locate locate;            // unset: sites need coordinates
};

/// Reads a whole file. A row defining what an earlier row of the file defines (the same SKU, the
/// same receipt...) is a problem of its own: which one should win is the retailer's to say.
/// Errors: invalid_argument naming the line for a file that is not UTF-8, a CSV without a header
/// or with an unknown or repeated column, or an unclosed quote.
Result<Rows> read_rows(Kind kind, Format format, std::string_view bytes,
                       const ReadOptions& options);

struct Report {
  std::size_t rows = 0;           // rows in the file
  std::size_t created = 0;        // records that did not exist
  std::size_t changed = 0;        // records changed
  std::size_t unchanged = 0;      // rows equal to what Ordo holds
  std::size_t refused = 0;        // rows unreadable or refused by Ordo's rules
  std::vector<Problem> problems;  // every refused row, in file order
  bool applied = false;           // false: validation found problems and nothing was written
  std::uint64_t last_position = 0;
};

struct ApplyOptions {
  bool apply_valid = false;     // apply the valid rows even when others are refused
  std::size_t in_flight = 256;  // submissions outstanding at once: orders keep room in the queue
  eventstore::Actor actor;
  /// Called from the submitting thread: phase ("validated", "applied"), rows done, rows in all.
  std::function<void(std::string_view phase, std::size_t done, std::size_t total)> progress;
};

/// Validates then applies `read`. Blocking; call it off any I/O thread. Errors: the pipeline's
/// operational errors (unavailable, overloaded for too long), after which part of the file may be
/// applied: importing it again completes it.
Result<Report> run_import(engine::Pipeline& pipeline, Rows read, const ApplyOptions& options);

}  // namespace ordo::bulk
