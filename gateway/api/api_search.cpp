// GET /v1/orders: customer service's search over the order_index projection, oldest first, with
// an opaque cursor. One filter drives the index scan (the most selective given: customer, email,
// site, channel, status, else the date index); the others are checked on each order's view.
#include "gateway/http/asio.h"

#include "base/hex.h"
#include "domain/calendar.h"
#include "eventstore/keys.h"
#include "gateway/api/handlers.h"
#include "gateway/api/support.h"
#include "projections/query_models.h"

namespace ordo::gateway::api {
namespace {

using nlohmann::json;
using P = domain::access::Permission;
constexpr std::size_t kLimitDefault = 50;
constexpr std::size_t kLimitMax = 200;
constexpr std::size_t kScanMax = 5000;  // index entries looked at per page: a page may come back short
constexpr const char* kFilters[] = {"customer", "email", "site", "channel", "status", "queue"};

// An instant as microseconds since the epoch, "YYYY-MM-DD" (UTC midnight) or
// "YYYY-MM-DDTHH:MM:SSZ".
std::optional<std::int64_t> parse_instant(std::string_view text) {
  if (auto us = parse_u64(text)) return static_cast<std::int64_t>(*us);
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  char tail = 0;
  const std::string s(text);
  const int fields = std::sscanf(s.c_str(), "%4u-%2u-%2uT%2u:%2u:%2u%c", &year, &month, &day, &hour,
                                 &minute, &second, &tail);
  const bool date_only = fields == 3 && s.size() == 10;
  const bool date_time = fields == 7 && tail == 'Z' && s.size() == 20;
  if ((!date_only && !date_time) || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  const auto days = domain::calendar::days_from_civil({static_cast<int>(year), month, day});
  return ((days * 24 + hour) * 60 + minute) * 60'000'000LL + second * 1'000'000LL;
}

struct Search {
  std::vector<std::pair<std::string, std::string>> filters;  // field -> value, from the query
  std::int64_t from = 0;
  std::int64_t to = INT64_MAX;
  std::size_t limit = kLimitDefault;
  std::string cursor;  // the last index key of the previous page
};

// The search, or the problem with the query. A scoped caller's scope becomes a filter.
std::variant<Search, http::Response> read_search(const Context& context) {
  Search search;
  for (const char* field : kFilters) {
    if (auto value = context.param(field)) search.filters.emplace_back(field, *value);
  }
  const auto& scope = context.principal.scope;
  for (auto [field, forced] : {std::pair<std::string, std::string>{"site", scope.site_id}, {"channel", scope.channel}}) {
    if (forced.empty()) continue;
    auto it = std::find_if(search.filters.begin(), search.filters.end(), [&](auto& f) { return f.first == field; });
    if (it != search.filters.end() && it->second != forced) {
      return forbidden("this token is limited to " + field + " " + forced);
    }
    if (it == search.filters.end()) search.filters.insert(search.filters.begin(), {field, forced});
  }
  for (auto [name, target] : {std::pair<const char*, std::int64_t*>{"from", &search.from}, {"to", &search.to}}) {
    if (auto text = context.param(name)) {
      auto instant = parse_instant(*text);
      if (!instant) return bad_parameter(name, std::string(name) + " must be YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or microseconds since the epoch");
      *target = *instant;
    }
  }
  if (auto text = context.param("limit")) {
    auto limit = parse_u64(*text);
    if (!limit || *limit == 0 || *limit > kLimitMax) return bad_parameter("limit", "limit must be 1..200");
    search.limit = *limit;
  }
  if (auto text = context.param("cursor")) {
    auto cursor = from_hex(*text);
    if (!cursor) return bad_parameter("cursor", "cursor is not one this API gave");
    search.cursor = std::move(*cursor);
  }
  return search;
}

bool view_matches(const json& view, const std::vector<std::pair<std::string, std::string>>& filters) {
  for (const auto& [field, value] : filters) {
    if (field == "customer" && view.value("customer_id", "") != value) return false;
    if (field == "email" && view.value("email", "") != value) return false;
    if (field == "channel" && view.value("channel", "") != value) return false;
    if (field == "status" && view.value("status", "") != value) return false;
    if (field == "queue" && (value != "customer_service" || !view.value("queued_for_service", false))) return false;
    if (field == "site") {
      const auto lines = view.value("lines", json::array());
      if (std::none_of(lines.begin(), lines.end(), [&](const json& l) { return l.value("site", "") == value; })) return false;
    }
  }
  return true;
}

}  // namespace

Awaitable search_orders(Engine& engine, Context& context) {
  auto parsed = read_search(context);
  if (auto* response = std::get_if<http::Response>(&parsed)) co_return std::move(*response);
  auto search = std::get<Search>(std::move(parsed));
  if (auto waited = co_await await_projection(engine, context)) co_return std::move(*waited);
  const auto field = search.filters.empty() ? std::string("date") : search.filters.front().first;
  const auto value = search.filters.empty() ? std::string() : search.filters.front().second;
  std::string prefix = field + std::string(1, '\0') + value + std::string(1, '\0');
  std::string start = projections::models::index_key(field, value, search.from, "");
  start.pop_back();  // index_key ends with "\0<order>": keep only up to the instant
  if (!search.cursor.empty()) {
    if (!search.cursor.starts_with(prefix)) co_return bad_parameter("cursor", "the cursor belongs to another search");
    start = std::max(start, search.cursor + std::string(1, '\0'));
  }
  json orders = json::array();
  std::string last_key;
  std::size_t scanned = 0;
  bool more = false;
  std::optional<Error> failure;
  auto scan = engine.store.scan_projection(projections::kOrderIndexFamily, prefix, start,
      [&](std::string_view key, std::string_view) {
        const auto rest = key.substr(prefix.size());
        if (rest.size() < 9) return true;
        const auto placed_at = static_cast<std::int64_t>(ordo::get_u64_be(rest.data()));
        if (placed_at > search.to) return false;
        if (orders.size() == search.limit || ++scanned > kScanMax) { more = true; return false; }
        last_key = key;
        const std::string id(rest.substr(9));
        auto view = engine.store.read_projection(projections::kOrdersFamily, id + std::string(1, '\0') + "view");
        if (!view) { failure = view.error(); return false; }
        if (!*view) return true;
        auto doc = json::parse(**view, nullptr, false);
        if (view_matches(doc, search.filters)) orders.push_back(std::move(doc));
        return true;
      });
  if (!scan) co_return refusal(scan.error());
  if (failure) co_return refusal(*failure);
  json body = {{"orders", orders}};
  if (more) body["next_cursor"] = to_hex(last_key);
  co_return json_response(200, dump(body));
}

}  // namespace ordo::gateway::api
