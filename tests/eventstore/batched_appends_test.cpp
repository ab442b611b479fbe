// Appends submitted all at once, without waiting, are grouped by the writer into batches; within
// a batch, expected versions must see the earlier requests and a repeated idempotency key must see
// the first attempt. Property: every answer, and the final log, equal a model that decides the
// same requests one after the other in submission order.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <latch>
#include <map>
#include <optional>

#include "tests/eventstore/test_support.h"

namespace ordo::eventstore {
namespace {

struct Planned {
  std::string stream;
  ExpectedVersion expected;
  std::vector<EventData> events;
  std::string key;
};

// What the store must answer for each request, deciding them in order.
std::vector<Result<AppendResult>> decide_in_order(const std::vector<Planned>& plan) {
  std::map<std::string, std::uint64_t> versions;
  std::map<std::string, std::pair<std::size_t, AppendResult>> keys;  // key -> (request, result)
  std::uint64_t position = 0;
  std::vector<Result<AppendResult>> out;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const auto& p = plan[i];
    if (!p.key.empty()) {
      if (auto found = keys.find(p.key); found != keys.end()) {
        const auto& first = plan[found->second.first];
        const bool same =
            first.stream == p.stream && first.expected == p.expected && first.events == p.events;
        if (!same) {
          out.push_back(fail(ErrorCode::idempotency_mismatch, ""));
        } else {
          auto duplicate = found->second.second;
          duplicate.duplicate = true;
          out.push_back(duplicate);
        }
        continue;
      }
    }
    const std::uint64_t current = versions[p.stream];
    if (p.expected.kind != ExpectedVersion::Kind::any && p.expected.version != current) {
      out.push_back(fail(ErrorCode::conflict, ""));
      continue;
    }
    AppendResult result{
        position + 1, position + p.events.size(), {current + p.events.size()}, {}, false};
    position += p.events.size();
    versions[p.stream] = current + p.events.size();
    if (!p.key.empty()) keys[p.key] = {i, result};
    out.push_back(result);
  }
  return out;
}

RC_GTEST_PROP(BatchedAppends, AnswerAsIfDecidedOneAfterTheOther, ()) {
  const auto count = *rc::gen::inRange<std::size_t>(1, 120);
  std::vector<Planned> plan;
  for (std::size_t i = 0; i < count; ++i) {
    Planned p;
    p.stream = *rc::gen::element<std::string>("a", "b", "c");
    const int kind = *rc::gen::inRange(0, 3);
    p.expected = kind == 0   ? ExpectedVersion::any()
                 : kind == 1 ? ExpectedVersion::no_stream()
                             : ExpectedVersion::exact(*rc::gen::inRange<std::uint64_t>(0, 6));
    const auto events = *rc::gen::inRange(1, 3);
    for (int e = 0; e < events; ++e) {
      p.events.push_back({"T", 1, *rc::gen::element<std::string>("x", "y")});
    }
    p.key = *rc::gen::element<std::string>("", "", "", "k1", "k2");
    plan.push_back(std::move(p));
  }
  testing::TempDir dir;
  auto store = testing::open_store(dir.path());
  RC_ASSERT(store != nullptr);
  std::vector<std::optional<Result<AppendResult>>> answers(plan.size());
  std::latch done(static_cast<std::ptrdiff_t>(plan.size()));
  for (std::size_t i = 0; i < plan.size(); ++i) {  // one thread, no waiting: the queue keeps order
    AppendRequest request;
    request.writes.push_back({plan[i].stream, plan[i].expected, plan[i].events});
    request.idempotency_key = plan[i].key;
    store->append_async(std::move(request), [&, i](Result<AppendResult> r) {
      answers[i] = std::move(r);
      done.count_down();
    });
  }
  done.wait();
  const auto expected = decide_in_order(plan);
  const StoreStats stats = store->stats();
  RC_TAG(stats.batches_written < stats.appends ? "appends shared a batch" : "one append per batch");
  RC_CLASSIFY(std::ranges::any_of(expected, [](const auto& r) { return r && r->duplicate; }),
              "a retry answered from its first attempt");
  RC_CLASSIFY(
      std::ranges::any_of(
          expected, [](const auto& r) { return !r && r.error().code == ErrorCode::conflict; }),
      "a conflict");
  std::uint64_t appended = 0;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const auto& actual = *answers[i];
    RC_ASSERT(actual.has_value() == expected[i].has_value());
    if (actual) {
      RC_ASSERT(*actual == *expected[i]);
      if (!actual->duplicate) appended = std::max(appended, actual->last_position);
    } else {
      RC_ASSERT(actual.error().code == expected[i].error().code);
    }
  }
  RC_ASSERT(store->durable_position() == appended);
  auto report = store->verify();
  RC_ASSERT(report.has_value() && report->ok);
}

}  // namespace
}  // namespace ordo::eventstore
