#include "engine/facts.h"

namespace ordo::engine {

const domain::stock::State& StateFacts::stock(std::string_view site_id,
                                              std::string_view sku) const {
  static const domain::stock::State kNone{};
  const auto* s = state_.stock(site_id, sku);
  return s != nullptr ? *s : kNone;
}

const domain::site::Profile* StateFacts::site(std::string_view site_id) const {
  const auto* s = state_.site(site_id);
  return s != nullptr ? &s->profile : nullptr;
}

const domain::catalog::Item* StateFacts::item(std::string_view sku) const {
  const auto* s = state_.item(sku);
  return s != nullptr ? &s->item : nullptr;
}

std::optional<domain::geo::Point> StateFacts::locate(const domain::Address& address) const {
  if (!locate_) return std::nullopt;
  return locate_(address.country, address.postcode);
}

}  // namespace ordo::engine
