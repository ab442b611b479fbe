#include "gateway/import/bulk.h"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

#include "gateway/import/bulk_rows.h"
#include "gateway/json/reader.h"

namespace ordo::bulk {
namespace {

using nlohmann::json;
constexpr std::string_view kNames[] = {"brands", "channels", "sites",   "items",
                                       "prices", "stock",    "receipts"};
constexpr std::string_view kBom = "\xEF\xBB\xBF";

// The file's lines (without their end), each with its number.
std::vector<std::pair<std::size_t, std::string_view>> lines_of(std::string_view text) {
  std::vector<std::pair<std::size_t, std::string_view>> out;
  std::size_t number = 1;
  while (!text.empty()) {
    const auto end = std::min(text.find('\n'), text.size());
    auto line = text.substr(0, end);
    if (line.ends_with('\r')) line.remove_suffix(1);
    out.emplace_back(number++, line);
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return out;
}

Result<void> check_utf8(std::string_view text) {
  if (ordo::json::utf8_characters(text)) return {};
  for (const auto& [number, line] : lines_of(text)) {
    if (!ordo::json::utf8_characters(line)) {
      return fail(
          ErrorCode::invalid_argument,
          "line " + std::to_string(number) +
              " is not valid UTF-8: export the file as UTF-8 (not Latin-1 or Windows-1252)");
    }
  }
  return fail(ErrorCode::invalid_argument, "the file is not valid UTF-8");
}

// One CSV record: its fields and the line it starts on.
struct Record {
  std::size_t line = 0;
  std::vector<std::string> fields;
};

// RFC 4180 records, quoted fields spanning lines included; CR before LF is dropped.
Result<std::vector<Record>> csv_records(std::string_view text) {
  std::vector<Record> out;
  Record record{1, {}};
  std::string field;
  bool quoted = false, field_started = false;
  std::size_t line = 1, quote_line = 0;
  auto end_record = [&] {
    record.fields.push_back(std::move(field));
    field.clear();
    const bool blank = record.fields.size() == 1 && record.fields[0].empty() && !field_started;
    if (!blank) out.push_back(std::move(record));
    record = Record{line + 1, {}};
    field_started = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        continue;  // a line break in a cell is "\n", whichever system wrote the file
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
    } else if (c == '"' && field.empty()) {
      quoted = field_started = true;
      quote_line = line;
    } else if (c == ',') {
      record.fields.push_back(std::move(field));
      field.clear();
      field_started = true;
    } else if (c == '\n') {
      end_record();
      ++line;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else {
      field.push_back(c);
      field_started = true;
    }
  }
  if (quoted) {
    return fail(ErrorCode::invalid_argument,
                "line " + std::to_string(quote_line) + ": a quoted field is never closed");
  }
  if (field_started || !field.empty() || !record.fields.empty()) end_record();
  return out;
}

Result<Rows> read_csv(Kind kind, std::string_view text, const ReadOptions& options) {
  auto records = csv_records(text);
  if (!records) return std::unexpected(records.error());
  if (records->empty())
    return fail(ErrorCode::invalid_argument, "line 1: the file is empty (a header is required)");
  const auto& header = records->front().fields;
  auto columns = check_columns(kind, header);
  if (!columns) return std::unexpected(columns.error());
  Rows out;
  for (std::size_t r = 1; r < records->size(); ++r) {
    const auto& record = (*records)[r];
    if (record.fields.size() != header.size()) {
      out.problems.push_back({record.line, "",
                              std::to_string(record.fields.size()) + " fields, the header has " +
                                  std::to_string(header.size())});
      continue;
    }
    read_row(kind, csv_object(kind, header, record.fields), record.line, true, options, out);
  }
  return out;
}

Result<Rows> read_jsonl(Kind kind, std::string_view text, const ReadOptions& options) {
  Rows out;
  for (const auto& [number, line] : lines_of(text)) {
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (line.find('\0') != std::string_view::npos) {  // the parser would stop there
      out.problems.push_back({number, "", "holds a NUL byte: not a JSON object"});
      continue;
    }
    auto value = json::parse(line, nullptr, false);
    if (value.is_discarded()) {
      out.problems.push_back({number, "", "not a JSON object (malformed JSON)"});
      continue;
    }
    read_row(kind, value, number, false, options, out);
  }
  return out;
}

}  // namespace

std::optional<Kind> kind_from_string(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kNames); ++i) {
    if (kNames[i] == name) return static_cast<Kind>(i);
  }
  return std::nullopt;
}

std::string_view to_string(Kind kind) { return kNames[static_cast<std::size_t>(kind)]; }

namespace {

// A second row defining the same thing is refused, naming the first.
void refuse_repeats(Rows& read) {
  std::unordered_map<std::string, std::size_t> first;
  std::vector<Row> kept;
  kept.reserve(read.rows.size());
  for (auto& row : read.rows) {
    const auto [at, inserted] = first.emplace(row.key, row.line);
    if (inserted) {
      kept.push_back(std::move(row));
      continue;
    }
    read.problems.push_back({row.line, "",
                             "\"" + row.key.substr(0, 200) + "\" is defined on line " +
                                 std::to_string(at->second) + " already: one row each"});
  }
  read.rows = std::move(kept);
  std::stable_sort(read.problems.begin(), read.problems.end(),
                   [](const Problem& a, const Problem& b) { return a.line < b.line; });
}

}  // namespace

Result<Rows> read_rows(Kind kind, Format format, std::string_view bytes,
                       const ReadOptions& options) {
  if (bytes.starts_with(kBom)) bytes.remove_prefix(kBom.size());
  if (auto utf8 = check_utf8(bytes); !utf8) return std::unexpected(utf8.error());
  auto rows =
      format == Format::csv ? read_csv(kind, bytes, options) : read_jsonl(kind, bytes, options);
  if (rows) refuse_repeats(*rows);
  return rows;
}

