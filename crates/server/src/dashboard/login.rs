//! `GET /login` (the form), `POST /login` (the ordinary password check, then a session
//! cookie), `POST /logout` (revokes the session, clears the cookie).

use super::error::{PageError, PageResult};
use super::layout;
use super::session::{self, Session};
use crate::app::AppState;
use crate::auth::session::check_password;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn form() -> Response {
    layout::bare("Log in", login_form(None, ""))
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> PageResult<Response> {
    if !session::same_origin(&headers) {
        return Err(PageError::Csrf);
    }
    match check_password(&state, &form.username, form.password).await {
        Ok(user) => {
            let cookie = session::start(&state, &user).await?;
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response())
        }
        Err(problem) if problem.status == 401 => {
            let message = problem.detail.unwrap_or_default();
            let mut page = layout::bare("Log in", login_form(Some(&message), &form.username));
            *page.status_mut() = StatusCode::UNAUTHORIZED;
            Ok(page)
        }
        Err(problem) => Err(problem.into()),
    }
}

/// Logs out the session in the cookie. Without a session there is nothing to end: to login.
pub async fn logout(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> PageResult<Response> {
    session.check_csrf(&form.csrf)?;
    let cleared = session::end(&state, &headers).await?;
    Ok(([(header::SET_COOKIE, cleared)], Redirect::to("/login")).into_response())
}

fn login_form(error: Option<&str>, username: &str) -> Markup {
    html! {
        div.login {
            h1 { "Log in to vouch" }
            @if let Some(error) = error {
                p #login-error .alert role="alert" { (error) }
            }
            form.stacked method="post" action="/login" {
                div {
                    label for="username" { "Username or e-mail" }
                    input #username type="text" name="username" value=(username)
                        autocomplete="username" required autofocus;
                }
                div {
                    label for="password" { "Password" }
                    input #password type="password" name="password"
                        autocomplete="current-password" required;
                }
                div { button.primary type="submit" { "Log in" } }
            }
        }
    }
}
