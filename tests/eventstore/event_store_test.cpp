// The event store's API, one behaviour per test, against real RocksDB in a temporary directory.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "tests/eventstore/test_support.h"

namespace ordo::eventstore {
namespace {

using testing::events;
using testing::open_store;
using testing::TempDir;

TEST(Append, NewStreamGetsConsecutivePositionsAndVersions) {
  TempDir dir;
  auto store = open_store(dir.path());
  auto first = store->append("order-1", ExpectedVersion::no_stream(), events(3));
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_EQ(first->first_position, 1u);
  EXPECT_EQ(first->last_position, 3u);
  EXPECT_EQ(first->stream_versions, std::vector<std::uint64_t>{3});
  auto second = store->append("order-2", ExpectedVersion::any(), events(1));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->first_position, 4u);
  EXPECT_EQ(second->stream_versions, std::vector<std::uint64_t>{1});
  EXPECT_EQ(store->stream_version("order-1").value(), 3u);
  EXPECT_EQ(store->stream_version("unknown").value(), 0u);
}

TEST(Append, NoStreamConflictsWhenTheStreamExists) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store->append("s", ExpectedVersion::no_stream(), events(1)));
  auto again = store->append("s", ExpectedVersion::no_stream(), events(1));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_NE(again.error().message.find("is at version 1"), std::string::npos);
  EXPECT_EQ(store->durable_position(), 1u);
}

TEST(Append, ExactVersionMustMatch) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store->append("s", ExpectedVersion::exact(0), events(2)));
  EXPECT_EQ(store->append("s", ExpectedVersion::exact(1), events(1)).error().code,
            ErrorCode::conflict);
  EXPECT_EQ(store->append("s", ExpectedVersion::exact(3), events(1)).error().code,
            ErrorCode::conflict);
  auto ok = store->append("s", ExpectedVersion::exact(2), events(1));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->stream_versions.front(), 3u);
}

TEST(Append, AnyAlwaysAppends) {
  TempDir dir;
  auto store = open_store(dir.path());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store->append("s", ExpectedVersion::any(), events(1)));
  EXPECT_EQ(store->stream_version("s").value(), 5u);
}

TEST(Append, SeveralStreamsAreAllOrNothing) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store->append("stock-A", ExpectedVersion::any(), events(1)));
  AppendRequest request;
  request.writes.push_back({"order-1", ExpectedVersion::no_stream(), events(1, "OrderPlaced")});
  request.writes.push_back({"stock-A", ExpectedVersion::exact(7), events(1, "Reserved")});
  auto rejected = store->append(request);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().code, ErrorCode::conflict);
  EXPECT_EQ(store->stream_version("order-1").value(), 0u);
  EXPECT_EQ(store->durable_position(), 1u);

  request.writes[1].expected = ExpectedVersion::exact(1);
  auto accepted = store->append(request);
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->first_position, 2u);
  EXPECT_EQ(accepted->last_position, 3u);
  EXPECT_EQ(accepted->stream_versions, (std::vector<std::uint64_t>{1, 2}));
}

TEST(Idempotency, SameKeySameContentReturnsTheFirstResult) {
  TempDir dir;
  auto store = open_store(dir.path());
  AppendRequest request;
  request.writes.push_back({"order-9", ExpectedVersion::no_stream(), events(2)});
  request.idempotency_key = "key-1";
  request.response = R"({"status":201})";
  auto first = store->append(request);
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->duplicate);
  auto retry = store->append(request);
  ASSERT_TRUE(retry) << retry.error().to_string();
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->first_position, first->first_position);
  EXPECT_EQ(retry->last_position, first->last_position);
  EXPECT_EQ(retry->response, R"({"status":201})");
  EXPECT_EQ(store->durable_position(), 2u);  // one effect
}

TEST(Idempotency, SameKeyOtherContentIsRejected) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store->append("s", ExpectedVersion::any(), events(1), "key-1"));
  auto other = store->append("s", ExpectedVersion::any(), events(2), "key-1");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::idempotency_mismatch);
  EXPECT_EQ(store->durable_position(), 1u);
}

TEST(Idempotency, ContentHashSetByTheCallerDecides) {
  TempDir dir;
  auto store = open_store(dir.path());
  AppendRequest request;
  request.writes.push_back({"s", ExpectedVersion::any(), events(1)});
  request.idempotency_key = "k";
  request.content_hash = Hash256{1};
  ASSERT_TRUE(store->append(request));
  request.writes[0].events[0].payload = "fresh id in the event";  // same command, new event ids
  auto retry = store->append(request);
  ASSERT_TRUE(retry);
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(store->durable_position(), 1u);
}

