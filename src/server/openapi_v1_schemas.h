// The typed request and response bodies of API v1 (the shapes of
// json_codec.h and the v1 handlers), used by BuildOpenApi (openapi.h).
//
// Contract: pure, thread-safe. An operation not listed gets null schemas
// (the document then says only "object"). A new v1 route adds its line here.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace arxivflow::server {

struct V1OperationSchemas {
  nlohmann::json request;   // null = no typed body
  nlohmann::json response;  // null = untyped
};

// components.schemas of the v1 document.
nlohmann::json V1ComponentSchemas();
V1OperationSchemas V1SchemasOf(const std::string& method, const std::string& pattern);

}  // namespace arxivflow::server
