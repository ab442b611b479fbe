// Helpers shared by the API's handlers: submitting to the pipeline from a coroutine, reading JSON
// bodies, mapping refusals to problems, read-your-writes waits. Internal to gateway/api.
#pragma once

// clang-format off
#include <utility>  // boost/asio/awaitable.hpp (1.74) uses std::exchange without it
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <variant>

#include "gateway/api/api.h"
#include "gateway/import/bulk.h"
#include "gateway/json/reader.h"

namespace ordo::gateway::api {

/// The pipeline's answer, resumed on the calling coroutine's executor.
boost::asio::awaitable<engine::Answer> submit(engine::Pipeline& pipeline,
                                              engine::Submission submission);
/// Several submissions at once; answers in the same order.
boost::asio::awaitable<std::vector<engine::Answer>> submit_all(
    engine::Pipeline& pipeline, std::vector<engine::Submission> submissions);

/// Runs an import (validation, then application) on a thread of its own and resumes the caller
/// with its report: it waits on the pipeline, which no I/O thread may do.
/// One import runs at a time (nullopt when another is running: answer 503).
boost::asio::awaitable<std::optional<Result<bulk::Report>>> import_off_thread(
    engine::Pipeline& pipeline, bulk::Rows rows, bulk::ApplyOptions options);

/// The request's JSON body, or the problem to answer: 415 (not application/json), 400 (empty,
/// malformed, invalid UTF-8, nested deeper than 64).
std::variant<nlohmann::json, http::Response> parse_body(const http::Request& request);

/// The problem for a pipeline refusal: a rejection (404, 409, 422) or an operational error (503
/// with Retry-After when overloaded or unavailable).
http::Response refusal(const engine::Refusal& refusal);

/// When the query has min_position, waits until the projections applied it (2 s at most); the
/// problem to answer when they did not, or when min_position is not a number.
boost::asio::awaitable<std::optional<http::Response>> await_projection(Engine& engine,
                                                                       const Context& context);

/// The Idempotency-Key header: nullopt when absent; a problem when malformed. The key is scoped
/// to the caller so that two clients cannot collide or read each other's answers.
std::variant<std::nullopt_t, std::string, http::Response> idempotency_key(const Context& context);
/// What a retry with the same Idempotency-Key must match: method, path and body.
eventstore::Hash256 request_hash(const http::Request& request);

std::int64_t now_us();
std::optional<std::uint64_t> parse_u64(std::string_view text);

http::Response forbidden(const std::string& reason);
http::Response not_found(const std::string& detail);
http::Response bad_parameter(std::string_view name, const std::string& detail);
http::Response validation(const std::vector<domain::ConfigError>& errors);
/// Adds "Ordo-Position: <n>" (the log position a read-your-writes read may wait for).
http::Response with_position(http::Response response, std::uint64_t position);

/// Compact JSON text of a value (invalid UTF-8 replaced).
std::string dump(const nlohmann::json& value);

}  // namespace ordo::gateway::api
