// GET /v1/orders: customer service's search over the order_index projection, oldest first, with
// an opaque cursor. One filter drives the index scan (the most selective given: customer, email,
// site, channel, status, else the date index); the others are checked on each order's view.
#include "base/hex.h"
#include "gateway/api/handlers.h"
#include "gateway/api/support.h"
#include "gateway/http/asio.h"
#include "gateway/json/master_json.h"
#include "gateway/json/views_json.h"

namespace ordo::gateway::api {
namespace {

using nlohmann::json;
using P = domain::access::Permission;
constexpr std::size_t kLimitDefault = 50;
constexpr std::size_t kLimitMax = 200;

// An instant as microseconds since the epoch, "YYYY-MM-DD" (UTC midnight) or
// "YYYY-MM-DDTHH:MM:SSZ".
std::optional<std::int64_t> parse_instant(std::string_view text) {
  if (auto us = parse_u64(text)) return static_cast<std::int64_t>(*us);
  return ordo::json::parse_timestamp(text);
}

// The search, or the problem with the query. A scoped caller's scope becomes a filter.
std::variant<projections::OrderSearch, http::Response> read_search(const Context& context) {
  projections::OrderSearch search;
  search.limit = kLimitDefault;
  for (const char* field : projections::kSearchFields) {
    auto value = context.param(field);
    if (!value) continue;
    search.filters.emplace_back(field, std::string_view(field) == "email"
                                           ? domain::order::normalised_email(*value)
                                           : std::string(*value));
  }
  // A value no order can have is a mistake to name, not an empty list.
  if (auto status = context.param("status")) {
    using domain::order::LineStatus;
    bool known = *status == domain::order::kAwaitingService;
    std::string names;
    for (auto s = 0; s <= static_cast<int>(LineStatus::pre_ordered); ++s) {
      const auto name = domain::order::to_string(static_cast<LineStatus>(s));
      known |= name == *status;
      names += (names.empty() ? "" : ", ") + std::string(name);
    }
    names += ", " + std::string(domain::order::kAwaitingService);
    if (!known) return bad_parameter("status", "status is one of " + names);
  }
  if (auto queue = context.param("queue"); queue && *queue != "customer_service")
    return bad_parameter("queue", "queue is customer_service");
  const auto& who = context.principal;
  for (auto [field, forced] :
       {std::pair<std::string, std::string>{"site", domain::access::only_site(who, P::orders_read)},
        {"channel", domain::access::only_channel(who, P::orders_read)}}) {
    if (forced.empty()) continue;
    auto it = std::find_if(search.filters.begin(), search.filters.end(),
                           [&](auto& f) { return f.first == field; });
    if (it != search.filters.end() && it->second != forced) {
      return forbidden("this token is limited to " + field + " " + forced);
    }
    if (it == search.filters.end()) search.filters.insert(search.filters.begin(), {field, forced});
  }
  for (auto [name, target] :
       {std::pair<const char*, std::int64_t*>{"from", &search.from}, {"to", &search.to}}) {
    if (auto text = context.param(name)) {
      auto instant = parse_instant(*text);
      if (!instant)
        return bad_parameter(
            name, std::string(name) +
                      " must be YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or microseconds since the epoch");
      *target = *instant;
    }
  }
  if (auto text = context.param("limit")) {
    auto limit = parse_u64(*text);
    if (!limit || *limit == 0 || *limit > kLimitMax)
      return bad_parameter("limit", "limit must be 1..200");
    search.limit = *limit;
  }
  if (auto text = context.param("cursor")) {
    auto cursor = from_hex(*text);
    if (!cursor) return bad_parameter("cursor", "cursor is not one this API gave");
    search.after = std::move(*cursor);
  }
  return search;
}

}  // namespace

Awaitable search_orders(Engine& engine, Context& context) {
  auto parsed = read_search(context);
  if (auto* response = std::get_if<http::Response>(&parsed)) co_return std::move(*response);
  auto search = std::get<projections::OrderSearch>(std::move(parsed));
  if (auto waited = co_await await_projection(engine, context)) co_return std::move(*waited);
  auto page = engine.projector.search(search);
  if (!page) {
    if (page.error().code == ErrorCode::invalid_argument)
      co_return bad_parameter("cursor", page.error().message);
    co_return refusal(page.error());
  }
  json orders = json::array();
  for (const auto& view : page->orders) orders.push_back(ordo::json::order_json(view));
  json body = {{"orders", std::move(orders)}};
  if (!page->next_cursor.empty()) body["next_cursor"] = to_hex(page->next_cursor);
  co_return json_response(200, dump(body));
}

}  // namespace ordo::gateway::api
