//! Identity providers: Google OAuth, Microsoft Entra ID, Okta, Auth0, OneLogin, Keycloak,
//! Facebook, Twitter/X, LinkedIn, 1Password.

use super::{FIXED, entropy, rule};
use crate::rule::{Category::Identity as C, Rule};
use vouch_core::Severity::{Critical, High};

pub const RULES: &[Rule] = &[
    rule(
        "SECRET-GOOGLE-OAUTH-CLIENT-SECRET",
        "Google OAuth client secret",
        C,
        High,
        &["gocspx-"],
        r"(?-u)\b(GOCSPX-[A-Za-z0-9_\-]{28})(?:[^A-Za-z0-9_\-]|$)",
        entropy(3.8),
    ),
    rule(
        "SECRET-GOOGLE-OAUTH-ACCESS-TOKEN",
        "Google OAuth access token",
        C,
        High,
        &["ya29."],
        r"(?-u)\b(ya29\.[A-Za-z0-9_\-]{30,300})(?:[^A-Za-z0-9_\-]|$)",
        entropy(4.0),
    ),
    rule(
        "SECRET-GOOGLE-OAUTH-REFRESH-TOKEN",
        "Google OAuth refresh token",
        C,
        Critical,
        &["1//0"],
        r"(?-u)(?:^|[^A-Za-z0-9/])(1//0[A-Za-z0-9_\-]{40,200})(?:[^A-Za-z0-9_\-]|$)",
        entropy(4.0),
    ),
    rule(
        "SECRET-MICROSOFT-CLIENT-SECRET",
        "Microsoft Entra ID (Azure AD) client secret",
        C,
        Critical,
        &[
            "0q~", "1q~", "2q~", "3q~", "4q~", "5q~", "6q~", "7q~", "8q~", "9q~",
        ],
        r"(?-u)(?:^|[^A-Za-z0-9_.~\-])([A-Za-z0-9_.\-]{3}[0-9]Q~[A-Za-z0-9_.~\-]{31,34})(?:[^A-Za-z0-9_.~\-]|$)",
        entropy(4.0),
    ),
    rule(
        "SECRET-OKTA-API-TOKEN",
        "Okta API token",
        C,
        Critical,
        &["okta"],
        near!("okta", r"00[A-Za-z0-9_\-]{40}"),
        entropy(4.0),
    ),
    rule(
        "SECRET-AUTH0-CLIENT-SECRET",
        "Auth0 client secret",
        C,
        High,
        &["auth0"],
        near!(r"auth0[\w.\-]{0,20}secret", r"[A-Za-z0-9_\-]{64}"),
        entropy(4.5),
    ),
    rule(
        "SECRET-ONELOGIN-CLIENT-SECRET",
        "OneLogin API client secret",
        C,
        High,
        &["onelogin"],
        near!(r"onelogin[\w.\-]{0,20}secret", r"[a-f0-9]{64}"),
        entropy(3.5),
    ),
    rule(
        "SECRET-KEYCLOAK-CLIENT-SECRET",
        "Keycloak client secret",
        C,
        High,
        &["keycloak"],
        near!(r"keycloak[\w.\-]{0,20}secret", r"[A-Za-z0-9]{32}"),
        entropy(3.8),
    ),
    rule(
        "SECRET-FACEBOOK-APP-SECRET",
        "Facebook (Meta) app secret",
        C,
        High,
        &["facebook", "fb_app_secret", "fb_secret"],
        near!(
            r"facebook[\w.\-]{0,20}secret|fb_app_secret|fb_secret",
            r"[a-f0-9]{32}"
        ),
        entropy(3.3),
    ),
    rule(
        "SECRET-FACEBOOK-ACCESS-TOKEN",
        "Facebook (Meta) access token",
        C,
        High,
        &["eaacedeose0cba", "facebook", "fb_access_token"],
        r"(?-u)\b(EAA[A-Za-z0-9]{100,400})\b",
        entropy(4.5),
    ),
    rule(
        "SECRET-TWITTER-BEARER-TOKEN",
        "Twitter/X API bearer token",
        C,
        High,
        &["aaaaaaaaaaaaaaaaaaaaa"],
        r"(?-u)\b(A{22}[A-Za-z0-9%]{80,120})\b",
        FIXED,
    ),
    rule(
        "SECRET-TWITTER-API-SECRET",
        "Twitter/X API key secret or access token secret",
        C,
        High,
        &["twitter"],
        near!(r"twitter[\w.\-]{0,20}secret", r"[A-Za-z0-9]{45,50}"),
        entropy(4.5),
    ),
    rule(
        "SECRET-LINKEDIN-CLIENT-SECRET",
        "LinkedIn client secret",
        C,
        High,
        &["linkedin"],
        near!(r"linkedin[\w.\-]{0,20}secret", r"[A-Za-z0-9]{16}"),
        entropy(3.4),
    ),
    rule(
        "SECRET-1PASSWORD-SERVICE-ACCOUNT-TOKEN",
        "1Password service account token",
        C,
        Critical,
        &["ops_eyj"],
        r"(?-u)\b(ops_eyJ[A-Za-z0-9+/_\-]{200,1000}={0,2})(?:[^A-Za-z0-9+/=_\-]|$)",
        entropy(4.5),
    ),
    rule(
        "SECRET-1PASSWORD-SECRET-KEY",
        "1Password account secret key",
        C,
        Critical,
        &["a3-"],
        r"(?-u)\b(A3-[A-Z0-9]{6}-(?:[A-Z0-9]{6}-)?[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})\b",
        entropy(3.5),
    ),
];

#[cfg(test)]
mod tests {
    use crate::{ruleset, scan};

    #[test]
    fn microsoft_client_secret_shape() {
        let text = "AZURE_CLIENT_SECRET=Ab18Q~x7Vq2LmR7tXw.Zq8v2_LmR7tXwQ9-k3Jp~\n";
        let hits = scan(ruleset(), text.as_bytes());
        assert!(
            hits.iter()
                .any(|h| h.rule == "SECRET-MICROSOFT-CLIENT-SECRET"
                    && &text[h.span.clone()] == "Ab18Q~x7Vq2LmR7tXw.Zq8v2_LmR7tXwQ9-k3Jp~"),
            "{hits:?}"
        );
        // A tilde path is not a secret.
        assert!(scan(ruleset(), b"cd ~/src && ls 8Q~ \n").is_empty());
    }
}
