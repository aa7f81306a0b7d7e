//! The page shell: a skip link, the header with navigation and the logout form, one `main`
//! landmark. Pages come back as HTML with a strict Content-Security-Policy: scripts, styles and
//! images from this origin only, no inline script or style attribute, forms post here only.

use super::assets;
use super::session::Session;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

pub const CSP: &str = "default-src 'self'; img-src 'self' data:; form-action 'self'; \
                       frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// A page for a logged-in user.
pub fn page(session: &Session, title: &str, content: Markup) -> Response {
    let header = html! {
        header.site-header {
            a.brand href="/" { "vouch" }
            nav aria-label="Main" {
                ul {
                    li { a href="/" { "Projects" } }
                    li { a href="/jobs" { "Jobs" } }
                }
            }
            div.who {
                span {
                    (session.display_name)
                    @if let Some(role) = session.role() { " (" (role.as_str()) ")" }
                }
                form method="post" action="/logout" {
                    input type="hidden" name="csrf" value=(session.csrf);
                    button type="submit" { "Log out" }
                }
            }
        }
    };
    document(title, header, content)
}

/// A page without a session (login, errors).
pub fn bare(title: &str, content: Markup) -> Response {
    let header = html! {
        header.site-header { a.brand href="/" { "vouch" } }
    };
    document(title, header, content)
}

fn document(title: &str, header: Markup, content: Markup) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · vouch" }
                // No favicon request (it would be a 404 in every browser's console).
                link rel="icon" href="data:,";
                link rel="stylesheet" href=(assets::css_url());
                script src=(assets::js_url()) defer {}
            }
            body {
                a.skip-link href="#main" { "Skip to main content" }
                (header)
                main #main tabindex="-1" { (content) }
            }
        }
    };
    let mut response = markup.into_string().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    // Not the API's `no-referrer`: with it a browser sends `Origin: null` on the page's own
    // forms, which the same-origin check must then refuse. Nothing goes to other sites.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}
