//! Users: created and managed by admins (`/api/v1/users`); they log in through `auth::session`.

pub mod routes;
pub mod types;
