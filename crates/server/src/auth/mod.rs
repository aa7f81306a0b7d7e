//! Authentication with API keys (`Authorization: Bearer vk_...`) and scope checks.

pub mod bootstrap;
pub mod keys;
pub mod middleware;
pub mod principal;
pub mod routes;
pub mod scopes;

pub use principal::Principal;
pub use scopes::Scope;
