//! Static bodies the target serves.

/// The HTML shell (also what the single-page-app catch-all answers).
pub const INDEX: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>vouch test target</title></head>\n<body><div id=\"app\">items</div></body></html>\n";

/// A leaked `.env` (exposed-env mode). The values are fake.
pub const DOTENV: &str = "DATABASE_URL=postgres://app:Pa55w0rd-fake@db:5432/app\nSECRET_KEY=9f8e7d6c5b4a3f2e1d0cfakefake\nDEBUG=false\n";

/// A leaked `.git/config` (exposed-env mode).
pub const GIT_CONFIG: &str = "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n[remote \"origin\"]\n\turl = git@example.com:acme/shop.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n";

/// A leaked Spring Boot actuator environment (exposed-env mode).
pub const ACTUATOR_ENV: &str = r#"{"activeProfiles":["prod"],"propertySources":[{"name":"systemEnvironment","properties":{"DB_PASSWORD":{"value":"******"}}}]}"#;

/// The OpenAPI description of the item API.
pub const OPENAPI: &str = r##"{
  "openapi": "3.0.3",
  "info": {"title": "vouch test target", "version": "0.1.0"},
  "servers": [{"url": "/"}],
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "schemas": {"Item": {"type": "object", "required": ["name"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}}
  },
  "paths": {
    "/healthz": {"get": {"summary": "Liveness", "responses": {"200": {"description": "alive"}}}},
    "/readyz": {"get": {"summary": "Readiness", "responses": {"200": {"description": "ready"}}}},
    "/api/items": {
      "get": {"summary": "List items", "responses": {"200": {"description": "items"}}},
      "post": {
        "summary": "Create an item",
        "security": [{"bearer": []}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
        "responses": {"201": {"description": "created"}, "400": {"description": "malformed"}, "401": {"description": "no credentials"}}
      }
    },
    "/api/items/{id}": {
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
      "get": {"summary": "One item", "responses": {"200": {"description": "the item"}}},
      "put": {
        "summary": "Replace an item",
        "security": [{"bearer": []}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
        "responses": {"200": {"description": "replaced"}}
      },
      "delete": {"summary": "Delete an item", "security": [{"bearer": []}], "responses": {"204": {"description": "deleted"}}}
    }
  }
}
"##;
