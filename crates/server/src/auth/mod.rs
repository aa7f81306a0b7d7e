//! Authentication and authorisation: API keys (`Authorization: Bearer vk_...`) and users
//! (password login, Ed25519-signed JWT access tokens, rotating refresh tokens), both mapped
//! onto scopes so one check ([`Principal::require`], [`permission::enforce`]) guards every
//! route.

pub mod bootstrap;
pub mod events;
pub mod jwks;
pub mod jwt;
pub mod keys;
pub mod middleware;
pub mod oidc;
pub mod password;
pub mod permission;
pub mod principal;
pub mod roles;
pub mod rotation;
pub mod routes;
pub mod scopes;
pub mod session;
pub mod signing;
pub mod tokens;

pub use principal::Principal;
pub use roles::Role;
pub use scopes::Scope;
