// Model-based test (rapidcheck rc::state): random sequences of appends (with every kind of
// expected version, conflicts and repeated idempotency keys), reads and reopens, each checked
// against a plain in-memory model of what the log must contain.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <map>
#include <optional>

#include "tests/eventstore/test_support.h"

namespace ordo::eventstore {
namespace {

struct ModelEvent {
  std::string stream;
  std::uint64_t version = 0;
  EventData data;
};

struct ModelRequest {
  std::string stream;
  ExpectedVersion expected;
  std::vector<EventData> events;
  friend bool operator==(const ModelRequest&, const ModelRequest&) = default;
};

struct Model {
  std::vector<ModelEvent> log;  // position p is log[p - 1]
  std::map<std::string, std::uint64_t> versions;
  std::map<std::string, std::pair<ModelRequest, AppendResult>> keys;
};

struct Sut {
  std::unique_ptr<testing::TempDir> dir = std::make_unique<testing::TempDir>();
  std::unique_ptr<EventStore> store = testing::open_store(dir->path());
  std::map<std::string, int> seen;  // outcomes this sequence reached, tagged at the end
};

const std::vector<std::string> kStreams = {"order-1", "order-2", "stock-A", "stock-B"};
const std::vector<std::string> kKeys = {"", "", "k1", "k2", "k3"};

rc::Gen<EventData> gen_event() {
  return rc::gen::build<EventData>(
      rc::gen::set(&EventData::type,
                   rc::gen::element<std::string>("Placed", "Reserved", "Shipped")),
      rc::gen::set(&EventData::schema_version, rc::gen::inRange<std::uint16_t>(1, 3)),
      rc::gen::set(&EventData::payload,
                   rc::gen::container<std::string>(rc::gen::arbitrary<char>())));
}

struct Append : rc::state::Command<Model, Sut> {
  ModelRequest request;
  std::string key;

  explicit Append(const Model& model) {
    request.stream = *rc::gen::elementOf(kStreams);
    auto it = model.versions.find(request.stream);
    const std::uint64_t current = it == model.versions.end() ? 0 : it->second;
    const int kind = *rc::gen::inRange(0, 4);
    if (kind == 0)
      request.expected = ExpectedVersion::any();
    else if (kind == 1)
      request.expected = ExpectedVersion::no_stream();
    else
      request.expected = ExpectedVersion::exact(current + *rc::gen::inRange<std::uint64_t>(0, 2));
    request.events = *rc::gen::container<std::vector<EventData>>(
        static_cast<std::size_t>(*rc::gen::inRange(1, 4)), gen_event());
    key = *rc::gen::elementOf(kKeys);
    // Half the time a key already used repeats its request, as a client's retry does.
    if (const auto first = model.keys.find(key);
        first != model.keys.end() && *rc::gen::arbitrary<bool>()) {
      request = first->second.first;
    }
  }

  // What the store must answer, given the model; and the model after it.
  Result<AppendResult> expected_outcome(Model& model) const {
    if (!key.empty()) {
      if (auto found = model.keys.find(key); found != model.keys.end()) {
        if (!(found->second.first == request)) {
          return fail(ErrorCode::idempotency_mismatch, "");
        }
        AppendResult duplicate = found->second.second;
        duplicate.duplicate = true;
        return duplicate;
      }
    }
    const std::uint64_t current = model.versions[request.stream];
    const bool matches =
        request.expected.kind == ExpectedVersion::Kind::any || request.expected.version == current;
    if (!matches) return fail(ErrorCode::conflict, "");
    AppendResult result;
    result.first_position = model.log.size() + 1;
    for (std::size_t i = 0; i < request.events.size(); ++i) {
      model.log.push_back({request.stream, current + i + 1, request.events[i]});
    }
    result.last_position = model.log.size();
    model.versions[request.stream] = current + request.events.size();
    result.stream_versions = {model.versions[request.stream]};
    if (!key.empty()) model.keys[key] = {request, result};
    return result;
  }

  void apply(Model& model) const override { (void)expected_outcome(model); }