TEST(Idempotency, KeysSurviveReopen) {
  TempDir dir;
  {
    auto store = open_store(dir.path());
    ASSERT_TRUE(store->append("s", ExpectedVersion::any(), events(1), "key-1"));
  }
  auto store = open_store(dir.path());
  auto retry = store->append("s", ExpectedVersion::any(), events(1), "key-1");
  ASSERT_TRUE(retry);
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(store->durable_position(), 1u);
}

TEST(Idempotency, ConcurrentRetriesOfOneKeyHaveOneEffect) {
  TempDir dir;
  auto store = open_store(dir.path());
  std::atomic<int> ok{0}, duplicates{0};
  std::latch done(200);
  for (int i = 0; i < 200; ++i) {
    AppendRequest request;
    request.writes.push_back({"s", ExpectedVersion::any(), events(1)});
    request.idempotency_key = "same";
    store->append_async(std::move(request), [&](Result<AppendResult> r) {
      if (r) (r->duplicate ? duplicates : ok).fetch_add(1);
      done.count_down();
    });
  }
  done.wait();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(duplicates.load(), 199);
  EXPECT_EQ(store->durable_position(), 1u);
}

TEST(Validation, BadRequestsAreRejectedWithAReasonAndWriteNothing) {
  TempDir dir;
  auto store = open_store(dir.path());
  auto rejected = [&](AppendRequest request, const std::string& expected_text) {
    auto result = store->append(std::move(request));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(result.error().message.find(expected_text), std::string::npos)
        << result.error().message;
  };
  auto one = [](std::string stream, std::vector<EventData> e) {
    AppendRequest r;
    r.writes.push_back({std::move(stream), ExpectedVersion::any(), std::move(e)});
    return r;
  };
  rejected(AppendRequest{}, "at least one stream write");
  rejected(one("", events(1)), "stream is empty");
  rejected(one(std::string("a\0b", 3), events(1)), "control character");
  rejected(one("\xff\xfe", events(1)), "not valid UTF-8");
  rejected(one(std::string(256, 'x'), events(1)), "at most 255");
  rejected(one("s", {}), "events is empty");
  rejected(one("s", {testing::event("")}), "type is empty");
  rejected(one("s", {testing::event("T", std::string(kPayloadBytesMax + 1, 'p'))}), "payload is");
  rejected(one("s", events(kEventsPerAppendMax + 1)), "at most 1024");
  AppendRequest twice = one("s", events(1));
  twice.writes.push_back({"s", ExpectedVersion::any(), events(1)});
  rejected(twice, "appears twice");
  AppendRequest bad_key = one("s", events(1));
  bad_key.idempotency_key = std::string(300, 'k');
  rejected(bad_key, "idempotency key");
  EXPECT_EQ(store->durable_position(), 0u);
}

TEST(Reads, StreamFromAVersion) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store->append("a", ExpectedVersion::any(), events(5)));
  ASSERT_TRUE(store->append("b", ExpectedVersion::any(), events(2)));
  auto read = store->read_stream("a", 3, 100);
  ASSERT_TRUE(read);
  ASSERT_EQ(read->size(), 3u);
  EXPECT_EQ(read->front().stream_version, 3u);
  EXPECT_EQ(read->front().payload, "payload-2");
  EXPECT_EQ(read->back().position, 5u);
  EXPECT_EQ(store->read_stream("a", 1, 2)->size(), 2u);
  EXPECT_TRUE(store->read_stream("none", 1, 10)->empty());
  EXPECT_EQ(store->read_stream("", 1, 10).error().code, ErrorCode::invalid_argument);
}

TEST(Reads, WholeLogFromAPositionAndByType) {
  TempDir dir;
  auto store = open_store(dir.path());
  AppendRequest request;
  request.actor = {ActorKind::user, "alice"};
  request.correlation_id = "corr-1";
  request.writes.push_back(
      {"s",
       ExpectedVersion::any(),
       {testing::event("A", "1"), testing::event("B", "2"), testing::event("A", "3")}});
  ASSERT_TRUE(store->append(request));
  auto all = store->read_all(2, 10);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->front().type, "B");
  EXPECT_EQ(all->front().actor, (Actor{ActorKind::user, "alice"}));
  EXPECT_EQ(all->front().correlation_id, "corr-1");
  auto only_a = store->read_all(1, 10, {"A"});
  ASSERT_TRUE(only_a);
  ASSERT_EQ(only_a->size(), 2u);
  EXPECT_EQ(only_a->back().payload, "3");
  EXPECT_TRUE(store->read_all(99, 10)->empty());
}

