// A streaming stock feed's message over NATS (gateway/feeds/stock_feed.h) on any bytes, as
// StockFeed::parse reads it for the source named by its subject. The first byte picks the source.
// Properties: a message is read or refused with a reason, never crashes; a message read has a
// sequence from 1 to 2^43 and 1..1000 movements, each of them either a submission or refused with
// a reason, in order, never both; every submission's idempotency key is (source, sequence, index)
// and it acts as "feed:<source>"; a count carries the feed as its source and the sequence x 1024 +
// index; the request hash is the same for the same movements written with other spacing or key
// order (a retry is recognised); reading is deterministic.
#include <nlohmann/json.hpp>

#include "gateway/feeds/stock_feed.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace ordo;
using Message = gateway::StockFeed::Message;
constexpr domain::Instant kNow = 1'800'000'000'000'000;
constexpr std::uint64_t kSequenceMax = std::uint64_t{1} << 43;
constexpr std::string_view kSources[] = {"erp", "wms-lyon", "pos_12", "", "a b", "x.y", "../erp"};

void check_message(std::string_view source, const Message& m) {
  ORDO_FUZZ_CHECK(m.sequence >= 1 && m.sequence <= kSequenceMax);
  ORDO_FUZZ_CHECK(m.movements >= 1 && m.movements <= 1000);
  ORDO_FUZZ_CHECK(m.submissions.size() == m.indexes.size());
  ORDO_FUZZ_CHECK(m.indexes.size() + m.refused.size() == m.movements);
  std::size_t next_submission = 0, next_refusal = 0;
  for (std::size_t i = 0; i < m.movements; ++i) {
    const bool submitted = next_submission < m.indexes.size() && m.indexes[next_submission] == i;
    const bool refused = next_refusal < m.refused.size() && m.refused[next_refusal].first == i;
    ORDO_FUZZ_CHECK(submitted != refused);
    if (refused) {
      ORDO_FUZZ_CHECK(!m.refused[next_refusal++].second.empty());
      continue;
    }
    const auto& s = m.submissions[next_submission++];
    const auto key =
        "feed/" + std::string(source) + "/" + std::to_string(m.sequence) + "#" + std::to_string(i);
    ORDO_FUZZ_CHECK(s.idempotency_key == key);
    ORDO_FUZZ_CHECK(s.actor.id == "feed:" + std::string(source));
    ORDO_FUZZ_CHECK(s.request_hash == m.submissions.front().request_hash);
    const auto* stock = std::get_if<engine::StockCommand>(&s.command);
    ORDO_FUZZ_CHECK(stock != nullptr);
    if (const auto* count = std::get_if<domain::stock::CountStock>(&stock->command)) {
      ORDO_FUZZ_CHECK(count->source == source);
      ORDO_FUZZ_CHECK(count->sequence == m.sequence * 1024 + i);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input input{data, size};
  const auto source = kSources[input.take() % std::size(kSources)];
  const auto body = input.rest();
  const auto read = gateway::StockFeed::parse(source, body, kNow);
  const auto again = gateway::StockFeed::parse(source, body, kNow);
  ORDO_FUZZ_CHECK(read.has_value() == again.has_value());
  if (!read) {
    ORDO_FUZZ_CHECK(!read.error().empty() && read.error() == again.error());
    return 0;
  }
  check_message(source, *read);
  ORDO_FUZZ_CHECK(again->indexes == read->indexes && again->refused == read->refused);
  // The same message, written again by another client (sorted keys, no spaces): the same keys and
  // the same hash, so that it is a retry and not a conflict.
  const auto rewritten = nlohmann::json::parse(body).dump();
  const auto same = gateway::StockFeed::parse(source, rewritten, kNow);
  ORDO_FUZZ_CHECK(same && same->indexes == read->indexes);
  if (!read->submissions.empty()) {
    ORDO_FUZZ_CHECK(same->submissions.front().request_hash ==
                    read->submissions.front().request_hash);
  }
  return 0;
}
