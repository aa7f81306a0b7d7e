//! Generic positives: random values assigned to secret-like names, credentials in URLs,
//! bearer tokens in request headers.

use super::{Gen, Positive, p, snip, within};

pub fn positives(g: &mut Gen) -> Vec<Positive> {
    let bearer = g.mixed(40);
    let url_pw = format!("{}!{}", g.mixed(10), g.mixed(6));
    let ftp_pw = g.mixed(14);
    let mut out = within(
        "SECRET-GENERIC-URL-CREDENTIALS",
        "MIRROR_URL",
        &url_pw,
        &format!("https://deploy:{url_pw}@git.corp.acme.io/platform/infra.git"),
    );
    out.extend(within(
        "SECRET-GENERIC-URL-CREDENTIALS",
        "BACKUP_TARGET",
        &ftp_pw,
        &format!("ftp://backup:{ftp_pw}@files.acme.io/nightly"),
    ));
    out.extend([
        p(
            "SECRET-GENERIC-PASSWORD",
            "DB_PASSWORD",
            format!("{}^{}", g.mixed(9), g.mixed(5)),
        ),
        p("SECRET-GENERIC-PASSWORD", "SMTP_PASSWORD", g.mixed(14)),
        p(
            "SECRET-GENERIC-PASSWORD",
            "ADMIN_PASSWD",
            format!("{}@{}", g.mixed(6), g.mixed(6)),
        ),
        p("SECRET-GENERIC-SECRET", "SECRET_KEY", g.mixed(50)),
        p("SECRET-GENERIC-SECRET", "INTERNAL_API_TOKEN", g.mixed(32)),
        p("SECRET-GENERIC-SECRET", "SIGNING_KEY", g.hex(64)),
        p("SECRET-GENERIC-SECRET", "PARTNER_APIKEY", g.mixed(24)),
        p(
            "SECRET-GENERIC-SECRET",
            "ENCRYPTION_KEY",
            format!("{}=", g.b64(43)),
        ),
        snip(
            "SECRET-GENERIC-BEARER-TOKEN",
            bearer.clone(),
            format!(
                "curl -s -H \"Authorization: Bearer {bearer}\" https://api.acme.io/v1/orders\n"
            ),
        ),
    ]);
    out
}
