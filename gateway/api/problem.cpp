#include "gateway/api/problem.h"

#include <nlohmann/json.hpp>

namespace ordo::gateway::api {

http::Response problem(unsigned status, std::string_view type, std::string_view title,
                       std::string_view detail, const std::vector<FieldError>& errors) {
  nlohmann::json body = {{"type", "urn:ordo:problem:" + std::string(type)},
                         {"title", title},
                         {"status", status},
                         {"detail", detail}};
  if (!errors.empty()) {
    auto& list = body["errors"];
    for (const auto& e : errors) list.push_back({{"pointer", e.pointer}, {"detail", e.detail}});
  }
  http::Response response{static_cast<http::bhttp::status>(status), 11};
  response.set(http::bhttp::field::content_type, "application/problem+json");
  response.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  response.prepare_payload();
  return response;
}

http::Response json_response(unsigned status, std::string body) {
  http::Response response{static_cast<http::bhttp::status>(status), 11};
  response.set(http::bhttp::field::content_type, "application/json");
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

std::vector<FieldError> field_errors(const std::vector<domain::ConfigError>& errors) {
  std::vector<FieldError> out;
  out.reserve(errors.size());
  for (const auto& e : errors) out.push_back({e.pointer, e.message});
  return out;
}

}  // namespace ordo::gateway::api
