// Bulk import over HTTP: POST /v1/imports/{kind} with the file as the body (text/csv or
// application/x-ndjson), validated whole and applied as `ordo import` does (gateway/import/bulk.h).
// 200 with the summary when applied; 422 with the summary and every refused row when nothing was
// (or, with apply_valid=true, when some rows were refused).
#include <boost/beast/core/string.hpp>

#include "gateway/api/handlers.h"
#include "gateway/api/support.h"
#include "gateway/http/asio.h"

namespace ordo::gateway::api {
namespace {

using nlohmann::json;
using P = domain::access::Permission;
constexpr std::size_t kProblemsShown = 1000;

std::optional<bulk::Format> format_of(const http::Request& request) {
  const auto type = request[http::bhttp::field::content_type];
  const auto media = type.substr(0, type.find(';'));
  if (boost::beast::iequals(media, "text/csv")) return bulk::Format::csv;
  if (boost::beast::iequals(media, "application/x-ndjson") ||
      boost::beast::iequals(media, "application/jsonl")) {
    return bulk::Format::jsonl;
  }
  return std::nullopt;
}

json report_json(std::string_view kind, const bulk::Report& r) {
  json problems = json::array();
  for (std::size_t i = 0; i < r.problems.size() && i < kProblemsShown; ++i) {
    const auto& p = r.problems[i];
    problems.push_back({{"line", p.line}, {"field", p.field}, {"message", p.message}});
  }
  return {{"kind", kind},
          {"rows", r.rows},
          {"created", r.created},
          {"changed", r.changed},
          {"unchanged", r.unchanged},
          {"refused", r.refused},
          {"applied", r.applied},
          {"problems", std::move(problems)},
          {"problems_total", r.problems.size()}};
}

// The kind, format and options of the request, or the problem to answer.
std::optional<http::Response> check_request(const Context& context, bulk::Kind& kind,
                                            bulk::Format& format, bulk::ApplyOptions& options) {
  const auto parsed = bulk::kind_from_string(context.params.at(0));
  if (!parsed) {
    return not_found("no import of '" + context.params.at(0).substr(0, 64) +
                     "'; kinds: " + std::string(bulk::kKindNames));
  }
  kind = *parsed;
  if (kind == bulk::Kind::stock || kind == bulk::Kind::receipts) {
    if (auto denied = domain::access::authorize(context.principal, P::stock_write, {}))
      return forbidden(*denied);
  }
  const auto f = format_of(context.request);
  if (!f) {
    return problem(415, "unsupported-media-type", "Unsupported media type",
                   "send the file as text/csv or application/x-ndjson (JSON Lines)", {});
  }
  format = *f;
  const auto apply_valid = context.param("apply_valid");
  if (apply_valid && *apply_valid != "true" && *apply_valid != "false")
    return bad_parameter("apply_valid", "apply_valid is true or false");
  options.apply_valid = apply_valid == "true";
  options.actor = context.actor();
  return std::nullopt;
}

}  // namespace

Awaitable import_file(Engine& engine, Context& context) {
  bulk::Kind kind{};
  bulk::Format format{};
  bulk::ApplyOptions options;
  if (auto problem_response = check_request(context, kind, format, options))
    co_return std::move(*problem_response);
  bulk::ReadOptions read;
  read.now = now_us();
  if (auto source = context.param("source")) {
    if (source->empty() || source->size() > 64 || !ordo::json::utf8_characters(*source) ||
        source->find('\0') != std::string_view::npos) {
      co_return bad_parameter("source", "source is 1..64 characters of UTF-8 text");
    }
    read.source = std::string(*source);
  }
  if (engine.locate) {
    read.locate = [&engine](std::string_view country, std::string_view postcode)
        -> std::optional<std::pair<domain::geo::Point, std::string>> {
      auto place = engine.locate(country, postcode);
      if (!place) return std::nullopt;
      return std::pair{place->point, place->region};
    };
  }
  auto rows = bulk::read_rows(kind, format, context.request.body(), read);
  if (!rows) {
    co_return problem(422, "validation", "Unreadable file", rows.error().message, {});
  }
  auto ran = co_await import_off_thread(engine.pipeline, std::move(*rows), std::move(options));
  if (!ran) {
    auto busy = problem(503, "unavailable", "Another import is running",
                        "one import runs at a time; retry when it is done", {});
    busy.set(http::bhttp::field::retry_after, "5");
    co_return busy;
  }
  auto& report = *ran;
  if (!report) co_return refusal(report.error());
  const bool clean = report->applied && report->refused == 0;
  auto response =
      json_response(clean ? 200 : 422, dump(report_json(bulk::to_string(kind), *report)));
  co_return with_position(std::move(response), report->last_position);
}

}  // namespace ordo::gateway::api
