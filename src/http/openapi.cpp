#include "http/openapi.h"

#include <algorithm>
#include <cctype>

namespace krilin::http {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::vector<std::string> path_params(const std::string& path) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while ((pos = path.find('{', pos)) != std::string::npos) {
    auto end = path.find('}', pos);
    if (end == std::string::npos) break;
    out.push_back(path.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  return out;
}

std::string operation_id(const Route& r) {
  std::string id = lower(method_name(r.method));
  bool upper = true;
  for (char c : r.path) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      id += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    } else {
      upper = true;
    }
  }
  return id;
}

json::object error_response(const char* description) {
  return json::object{
      {"description", description},
      {"content", json::object{{"application/json",
                                json::object{{"schema", json::object{{"$ref", "#/components/schemas/ErrorEnvelope"}}}}}}}};
}

}  // namespace

Json openapi_document(const Router& router, const ApiInfo& info) {
  json::object paths;
  for (const auto& rp : router.routes()) {
    const Route& r = *rp;
    json::object op;
    op["operationId"] = operation_id(r);
    if (!r.summary.empty()) op["summary"] = r.summary;
    if (!r.tag.empty()) op["tags"] = json::array{json::string(r.tag)};
    json::array params;
    for (const auto& p : path_params(r.path))
      params.push_back(json::object{{"name", p}, {"in", "path"}, {"required", true},
                                    {"schema", json::object{{"type", "string"}}}});
    if (!params.empty()) op["parameters"] = std::move(params);
    if (!r.request_schema.is_null())
      op["requestBody"] = json::object{
          {"required", true},
          {"content", json::object{{"application/json", json::object{{"schema", r.request_schema}}}}}};
    json::object responses;
    if (r.ws) {
      responses["101"] = json::object{{"description", "Switching to the WebSocket protocol."}};
    } else {
      json::object ok{{"description", "Success."}};
      if (!r.content_type.empty() && r.success_status != 204)
        ok["content"] = json::object{{r.content_type, json::object{{"schema", r.response_schema}}}};
      responses[std::to_string(r.success_status)] = std::move(ok);
    }
    responses["4XX"] = error_response("The request was refused; see error.code.");
    responses["5XX"] = error_response("The server could not answer; retry when error.retryable.");
    op["responses"] = std::move(responses);
    if (r.auth_required) op["security"] = json::array{json::object{{"bearer", json::array{}}}};
    json::value& item = paths[r.path];
    if (!item.is_object()) item = json::object{};
    item.as_object()[lower(method_name(r.method))] = std::move(op);
  }
  json::object error_schema{
      {"type", "object"},
      {"required", json::array{"error"}},
      {"properties",
       json::object{{"error", json::object{{"type", "object"},
                                           {"required", json::array{"code", "message", "retryable"}},
                                           {"properties", json::object{
                                                              {"code", json::object{{"type", "string"}, {"pattern", "^[a-z][a-z0-9_]*$"}}},
                                                              {"message", json::object{{"type", "string"}}},
                                                              {"retryable", json::object{{"type", "boolean"}}},
                                                              {"app_id", json::object{{"type", "string"}}}}}}}}}};
  return json::object{
      {"openapi", "3.1.0"},
      {"info", json::object{{"title", info.title}, {"version", info.version}, {"description", info.description}}},
      {"paths", std::move(paths)},
      {"components",
       json::object{{"schemas", json::object{{"ErrorEnvelope", std::move(error_schema)}}},
                    {"securitySchemes",
                     json::object{{"bearer", json::object{{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}}}}}};
}

}  // namespace krilin::http
