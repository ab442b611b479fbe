// The event codec (eventstore/codec/codec.h) on any payload bytes, for each stored event type
// (the engine's, the API tokens', the users' and the sessions'): the first byte picks the type.
// Properties: a payload is decoded or refused (damage is an error, never a crash or a read out
// of bounds); once
// written by this codec, an event reads back to the same event and writes the same bytes again
// (bytes, not values: a NaN coordinate is not equal to itself) (what replay reads is what was
// written). The first write may normalise what the fuzzer's bytes hold and Ordo never writes (a
// text holding a NUL is cut there: every text Ordo accepts is refused with a NUL at its boundary),
// hence the property from the second write on; that every field survives is
// tests/wire/codec_test.cpp's.
#include "eventstore/codec/codec.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

// Decodes, writes back, reads and writes again: the second write must give the same bytes.
template <class Decode>
int round_trip(const std::string& type, std::string_view payload, Decode decode) {
  const auto decoded = decode(type, ordo::wire::kSchemaVersion, payload);
  if (!decoded) {
    ORDO_FUZZ_CHECK(!decoded.error().message.empty());
    return 0;
  }
  const auto first = ordo::wire::encode(*decoded);
  ORDO_FUZZ_CHECK(first.type == type);
  const auto written = decode(first.type, first.schema_version, first.payload);
  ORDO_FUZZ_CHECK(written.has_value());
  const auto second = ordo::wire::encode(*written);
  const auto again = decode(second.type, second.schema_version, second.payload);
  ORDO_FUZZ_CHECK(again.has_value());
  ORDO_FUZZ_CHECK(ordo::wire::encode(*again) == second);
  return 0;
}

// Every stored type: the engine's, then the API tokens', then the users'.
const std::vector<std::string>& all_types() {
  static const std::vector<std::string> kTypes = [] {
    auto types = ordo::wire::domain_type_names();
    types.push_back("TokenIssued");
    types.push_back("TokenRevoked");
    for (const auto& t : ordo::wire::user_type_names()) types.push_back(t);
    for (const auto& t : ordo::wire::session_type_names()) types.push_back(t);
    return types;
  }();
  return kTypes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ordo::fuzz::Input input{data, size};
  const auto& types = all_types();
  const auto& type = types[input.take() % types.size()];
  const auto payload = input.rest();
  if (ordo::wire::is_access_type(type)) return round_trip(type, payload, ordo::wire::decode_access);
  if (ordo::wire::is_user_type(type)) return round_trip(type, payload, ordo::wire::decode_user);
  if (ordo::wire::is_session_type(type))
    return round_trip(type, payload, ordo::wire::decode_session);
  return round_trip(type, payload, [](std::string_view t, std::uint16_t v, std::string_view p) {
    return ordo::wire::decode(t, v, p);
  });
}
