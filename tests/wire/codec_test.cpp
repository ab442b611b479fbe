// The codec's type table follows the event variants: every alternative has its own stored type,
// reads back to itself, and only declared non-engine types are not domain events.
#include "eventstore/codec/codec.h"

#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "eventstore/codec/schema/order_generated.h"
#include "eventstore/codec/schema/users_generated.h"
#include "tests/wire/samples.h"

namespace ordo::wire {
namespace {

template <class Variant, class Visit>
void each_alternative(Visit&& visit) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (visit(Variant{std::in_place_index<I>}), ...);
  }
  (std::make_index_sequence<std::variant_size_v<Variant>>{});
}

template <class Visit>
void each_domain_alternative(Visit&& visit) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (each_alternative<std::variant_alternative_t<I, DomainEvent>>(
         [&](auto event) { visit(DomainEvent{std::move(event)}); }),
     ...);
  }
  (std::make_index_sequence<std::variant_size_v<DomainEvent>>{});
}

TEST(Codec, EveryEventAlternativeHasItsOwnTypeAndIsADomainType) {
  std::set<std::string> types;
  std::size_t alternatives = 0;
  each_domain_alternative([&](const DomainEvent& event) {
    ++alternatives;
    const auto data = encode(event);
    EXPECT_FALSE(data.type.empty());
    EXPECT_TRUE(types.insert(data.type).second) << data.type << " is used by two alternatives";
    EXPECT_EQ(kind_of(data.type), TypeKind::domain) << data.type;
  });
  EXPECT_GE(alternatives, 30u) << "the variants lost alternatives";
  EXPECT_EQ(domain_type_names().size(), alternatives);
  EXPECT_EQ(std::set<std::string>(domain_type_names().begin(), domain_type_names().end()), types);
}

TEST(Codec, EveryEventAlternativeReadsBackToItself) {
  each_domain_alternative([&](const DomainEvent& event) {
    const auto data = encode(event);
    auto decoded = decode(data.type, data.schema_version, data.payload);
    ASSERT_TRUE(decoded) << data.type << ": " << decoded.error().to_string();
    EXPECT_TRUE(*decoded == event) << data.type << " does not read back to itself";
  });
}

// FlatBuffers reads scalars in place, so a payload starting at an odd address (a slice of a
// RocksDB block may) is read from an aligned copy, never misaligned (found by fuzz_event_codec).
TEST(Codec, APayloadAtAnyAddressReadsTheSame) {
  each_domain_alternative([&](const DomainEvent& event) {
    const auto data = encode(event);
    for (std::size_t shift = 1; shift < 8; ++shift) {
      std::string buffer(shift, '\0');
      buffer += data.payload;
      const std::string_view misaligned(buffer.data() + shift, data.payload.size());
      auto decoded = decode(data.type, data.schema_version, misaligned);
      ASSERT_TRUE(decoded) << data.type << " at +" << shift << ": " << decoded.error().to_string();
      EXPECT_TRUE(*decoded == event) << data.type << " at +" << shift;
    }
  });
}

TEST(Codec, OnlyDeclaredTypesAreNotDomainEventsAndTheRestIsUnknown) {
  EXPECT_EQ(kind_of("TokenIssued"), TypeKind::access);
  EXPECT_EQ(kind_of("TokenRevoked"), TypeKind::access);
  EXPECT_EQ(kind_of("Generated"), TypeKind::workload);
  EXPECT_EQ(kind_of("OrderTeleported"), TypeKind::unknown);
  EXPECT_EQ(kind_of(""), TypeKind::unknown);
  EXPECT_EQ(kind_of("orderplaced"), TypeKind::unknown) << "type names are exact";
  const auto error = unknown_type_error(42, "OrderTeleported");
  EXPECT_EQ(error.code, ErrorCode::corruption);
  EXPECT_NE(error.message.find("position 42"), std::string::npos);
  EXPECT_NE(error.message.find("OrderTeleported"), std::string::npos);
}

