//! Generic positives: random values assigned to secret-like names, credentials in URLs,
//! bearer tokens in request headers.

use super::{Gen, Positive, b64_encode, p, snip, within};

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
    let basic = b64_encode(format!("svc-reports:{}", g.mixed(16)).as_bytes());
    let basic2 = b64_encode(format!("ops@acme.io:{}", g.mixed(20)).as_bytes());
    let xml_pw = format!("{}#{}", g.mixed(10), g.mixed(5));
    let xml_token = g.mixed(36);
    let netrc_pw = g.mixed(24);
    let nuget_pw = g.mixed(20);
    out.extend([
        snip(
            "SECRET-GENERIC-BASIC-AUTH-HEADER",
            basic.clone(),
            format!("curl -s -H \"Authorization: Basic {basic}\" https://reports.acme.io/api/v2/export\n"),
        ),
        snip(
            "SECRET-GENERIC-BASIC-AUTH-HEADER",
            basic2.clone(),
            format!("location /internal/ {{\n    proxy_set_header Authorization \"Basic {basic2}\";\n    proxy_pass http://backend;\n}}\n"),
        ),
        snip(
            "SECRET-GENERIC-XML-SECRET",
            xml_pw.clone(),
            format!("<settings>\n  <servers>\n    <server>\n      <id>nexus-releases</id>\n      <username>deployer</username>\n      <password>{xml_pw}</password>\n    </server>\n  </servers>\n</settings>\n"),
        ),
        snip(
            "SECRET-GENERIC-XML-SECRET",
            xml_token.clone(),
            format!("<configuration>\n  <appSettings>\n    <apiToken>{xml_token}</apiToken>\n  </appSettings>\n</configuration>\n"),
        ),
        snip(
            "SECRET-GENERIC-PASSWORD",
            nuget_pw.clone(),
            format!("<packageSourceCredentials>\n  <internal>\n    <add key=\"Username\" value=\"ci\" />\n    <add key=\"ClearTextPassword\" value=\"{nuget_pw}\" />\n  </internal>\n</packageSourceCredentials>\n"),
        ),
        snip(
            "SECRET-NETRC-PASSWORD",
            netrc_pw.clone(),
            format!("machine git.acme.io\n  login ci-bot\n  password {netrc_pw}\n"),
        ),
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
