//! `/api/v1/users`: create, list, change (role, status, password, name). Admins only; the
//! permission layer answers 403 before any body is read.

use super::types::{CreateUser, UpdateUser, UserView, ValidUpdate};
use crate::app::AppState;
use crate::auth::events::{EventKind, security_event};
use crate::auth::{Principal, Role, Scope, password, permission};
use crate::clock;
use crate::http::json::ApiJson;
use crate::http::problem::{ApiResult, Problem};
use crate::repo::users::{self, NewUser, UserChanges, UserRecord};
use crate::repo::{self, refresh_tokens};
use axum::extract::Request;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use axum::routing::{patch, post};
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", post(create).get(list))
        .route("/users/{id}", patch(update))
        .route_layer(from_fn(|request: Request, next: Next| {
            permission::enforce(Scope::Admin, request, next)
        }))
}

/// This module's operations in the OpenAPI document (see crate::openapi).
#[derive(utoipa::OpenApi)]
#[openapi(paths(create, list, update))]
pub struct Api;

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUser,
    responses((status = 201, description = "The user; `Location` names it", body = UserView), (status = 409, description = "The username or e-mail is taken", body = Problem, content_type = "application/problem+json")))]
async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<CreateUser>,
) -> ApiResult<Response> {
    let valid = body.validate().map_err(Problem::validation)?;
    let hash = password::hash_blocking(valid.password)
        .await
        .map_err(Problem::internal)?;
    let record = users::insert(
        &state.db,
        &NewUser {
            username: &valid.username,
            email: valid.email.as_deref(),
            display_name: &valid.display_name,
            role: valid.role.as_str(),
            password_hash: &hash,
            created_at: clock::now_ms(),
        },
    )
    .await
    .map_err(|e| {
        if repo::is_unique_violation(&e) {
            Problem::conflict("a user with this username or e-mail address already exists")
        } else {
            e.into()
        }
    })?;
    let subject = format!("user:{}", record.id);
    let detail = format!("role {}", record.role);
    security_event(
        &state,
        EventKind::UserCreated,
        &principal.subject(),
        &subject,
        &detail,
    )
    .await;
    let location = format!("/api/v1/users/{}", record.id);
    let mut response = (StatusCode::CREATED, Json(UserView::from(record))).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    responses((status = 200, description = "Every user", body = Vec<UserView>)))]
async fn list(State(state): State<AppState>) -> ApiResult<Json<Vec<UserView>>> {
    let records = users::list(&state.db).await?;
    Ok(Json(records.into_iter().map(UserView::from).collect()))
}

#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path, description = "The user's id")), request_body = UpdateUser,
    responses((status = 200, description = "The updated user", body = UserView), (status = 409, description = "The change would leave no enabled admin", body = Problem, content_type = "application/problem+json")))]
async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<UpdateUser>,
) -> ApiResult<Json<UserView>> {
    let current = users::find(&state.db, id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no user with id {id}")))?;
    let change = body.validate(&current).map_err(Problem::validation)?;
    keep_an_admin(&state, &current, &change).await?;
    let hash = match change.password.clone() {
        Some(p) => Some(
            password::hash_blocking(p)
                .await
                .map_err(Problem::internal)?,
        ),
        None => None,
    };
    let now = clock::now_ms();
    let updated = users::update(
        &state.db,
        id,
        &UserChanges {
            display_name: change.display_name.as_deref(),
            role: change.role.map(Role::as_str),
            disabled: change.disabled,
            password_hash: hash.as_deref(),
        },
        now,
    )
    .await?
    .ok_or_else(|| Problem::not_found(format!("no user with id {id}")))?;
    if hash.is_some() || (updated.disabled && !current.disabled) {
        refresh_tokens::revoke_user(&state.db, id, now).await?;
    }
    record_changes(&state, &principal, &current, &updated, hash.is_some()).await;
    Ok(Json(updated.into()))
}

/// Refuses to demote or disable the last enabled admin: nobody could manage users after.
async fn keep_an_admin(
    state: &AppState,
    current: &UserRecord,
    change: &ValidUpdate,
) -> ApiResult<()> {
    let is_admin = current.role == Role::Admin.as_str() && !current.disabled;
    let loses_admin =
        change.role.is_some_and(|r| r != Role::Admin) || change.disabled == Some(true);
    if is_admin && loses_admin && users::count_other_admins(&state.db, current.id).await? == 0 {
        return Err(Problem::conflict(
            "this is the last enabled admin; make another user admin first",
        ));
    }
    Ok(())
}

async fn record_changes(
    state: &AppState,
    principal: &Principal,
    before: &UserRecord,
    after: &UserRecord,
    password_changed: bool,
) {
    let actor = principal.subject();
    let subject = format!("user:{}", after.id);
    if before.role != after.role {
        let detail = format!("{} -> {}", before.role, after.role);
        security_event(state, EventKind::RoleChanged, &actor, &subject, &detail).await;
    }
    if password_changed {
        security_event(
            state,
            EventKind::PasswordChanged,
            &actor,
            &subject,
            "reset by an admin",
        )
        .await;
    }
    if before.disabled != after.disabled {
        let kind = if after.disabled {
            EventKind::UserDisabled
        } else {
            EventKind::UserEnabled
        };
        security_event(state, kind, &actor, &subject, "").await;
    }
}