// Every field of every alternative survives a round trip: the samples set each one to something
// other than its default, so a field the codec forgets to write or read comes back different.
TEST(Codec, EveryFieldOfEveryAlternativeReadsBack) {
  const auto samples = testing::populated_samples(ORDO_SOURCE_DIR);
  std::set<std::string> covered;
  for (const auto& event : samples) {
    const auto data = encode(event);
    covered.insert(data.type);
    auto decoded = decode(data.type, data.schema_version, data.payload);
    ASSERT_TRUE(decoded) << data.type << ": " << decoded.error().to_string();
    EXPECT_TRUE(*decoded == event) << data.type << " loses a field on its way through the log";
    EXPECT_FALSE(*decoded == DomainEvent{std::in_place_index<0>}) << data.type;
  }
  EXPECT_EQ(covered, std::set<std::string>(domain_type_names().begin(), domain_type_names().end()))
      << "the samples must hold one event of every alternative";
  for (const auto& event : testing::populated_access_samples()) {
    const auto data = encode(event);
    auto decoded = decode_access(data.type, data.schema_version, data.payload);
    ASSERT_TRUE(decoded) << data.type;
    EXPECT_TRUE(*decoded == event) << data.type;
  }
  std::set<std::string> users_covered;
  for (const auto& event : testing::populated_user_samples()) {
    const auto data = encode(event);
    users_covered.insert(data.type);
    EXPECT_EQ(kind_of(data.type), TypeKind::access) << data.type;
    auto decoded = decode_user(data.type, data.schema_version, data.payload);
    ASSERT_TRUE(decoded) << data.type << ": " << decoded.error().to_string();
    EXPECT_TRUE(*decoded == event) << data.type << " loses a field on its way through the log";
  }
  EXPECT_EQ(users_covered,
            std::set<std::string>(user_type_names().begin(), user_type_names().end()))
      << "the samples must hold one event of every user event type";
  std::set<std::string> sessions_covered;
  for (const auto& event : testing::populated_session_samples()) {
    const auto data = encode(event);
    sessions_covered.insert(data.type);
    EXPECT_EQ(kind_of(data.type), TypeKind::access) << data.type;
    auto decoded = decode_session(data.type, data.schema_version, data.payload);
    ASSERT_TRUE(decoded) << data.type << ": " << decoded.error().to_string();
    EXPECT_TRUE(*decoded == event) << data.type << " loses a field on its way through the log";
  }
  EXPECT_EQ(sessions_covered,
            std::set<std::string>(session_type_names().begin(), session_type_names().end()));
}

// A grant naming a role or an effect this build does not know is damage, never read as another.
TEST(Codec, AUserEventWithAnUnknownRoleOrEffectIsCorruption) {
  for (const auto& [role, effect, expected] :
       std::vector<std::tuple<std::string, std::uint8_t, std::string>>{
           {"wizard", 0, "unknown role"}, {"auditor", 2, "grant effect has unknown value 2"}}) {
    flatbuffers::FlatBufferBuilder b;
    const auto grant = events::fb::CreateUserGrantDirect(b, role.c_str(), effect);
    b.Finish(events::fb::CreateGrantChangedDirect(b, grant, true, "u-admin", "x", 1));
    const std::string payload(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
    const auto decoded = decode_user("GrantChanged", 1, payload);
    ASSERT_FALSE(decoded) << role;
    EXPECT_EQ(decoded.error().code, ErrorCode::corruption);
    EXPECT_NE(decoded.error().message.find(expected), std::string::npos) << decoded.error().message;
  }
  EXPECT_EQ(decode_user("UserTeleported", 1, "").error().code, ErrorCode::invalid_argument);
}

// An enumeration value this build does not know (written by a newer Ordo, or damage) is an error
// naming the field, never clamped to a value it knows.
TEST(Codec, AnUnknownEnumerationValueIsAnErrorNotAClampedValue) {
  flatbuffers::FlatBufferBuilder b;
  b.Finish(events::fb::CreateOrderPlacedDirect(b, "O-1", "web", "C-1", "e@x.fr", nullptr, 0, 0,
                                               /*method=*/9));
  const std::string payload(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
  auto decoded = decode("OrderPlaced", 1, payload);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, ErrorCode::corruption);
  EXPECT_NE(decoded.error().message.find("delivery method has unknown value 9"), std::string::npos)
      << decoded.error().message;
  // The next decode on the same thread starts clean.
  const auto good = encode(DomainEvent{domain::order::Event{testing::sample_placed()}});
  EXPECT_TRUE(decode(good.type, good.schema_version, good.payload));
}

}  // namespace
}  // namespace ordo::wire
