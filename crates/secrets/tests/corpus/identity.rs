//! Identity provider positives.

use super::{Gen, Positive, p};

pub fn positives(g: &mut Gen) -> Vec<Positive> {
    let tok = concat!(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "_-"
    );
    let upper = "ABCDEFGHJKLMNPQRSTVWXYZ23456789";
    vec![
        p(
            "SECRET-GOOGLE-OAUTH-CLIENT-SECRET",
            "GOOGLE_CLIENT_SECRET",
            format!("GOCSPX-{}", g.chars(tok, 28)),
        ),
        p(
            "SECRET-GOOGLE-OAUTH-ACCESS-TOKEN",
            "GOOGLE_ACCESS_TOKEN",
            format!("ya29.a0{}", g.chars(tok, 150)),
        ),
        p(
            "SECRET-GOOGLE-OAUTH-REFRESH-TOKEN",
            "GOOGLE_REFRESH_TOKEN",
            format!("1//0{}", g.chars(tok, 99)),
        ),
        p(
            "SECRET-MICROSOFT-CLIENT-SECRET",
            "AZURE_CLIENT_SECRET",
            format!(
                "{}{}Q~{}",
                g.alnum(3),
                g.digits(1),
                g.chars(
                    concat!(
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                        "_.~-"
                    ),
                    34
                )
            ),
        ),
        p(
            "SECRET-OKTA-API-TOKEN",
            "OKTA_API_TOKEN",
            format!("00{}", g.chars(tok, 40)),
        ),
        p(
            "SECRET-AUTH0-CLIENT-SECRET",
            "AUTH0_CLIENT_SECRET",
            g.chars(tok, 64),
        ),
        p(
            "SECRET-ONELOGIN-CLIENT-SECRET",
            "ONELOGIN_CLIENT_SECRET",
            g.hex(64),
        ),
        p(
            "SECRET-KEYCLOAK-CLIENT-SECRET",
            "KEYCLOAK_CLIENT_SECRET",
            g.mixed(32),
        ),
        p(
            "SECRET-FACEBOOK-APP-SECRET",
            "FACEBOOK_APP_SECRET",
            g.hex(32),
        ),
        p(
            "SECRET-FACEBOOK-ACCESS-TOKEN",
            "FACEBOOK_ACCESS_TOKEN",
            format!("EAAG{}", g.mixed(180)),
        ),
        p(
            "SECRET-TWITTER-BEARER-TOKEN",
            "TWITTER_BEARER_TOKEN",
            format!("{}{}", "A".repeat(22), g.mixed(90)),
        ),
        p(
            "SECRET-TWITTER-API-SECRET",
            "TWITTER_API_SECRET",
            g.mixed(50),
        ),
        p(
            "SECRET-LINKEDIN-CLIENT-SECRET",
            "LINKEDIN_CLIENT_SECRET",
            g.mixed(16),
        ),
        p(
            "SECRET-1PASSWORD-SERVICE-ACCOUNT-TOKEN",
            "OP_SERVICE_ACCOUNT_TOKEN",
            format!("ops_eyJ{}", g.chars(tok, 400)),
        ),
        p(
            "SECRET-1PASSWORD-SECRET-KEY",
            "OP_SECRET_KEY",
            format!(
                "A3-{}-{}-{}-{}-{}-{}-{}",
                g.chars(upper, 6),
                g.chars(upper, 6),
                g.chars(upper, 5),
                g.chars(upper, 5),
                g.chars(upper, 5),
                g.chars(upper, 5),
                g.chars(upper, 5)
            ),
        ),
    ]
}
