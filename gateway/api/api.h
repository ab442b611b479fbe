// The HTTP API under /v1: routes, authentication, authorization, and the handlers that turn
// requests into pipeline commands or read the projections.
//
// Every route but /healthz and /readyz needs a bearer token whose role grants the route's
// permission; handlers then check the scope against what the request touches (a store's token
// sees its own site's orders only). Bad input is answered with a problem (problem.h) before
// anything is written.
//
// Writes answer once durable and carry "position", the log position of their last event. Reads
// accept "min_position": they wait (up to 2 s) until the projections have applied it, which gives
// a client read-your-writes over eventually consistent query models.
//
// Thread-safety: handle() from any I/O thread, concurrently.
#pragma once

// clang-format off
#include <utility>  // boost/asio/awaitable.hpp (1.74) uses std::exchange without it
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <span>

#include "domain/access.h"
#include "engine/pipeline.h"
#include "gateway/api/problem.h"
#include "gateway/http/server.h"
#include "gateway/metrics.h"
#include "gateway/security/tokens.h"
#include "projections/projector.h"

namespace ordo::gateway::api {

/// A postcode's centroid and region (adapters/postcodes.h).
struct Place {
  domain::geo::Point point;
  std::string region;
};
using PlaceLookup =
    std::function<std::optional<Place>(std::string_view country, std::string_view postcode)>;

/// What the handlers work with; owned by the composition root (ordo serve).
struct Engine {
  eventstore::EventStore& store;
  engine::Pipeline& pipeline;
  projections::Projector& projector;
  TokenRegistry& tokens;
  Metrics& metrics;
  std::function<bool()> accepting;             // false while shutting down (readyz)
  std::function<std::string()> extra_metrics;  // server-level gauges for /metrics
  PlaceLookup locate;  // unset: postcodes are not checked and distances are unknown
  /// Address validation at intake (adapters/address_check.h); unset: addresses are unchecked.
  std::function<domain::AddressCheck(domain::Address&)> check_address;
};

/// One request as the handlers see it.
struct Context {
  http::Request& request;
  std::vector<std::string> params;  // the {placeholders} of the route, in order
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  domain::access::Principal principal;

  /// The first value of a query parameter.
  std::optional<std::string_view> param(std::string_view name) const;
  /// Every value of a query parameter (sku=A&sku=B and sku=A,B).
  std::vector<std::string> all(std::string_view name) const;
  eventstore::Actor actor() const;
};

using Handler = boost::asio::awaitable<http::Response> (*)(Engine&, Context&);

struct Route {
  http::bhttp::verb method;
  std::string_view pattern;  // "/v1/orders/{id}"
  enum class Access : std::uint8_t { open, any_token, permission };
  Access access;
  domain::access::Permission permission;  // for Access::permission
  Handler handler;
};

/// Waits for a running file import (POST /v1/imports) to finish: its thread submits to the
/// pipeline, so call it after the server stopped taking requests and before the pipeline goes.
void wait_for_imports();

/// Every route, for the router, the metrics and the OpenAPI test.
std::span<const Route> routes();
/// A label per route ("GET /v1/orders/{id}"), in routes() order: the metrics' route names.
std::vector<std::string> route_labels();

class Api {
 public:
  explicit Api(Engine engine) : engine_(std::move(engine)) {}
  boost::asio::awaitable<http::Response> handle(http::Request& request);
  /// The answer that refuses a request on its headers alone (no route, wrong method, no or bad
  /// token, role without the grant), or nullopt. The server asks before reading a body, so that
  /// nobody without a token can make it hold one.
  std::optional<http::Response> screen(http::Request& header);

 private:
  Engine engine_;
};

/// The OpenAPI 3 document served at /v1/openapi.json.
const std::string& openapi_document();

/// The query parameters the OpenAPI document names for each route (same order as routes()): the
/// router refuses any other, so the document is the whole contract.
const std::vector<std::vector<std::string>>& documented_query_parameters();

}  // namespace ordo::gateway::api
