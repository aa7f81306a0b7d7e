//! HTTP plumbing shared by every route: problems, JSON extraction, pagination, and the
//! middleware stack (request IDs, security headers, problem fallback, request-head limits, rate
//! limits, idempotency).

pub mod catch_panic;
pub mod created;
pub mod idempotency;
pub mod json;
pub mod pagination;
pub mod problem;
pub mod problem_fallback;
pub mod rate_limit;
pub mod request_head;
pub mod request_id;
pub mod security_headers;
