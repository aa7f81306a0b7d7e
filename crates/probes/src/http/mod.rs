//! HTTP probes (`HTTP`): one file per control, registered in `probes()`.
//!
//! IDs HTTP001–HTTP030 are taken here; new probes continue from HTTP031.

pub mod error_body;
pub mod exposure;
pub mod oversize;
pub mod shared;
pub mod transport;

mod certificate_expiry;
mod certificate_expiry_30_days;
mod certificate_expiry_7_days;
mod cookie_attributes;
mod hsts;
mod https_redirect;
mod tls_chain_valid;
mod tls_modern_versions;

mod body_size_limited;
mod content_type_options;
mod cors_restricted;
mod csp_on_html;
mod frame_protection;
mod graphql_introspection_disabled;
mod liveness_endpoint;
mod long_headers_refused;
mod long_url_refused;
mod malformed_json_structured;
mod metrics_exposition;
mod metrics_not_public;
mod no_debug_endpoints;
mod no_error_internals;
mod no_exposed_files;
mod no_version_disclosure;
mod rate_limited;
mod readiness_endpoint;
mod referrer_policy;
mod trace_disabled;
mod unknown_route_structured;
mod writes_require_auth;
mod wrong_method_structured;

use crate::probe::Probe;

pub fn probes() -> Vec<&'static dyn Probe> {
    vec![
        &liveness_endpoint::LivenessEndpoint,
        &readiness_endpoint::ReadinessEndpoint,
        &metrics_exposition::MetricsExposition,
        &metrics_not_public::MetricsNotPublic,
        &unknown_route_structured::UnknownRouteStructured,
        &wrong_method_structured::WrongMethodStructured,
        &malformed_json_structured::MalformedJsonStructured,
        &no_error_internals::NoErrorInternals,
        &no_version_disclosure::NoVersionDisclosure,
        &content_type_options::ContentTypeOptions,
        &frame_protection::FrameProtection,
        &csp_on_html::CspOnHtml,
        &referrer_policy::ReferrerPolicy,
        &no_exposed_files::NoExposedFiles,
        &no_debug_endpoints::NoDebugEndpoints,
        &trace_disabled::TraceDisabled,
        &rate_limited::RateLimited,
        &writes_require_auth::WritesRequireAuth,
        &cors_restricted::CorsRestricted,
        &body_size_limited::BodySizeLimited,
        &long_headers_refused::LongHeadersRefused,
        &long_url_refused::LongUrlRefused,
        &graphql_introspection_disabled::GraphqlIntrospectionDisabled,
        &tls_chain_valid::TlsChainValid,
        &certificate_expiry_30_days::CertificateExpiry30Days,
        &certificate_expiry_7_days::CertificateExpiry7Days,
        &tls_modern_versions::TlsModernVersions,
        &https_redirect::HttpsRedirect,
        &hsts::Hsts,
        &cookie_attributes::CookieAttributes,
    ]
}
