// The codec's per-aggregate decoders, dispatched by codec.cpp. Internal. Each returns nullopt for
// a type that is not its own.
#pragma once

#include <optional>
#include <string_view>

#include "eventstore/codec/codec.h"
#include "eventstore/codec/codec_support.h"

namespace ordo::wire {

std::optional<Result<DomainEvent>> decode_master(std::string_view type, std::string_view payload);
std::optional<Result<DomainEvent>> decode_stock(std::string_view type, std::string_view payload);
std::optional<Result<DomainEvent>> decode_order(std::string_view type, std::string_view payload);
std::optional<Result<DomainEvent>> decode_configuration(std::string_view type,
                                                        std::string_view payload);

}  // namespace ordo::wire

namespace ordo::wire {
/// Reads a verified `Table` payload through `make`; an error when verification fails.
template <class Table, class Make>
std::optional<Result<DomainEvent>> read(std::string_view type, std::string_view payload,
                                        Make make) {
  auto table = root<Table>(payload, type);
  if (!table) return Result<DomainEvent>(std::unexpected(table.error()));
  return Result<DomainEvent>(make(*table));
}
}  // namespace ordo::wire
