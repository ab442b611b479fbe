// The raw log for auditors and integrations (every envelope field and the decoded payload), and
// API token management.
#include "eventstore/codec/codec.h"
#include "gateway/api/handlers.h"
#include "gateway/api/support.h"
#include "gateway/http/asio.h"
#include "gateway/json/events_json.h"

namespace ordo::gateway::api {
namespace {

using nlohmann::json;
namespace access = domain::access;
constexpr std::size_t kEventsLimitDefault = 100;
constexpr std::size_t kEventsLimitMax = 1000;
constexpr std::uint64_t kScanEventsMax = 100000;  // events looked at per request filtered by type
constexpr std::size_t kTypesMax = 32;

json token_json(const access::State& s) {
  return {{"token_id", s.issued.token_id},
          {"role", access::to_string(s.issued.role)},
          {"site", s.issued.scope.site_id},
          {"channel", s.issued.scope.channel},
          {"label", s.issued.label},
          {"issued_at_us", s.issued.issued_at},
          {"revoked", s.revoked}};
}

// The payload as JSON; the secret's hash of a token is never shown.
json data_json(const eventstore::RecordedEvent& e) {
  if (wire::is_access_type(e.type)) {
    auto decoded = wire::decode_access(e.type, e.schema_version, e.payload);
    if (!decoded) return {{"error", decoded.error().to_string()}};
    if (const auto* issued = std::get_if<access::TokenIssued>(&*decoded)) {
      return {{"token_id", issued->token_id},  {"role", access::to_string(issued->role)},
              {"site", issued->scope.site_id}, {"channel", issued->scope.channel},
              {"label", issued->label},        {"issued_at_us", issued->issued_at}};
    }
    const auto& revoked = std::get<access::TokenRevoked>(*decoded);
    return {{"token_id", revoked.token_id},
            {"reason", revoked.reason},
            {"revoked_at_us", revoked.revoked_at}};
  }
  auto decoded = wire::decode(e.type, e.schema_version, e.payload);
  if (!decoded) return {{"error", decoded.error().to_string()}};
  return std::visit([](const auto& event) { return ordo::json::to_json(event); }, *decoded);
}

}  // namespace

json recorded_event_json(const eventstore::RecordedEvent& e) {
  return {{"position", e.position},
          {"stream", e.stream},
          {"stream_version", e.stream_version},
          {"type", e.type},
          {"schema_version", e.schema_version},
          {"recorded_at_us", e.recorded_at_us},
          {"correlation_id", e.correlation_id},
          {"causation_id", e.causation_id},
          {"actor", {{"kind", eventstore::to_string(e.actor.kind)}, {"id", e.actor.id}}},
          {"data", data_json(e)}};
}

Awaitable read_events(Engine& engine, Context& context) {
  std::uint64_t from = 1;
  std::size_t limit = kEventsLimitDefault;
  if (auto text = context.param("from")) {
    auto value = parse_u64(*text);
    if (!value || *value == 0)
      co_return bad_parameter("from", "from is a position (or, with stream, a version) from 1");
    from = *value;
  }
  if (auto text = context.param("limit")) {
    auto value = parse_u64(*text);
    if (!value || *value == 0 || *value > kEventsLimitMax)
      co_return bad_parameter("limit", "limit must be 1..1000");
    limit = *value;
  }
  if (auto denied = access::authorize(context.principal, access::Permission::events_read)) {
    co_return forbidden(*denied);
  }
  const auto stream = context.param("stream");
  const auto types = context.all("type");
  if (stream && (stream->empty() || stream->size() > eventstore::kStreamIdBytesMax)) {
    co_return bad_parameter("stream", "stream must be a stream name, e.g. order-W-1001");
  }
  if (types.size() > kTypesMax) co_return bad_parameter("type", "at most 32 types");
  std::vector<eventstore::RecordedEvent> events;
  std::uint64_t next_from = 0;  // 0: nothing read
  if (stream || types.empty()) {
    auto read = stream ? engine.store.read_stream(*stream, from, limit)
                       : engine.store.read_all(from, limit);
    if (!read) co_return refusal(read.error());
    events = std::move(*read);
    if (!events.empty())
      next_from = (stream ? events.back().stream_version : events.back().position) + 1;
  } else {
    // Filtering by type looks at a bounded stretch of the log per request, so a rare type cannot
    // make one request scan millions of events; next_from says where to go on.
    auto scanned =
        engine.store.for_each(from, from + kScanEventsMax - 1, [&](const eventstore::EventView& e) {
          next_from = e.position + 1;
          if (std::find(types.begin(), types.end(), e.type) != types.end())
            events.push_back(e.to_owned());
          return events.size() < limit;
        });
    if (!scanned) co_return refusal(scanned.error());
  }
  json list = json::array();
  for (const auto& e : events) {
    if (stream && !types.empty() && std::find(types.begin(), types.end(), e.type) == types.end())
      continue;
    list.push_back(recorded_event_json(e));
  }
  json body = {{"events", list}};
  if (next_from != 0) body["next_from"] = next_from;
  co_return json_response(200, dump(body));
}

Awaitable list_tokens(Engine& engine, Context&) {
  json list = json::array();
  for (const auto& state : engine.tokens.list()) list.push_back(token_json(state));
  co_return json_response(200, dump({{"tokens", list}}));
}

Awaitable create_token(Engine& engine, Context& context) {
  auto body = parse_body(context.request);
  if (auto* problem_response = std::get_if<http::Response>(&body))
    co_return std::move(*problem_response);
  const auto& doc = std::get<json>(body);
  std::vector<domain::ConfigError> errors;
  if (!doc.is_object()) co_return validation({{"", "the body must be an object"}});
  for (const auto& [key, value] : doc.items()) {
    if (key != "role" && key != "site" && key != "channel" && key != "label")
      errors.push_back({"/" + key, "unknown field"});
    else if (!value.is_string())
      errors.push_back({"/" + key, "must be a string"});
  }
  if (!errors.empty()) co_return validation(errors);
  const auto role = access::role_from_string(doc.value("role", ""));
  if (!role)
    co_return validation(
        {{"/role", "role must be admin, customer_service, store, integration or auditor"}});
  auto issued = engine.tokens.issue(*role, {doc.value("site", ""), doc.value("channel", "")},
                                    doc.value("label", ""), context.actor());
  if (!issued) {
    if (issued.error().code == ErrorCode::invalid_argument)
      co_return validation({{"", issued.error().message}});
    co_return refusal(issued.error());
  }
  access::State state{true, false, issued->record};
  json out = token_json(state);
  out["token"] = issued->token;
  co_return json_response(201, dump(out));
}

Awaitable revoke_token(Engine& engine, Context& context) {
  auto body = parse_body(context.request);
  if (auto* problem_response = std::get_if<http::Response>(&body))
    co_return std::move(*problem_response);
  const auto& doc = std::get<json>(body);
  if (!doc.is_object() || !doc.contains("reason") || !doc["reason"].is_string() ||
      doc.size() != 1) {
    co_return validation({{"/reason", "the body is {\"reason\": \"...\"}, a non-empty string"}});
  }
  auto revoked =
      engine.tokens.revoke(context.params.at(0), doc["reason"].get<std::string>(), context.actor());
  if (!revoked) {
    if (revoked.error().code == ErrorCode::not_found) co_return not_found(revoked.error().message);
    if (revoked.error().code == ErrorCode::invalid_argument)
      co_return validation({{"/reason", revoked.error().message}});
    co_return refusal(revoked.error());
  }
  co_return json_response(200, dump({{"token_id", context.params.at(0)}, {"revoked", true}}));
}

}  // namespace ordo::gateway::api
