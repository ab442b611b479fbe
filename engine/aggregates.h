// One descriptor per aggregate: its commands, events, state, decider, evolution and stream. The
// engine's state, its folding of the log, and the building and parsing of stream ids are generic
// over these descriptors; adding an aggregate is adding a descriptor (and its codec in
// eventstore/codec/).
//
// Stream ids are "<prefix><key>", the key being the aggregate's id (base/id.h), or for stock
// "<site>:<sku>". Ids never hold ':' or '-' at a place that could make two names collide: a prefix
// ends with '-', and ids are 1..64 characters of [A-Za-z0-9._-].
#pragma once

#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>

#include "base/id.h"
#include "domain/access.h"
#include "domain/brand.h"
#include "domain/catalog.h"
#include "domain/channel.h"
#include "domain/configuration.h"
#include "domain/order.h"
#include "domain/sessions.h"
#include "domain/site.h"
#include "domain/stock.h"
#include "domain/users.h"
#include "eventstore/codec/codec.h"

namespace ordo::engine {

/// The key of a stock stream: a SKU at a site. `View` looks one up without building strings.
struct StockKey {
  std::string site_id;
  std::string sku;
  friend bool operator==(const StockKey&, const StockKey&) = default;
};
struct StockKeyView {
  std::string_view site_id;
  std::string_view sku;
};

/// What every descriptor provides, checked at compile time.
template <class A>
concept Aggregate = requires(const typename A::Command& command, const typename A::State& state,
                             const typename A::Event& event, const typename A::Key& key,
                             std::string_view text, std::string& out) {
  { A::kStreamPrefix } -> std::convertible_to<std::string_view>;
  { A::decide(command, state) } -> std::same_as<domain::Decision<typename A::Event>>;
  { A::evolve(typename A::State(state), event) } -> std::same_as<typename A::State>;
  {A::append_key(out, A::view_of(key))};  // the stream id's key part
  { A::parse_key(text) } -> std::same_as<std::optional<typename A::KeyView>>;
  { A::view_of(key) } -> std::same_as<typename A::KeyView>;
};

namespace detail {
/// The Command, Event and State types of a decider function `decide(command, state)`.
template <class Decide>
struct DeciderTypes;
template <class C, class S, class E>
struct DeciderTypes<domain::Decision<E> (*)(const C&, const S&)> {
  using Command = C;
  using State = S;
  using Event = E;
};
}  // namespace detail

/// A descriptor whose key is one id (site, item, order, configuration area, token), from the
/// aggregate's own `decide` and `evolve`.
template <const char* Prefix, auto Decide, auto Evolve>
struct SingleIdAggregate {
  using Types = detail::DeciderTypes<decltype(Decide)>;
  using Command = typename Types::Command;
  using Event = typename Types::Event;
  using State = typename Types::State;
  using Key = std::string;
  using KeyView = std::string_view;
  static constexpr std::string_view kStreamPrefix = Prefix;
  static domain::Decision<Event> decide(const Command& c, const State& s) { return Decide(c, s); }
  static State evolve(State s, const Event& e) { return Evolve(std::move(s), e); }
  static void append_key(std::string& out, KeyView key) { out.append(key); }
  static std::optional<KeyView> parse_key(std::string_view text) {
    if (!is_valid_id(text)) return std::nullopt;
    return text;
  }
  static KeyView view_of(const Key& key) { return key; }
};

namespace detail {
inline constexpr char kSite[] = "site-";
inline constexpr char kItem[] = "item-";
inline constexpr char kOrder[] = "order-";
inline constexpr char kConfig[] = "config-";
inline constexpr char kToken[] = "token-";
inline constexpr char kBrand[] = "brand-";
inline constexpr char kChannel[] = "channel-";
inline constexpr char kUser[] = "user-";
inline constexpr char kSession[] = "session-";
}  // namespace detail

using SiteAggregate =
    SingleIdAggregate<detail::kSite, &domain::site::decide, &domain::site::evolve>;
using ItemAggregate =
    SingleIdAggregate<detail::kItem, &domain::catalog::decide, &domain::catalog::evolve>;
using OrderAggregate =
    SingleIdAggregate<detail::kOrder, &domain::order::decide, &domain::order::evolve>;
using ConfigurationAggregate = SingleIdAggregate<detail::kConfig, &domain::configuration::decide,
                                                 &domain::configuration::evolve>;
using BrandAggregate =
    SingleIdAggregate<detail::kBrand, &domain::brand::decide, &domain::brand::evolve>;
using ChannelAggregate =
    SingleIdAggregate<detail::kChannel, &domain::channel::decide, &domain::channel::evolve>;
/// API tokens: not folded by the engine (the gateway's token registry reads them), named here so
/// that every stream id is built and parsed in one place.
using TokenAggregate =
    SingleIdAggregate<detail::kToken, &domain::access::decide, &domain::access::evolve>;

/// People of the back office: read by the gateway's user registry, like the tokens.
using UserAggregate =
    SingleIdAggregate<detail::kUser, &domain::users::decide, &domain::users::evolve>;

/// Sessions of people: read by the gateway's sign-in service.
using SessionAggregate =
    SingleIdAggregate<detail::kSession, &domain::sessions::decide, &domain::sessions::evolve>;

struct StockAggregate {
  using Command = domain::stock::Command;
  using Event = domain::stock::Event;
  using State = domain::stock::State;
  using Key = StockKey;
  using KeyView = StockKeyView;
  static constexpr std::string_view kStreamPrefix = "stock-";
  static domain::Decision<Event> decide(const Command& c, const State& s) {
    return domain::stock::decide(c, s);
  }
  static State evolve(State s, const Event& e) { return domain::stock::evolve(std::move(s), e); }
  static void append_key(std::string& out, KeyView key) {
    out.append(key.site_id).append(":").append(key.sku);
  }
  static std::optional<KeyView> parse_key(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    KeyView key{text.substr(0, colon), text.substr(colon + 1)};
    if (!is_valid_id(key.site_id) || !is_valid_id(key.sku)) return std::nullopt;
    return key;
  }
  static KeyView view_of(const Key& key) { return {key.site_id, key.sku}; }
};

/// The aggregates the engine folds, in the order of wire::DomainEvent's alternatives.
using EngineAggregates = std::tuple<SiteAggregate, ItemAggregate, StockAggregate, OrderAggregate,
                                    ConfigurationAggregate, BrandAggregate, ChannelAggregate>;

static_assert(Aggregate<SiteAggregate> && Aggregate<ItemAggregate> && Aggregate<StockAggregate> &&
              Aggregate<OrderAggregate> && Aggregate<ConfigurationAggregate> &&
              Aggregate<TokenAggregate> && Aggregate<UserAggregate> && Aggregate<BrandAggregate> &&
              Aggregate<ChannelAggregate>);

namespace detail {
template <class Tuple>
struct EventsOf;
template <class... A>
struct EventsOf<std::tuple<A...>> {
  using type = std::variant<typename A::Event...>;
};
}  // namespace detail
// The codec decodes exactly the events of the aggregates the engine folds, in the same order: an
// aggregate added to one and not the other does not compile.
static_assert(std::is_same_v<detail::EventsOf<EngineAggregates>::type, wire::DomainEvent>);

}  // namespace ordo::engine
