// RFC 9457 problem details: every error the API answers is application/problem+json with a type,
// a title, the status, a detail sentence, and for invalid input one entry per offending field with
// its RFC 6901 JSON pointer.
#pragma once

#include <string>
#include <vector>

#include "domain/inventory_views.h"
#include "gateway/http/server.h"

namespace ordo::gateway::api {

struct FieldError {
  std::string pointer;  // into the body ("/lines/0/quantity"), or "#/query/sku", "#/header/..."
  std::string detail;
};

/// A problem answer. `type` is a short slug ("validation", "out-of-stock"...), made a URN.
http::Response problem(unsigned status, std::string_view type, std::string_view title,
                       std::string_view detail, const std::vector<FieldError>& errors = {});

/// A 201/200 JSON answer.
http::Response json_response(unsigned status, std::string body);

std::vector<FieldError> field_errors(const std::vector<domain::ConfigError>& errors);

}  // namespace ordo::gateway::api
