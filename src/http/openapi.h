#pragma once
// The OpenAPI 3.1 document of a route table, generated from the table itself so that it
// can never drift from what the server does.
#include <string>

#include "http/router.h"

namespace krilin::http {

struct ApiInfo {
  std::string title = "Krilin API";
  std::string version;
  std::string description;
};

Json openapi_document(const Router& router, const ApiInfo& info);

}  // namespace krilin::http
