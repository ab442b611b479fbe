// Stock: movements from ERP/WMS/POS feeds (answered one by one), sellable stock per channel (the
// hot read path: in-memory figures, JSON written by hand) with its explanation, and a site's stock.
#include "gateway/api/handlers.h"
#include "gateway/api/support.h"
#include "gateway/http/asio.h"
#include "gateway/json/commands_json.h"
#include "gateway/json/views_json.h"

namespace ordo::gateway::api {
namespace {

using nlohmann::json;
using P = domain::access::Permission;
constexpr std::size_t kSkusPerRequestMax = 500;

json problem_json(const http::Response& response) {
  return json::parse(response.body(), nullptr, false);
}

json movement_result(std::size_t index, const engine::Answer& answer) {
  if (answer) {
    const bool changed = answer->first_position != 0 && !answer->duplicate;
    return {{"index", index},
            {"status", changed ? "applied" : "unchanged"},
            {"position", answer->last_position}};
  }
  // "failed" tells the client to retry, so only what a retry may cure is failed (5xx); a refusal
  // such as an idempotency key reused for another movement would be retried forever.
  const auto response = refusal(answer.error());
  return {{"index", index},
          {"status", response.result_int() >= 500 ? "failed" : "rejected"},
          {"problem", problem_json(response)}};
}

// Appends the sellable figure of one SKU as JSON; SKUs are identifiers, so nothing needs escaping.
void append_figure(std::string& out, std::string_view sku,
                   const std::optional<projections::SellableFigure>& figure) {
  out += "{\"sku\":\"";
  out += sku;
  if (!figure) {
    out += "\",\"found\":false}";
    return;
  }
  out += "\",\"found\":true,\"sellable\":";
  out += std::to_string(figure->total);
  out += ",\"now\":";
  out += std::to_string(figure->now);
  out += ",\"future\":";
  out += std::to_string(figure->future);
  out += '}';
}

json breakdown_json(const domain::sellable::Result& r) {
  json sites = json::array(), receipts = json::array();
  for (const auto& s : r.sites) {
    sites.push_back({{"site", s.site_id},
                     {"on_hand", s.on_hand},
                     {"reserved", s.reserved},
                     {"safety", s.safety},
                     {"excluded", s.excluded},
                     {"held", s.held},
                     {"available", s.available},
                     {"share_cap", s.share_cap},
                     {"taken", s.taken},
                     {"shared", s.shared}});
  }
  for (const auto& f : r.receipts) {
    receipts.push_back({{"site", f.site_id},
                        {"receipt_id", f.receipt_id},
                        {"quantity", f.quantity},
                        {"expected_at_us", f.expected_at}});
  }
  return {{"share_percent", r.share_percent},
          {"below_minimum_display", r.below_minimum_display},
          {"known_channel", r.known_channel},
          {"sites", sites},
          {"receipts", receipts},
          {"explanation", domain::sellable::explain(r)}};
}

}  // namespace

Awaitable stock_movements(Engine& engine, Context& context) {
  auto body = parse_body(context.request);
  if (auto* problem_response = std::get_if<http::Response>(&body))
    co_return std::move(*problem_response);
  auto parsed = ordo::json::parse_stock_movements(std::get<nlohmann::json>(body), now_us());
  if (!parsed) co_return validation(parsed.error());
  auto key = idempotency_key(context);
  if (auto* problem_response = std::get_if<http::Response>(&key))
    co_return std::move(*problem_response);
  const auto* base_key = std::get_if<std::string>(&key);
  const auto hash = request_hash(context.request);
  std::vector<json> results(parsed->movements.size());
  std::vector<engine::Submission> submissions;
  std::vector<std::size_t> submitted;  // index of each submission's movement
  for (std::size_t i = 0; i < parsed->movements.size(); ++i) {
    auto& entry = parsed->movements[i];
    if (auto* errors = std::get_if<std::vector<domain::ConfigError>>(&entry)) {
      results[i] = {
          {"index", i}, {"status", "invalid"}, {"problem", problem_json(validation(*errors))}};
      continue;
    }
    auto& movement = std::get<ordo::json::ParsedMovement>(entry);
    if (auto denied = domain::access::authorize(context.principal, P::stock_write,
                                                {{}, {movement.site_id}})) {
      results[i] = {
          {"index", i}, {"status", "forbidden"}, {"problem", problem_json(forbidden(*denied))}};
      continue;
    }
    engine::Submission s{
        engine::StockCommand{movement.site_id, movement.sku, std::move(movement.command)},
        {},
        std::nullopt,
        context.actor(),
        {},
        {},
        {}};
    if (base_key != nullptr) {
      s.idempotency_key = *base_key + "#" + std::to_string(i);
      s.request_hash = hash;
    }
    submissions.push_back(std::move(s));
    submitted.push_back(i);
  }
  auto answers = co_await submit_all(engine.pipeline, std::move(submissions));
  std::uint64_t position = 0;
  std::size_t applied = 0;
  for (std::size_t n = 0; n < answers.size(); ++n) {
    results[submitted[n]] = movement_result(submitted[n], answers[n]);
    if (answers[n]) position = std::max(position, answers[n]->last_position);
    if (answers[n] && answers[n]->first_position != 0 && !answers[n]->duplicate) ++applied;
  }
  json out = {{"results", results}, {"applied", applied}, {"movements", results.size()}};
  co_return with_position(json_response(200, dump(out)), position);
}

Awaitable sellable_stock(Engine& engine, Context& context) {
  const auto channel = context.param("channel");
  if (!channel || !is_valid_id(*channel))
    co_return bad_parameter("channel", "channel is required: a channel id");
  auto skus = context.all("sku");
  if (skus.empty() || skus.size() > kSkusPerRequestMax)
    co_return bad_parameter("sku", "give 1..500 SKUs: sku=A&sku=B or sku=A,B");
  for (const auto& sku : skus) {
    if (!is_valid_id(sku))
      co_return bad_parameter("sku", "a SKU is 1..64 characters of [A-Za-z0-9._-]");
  }
  if (auto denied = domain::access::authorize(context.principal, P::sellable_read,
                                              {std::string(*channel), {}})) {
    co_return forbidden(*denied);
  }
  if (auto waited = co_await await_projection(engine, context)) co_return std::move(*waited);
  std::string body = "{\"channel\":\"";
  body += *channel;
  body += "\",\"position\":";
  body += std::to_string(engine.projector.position());
  body += ",\"items\":[";
  for (std::size_t i = 0; i < skus.size(); ++i) {
    if (i != 0) body += ',';
    append_figure(body, skus[i], engine.projector.sellable(*channel, skus[i]));
  }
  body += "]}";
  co_return json_response(200, std::move(body));
}

Awaitable sellable_explain(Engine& engine, Context& context) {
  const auto& channel = context.params.at(0);
  const auto& sku = context.params.at(1);
  if (!is_valid_id(channel) || !is_valid_id(sku)) {
    co_return bad_parameter("channel", "channel and SKU are 1..64 characters of [A-Za-z0-9._-]");
  }
  if (auto denied = domain::access::authorize(context.principal, P::sellable_read, {channel, {}})) {
    co_return forbidden(*denied);
  }
  if (auto waited = co_await await_projection(engine, context)) co_return std::move(*waited);
  const auto figure = engine.projector.sellable(channel, sku);
  if (!figure) co_return not_found("no sellable stock of " + sku + " for channel " + channel);
  json out = {{"channel", channel},        {"sku", sku},
              {"sellable", figure->total}, {"now", figure->now},
              {"future", figure->future},  {"position", engine.projector.position()}};
  const auto explain = context.param("explain");
  if (explain && *explain != "true" && *explain != "false")
    co_return bad_parameter("explain", "explain is true or false");
  if (explain == "true") {
    if (auto result = engine.projector.explain(channel, sku))
      out["breakdown"] = breakdown_json(*result);
  }
  co_return json_response(200, dump(out));
}

Awaitable site_stock(Engine& engine, Context& context) {
  const auto& site = context.params.at(0);
  const auto& sku = context.params.at(1);
  if (!is_valid_id(site) || !is_valid_id(sku)) {
    co_return bad_parameter("site", "site and SKU are 1..64 characters of [A-Za-z0-9._-]");
  }
  if (auto denied = domain::access::authorize(context.principal, P::stock_read, {{}, {site}})) {
    co_return forbidden(*denied);
  }
  if (auto waited = co_await await_projection(engine, context)) co_return std::move(*waited);
  auto stock = engine.projector.site_stock(site, sku);
  if (!stock) co_return not_found("no stock of " + sku + " at site " + site);
  co_return json_response(200, dump(ordo::json::site_stock_json(*stock)));
}

}  // namespace ordo::gateway::api
