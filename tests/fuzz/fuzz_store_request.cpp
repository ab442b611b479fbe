// A store's request over NATS (claim, decline, release, start_preparation, prepared, pending) on
// any bytes, as AllocationRelay::parse_request reads it. Properties: a request is read or refused
// with a reason, never crashes; a command read acts for the site whose subject it came on, never
// another; its order id is an id; a claim or decline carries the round it names; reading is
// deterministic.
#include <variant>

#include "adapters/allocation_relay.h"
#include "base/id.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using ordo::adapters::AllocationRelay;
namespace order = ordo::domain::order;

std::string site_of(const order::Command& command) {
  return std::visit(
      [](const auto& c) -> std::string {
        if constexpr (requires { c.site_id; })
          return c.site_id;
        else
          return "";
      },
      command);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const std::string site = "FR-10422A";
  std::string action;
  std::uint32_t round = 0;
  const auto parsed = AllocationRelay::parse_request(site, body, 7, action, round);
  std::string action_again;
  std::uint32_t round_again = 0;
  const auto again = AllocationRelay::parse_request(site, body, 7, action_again, round_again);
  ORDO_FUZZ_CHECK(parsed.has_value() == again.has_value());
  if (!parsed) {
    ORDO_FUZZ_CHECK(!parsed.error().empty());
    return 0;
  }
  ORDO_FUZZ_CHECK(ordo::is_valid_id(parsed->order_id));
  ORDO_FUZZ_CHECK(site_of(parsed->command) == site);
  if (const auto* claim = std::get_if<order::ClaimOffer>(&parsed->command)) {
    ORDO_FUZZ_CHECK(claim->round == round && round >= 1);
  }
  ORDO_FUZZ_CHECK(action == action_again && round == round_again);
  return 0;
}
