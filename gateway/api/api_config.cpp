// Configuration areas over HTTP: the active document, a change (author and reason required;
// invalid documents are refused with a pointer per problem and the active version stays), and the
// history of every version with who changed it, when and why.
#include "engine/streams.h"
#include "eventstore/codec/codec.h"
#include "gateway/api/handlers.h"
#include "gateway/api/support.h"
#include "gateway/http/asio.h"
#include "gateway/json/commands_json.h"
#include "gateway/json/inventory_views_json.h"
#include "gateway/json/orchestration_json.h"
#include "gateway/json/promise_json.h"

namespace ordo::gateway::api {
namespace {

using nlohmann::json;
namespace cfg = domain::configuration;
constexpr std::string_view kAreas[] = {"inventory_views", "orchestration", "promise"};
constexpr std::size_t kVersionsMax = 100000;

std::optional<http::Response> unknown_area(const std::string& area) {
  for (auto known : kAreas) {
    if (known == area) return std::nullopt;
  }
  return not_found("no configuration area '" + area.substr(0, 64) +
                   "'; areas: inventory_views, orchestration, promise");
}

struct Version {
  cfg::ConfigurationChanged change;
  eventstore::RecordedEvent event;
};

Result<std::vector<Version>> versions(Engine& engine, const std::string& area) {
  auto events = engine.store.read_stream(engine::config_stream(area), 1, kVersionsMax);
  if (!events) return std::unexpected(events.error());
  std::vector<Version> out;
  for (auto& e : *events) {
    auto decoded = wire::decode(e.type, e.schema_version, e.payload);
    if (!decoded) return std::unexpected(decoded.error());
    const auto* event = std::get_if<cfg::Event>(&*decoded);
    if (event == nullptr) continue;
    out.push_back({std::get<cfg::ConfigurationChanged>(*event), std::move(e)});
  }
  return out;
}

json document_json(const cfg::Document& document) {
  return std::visit([](const auto& d) { return ordo::json::to_json(d); }, document);
}

json version_json(const Version& v, bool with_document) {
  json out = {
      {"version", v.change.version},
      {"author", v.change.author},
      {"reason", v.change.reason},
      {"changed_at_us", v.change.changed_at},
      {"position", v.event.position},
      {"actor", {{"kind", eventstore::to_string(v.event.actor.kind)}, {"id", v.event.actor.id}}}};
  if (with_document) out["document"] = document_json(v.change.document);
  return out;
}

// The rejection's reason lists "<pointer>: <message>" lines; each becomes a field error under
// /document.
std::vector<domain::ConfigError> document_errors(const std::string& reason) {
  std::vector<domain::ConfigError> out;
  std::size_t start = 0;
  while (start < reason.size()) {
    const auto end = std::min(reason.find('\n', start), reason.size());
    const auto line = reason.substr(start, end - start);
    const auto colon = line.find(": ");
    if (colon != std::string::npos && line.starts_with('/')) {
      const auto pointer = line.substr(0, colon);
      const bool own = pointer == "/author" || pointer == "/reason";
      out.push_back({own ? pointer : "/document" + pointer, line.substr(colon + 2)});
    } else if (!line.empty()) {
      out.push_back({"/document", line});
    }
    start = end + 1;
  }
  return out;
}

Result<cfg::Document, std::vector<domain::ConfigError>> parse_document(const std::string& area,
                                                                       const json& document) {
  if (area == "orchestration") {
    auto rules = ordo::json::parse_orchestration(document);
    if (!rules) return std::unexpected(rules.error());
    return cfg::Document{std::move(*rules)};
  }
  if (area == "promise") {
    auto config = ordo::json::parse_promise_config(document);
    if (!config) return std::unexpected(config.error());
    return cfg::Document{std::move(*config)};
  }
  auto views = ordo::json::parse_inventory_views(document);
  if (!views) return std::unexpected(views.error());
  return cfg::Document{std::move(*views)};
}

}  // namespace

Awaitable get_config(Engine& engine, Context& context) {
  const auto& area = context.params.at(0);
  if (auto unknown = unknown_area(area)) co_return std::move(*unknown);
  auto all = versions(engine, area);
  if (!all) co_return refusal(all.error());
  if (all->empty()) co_return not_found("the area " + area + " was never configured");
  const Version* chosen = &all->back();
  if (auto text = context.param("version")) {
    auto wanted = parse_u64(*text);
    if (!wanted || *wanted == 0 || *wanted > all->size())
      co_return bad_parameter("version", "no such version");
    chosen = &(*all)[*wanted - 1];
  }
  json out = version_json(*chosen, true);
  out["area"] = area;
  out["active_version"] = all->back().change.version;
  co_return json_response(200, dump(out));
}

Awaitable put_config(Engine& engine, Context& context) {
  const auto& area = context.params.at(0);
  if (auto unknown = unknown_area(area)) co_return std::move(*unknown);
  auto body = parse_body(context.request);
  if (auto* problem_response = std::get_if<http::Response>(&body))
    co_return std::move(*problem_response);
  auto change = ordo::json::parse_configuration_change(std::get<nlohmann::json>(body), now_us());
  if (!change) co_return validation(change.error());
  auto document = parse_document(area, change->document);
  if (!document) {
    auto errors = document.error();
    for (auto& e : errors) e.pointer = "/document" + e.pointer;
    co_return validation(errors);
  }
  cfg::ChangeConfiguration command{std::move(*document), change->author, change->reason, now_us()};
  engine::Submission submission{
      cfg::Command{std::move(command)}, {}, std::nullopt, context.actor(), {}, {}, {}};
  auto answer = co_await submit(engine.pipeline, std::move(submission));
  if (!answer) {
    const auto* rejection = std::get_if<domain::Rejection>(&answer.error());
    if (rejection != nullptr && rejection->code == domain::Rejection::Code::invalid) {
      co_return validation(document_errors(rejection->reason));
    }
    co_return refusal(answer.error());
  }
  const bool changed = answer->first_position != 0;
  json out = {{"area", area}, {"changed", changed}};
  co_return with_position(json_response(200, dump(out)), answer->last_position);
}

Awaitable config_history(Engine& engine, Context& context) {
  const auto& area = context.params.at(0);
  if (auto unknown = unknown_area(area)) co_return std::move(*unknown);
  const auto documents = context.param("documents");
  if (documents && *documents != "true" && *documents != "false") {
    co_return bad_parameter("documents", "documents is true or false");
  }
  auto all = versions(engine, area);
  if (!all) co_return refusal(all.error());
  json list = json::array();
  for (const auto& v : *all) list.push_back(version_json(v, documents == "true"));
  co_return json_response(200, dump({{"area", area}, {"versions", list}}));
}

}  // namespace ordo::gateway::api