namespace {

// Submits one row. The pipeline answers "overloaded" at once, on this thread, when its queue is
// full (orders come first): the row waits and is submitted again, for up to a minute.
void submit_one(engine::Pipeline& pipeline, const engine::Command& command, bool dry_run,
                const ApplyOptions& options, const std::function<void(engine::Answer)>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  for (;;) {
    bool full = false;  // set only by an answer given before submit returns
    engine::Submission s{command, {}, std::nullopt, options.actor, {}, {}, {}};
    s.dry_run = dry_run;
    pipeline.submit(std::move(s), [&full, done, deadline](engine::Answer answer) {
      const auto* error = answer ? nullptr : std::get_if<Error>(&answer.error());
      if (error != nullptr && error->code == ErrorCode::overloaded &&
          std::chrono::steady_clock::now() < deadline) {
        full = true;
        return;
      }
      done(std::move(answer));
    });
    if (!full) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Submits every row (a dry run or for real) with at most `in_flight` outstanding; `on_answer`
// gets each row's index and answer. Stops at an operational error.
Result<void> submit_rows(engine::Pipeline& pipeline, const std::vector<Row>& rows,
                         const std::vector<std::size_t>& indexes, bool dry_run,
                         const ApplyOptions& options,
                         const std::function<void(std::size_t, const engine::Answer&)>& on_answer,
                         std::string_view phase) {
  std::mutex mutex;
  std::condition_variable cv;
  std::size_t outstanding = 0, done = 0;
  std::optional<Error> error;
  const auto report_every = std::max<std::size_t>(1, indexes.size() / 20);
  for (const auto index : indexes) {
    {
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return outstanding < options.in_flight || error; });
      if (error) break;
      ++outstanding;
    }
    submit_one(pipeline, rows[index].command, dry_run, options, [&, index](engine::Answer answer) {
      std::lock_guard lock(mutex);
      --outstanding;
      ++done;
      if (!answer && std::holds_alternative<Error>(answer.error())) {
        if (!error) error = std::get<Error>(answer.error());
      } else {
        on_answer(index, answer);
      }
      cv.notify_all();
    });
    if (options.progress) {
      std::lock_guard lock(mutex);
      if (done % report_every == 0 && done < indexes.size())
        options.progress(phase, done, indexes.size());
    }
  }
  std::unique_lock lock(mutex);
  cv.wait(lock, [&] { return outstanding == 0; });
  if (error) return std::unexpected(*error);
  if (options.progress) options.progress(phase, indexes.size(), indexes.size());
  return {};
}

// A refusal as problems of its row: a reason listing several problems ("item X:\nbrand: ...")
// becomes one problem per field.
void add_refusal(std::size_t line, const engine::Answer& answer, std::vector<Problem>& out) {
  const auto& reason = std::get<domain::Rejection>(answer.error()).reason;
  const auto first_end = reason.find('\n');
  if (first_end == std::string::npos) {
    out.push_back({line, "", reason});
    return;
  }
  std::size_t start = first_end + 1;
  while (start < reason.size()) {
    const auto end = std::min(reason.find('\n', start), reason.size());
    const auto text = reason.substr(start, end - start);
    const auto colon = text.find(": ");
    if (colon == std::string::npos)
      out.push_back({line, "", text});
    else
      out.push_back({line, text.substr(0, colon), text.substr(colon + 2)});
    start = end + 1;
  }
}

std::size_t distinct_lines(const std::vector<Problem>& problems) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < problems.size(); ++i) {
    if (i == 0 || problems[i].line != problems[i - 1].line) ++count;
  }
  return count;
}

}  // namespace

Result<Report> run_import(engine::Pipeline& pipeline, Rows read, const ApplyOptions& options) {
  Report report;
  report.rows = read.rows.size() + distinct_lines(read.problems);
  std::vector<Problem> problems = std::move(read.problems);
  std::vector<std::size_t> all(read.rows.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  std::vector<bool> refused(read.rows.size(), false);
  auto checked = submit_rows(
      pipeline, read.rows, all, true, options,
      [&](std::size_t i, const engine::Answer& a) {
        if (a) return;
        refused[i] = true;
        add_refusal(read.rows[i].line, a, problems);
      },
      "validated");
  if (!checked) return std::unexpected(checked.error());
  std::stable_sort(problems.begin(), problems.end(),
                   [](const Problem& a, const Problem& b) { return a.line < b.line; });
  report.refused = distinct_lines(problems);
  report.problems = std::move(problems);
  if (report.refused > 0 && !options.apply_valid) return report;
  std::vector<std::size_t> valid;
  for (std::size_t i = 0; i < refused.size(); ++i) {
    if (!refused[i]) valid.push_back(i);
  }
  auto applied = submit_rows(
      pipeline, read.rows, valid, false, options,
      [&](std::size_t i, const engine::Answer& a) {
        if (!a) {
          ++report.refused;
          add_refusal(read.rows[i].line, a, report.problems);
        } else if (a->first_position == 0) {
          ++report.unchanged;
        } else {
          ++(a->created ? report.created : report.changed);
          report.last_position = std::max(report.last_position, a->last_position);
        }
      },
      "applied");
  if (!applied) return std::unexpected(applied.error());
  // A row valid when checked may be refused when applied (another writer changed what it refers
  // to meanwhile): it is reported with the others, in file order.
  std::stable_sort(report.problems.begin(), report.problems.end(),
                   [](const Problem& a, const Problem& b) { return a.line < b.line; });
  report.applied = true;
  return report;
}

}  // namespace ordo::bulk