TEST(Reads, ForEachStopsWhenTheVisitorSaysSo) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store->append("s", ExpectedVersion::any(), events(10)));
  std::vector<std::uint64_t> seen;
  auto visited = store->for_each(3, UINT64_MAX, [&](const EventView& e) {
    seen.push_back(e.position);
    return seen.size() < 4;
  });
  ASSERT_TRUE(visited);
  EXPECT_EQ(*visited, 4u);
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{3, 4, 5, 6}));
}

TEST(Reads, RecordedAtNeverDecreasesEvenWhenTheClockDoes) {
  TempDir dir;
  std::atomic<std::int64_t> now{2'000'000};
  auto options = testing::options_for(dir.path());
  options.clock_us = [&] { return now.load(); };
  auto store = std::move(EventStore::open(options).value());
  ASSERT_TRUE(store->append("s", ExpectedVersion::any(), events(1)));
  now = 1'000'000;  // the wall clock stepped back
  ASSERT_TRUE(store->append("s", ExpectedVersion::any(), events(1)));
  auto all = store->read_all(1, 10).value();
  EXPECT_EQ(all[0].recorded_at_us, 2'000'000);
  EXPECT_EQ(all[1].recorded_at_us, 2'000'000);
}

TEST(Subscriptions, CatchUpThenFollowLiveWithNoGapAndNoDuplicate) {
  TempDir dir;
  auto store = open_store(dir.path());
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(store->append("h", ExpectedVersion::any(), events(1)));
  auto subscription = store->subscribe(1);
  std::thread writer([&] {
    for (int i = 0; i < 1000; ++i) {
      ASSERT_TRUE(
          store->append("live-" + std::to_string(i % 7), ExpectedVersion::any(), events(1)));
    }
  });
  std::vector<std::uint64_t> positions;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (positions.size() < 1100 && std::chrono::steady_clock::now() < deadline) {
    auto batch = subscription->next(64, std::chrono::milliseconds(100));
    ASSERT_TRUE(batch);
    for (const auto& e : *batch) positions.push_back(e.position);
  }
  writer.join();
  ASSERT_EQ(positions.size(), 1100u);
  for (std::size_t i = 0; i < positions.size(); ++i) ASSERT_EQ(positions[i], i + 1);
  EXPECT_TRUE(subscription->next(10, std::chrono::milliseconds(10))->empty());
}

TEST(Subscriptions, FilterByTypeStillAdvances) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store->append("s", ExpectedVersion::any(), events(50, "Noise")));
  ASSERT_TRUE(store->append("s", ExpectedVersion::any(), events(1, "Wanted")));
  auto subscription = store->subscribe(1, {"Wanted"});
  std::vector<RecordedEvent> got;
  for (int i = 0; i < 10 && got.empty(); ++i) {
    got = subscription->next(10, std::chrono::milliseconds(10)).value();
  }
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].position, 51u);
  EXPECT_EQ(subscription->position(), 52u);
}

TEST(Checkpoints, RoundTripAndSurviveReopen) {
  TempDir dir;
  {
    auto store = open_store(dir.path());
    EXPECT_EQ(store->load_checkpoint("projection.orders").value(), 0u);
    ASSERT_TRUE(store->save_checkpoint("projection.orders", 42));
    EXPECT_EQ(store->load_checkpoint("projection.orders").value(), 42u);
    EXPECT_EQ(store->save_checkpoint("", 1).error().code, ErrorCode::invalid_argument);
  }
  auto store = open_store(dir.path());
  EXPECT_EQ(store->load_checkpoint("projection.orders").value(), 42u);
}

TEST(Lifecycle, ReopenContinuesPositionsAndTheHashChain) {
  TempDir dir;
  {
    auto store = open_store(dir.path(), Durability::fsync);
    ASSERT_TRUE(store->append("s", ExpectedVersion::any(), events(10)));
  }
  auto store = open_store(dir.path(), Durability::fsync);
  EXPECT_EQ(store->durable_position(), 10u);
  auto next = store->append("s", ExpectedVersion::exact(10), events(1));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->first_position, 11u);
  auto report = store->verify();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->events_checked, 11u);
}

TEST(Lifecycle, ClosingAnswersEverythingQueuedAndKeepsIt) {
  TempDir dir;
  std::atomic<int> acknowledged{0};
  {
    auto store = open_store(dir.path(), Durability::fsync);
    for (int i = 0; i < 500; ++i) {
      AppendRequest request;
      request.writes.push_back({"s" + std::to_string(i % 5), ExpectedVersion::any(), events(1)});
      store->append_async(std::move(request), [&](Result<AppendResult> r) {
        if (r) acknowledged.fetch_add(1);
      });
    }
  }  // destructor: drain, sync, close
  EXPECT_EQ(acknowledged.load(), 500);
  auto store = open_store(dir.path());
  EXPECT_EQ(store->durable_position(), 500u);
}

