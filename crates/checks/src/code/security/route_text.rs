//! How security findings name a route, and its path split into segments.

use vouch_code::Route;

/// "`POST /api/users` (handler `create_user`)": what a reader needs to find the route.
pub fn describe(route: &Route) -> String {
    let handler = if route.handler.is_empty() {
        "an inline handler".to_string()
    } else {
        format!("handler `{}`", route.handler)
    };
    let path = if route.path.is_empty() {
        "/"
    } else {
        &route.path
    };
    format!("`{} {path}` ({handler})", route.method)
}

/// Lower-cased literal path segments (`/API/Users/{id}` → `api`, `users`, `{id}`).
pub fn segments(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.to_ascii_lowercase())
}
