//! The dashboard's stylesheet and script, built into the binary. Each is served under a name
//! carrying a hash of its content, so it can be cached for a year: a new build changes the name.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

struct Asset {
    /// `dashboard-<hash>.css`
    name: String,
    content_type: &'static str,
    body: &'static str,
}

fn asset(stem: &str, extension: &str, content_type: &'static str, body: &'static str) -> Asset {
    let hash = crate::auth::keys::hex(&Sha256::digest(body.as_bytes()));
    Asset {
        name: format!("{stem}-{}.{extension}", &hash[..16]),
        content_type,
        body,
    }
}

static CSS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "dashboard",
        "css",
        "text/css; charset=utf-8",
        include_str!("assets/dashboard.css"),
    )
});

static JS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "dashboard",
        "js",
        "text/javascript; charset=utf-8",
        include_str!("assets/dashboard.js"),
    )
});

pub fn css_url() -> String {
    format!("/assets/{}", CSS.name)
}

pub fn js_url() -> String {
    format!("/assets/{}", JS.name)
}

/// `GET /assets/{file}`: public (a stylesheet and a filter script hold no data).
pub async fn serve(Path(file): Path<String>) -> Response {
    let Some(asset) = [&*CSS, &*JS].into_iter().find(|a| a.name == file) else {
        return super::error::PageError::NotFound("no such asset".into()).into_response();
    };
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        asset.body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--name: #rrggbb;` from the stylesheet's `:root`.
    fn colour(name: &str) -> [f64; 3] {
        let css = include_str!("assets/dashboard.css");
        let start = css.find(&format!("--{name}: #")).unwrap() + name.len() + 5;
        let hex = &css[start..start + 6];
        [0, 2, 4].map(|i| f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0)
    }

    /// WCAG 2 relative luminance and contrast ratio.
    fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
        let luminance = |c: [f64; 3]| {
            let [r, g, b] = c.map(|v| {
                if v <= 0.03928 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            });
            0.2126 * r + 0.7152 * g + 0.0722 * b
        };
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn text_colours_meet_wcag_aa_on_their_backgrounds() {
        let white = [1.0; 3];
        let pairs = [
            ("text", colour("text"), colour("bg")),
            ("muted on bg", colour("muted"), colour("bg")),
            ("muted on panel", colour("muted"), colour("panel")),
            ("link on bg", colour("link"), colour("bg")),
            ("link on panel", colour("link"), colour("panel")),
            ("pass badge", white, colour("pass-bg")),
            ("fail badge", white, colour("fail-bg")),
            ("warn badge", white, colour("warn-bg")),
            ("neutral badge", white, colour("neutral-bg")),
            ("header", white, colour("text")),
        ];
        for (what, fg, bg) in pairs {
            let ratio = contrast(fg, bg);
            assert!(ratio >= 4.5, "{what}: {ratio:.2}:1");
        }
    }

    #[test]
    fn asset_names_carry_their_content_hash() {
        let css = asset("x", "css", "text/css", "a{}");
        let other = asset("x", "css", "text/css", "b{}");
        assert!(css.name.starts_with("x-") && css.name.ends_with(".css"));
        assert_eq!(css.name.len(), "x-.css".len() + 16);
        assert_ne!(css.name, other.name);
        assert!(css_url().starts_with("/assets/dashboard-"));
        assert!(js_url().ends_with(".js"));
    }
}
