//! Observability positives.

use super::{Gen, Positive, p, within};

pub fn positives(g: &mut Gen) -> Vec<Positive> {
    let tok = concat!(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "_-"
    );
    let secret = g.hex(32);
    let dsn = format!(
        "https://{}:{secret}@o{}.ingest.sentry.io/{}",
        g.hex(32),
        g.digits(6),
        g.digits(7)
    );
    let mut out = within("SECRET-SENTRY-DSN-SECRET", "SENTRY_DSN", &secret, &dsn);
    out.extend([
        p("SECRET-DATADOG-API-KEY", "DD_API_KEY", g.hex(32)),
        p("SECRET-DATADOG-API-KEY", "DATADOG_API_KEY", g.hex(32)),
        p("SECRET-DATADOG-APP-KEY", "DD_APP_KEY", g.hex(40)),
        p(
            "SECRET-NEW-RELIC-USER-API-KEY",
            "NEW_RELIC_API_KEY",
            format!("NRAK-{}", g.upper_alnum(27)),
        ),
        p(
            "SECRET-NEW-RELIC-INSERT-KEY",
            "NEW_RELIC_INSERT_KEY",
            format!("NRII-{}", g.chars(tok, 32)),
        ),
        p(
            "SECRET-NEW-RELIC-LICENSE-KEY",
            "NEW_RELIC_LICENSE_KEY",
            format!("{}NRAL", g.hex(36)),
        ),
        p(
            "SECRET-NEW-RELIC-QUERY-KEY",
            "NEW_RELIC_QUERY_KEY",
            format!("NRIQ-{}", g.chars(tok, 32)),
        ),
        p(
            "SECRET-SENTRY-ORG-AUTH-TOKEN",
            "SENTRY_AUTH_TOKEN",
            format!("sntrys_eyJ{}_{}", g.chars(tok, 150), g.mixed(43)),
        ),
        p(
            "SECRET-SENTRY-USER-AUTH-TOKEN",
            "SENTRY_AUTH_TOKEN",
            format!("sntryu_{}", g.hex(64)),
        ),
        p(
            "SECRET-GRAFANA-CLOUD-TOKEN",
            "GRAFANA_CLOUD_TOKEN",
            format!("glc_{}==", g.b64(120)),
        ),
        p(
            "SECRET-GRAFANA-SERVICE-ACCOUNT-TOKEN",
            "GRAFANA_TOKEN",
            format!("glsa_{}_{}", g.mixed(32), g.hex(8)),
        ),
        p(
            "SECRET-GRAFANA-API-KEY",
            "GRAFANA_API_KEY",
            format!("eyJrIjoi{}=", g.mixed(70)),
        ),
        p(
            "SECRET-HONEYCOMB-INGEST-KEY",
            "HONEYCOMB_API_KEY",
            format!("hcaik_01{}", g.lower_alnum(56)),
        ),
        p("SECRET-HONEYCOMB-API-KEY", "HONEYCOMB_API_KEY", g.mixed(22)),
        p(
            "SECRET-ROLLBAR-ACCESS-TOKEN",
            "ROLLBAR_ACCESS_TOKEN",
            g.hex(32),
        ),
        p("SECRET-SPLUNK-HEC-TOKEN", "SPLUNK_HEC_TOKEN", g.uuid()),
        p(
            "SECRET-DYNATRACE-API-TOKEN",
            "DT_API_TOKEN",
            format!("dt0c01.{}.{}", g.upper_alnum(24), g.upper_alnum(64)),
        ),
        p("SECRET-BUGSNAG-API-KEY", "BUGSNAG_API_KEY", g.hex(32)),
        p(
            "SECRET-PAGERDUTY-API-KEY",
            "PAGERDUTY_API_KEY",
            format!("u+{}", g.mixed(18)),
        ),
        p("SECRET-OPSGENIE-API-KEY", "OPSGENIE_API_KEY", g.uuid()),
        p(
            "SECRET-POSTHOG-PERSONAL-API-KEY",
            "POSTHOG_PERSONAL_API_KEY",
            format!("phx_{}", g.mixed(43)),
        ),
    ]);
    out
}