TEST(Lifecycle, AFullQueueAnswersOverloaded) {
  TempDir dir;
  std::latch release(1);
  std::atomic<bool> stall{false};
  std::atomic<bool> writer_stalled{false};
  auto options = testing::options_for(dir.path());
  options.queue_requests_max = 4;
  options.clock_us = [&] {
    if (stall.load()) {  // the writer takes its clock once per batch: hold it there
      writer_stalled = true;
      release.wait();
    }
    return std::int64_t{1};
  };
  auto store = std::move(EventStore::open(options).value());
  stall = true;
  std::atomic<int> overloaded{0}, ok{0};
  std::latch answered(20);
  auto submit = [&] {
    AppendRequest request;
    request.writes.push_back({"s", ExpectedVersion::any(), events(1)});
    store->append_async(std::move(request), [&](Result<AppendResult> r) {
      if (r)
        ok.fetch_add(1);
      else if (r.error().code == ErrorCode::overloaded)
        overloaded.fetch_add(1);
      answered.count_down();
    });
  };
  submit();  // taken by the writer, which then stalls
  while (!writer_stalled.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  for (int i = 1; i < 20; ++i) submit();
  EXPECT_EQ(overloaded.load(), 15);  // 1 with the writer, 4 queued, 15 refused
  stall = false;
  release.count_down();
  answered.wait();
  EXPECT_EQ(ok.load(), 5);
}

TEST(Lifecycle, ReadOnlyStoresRefuseWrites) {
  TempDir dir;
  { open_store(dir.path()); }
  auto options = testing::options_for(dir.path());
  options.read_only = true;
  auto store = std::move(EventStore::open(options).value());
  EXPECT_EQ(store->append("s", ExpectedVersion::any(), events(1)).error().code,
            ErrorCode::failed_precondition);
  EXPECT_EQ(store->save_checkpoint("c", 1).error().code, ErrorCode::failed_precondition);
}

}  // namespace
}  // namespace ordo::eventstore

namespace ordo::eventstore {
namespace {

using testing::events;
using testing::TempDir;

// Leader/follower: with nothing queued and the writer idle, a caller that may lead writes, syncs
// and is answered on its own thread, before append_async returns.
TEST(Leading, AnIdleStoreLetsTheCallerWriteAndSyncItsOwnAppend) {
  TempDir dir;
  auto store = testing::open_store(dir.path());
  std::thread::id answered_on;
  std::uint64_t durable_when_answered = 0;
  AppendRequest request;
  request.writes.push_back({"s", ExpectedVersion::any(), events(1)});
  store->append_async(
      std::move(request),
      [&](Result<AppendResult> r) {
        ASSERT_TRUE(r);
        answered_on = std::this_thread::get_id();
        durable_when_answered = store->durable_position();
      },
      EventStore::Leading::write_and_sync);
  EXPECT_EQ(answered_on, std::this_thread::get_id());
  EXPECT_EQ(durable_when_answered, 1u);
}

// A caller never writes ahead of appends queued or being written before it: it waits its turn.
TEST(Leading, ACallerNeverOvertakesAnAppendBeingWritten) {
  TempDir dir;
  std::latch release(1);
  std::atomic<bool> stall{false};
  std::atomic<bool> writer_stalled{false};
  auto options = testing::options_for(dir.path());
  options.clock_us = [&] {
    if (stall.load()) {
      writer_stalled = true;
      release.wait();
    }
    return std::int64_t{1};
  };
  auto store = std::move(EventStore::open(options).value());
  stall = true;
  std::mutex mutex;
  std::vector<std::pair<char, std::uint64_t>> answers;
  auto submit = [&](char name, EventStore::Leading leading) {
    AppendRequest request;
    request.writes.push_back({"s", ExpectedVersion::any(), events(1)});
    store->append_async(
        std::move(request),
        [&, name](Result<AppendResult> r) {
          ASSERT_TRUE(r);
          std::lock_guard lock(mutex);
          answers.emplace_back(name, r->last_position);
        },
        leading);
  };
  submit('A', EventStore::Leading::no);  // taken by the writer thread, which stalls
  while (!writer_stalled.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  stall = false;
  submit('B', EventStore::Leading::write_and_sync);  // returns at once: queued behind A
  {
    std::lock_guard lock(mutex);
    EXPECT_TRUE(answers.empty());
  }
  release.count_down();
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard lock(mutex);
      if (answers.size() == 2) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::lock_guard lock(mutex);
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0], std::make_pair('A', std::uint64_t{1}));
  EXPECT_EQ(answers[1], std::make_pair('B', std::uint64_t{2}));
}

}  // namespace
}  // namespace ordo::eventstore
