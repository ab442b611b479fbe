// Shared by the order decider's tests: the decider adapter, a three-line order and its histories
// one step further each. Each test file gets its own copy (anonymous namespace).
#pragma once

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <limits>

#include "domain/order.h"
#include "tests/domain/generators.h"
#include "tests/domain/given_when_then.h"

namespace ordo::domain {
namespace {

using namespace order;
using testing::Scenario;
using testing::uniform;
using Code = Rejection::Code;
using Lines = std::vector<std::uint32_t>;

struct OrderDecider : testing::Decider<Command, Event, State, &decide, &evolve> {};

constexpr Instant kAt = 1'700'000'000'000'000;
const std::string kStrasbourg = "STR-01";
const std::string kParis = "PAR-01";

[[maybe_unused]] Address home() {
  return {"Jeanne Martin", "3 rue des Orfèvres", "", "67000", "Strasbourg", "FR", ""};
}
[[maybe_unused]] Address office() {
  return {"Jeanne Martin", "1 place Kléber", "", "67000", "Strasbourg", "FR", ""};
}

// Three lines: 2 x 10.00 + 1 x 25.00 + 3 x 5.00 = 60.00 EUR.
[[maybe_unused]] PlaceOrder place(DeliveryMethod method = DeliveryMethod::home_standard) {
  return PlaceOrder{"o-1001",
                    "web",
                    "c-7",
                    "jeanne@example.com",
                    {{1, "SKU-A", 2, 1000}, {2, "SKU-B", 1, 2500}, {3, "SKU-C", 3, 500}},
                    home(),
                    home(),
                    method,
                    {"standard-2d", kAt + 2 * kMicrosPerDay, "", "", 0},
                    "EUR",
                    kAt,
                    {}};
}

[[maybe_unused]] OrderPlaced placed(DeliveryMethod method = DeliveryMethod::home_standard) {
  const PlaceOrder c = place(method);
  return OrderPlaced{c.order_id, c.channel,          c.customer_id, c.email,
                     c.lines,    c.billing,          c.delivery,    c.method,
                     c.promise,  Money{6000, "EUR"}, c.at,          {}};
}

LinesAllocated allocated(const std::string& site, const Lines& lines) {
  LinesAllocated e;
  for (std::uint32_t line : lines) e.allocations.push_back({line, site});
  return e;
}

// Lines 1 and 2 at Strasbourg, line 3 at Paris, each history one step further.
[[maybe_unused]] std::vector<Event> allocated_history() {
  return {placed(), allocated(kStrasbourg, {1, 2}), allocated(kParis, {3})};
}
[[maybe_unused]] std::vector<Event> in_preparation_history() {
  auto h = allocated_history();
  h.push_back(PreparationStarted{kStrasbourg, {1, 2}});
  return h;
}
[[maybe_unused]] std::vector<Event> prepared_history() {
  auto h = in_preparation_history();
  h.push_back(OrderPrepared{kStrasbourg, {1, 2}, false});
  return h;
}
[[maybe_unused]] std::vector<Event> shipped_history() {
  auto h = prepared_history();
  h.push_back(OrderShipped{kStrasbourg, {1, 2}, "colissimo", "6A123"});
  return h;
}

[[maybe_unused]] PlaceOrder place_with(void (*change)(PlaceOrder&)) {
  PlaceOrder c = place();
  change(c);
  return c;
}

[[maybe_unused]] void expect_invalid_order(const PlaceOrder& c, std::string_view reason_part) {
  Scenario<OrderDecider>().when(c).then_rejected(Code::invalid, reason_part);
}

}  // namespace
}  // namespace ordo::domain
