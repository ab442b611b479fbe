// Health, readiness, Prometheus metrics and the OpenAPI document.
#include "gateway/api/handlers.h"
#include "gateway/api/support.h"
#include "gateway/http/asio.h"

namespace ordo::gateway::api {
namespace {

constexpr std::uint64_t kReadyLagEventsMax = 100000;  // projections further behind: not ready

void gauge(std::string& out, const char* name, const char* help, double value) {
  char number[48];
  std::snprintf(number, sizeof number, "%.9g", value);
  out += "# HELP " + std::string(name) + " " + help + "\n# TYPE " + name + " gauge\n" + name + " " +
         number + "\n";
}

void counter(std::string& out, const char* name, const char* help, std::uint64_t value) {
  out += "# HELP " + std::string(name) + " " + help + "\n# TYPE " + name + " counter\n" + name +
         " " + std::to_string(value) + "\n";
}

}  // namespace

Awaitable healthz(Engine&, Context&) { co_return json_response(200, "{\"status\":\"ok\"}"); }

Awaitable readyz(Engine& engine, Context&) {
  std::vector<std::string> problems;
  if (!engine.accepting()) problems.push_back("shutting down");
  if (engine.pipeline.failed())
    problems.push_back("the command pipeline stopped after a write failure");
  if (engine.projector.failed()) problems.push_back("the projector stopped on an error");
  if (auto damage = engine.projector.damaged()) problems.push_back(*damage);
  const auto durable = engine.store.durable_position();
  const auto applied = engine.projector.position();
  if (durable > applied + kReadyLagEventsMax)
    problems.push_back("the query models are far behind the log");
  if (problems.empty())
    co_return json_response(200, dump({{"status", "ready"}, {"position", durable}}));
  auto response = problem(503, "not-ready", "Not ready", problems.front());
  response.set(http::bhttp::field::retry_after, "1");
  co_return response;
}

Awaitable metrics(Engine& engine, Context&) {
  std::string out = engine.metrics.render();
  const auto pipeline = engine.pipeline.stats();
  const auto store = engine.store.stats();
  const auto durable = engine.store.durable_position();
  const auto applied = engine.projector.position();
  gauge(out, "ordo_pipeline_queue_depth", "Commands waiting for the pipeline.",
        static_cast<double>(pipeline.queue_depth));
  counter(out, "ordo_pipeline_decided_total", "Commands decided by the pipeline.",
          pipeline.decided);
  counter(out, "ordo_pipeline_rejected_total", "Commands the pipeline rejected.",
          pipeline.rejected);
  counter(out, "ordo_pipeline_retries_joined_total",
          "Retries that arrived while their idempotency key's first attempt was in flight, "
          "answered with its outcome.",
          pipeline.retries_joined);
  gauge(out, "ordo_store_queue_depth", "Appends waiting for the event store's writer.",
        static_cast<double>(store.queue_depth));
  counter(out, "ordo_store_events_appended_total", "Events appended since start.",
          store.events_appended);
  counter(out, "ordo_store_batches_total", "Write batches (group commits) since start.",
          store.batches_written);
  counter(out, "ordo_store_syncs_total", "WAL fsyncs since start.", store.syncs);
  gauge(out, "ordo_store_batch_events_mean", "Mean events per write batch since start.",
        store.batches_written == 0 ? 0.0
                                   : static_cast<double>(store.events_appended) /
                                         static_cast<double>(store.batches_written));
  gauge(out, "ordo_store_last_fsync_seconds", "Duration of the last WAL fsync.",
        static_cast<double>(store.last_sync_us) / 1e6);
  gauge(out, "ordo_log_durable_position", "Position of the last durable event.",
        static_cast<double>(durable));
  gauge(out, "ordo_projection_position", "Last position applied to every query model.",
        static_cast<double>(applied));
  gauge(out, "ordo_projection_lag_events", "Durable events not yet applied to the query models.",
        static_cast<double>(durable > applied ? durable - applied : 0));
  if (engine.extra_metrics) out += engine.extra_metrics();
  http::Response response{http::bhttp::status::ok, 11};
  response.set(http::bhttp::field::content_type, "text/plain; version=0.0.4");
  response.body() = std::move(out);
  co_return response;
}

Awaitable openapi(Engine&, Context&) { co_return json_response(200, openapi_document()); }

}  // namespace ordo::gateway::api
