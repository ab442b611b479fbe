// The codec's per-aggregate decoders, dispatched by codec.cpp. Internal. Each returns nullopt for
// a type that is not its own.
#pragma once

#include <optional>
#include <string_view>

#include "eventstore/codec/codec.h"

namespace ordo::wire {

std::optional<Result<DomainEvent>> decode_site_or_item(std::string_view type,
                                                       std::string_view payload);
std::optional<Result<DomainEvent>> decode_stock(std::string_view type, std::string_view payload);
std::optional<Result<DomainEvent>> decode_order(std::string_view type, std::string_view payload);
std::optional<Result<DomainEvent>> decode_configuration(std::string_view type,
                                                        std::string_view payload);

}  // namespace ordo::wire
