//! Java extractor: Spring MVC/WebFlux (routes, Spring Security annotations and
//! `SecurityFilterChain` URL rules), Spring GraphQL, JAX-RS, WebSocket endpoints, the risky sinks
//! and wired capabilities of a Spring Boot service, and its config values.

mod ast;
mod capabilities;
mod config;
mod link;
mod routes;
mod security;
mod sinks;

use crate::model::FileCode;
use tree_sitter::Tree;

/// Words without which a file cannot yield a fact for this extractor (the parse is skipped).
/// Every construct the extractor recognises must contain one of them.
pub const TRIGGERS: &[&str] = &[
    // routes and security
    "Mapping",
    "@Path",
    "@ApplicationPath",
    "@ServerEndpoint",
    "registerWebSocketHandlers",
    "registerStompEndpoints",
    "org.springframework.security",
    "authorizeHttpRequests",
    "authorizeRequests",
    "authorizeExchange",
    "MethodSecurity",
    // config values
    "static final",
    "@Value",
    "ConfigurationProperties",
    "getenv",
];

pub fn extract(path: &str, src: &[u8], tree: &Tree, out: &mut FileCode) {
    let ctx = ast::Ctx {
        src,
        root: tree.root_node(),
    };
    config::extract(&ctx, out);
    let handlers = routes::extract(&ctx, path, out);
    security::extract(&ctx, path, out);
    sinks::extract(&ctx, &handlers, out);
    capabilities::extract(&ctx, &handlers, out);
}

pub fn link(files: &mut [FileCode]) {
    link::link(files);
}