  void run(const Model& model, Sut& sut) const override {
    Model copy = model;
    auto expected = expected_outcome(copy);
    auto actual = sut.store->append(request.stream, request.expected, request.events, key);
    const char* outcome = !expected             ? (expected.error().code == ErrorCode::conflict
                                                       ? "append: conflict"
                                                       : "append: key reused for another request")
                          : expected->duplicate ? "append: retry answered as a duplicate"
                                                : "append: appended";
    ++sut.seen[outcome];
    RC_ASSERT(actual.has_value() == expected.has_value());
    if (expected) {
      RC_ASSERT(*actual == *expected);
    } else {
      RC_ASSERT(actual.error().code == expected.error().code);
    }
  }

  void show(std::ostream& os) const override {
    os << "Append(" << request.stream << ", kind " << static_cast<int>(request.expected.kind)
       << " v" << request.expected.version << ", " << request.events.size() << " events, key '"
       << key << "')";
  }
};

void check_event(const RecordedEvent& actual, std::uint64_t position, const ModelEvent& expected) {
  RC_ASSERT(actual.position == position);
  RC_ASSERT(actual.stream == expected.stream);
  RC_ASSERT(actual.stream_version == expected.version);
  RC_ASSERT(actual.type == expected.data.type);
  RC_ASSERT(actual.schema_version == expected.data.schema_version);
  RC_ASSERT(actual.payload == expected.data.payload);
}

struct ReadAll : rc::state::Command<Model, Sut> {
  std::uint64_t from = *rc::gen::inRange<std::uint64_t>(0, 40);
  std::size_t count = *rc::gen::inRange<std::size_t>(0, 50);

  void run(const Model& model, Sut& sut) const override {
    auto actual = sut.store->read_all(from, count);
    RC_ASSERT(actual.has_value());
    const std::uint64_t start = std::max<std::uint64_t>(from, 1);
    const std::uint64_t available = start > model.log.size() ? 0 : model.log.size() - start + 1;
    RC_ASSERT(actual->size() == std::min<std::uint64_t>(available, count));
    for (std::size_t i = 0; i < actual->size(); ++i) {
      check_event((*actual)[i], start + i, model.log[start + i - 1]);
    }
  }
  void show(std::ostream& os) const override { os << "ReadAll(" << from << ", " << count << ")"; }
};

struct ReadStream : rc::state::Command<Model, Sut> {
  std::string stream = *rc::gen::elementOf(kStreams);
  std::uint64_t from = *rc::gen::inRange<std::uint64_t>(0, 8);

  void run(const Model& model, Sut& sut) const override {
    auto actual = sut.store->read_stream(stream, from, 1000);
    RC_ASSERT(actual.has_value());
    std::vector<std::pair<std::uint64_t, const ModelEvent*>> expected;
    for (std::size_t p = 0; p < model.log.size(); ++p) {
      const auto& e = model.log[p];
      if (e.stream == stream && e.version >= std::max<std::uint64_t>(from, 1)) {
        expected.emplace_back(p + 1, &e);
      }
    }
    RC_ASSERT(actual->size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      check_event((*actual)[i], expected[i].first, *expected[i].second);
    }
  }
  void show(std::ostream& os) const override {
    os << "ReadStream(" << stream << ", " << from << ")";
  }
};

struct Reopen : rc::state::Command<Model, Sut> {
  void run(const Model& model, Sut& sut) const override {
    sut.store.reset();
    sut.store = testing::open_store(sut.dir->path());
    if (!model.log.empty()) ++sut.seen["reopened a non-empty log"];
    RC_ASSERT(sut.store != nullptr);
    RC_ASSERT(sut.store->durable_position() == model.log.size());
    auto report = sut.store->verify();
    RC_ASSERT(report.has_value());
    RC_ASSERT(report->ok);
  }
  void show(std::ostream& os) const override { os << "Reopen"; }
};

RC_GTEST_PROP(EventStoreModel, BehavesLikeTheModel, ()) {
  Model initial;
  Sut sut;
  rc::state::check(
      initial, sut,
      rc::state::gen::execOneOfWithArgs<Append, Append, Append, ReadAll, ReadStream, Reopen>());
  for (const auto& [outcome, times] : sut.seen) RC_TAG(outcome);
}

}  // namespace
}  // namespace ordo::eventstore
