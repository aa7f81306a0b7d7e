//! Security controls over source code (CODE001–019).

use crate::registry::Check;

mod admin_routes_require_role;
mod authorization_not_always_allow;
mod cors_strict;
mod graphql_introspection_off;
mod jwt_secret_no_fallback;
mod jwt_verified;
mod no_debug_mode;
mod no_exception_details_to_clients;
mod no_hardcoded_credentials_in_code;
mod no_shell_injection;
mod no_ssrf;
mod no_stubs_in_production;
mod password_policy;
mod route_text;
mod safe_deserialization;
mod secure_randomness;
mod sql_parameterised;
mod strong_password_hashing;
mod write_routes_authenticated;

pub fn checks() -> Vec<&'static dyn Check> {
    vec![
        &sql_parameterised::SqlParameterised,
        &cors_strict::CorsStrict,
        &no_hardcoded_credentials_in_code::NoHardcodedCredentialsInCode,
        &authorization_not_always_allow::AuthorizationNotAlwaysAllow,
        &jwt_verified::JwtVerified,
        &jwt_secret_no_fallback::JwtSecretNoFallback,
        &write_routes_authenticated::WriteRoutesAuthenticated,
        &no_debug_mode::NoDebugMode,
        &no_exception_details_to_clients::NoExceptionDetailsToClients,
        &safe_deserialization::SafeDeserialization,
        &no_shell_injection::NoShellInjection,
        &no_ssrf::NoSsrf,
        &strong_password_hashing::StrongPasswordHashing,
        &secure_randomness::SecureRandomness,
        &graphql_introspection_off::GraphqlIntrospectionOff,
        &password_policy::PasswordPolicy,
        &no_stubs_in_production::NoStubsInProduction,
        &admin_routes_require_role::AdminRoutesRequireRole,
    ]
}
