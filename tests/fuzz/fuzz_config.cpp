// The configuration areas' documents (inventory views, orchestration rules, delivery promise) on
// any JSON: the first byte picks the area. Properties: a document is accepted or refused with
// problems that each have a pointer and a message; an accepted document written back out reads
// back to the same configuration (parse(to_json(x)) == x), so what Ordo stores, shows and
// exports is what it acts on.
#include <nlohmann/json.hpp>

#include "gateway/json/inventory_views_json.h"
#include "gateway/json/orchestration_json.h"
#include "gateway/json/promise_json.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

namespace oj = ordo::json;

template <class Parsed>
bool accepted(const Parsed& parsed) {
  if (!parsed) {
    ORDO_FUZZ_CHECK(!parsed.error().empty());
    for (const auto& e : parsed.error()) {
      ORDO_FUZZ_CHECK(e.pointer.empty() || e.pointer.front() == '/');
      ORDO_FUZZ_CHECK(!e.message.empty());
    }
  }
  return parsed.has_value();
}

template <class Parse>
void round_trip(const nlohmann::json& document, Parse parse) {
  const auto parsed = parse(document);
  if (!accepted(parsed)) return;
  const auto again = parse(oj::to_json(*parsed));
  ORDO_FUZZ_CHECK(again.has_value());
  ORDO_FUZZ_CHECK(*again == *parsed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ordo::fuzz::Input input{data, size};
  const auto area = input.take() % 3;
  const auto document = nlohmann::json::parse(input.rest(), nullptr, false);
  if (document.is_discarded()) return 0;
  switch (area) {
    case 0:
      round_trip(document, [](const nlohmann::json& d) { return oj::parse_inventory_views(d); });
      break;
    case 1:
      round_trip(document, [](const nlohmann::json& d) { return oj::parse_orchestration(d); });
      break;
    default:
      round_trip(document, [](const nlohmann::json& d) { return oj::parse_promise_config(d); });
      break;
  }
  return 0;
}
