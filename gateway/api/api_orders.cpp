// Orders: place (idempotent, durable before 201), read with timeline, search for customer service,
// and the actions of customer service and stores.
#include "gateway/api/handlers.h"
#include "gateway/api/support.h"
#include "gateway/http/asio.h"
#include "gateway/json/commands_json.h"
#include "gateway/json/views_json.h"

namespace ordo::gateway::api {
namespace {

namespace asio = boost::asio;
namespace order = domain::order;
using nlohmann::json;
using P = domain::access::Permission;
constexpr std::size_t kSearchLimitMax = 200;

// The 201's body: the lines as sourcing left them (a split line's parts, pre-orders with their
// receipt), and the order's status, its least advanced line.
std::string placed_body(const order::PlaceOrder& command, const engine::Outcome& outcome) {
  json lines = json::array();
  order::State state;
  state.lines = outcome.lines;
  for (const auto& l : outcome.lines) {
    json line = {{"line", l.line.line},
                 {"sku", l.line.sku},
                 {"quantity", l.line.quantity},
                 {"status", order::to_string(l.status)},
                 {"site", l.site_id}};
    if (l.split_from != 0) line["split_from"] = l.split_from;
    if (!l.receipt_id.empty()) {
      line["receipt_id"] = l.receipt_id;
      line["expected_at_us"] = l.expected_at;
    }
    lines.push_back(std::move(line));
  }
  return dump(
      {{"order_id", command.order_id}, {"status", order::order_status(state)}, {"lines", lines}});
}

// The order's view with its timeline, rendered from the order_view projection; null when unknown.
Result<json> load_order(Engine& engine, const std::string& order_id) {
  auto view = engine.projector.order(order_id);
  if (!view) return std::unexpected(view.error());
  if (!*view) return json();
  auto timeline = engine.projector.timeline(**view);
  if (!timeline) return std::unexpected(timeline.error());
  json doc = ordo::json::order_json(**view);
  json entries = json::array();
  for (const auto& entry : *timeline) entries.push_back(ordo::json::timeline_entry_json(entry));
  doc["timeline"] = std::move(entries);
  return doc;
}

domain::access::Target target_of(const json& view) {
  domain::access::Target target;
  target.channel = view.value("channel", "");
  for (const auto& line : view.value("lines", json::array())) {
    auto site = line.value("site", "");
    if (!site.empty()) target.sites.push_back(std::move(site));
  }
  return target;
}

// Why the caller may not touch the order, or nullopt. A scoped caller is told "not found" for an
// order outside its scope, so that a store cannot learn which orders other stores have.
std::optional<engine::Refusal> denial(const domain::access::Principal& principal, P permission,
                                      const domain::access::Target& target,
                                      const std::string& order_id) {
  auto denied = domain::access::authorize(principal, permission, target);
  if (!denied) return std::nullopt;
  const bool scoped = !domain::access::holds_everywhere(principal, permission);
  if (scoped) return domain::Rejection{domain::Rejection::Code::not_found, "no order " + order_id};
  return Error{ErrorCode::permission_denied, *denied};
}

// The order's view, if the caller may see it (denial).
asio::awaitable<std::variant<json, http::Response>> visible_order(Engine& engine, Context& context,
                                                                  P permission) {
  const auto& id = context.params.at(0);
  if (!is_valid_id(id))
    co_return bad_parameter("id", "an order id is 1..64 characters of [A-Za-z0-9._-]");
  if (auto waited = co_await await_projection(engine, context)) co_return std::move(*waited);
  auto view = load_order(engine, id);
  if (!view) co_return refusal(view.error());
  if (view->is_null()) co_return not_found("no order " + id);
  if (auto denied = denial(context.principal, permission, target_of(*view), id)) {
    co_return refusal(*denied);
  }
  co_return std::move(*view);
}

// A retry with the key of an action that changed the order gets the first answer again (stored
// with the key), not "nothing changed".
http::Response action_answer(const std::string& order_id, const engine::Answer& answer) {
  if (!answer) return refusal(answer.error());
  auto body = answer->duplicate && !answer->response.empty()
                  ? answer->response
                  : dump({{"order_id", order_id}, {"changed", answer->first_position != 0}});
  return with_position(json_response(200, std::move(body)), answer->last_position);
}

// Refuses an action on an order the engine does not hold, or that the caller may not act on
// (denial). It runs on the pipeline thread against the engine's own state, so an action sent right
// after the order's 201 is never refused because the order's view is not written yet.
std::function<std::optional<engine::Refusal>(const engine::EngineState&)> order_guard(
    const Context& context, P permission) {
  return [order_id = context.params.at(0), principal = context.principal,
          permission](const engine::EngineState& state) -> std::optional<engine::Refusal> {
    const auto* current = state.order(order_id);
    if (current == nullptr || !current->exists) {
      return domain::Rejection{domain::Rejection::Code::not_found, "no order " + order_id};
    }
    domain::access::Target target{current->placed.channel, {}};
    for (const auto& line : current->lines) {
      if (!line.site_id.empty()) target.sites.push_back(line.site_id);
    }
    return denial(principal, permission, target, order_id);
  };
}

// Submits an action on an existing order, with the caller's Idempotency-Key if it gave one. The
// order's existence and the caller's scope are checked by the pipeline (order_guard).
asio::awaitable<http::Response> act(Engine& engine, Context& context, P permission,
                                    order::Command command) {
  const auto& order_id = context.params.at(0);
  if (!is_valid_id(order_id)) {
    co_return bad_parameter("id", "an order id is 1..64 characters of [A-Za-z0-9._-]");
  }
  engine::Submission submission{engine::OrderCommand{order_id, std::move(command)},
                                {},
                                std::nullopt,
                                context.actor(),
                                {},
                                [order_id](const engine::Outcome&) {
                                  return dump({{"order_id", order_id}, {"changed", true}});
                                },
                                order_guard(context, permission)};
  auto key = idempotency_key(context);
  if (auto* problem_response = std::get_if<http::Response>(&key))
    co_return std::move(*problem_response);
  if (auto* k = std::get_if<std::string>(&key)) {
    submission.idempotency_key = std::move(*k);
    submission.request_hash = request_hash(context.request);
  }
  auto answer = co_await submit(engine.pipeline, std::move(submission));
  co_return action_answer(context.params.at(0), answer);
}

}  // namespace

Awaitable place_order(Engine& engine, Context& context) {
  auto key = idempotency_key(context);
  if (auto* problem_response = std::get_if<http::Response>(&key))
    co_return std::move(*problem_response);
  if (std::holds_alternative<std::nullopt_t>(key)) {
    co_return problem(
        400, "bad-header", "Idempotency-Key required",
        "placing an order needs an Idempotency-Key header, so that a retry cannot place it twice",
        {{"#/header/Idempotency-Key", "missing"}});
  }
  auto body = parse_body(context.request);
  if (auto* problem_response = std::get_if<http::Response>(&body))
    co_return std::move(*problem_response);
  auto command = ordo::json::parse_place_order(std::get<nlohmann::json>(body), now_us());
  if (!command) co_return validation(command.error());
  if (auto denied =
          domain::access::authorize(context.principal, P::orders_place, {command->channel, {}})) {
    co_return forbidden(*denied);
  }
  // A retry of an order already placed is answered from its record by the pipeline: its promise
  // was checked the first time, and may no longer be offered now that the order took the stock.
  const auto earlier = engine.store.find_idempotency(std::get<std::string>(key));
  if (!earlier || !earlier->has_value()) {
    const auto& sent = std::get<nlohmann::json>(body);
    const auto relay = sent.contains("promise") && sent["promise"].contains("pickup_point")
                           ? sent["promise"]["pickup_point"].get<std::string>()
                           : std::string();  // an id: parse_place_order checked it
    if (auto refused = keep_promise(engine, *command, relay)) co_return std::move(*refused);
    if (engine.check_address) command->address_check = engine.check_address(command->delivery);
  }
  auto placed = *command;
  engine::Submission submission{std::move(*command),
                                std::get<std::string>(std::move(key)),
                                request_hash(context.request),
                                context.actor(),
                                {},
                                [placed = std::move(placed)](const engine::Outcome& outcome) {
                                  return placed_body(placed, outcome);
                                },
                                {}};
  const auto order_id = std::get<order::PlaceOrder>(submission.command).order_id;
  auto answer = co_await submit(engine.pipeline, std::move(submission));
  if (!answer) co_return refusal(answer.error());
  if (answer->first_position == 0 && !answer->duplicate) {
    co_return json_response(
        200, dump({{"order_id", order_id},
                   {"detail", "this order was placed before with the same content"}}));
  }
  co_return with_position(json_response(201, answer->response), answer->last_position);
}

Awaitable get_order(Engine& engine, Context& context) {
  auto order = co_await visible_order(engine, context, P::orders_read);
  if (auto* response = std::get_if<http::Response>(&order)) co_return std::move(*response);
  co_return json_response(200, dump(std::get<json>(order)));
}

Awaitable cancel_order(Engine& engine, Context& context) {
  auto body = parse_body(context.request);
  if (auto* problem_response = std::get_if<http::Response>(&body))
    co_return std::move(*problem_response);
  auto command = ordo::json::parse_cancel(std::get<nlohmann::json>(body), now_us());
  if (!command) co_return validation(command.error());
  co_return co_await act(engine, context, P::orders_act, std::move(*command));
}

Awaitable change_address(Engine& engine, Context& context) {
  auto body = parse_body(context.request);
  if (auto* problem_response = std::get_if<http::Response>(&body))
    co_return std::move(*problem_response);
  auto command = ordo::json::parse_change_address(std::get<nlohmann::json>(body), now_us());
  if (!command) co_return validation(command.error());
  // Checked and normalized as at intake; a doubtful address needs customer service's override.
  if (engine.check_address) command->address_check = engine.check_address(command->address);
  co_return co_await act(engine, context, P::orders_act, std::move(*command));
}

// A store acts for its own site: the site comes from its token (a different one in the body is
// refused); other callers name the site in the body.
Awaitable store_step(Engine& engine, Context& context) {
  const std::string_view target = context.request.target();
  const auto path = target.substr(0, std::min(target.find('?'), target.size()));
  const auto step = path.substr(path.rfind('/') + 1);
  auto body = parse_body(context.request);
  if (auto* problem_response = std::get_if<http::Response>(&body))
    co_return std::move(*problem_response);
  auto command = ordo::json::parse_store_step(std::get<nlohmann::json>(body), now_us(), step);
  if (!command) co_return validation(command.error());
  const auto scope_site = domain::access::only_site(context.principal, P::orders_fulfil);
  std::string site;
  std::visit(
      [&](auto& c) {
        if constexpr (requires { c.site_id; }) site = c.site_id;
      },
      *command);
  if (!scope_site.empty() && !site.empty() && site != scope_site) {
    co_return forbidden("this token is limited to site " + scope_site);
  }
  if (site.empty()) site = scope_site;
  if (site.empty()) co_return validation({{"/site", "the site that does this step is required"}});
  std::visit(
      [&](auto& c) {
        if constexpr (requires { c.site_id; }) c.site_id = site;
      },
      *command);
  co_return co_await act(engine, context, P::orders_fulfil, std::move(*command));
}

Awaitable reallocate_order(Engine& engine, Context& context) {
  auto body = parse_body(context.request);
  if (auto* problem_response = std::get_if<http::Response>(&body))
    co_return std::move(*problem_response);
  auto command = ordo::json::parse_reallocate(std::get<nlohmann::json>(body), now_us());
  if (!command) co_return validation(command.error());
  co_return co_await act(engine, context, P::orders_act, std::move(*command));
}

// A store gives back an order it claimed and cannot prepare; with stock_missing its stock is
// corrected. The order is sourced again at once.
Awaitable release_order(Engine& engine, Context& context) {
  auto body = parse_body(context.request);
  if (auto* problem_response = std::get_if<http::Response>(&body))
    co_return std::move(*problem_response);
  auto command = ordo::json::parse_release(std::get<nlohmann::json>(body), now_us());
  if (!command) co_return validation(command.error());
  const auto scope_site = domain::access::only_site(context.principal, P::orders_fulfil);
  if (!scope_site.empty() && !command->site_id.empty() && command->site_id != scope_site) {
    co_return forbidden("this token is limited to site " + scope_site);
  }
  if (command->site_id.empty()) command->site_id = scope_site;
  if (command->site_id.empty())
    co_return validation({{"/site", "the site that gives the order back is required"}});
  co_return co_await act(engine, context, P::orders_fulfil, std::move(*command));
}

// GET /v1/sites/{id}/offers: the competitive offers a site may still claim, oldest first, from the
// order index ("offer" entries) and each order's view.
Awaitable site_offers(Engine& engine, Context& context) {
  const auto& site = context.params.at(0);
  if (!is_valid_id(site))
    co_return bad_parameter("id", "a site id is 1..64 characters of [A-Za-z0-9._-]");
  if (auto denied = domain::access::authorize(context.principal, P::orders_read, {{}, {site}})) {
    co_return forbidden(*denied);
  }
  if (auto waited = co_await await_projection(engine, context)) co_return std::move(*waited);
  bool more = false;
  auto pending = engine.projector.pending_offers(site, kSearchLimitMax, more);
  if (!pending) co_return refusal(pending.error());
  json offers = json::array();
  for (const auto& view : *pending) {
    if (auto offer = ordo::json::pending_offer_json(view); !offer.is_null())
      offers.push_back(std::move(offer));
  }
  co_return json_response(200, dump({{"site", site}, {"offers", std::move(offers)}}));
}

}  // namespace ordo::gateway::api
