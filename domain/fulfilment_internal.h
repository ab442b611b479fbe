// The order process's intake checks (domain/fulfilment_intake.cpp), for domain/fulfilment.cpp.
#pragma once

#include <optional>
#include <string_view>

#include "domain/fulfilment.h"

namespace ordo::domain::fulfilment::detail {

/// What a channel's master record asks of an order: its currency, a destination it sells to, a
/// delivery method it offers. A channel with no record asks nothing more.
std::optional<Rejection> channel_problem(const order::PlaceOrder& c,
                                         const channel::Channel* channel);

/// The checks of an order whose SKUs are known: prices within the channel's tolerance, items
/// that may be collected when collected, and no SKU beyond what its channel (view `view`) shows.
std::optional<Rejection> intake_problem(const order::PlaceOrder& c, const channel::Channel* channel,
                                        std::string_view view, const Facts& facts);

/// What the channel does with an address that failed validation: refuse it (the rejection),
/// hold the order for customer service (true), or go on (false).
Result<bool, Rejection> address_policy(const order::PlaceOrder& c, const channel::Channel* channel);

}  // namespace ordo::domain::fulfilment::detail
