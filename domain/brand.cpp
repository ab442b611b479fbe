#include "domain/brand.h"

#include "base/id.h"

namespace ordo::domain::brand {

Decision<Event> decide(const Command& command, const State& state) {
  const auto& b = std::get<DefineBrand>(command).brand;
  if (!is_valid_id(b.brand_id)) {
    return reject(Rejection::Code::invalid,
                  "brand_id '" + b.brand_id + "' must be " + std::string(kIdRule));
  }
  if (b.name.empty())
    return reject(Rejection::Code::invalid, "brand " + b.brand_id + ": name is required");
  if (!state.exists) return std::vector<Event>{BrandDefined{b}};
  if (b.brand_id != state.brand.brand_id) {
    return reject(
        Rejection::Code::invalid,
        "brand " + b.brand_id + " was sent to the stream of brand " + state.brand.brand_id);
  }
  if (b == state.brand) return std::vector<Event>{};
  return std::vector<Event>{BrandChanged{b}};
}

State evolve(State state, const Event& event) {
  std::visit(
      [&](const auto& e) {
        state.exists = true;
        state.brand = e.brand;
      },
      event);
  return state;
}

}  // namespace ordo::domain::brand
