//! Every probe against real servers: the good test target passes, the bad modes fail with the
//! right evidence. One test binary (link once); one module per probe family.

mod abuse;
mod auth;
mod cors;
mod errors;
mod exposure;
mod graphql;
mod headers;
mod health;
mod limits;
mod metrics;
mod nginx;
mod nginx_probes;
mod nginx_tls;
mod registry;
mod runner;
mod support;
mod transport;
