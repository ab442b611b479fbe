// Master data over HTTP: sites, catalog items, brands and channels. Lists are paged in id order
// with filters; GET of one record returns it with its history (every event of its stream, who
// wrote it and when); PUT defines a record (creates it or changes it, nothing when equal), so it
// can be retried; sites are closed and reopened by action. Every reference is checked by the
// engine, which names the field.
#include "engine/streams.h"
#include "gateway/api/handlers.h"
#include "gateway/api/support.h"
#include "gateway/http/asio.h"
#include "gateway/json/master_json.h"

namespace ordo::gateway::api {
namespace {

using nlohmann::json;
namespace site = domain::site;
constexpr std::size_t kPageDefault = 50;
constexpr std::size_t kPageMax = 500;
constexpr std::uint64_t kHistoryMax = 1000;

// The query's filters (of the fields `known`), cursor and limit; a problem for a bad limit.
template <class Names>
std::variant<projections::MasterQuery, http::Response> query_of(const Context& context,
                                                                const Names& known) {
  projections::MasterQuery query;
  query.limit = kPageDefault;
  for (const auto& [name, value] : context.query) {
    if (name == "after") {
      query.after = value;
    } else if (name == "limit") {
      const auto limit = parse_u64(value);
      if (!limit || *limit == 0 || *limit > kPageMax)
        return bad_parameter("limit", "limit is 1..500");
      query.limit = static_cast<std::size_t>(*limit);
    } else if (name != "min_position") {
      if (std::find(std::begin(known), std::end(known), name) == std::end(known)) {
        std::string names;
        for (const char* n : known) names += (names.empty() ? "" : ", ") + std::string(n);
        return bad_parameter(name, "unknown filter (known: " + names + (names.empty() ? "" : ", ") +
                                       "after, limit)");
      }
      query.filters.emplace_back(name, value);
    }
  }
  return query;
}

template <class Page, class Render>
http::Response page_response(const Result<Page>& page, std::string_view list_name, Render render) {
  if (!page) return bad_parameter("filter", page.error().message);
  json records = json::array();
  for (const auto& r : page->records) records.push_back(render(r));
  json out = {{std::string(list_name), std::move(records)}};
  if (!page->next_cursor.empty()) out["next_cursor"] = page->next_cursor;
  return json_response(200, dump(out));
}

// Every event of `stream`, oldest first (at most the last kHistoryMax).
Result<json> history(Engine& engine, const std::string& stream, std::uint64_t version) {
  const std::uint64_t from = version > kHistoryMax ? version - kHistoryMax + 1 : 1;
  auto events = engine.store.read_stream(stream, from, kHistoryMax);
  if (!events) return std::unexpected(events.error());
  json out = json::array();
  for (const auto& e : *events) out.push_back(recorded_event_json(e));
  return out;
}

template <class Record, class Render>
http::Response one_record(Engine& engine, Context& context, const std::optional<Record>& record,
                          std::string_view what, const std::string& stream, Render render) {
  if (!record) return not_found("no " + std::string(what) + " '" + context.params.at(0) + "'");
  auto events = history(engine, stream, record->version);
  if (!events) return refusal(events.error());
  json out = render(*record);
  return json_response(200, dump({{std::string(what), std::move(out)},
                                  {"version", record->version},
                                  {"history", std::move(*events)}}));
}

// The path's id in the body: filled in when absent, a problem when another.
std::optional<http::Response> same_id(json& body, std::string_view field, const std::string& id) {
  if (!body.is_object()) return std::nullopt;  // the parser reports it
  auto it = body.find(field);
  if (it == body.end()) {
    body[std::string(field)] = id;
  } else if (!it->is_string() || it->get<std::string>() != id) {
    return validation({{"/" + std::string(field),
                        "the body names another id than the path (" + id.substr(0, 64) + ")"}});
  }
  return std::nullopt;
}

// Submits a master data command: 201 when it created the record, 200 when it changed it or it
// was already so ("changed": false), with the record as the caller sent it. The command and the
// record live in the calling handler's frame (arguments of a nested coroutine are kept by
// reference, never converted temporaries, which GCC 12 mishandles).
Awaitable write(Engine& engine, Context& context, engine::Command& command, json& record,
                bool created_if_new) {
  auto key = idempotency_key(context);
  if (auto* problem_response = std::get_if<http::Response>(&key))
    co_return std::move(*problem_response);
  engine::Submission s{command, {}, std::nullopt, context.actor(), {}, {}, {}};
  if (auto* k = std::get_if<std::string>(&key)) {
    s.idempotency_key = *k;
    s.request_hash = request_hash(context.request);
  }
  auto answer = co_await submit(engine.pipeline, std::move(s));
  if (!answer) co_return refusal(answer.error());
  const bool changed = answer->first_position != 0 || answer->duplicate;
  const bool created = created_if_new && answer->created;
  json out = record;
  out["changed"] = changed;
  co_return with_position(json_response(created ? 201 : 200, dump(out)), answer->last_position);
}

std::variant<json, http::Response> body_with_id(Context& context, std::string_view field) {
  auto body = parse_body(context.request);
  if (auto* problem_response = std::get_if<http::Response>(&body))
    return std::move(*problem_response);
  auto& value = std::get<json>(body);
  if (auto problem = same_id(value, field, context.params.at(0))) return std::move(*problem);
  return std::move(value);
}

// Fills a site's coordinates (and region when empty) from the postcode gazetteer.
std::optional<http::Response> locate_site(Engine& engine, ordo::json::SiteBody& site) {
  if (site.has_coordinates) return std::nullopt;
  auto& p = site.profile;
  const auto place = engine.locate ? engine.locate(p.country, p.postcode) : std::nullopt;
  if (!place) {
    return validation(
        {{"/latitude", "latitude and longitude are required: postcode \"" +
                           p.postcode.substr(0, 16) + "\" (" + p.country.substr(0, 4) +
                           ") is not in the postcode gazetteer"}});
  }
  p.latitude = place->point.latitude;
  p.longitude = place->point.longitude;
  if (p.region.empty()) p.region = place->region;
  return std::nullopt;
}

// The command and record of a site body, or the problem to answer.
std::optional<http::Response> site_command(Engine& engine, const json& body, bool register_only,
                                           engine::Command& command, json& record) {
  auto parsed = ordo::json::parse_site(body);
  if (!parsed) return validation(parsed.error());
  if (auto problem = locate_site(engine, *parsed)) return problem;
  const auto& id = parsed->site_id;
  record = ordo::json::site_json(id, parsed->profile);
  record.erase("status");
  command = register_only ? site::Command{site::RegisterSite{id, parsed->profile, now_us()}}
                          : site::Command{site::DefineSite{id, parsed->profile, now_us()}};
  return std::nullopt;
}

}  // namespace

Awaitable list_sites(Engine& engine, Context& context) {
  if (auto waited = co_await await_projection(engine, context)) co_return std::move(*waited);
  auto query = query_of(context, projections::kSiteFilters);
  if (auto* problem = std::get_if<http::Response>(&query)) co_return std::move(*problem);
  co_return page_response(
      engine.projector.sites(std::get<projections::MasterQuery>(query)), "sites",
      [](const projections::SiteRecord& r) { return ordo::json::site_json(r.site_id, r.profile); });
}

Awaitable get_site(Engine& engine, Context& context) {
  if (auto waited = co_await await_projection(engine, context)) co_return std::move(*waited);
  const auto& id = context.params.at(0);
  co_return one_record(
      engine, context, engine.projector.site(id), "site", engine::site_stream(id),
      [](const projections::SiteRecord& r) { return ordo::json::site_json(r.site_id, r.profile); });
}

Awaitable post_site(Engine& engine, Context& context) {
  auto body = parse_body(context.request);
  if (auto* problem_response = std::get_if<http::Response>(&body))
    co_return std::move(*problem_response);
  engine::Command command;
  json record;
  if (auto problem = site_command(engine, std::get<json>(body), true, command, record))
    co_return std::move(*problem);
  auto response = co_await write(engine, context, command, record, true);
  co_return response;
}

Awaitable put_site(Engine& engine, Context& context) {
  auto body = body_with_id(context, "site_id");
  if (auto* problem_response = std::get_if<http::Response>(&body))
    co_return std::move(*problem_response);
  engine::Command command;
  json record;
  if (auto problem = site_command(engine, std::get<json>(body), false, command, record))
    co_return std::move(*problem);
  auto response = co_await write(engine, context, command, record, true);
  co_return response;
}

Awaitable close_site(Engine& engine, Context& context) {
  auto body = parse_body(context.request);
  if (auto* problem_response = std::get_if<http::Response>(&body))
    co_return std::move(*problem_response);
  auto closure = ordo::json::parse_site_closure(std::get<json>(body));
  if (!closure) co_return validation(closure.error());
  const auto& id = context.params.at(0);
  json record = {{"site_id", id}, {"for_good", closure->for_good}, {"reason", closure->reason}};
  engine::Command command =
      site::Command{site::CloseSite{id, closure->for_good, closure->reason, 0, now_us()}};
  auto response = co_await write(engine, context, command, record, false);
  co_return response;
}

Awaitable reopen_site(Engine& engine, Context& context) {
  const auto& id = context.params.at(0);
  json record = {{"site_id", id}};
  engine::Command command = site::Command{site::ReopenSite{id, now_us()}};
  auto response = co_await write(engine, context, command, record, false);
  co_return response;
}

Awaitable list_items(Engine& engine, Context& context) {
  if (auto waited = co_await await_projection(engine, context)) co_return std::move(*waited);
  auto query = query_of(context, projections::kItemFilters);
  if (auto* problem = std::get_if<http::Response>(&query)) co_return std::move(*problem);
  co_return page_response(
      engine.projector.items(std::get<projections::MasterQuery>(query)), "items",
      [](const projections::ItemRecord& r) { return ordo::json::item_json(r.item); });
}

Awaitable get_item(Engine& engine, Context& context) {
  if (auto waited = co_await await_projection(engine, context)) co_return std::move(*waited);
  const auto& sku = context.params.at(0);
  co_return one_record(
      engine, context, engine.projector.item(sku), "item", engine::item_stream(sku),
      [](const projections::ItemRecord& r) { return ordo::json::item_json(r.item); });
}

Awaitable put_item(Engine& engine, Context& context) {
  auto body = body_with_id(context, "sku");
  if (auto* problem_response = std::get_if<http::Response>(&body))
    co_return std::move(*problem_response);
  auto item = ordo::json::parse_item(std::get<json>(body));
  if (!item) co_return validation(item.error());
  json record = ordo::json::item_json(*item);
  const bool prices_given = std::get<json>(body).contains("prices");
  engine::Command command =
      domain::catalog::Command{domain::catalog::DefineItem{*item, now_us(), prices_given}};
  auto response = co_await write(engine, context, command, record, true);
  co_return response;
}

Awaitable list_brands(Engine& engine, Context& context) {
  if (auto waited = co_await await_projection(engine, context)) co_return std::move(*waited);
  constexpr std::array<const char*, 0> kNone{};
  auto query = query_of(context, kNone);
  if (auto* problem = std::get_if<http::Response>(&query)) co_return std::move(*problem);
  co_return page_response(
      engine.projector.brands(std::get<projections::MasterQuery>(query)), "brands",
      [](const projections::BrandRecord& r) { return ordo::json::brand_json(r.brand); });
}

Awaitable get_brand(Engine& engine, Context& context) {
  if (auto waited = co_await await_projection(engine, context)) co_return std::move(*waited);
  const auto& id = context.params.at(0);
  co_return one_record(
      engine, context, engine.projector.brand(id), "brand", engine::brand_stream(id),
      [](const projections::BrandRecord& r) { return ordo::json::brand_json(r.brand); });
}

Awaitable put_brand(Engine& engine, Context& context) {
  auto body = body_with_id(context, "brand_id");
  if (auto* problem_response = std::get_if<http::Response>(&body))
    co_return std::move(*problem_response);
  auto brand = ordo::json::parse_brand(std::get<json>(body));
  if (!brand) co_return validation(brand.error());
  json record = ordo::json::brand_json(*brand);
  engine::Command command = domain::brand::Command{domain::brand::DefineBrand{*brand, now_us()}};
  auto response = co_await write(engine, context, command, record, true);
  co_return response;
}

Awaitable list_channels(Engine& engine, Context& context) {
  if (auto waited = co_await await_projection(engine, context)) co_return std::move(*waited);
  auto query = query_of(context, projections::kChannelFilters);
  if (auto* problem = std::get_if<http::Response>(&query)) co_return std::move(*problem);
  co_return page_response(
      engine.projector.channels(std::get<projections::MasterQuery>(query)), "channels",
      [](const projections::ChannelRecord& r) { return ordo::json::channel_json(r.channel); });
}

Awaitable get_channel(Engine& engine, Context& context) {
  if (auto waited = co_await await_projection(engine, context)) co_return std::move(*waited);
  const auto& id = context.params.at(0);
  co_return one_record(
      engine, context, engine.projector.channel(id), "channel", engine::channel_stream(id),
      [](const projections::ChannelRecord& r) { return ordo::json::channel_json(r.channel); });
}

Awaitable put_channel(Engine& engine, Context& context) {
  auto body = body_with_id(context, "channel_id");
  if (auto* problem_response = std::get_if<http::Response>(&body))
    co_return std::move(*problem_response);
  auto channel = ordo::json::parse_channel(std::get<json>(body));
  if (!channel) co_return validation(channel.error());
  json record = ordo::json::channel_json(*channel);
  engine::Command command =
      domain::channel::Command{domain::channel::DefineChannel{*channel, now_us()}};
  auto response = co_await write(engine, context, command, record, true);
  co_return response;
}

}  // namespace ordo::gateway::api
