// The import's file readers (gateway/import/bulk.h) on any bytes: CSV when built with
// ORDO_FUZZ_CSV, JSON Lines otherwise. The first byte picks the kind of file. Properties: reading
// never crashes and says what is wrong; rows and problems carry lines within the file, in file
// order; a problem names its line and says something; reading is deterministic; Windows line
// ends and a byte-order mark change nothing.
#include <string>

#include "gateway/import/bulk.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace ordo;

#ifdef ORDO_FUZZ_CSV
constexpr bulk::Format kFormat = bulk::Format::csv;
#else
constexpr bulk::Format kFormat = bulk::Format::jsonl;
#endif
constexpr std::size_t kKinds = 7;

// A summary of what was read, to compare two readings.
struct Reading {
  bool ok = false;
  std::string error;
  std::vector<std::size_t> row_lines;
  std::vector<bulk::Problem> problems;
  bool operator==(const Reading&) const = default;
};

Reading read(bulk::Kind kind, std::string_view bytes) {
  const bulk::ReadOptions options{1'800'000'000'000'000, "", {}};
  auto rows = bulk::read_rows(kind, kFormat, bytes, options);
  Reading out;
  if (!rows) {
    out.error = rows.error().message;
    ORDO_FUZZ_CHECK(!out.error.empty());
    return out;
  }
  out.ok = true;
  for (const auto& r : rows->rows) out.row_lines.push_back(r.line);
  out.problems = rows->problems;
  return out;
}

// The bytes without carriage returns: a file as saved on Unix.
std::string unix_text(std::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    if (c != '\r') out.push_back(c);
  }
  return out;
}

// The same file as saved on Windows.
std::string windows_text(std::string_view lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input input{data, size};
  const auto kind = static_cast<bulk::Kind>(input.take() % kKinds);
  const auto bytes = input.rest();
  const auto first = read(kind, bytes);
  std::size_t lines = 1;
  for (char c : bytes) lines += c == '\n' ? 1 : 0;
  std::size_t previous = 0;
  for (const auto line : first.row_lines) {
    ORDO_FUZZ_CHECK(line >= 1 && line <= lines);
    ORDO_FUZZ_CHECK(line > previous);  // one command per row, in file order
    previous = line;
  }
  for (const auto& p : first.problems) {
    ORDO_FUZZ_CHECK(p.line >= 1 && p.line <= lines);
    ORDO_FUZZ_CHECK(!p.message.empty());
  }
  ORDO_FUZZ_CHECK(read(kind, bytes) == first);
  // The same file saved on Windows (CRLF) or with a byte-order mark reads the same.
  const auto lf = unix_text(bytes);
  const auto on_unix = read(kind, lf);
  ORDO_FUZZ_CHECK(read(kind, windows_text(lf)) == on_unix);
  if (!lf.starts_with("\xEF\xBB\xBF")) ORDO_FUZZ_CHECK(read(kind, "\xEF\xBB\xBF" + lf) == on_unix);
  if (lf.size() == bytes.size()) ORDO_FUZZ_CHECK(on_unix == first);
  return 0;
}
