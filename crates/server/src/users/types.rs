//! Request and response bodies of `/api/v1/users`, and their validation (422 listing fields).

use crate::auth::Role;
use crate::auth::password::policy;
use crate::clock;
use crate::http::problem::FieldError;
use crate::repo::users::UserRecord;
use serde::{Deserialize, Serialize};

const MAX_USERNAME: usize = 64;
const MAX_EMAIL: usize = 254;
const MAX_DISPLAY_NAME: usize = 100;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub username: String,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub role: String,
    pub password: String,
}

/// Absent fields stay as they are; `password` resets the password (and ends the user's
/// sessions), `disabled: true` locks the account (and ends them too).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub disabled: Option<bool>,
    pub password: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UserView {
    id: i64,
    username: String,
    email: Option<String>,
    display_name: String,
    role: String,
    disabled: bool,
    created_at: String,
    updated_at: String,
}

impl From<UserRecord> for UserView {
    fn from(r: UserRecord) -> Self {
        UserView {
            id: r.id,
            username: r.username,
            email: r.email,
            display_name: r.display_name,
            role: r.role,
            disabled: r.disabled,
            created_at: clock::rfc3339(r.created_at),
            updated_at: clock::rfc3339(r.updated_at),
        }
    }
}

/// A new user's fields, normalised (lower-case username and e-mail).
pub struct ValidUser {
    pub username: String,
    pub email: Option<String>,
    pub display_name: String,
    pub role: Role,
    pub password: String,
}

impl CreateUser {
    pub fn validate(self) -> Result<ValidUser, Vec<FieldError>> {
        let mut errors = Vec::new();
        let username = self.username.trim().to_lowercase();
        if let Some(message) = username_problem(&username) {
            errors.push(FieldError::new("username", message));
        }
        let email = self
            .email
            .map(|e| e.trim().to_lowercase())
            .filter(|e| !e.is_empty());
        if let Some(message) = email.as_deref().and_then(email_problem) {
            errors.push(FieldError::new("email", message));
        }
        let display_name = self
            .display_name
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| username.clone());
        if let Some(message) = display_name_problem(&display_name) {
            errors.push(FieldError::new("display_name", message));
        }
        let role = parse_role(&self.role, &mut errors);
        let personal = [
            username.as_str(),
            email.as_deref().unwrap_or_default(),
            display_name.as_str(),
        ];
        if let Some(message) = policy::check(&self.password, &personal) {
            errors.push(FieldError::new("password", message));
        }
        match role {
            Some(role) if errors.is_empty() => Ok(ValidUser {
                username,
                email,
                display_name,
                role,
                password: self.password,
            }),
            _ => Err(errors),
        }
    }
}

/// The changes of an update, checked against the user they apply to.
pub struct ValidUpdate {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub password: Option<String>,
}

impl UpdateUser {
    pub fn validate(self, current: &UserRecord) -> Result<ValidUpdate, Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.display_name.is_none()
            && self.role.is_none()
            && self.disabled.is_none()
            && self.password.is_none()
        {
            errors.push(FieldError::new(
                "body",
                "give at least one of display_name, role, disabled, password",
            ));
        }
        let display_name = self.display_name.map(|d| d.trim().to_string());
        if let Some(message) = display_name.as_deref().and_then(display_name_problem) {
            errors.push(FieldError::new("display_name", message));
        }
        let role = self.role.and_then(|r| parse_role(&r, &mut errors));
        if let Some(password) = &self.password {
            let name = display_name.as_deref().unwrap_or(&current.display_name);
            let personal = [
                current.username.as_str(),
                current.email.as_deref().unwrap_or_default(),
                name,
            ];
            if let Some(message) = policy::check(password, &personal) {
                errors.push(FieldError::new("password", message));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ValidUpdate {
            display_name,
            role,
            disabled: self.disabled,
            password: self.password,
        })
    }
}

fn parse_role(text: &str, errors: &mut Vec<FieldError>) -> Option<Role> {
    let role = Role::parse(text.trim());
    if role.is_none() {
        errors.push(FieldError::new(
            "role",
            format!("unknown role `{text}`; known: viewer, engineer, admin"),
        ));
    }
    role
}

/// 1 to 64 of `a-z 0-9 . _ -`: no `@`, so a username never equals anyone's e-mail address.
pub fn username_problem(username: &str) -> Option<String> {
    let valid = !username.is_empty()
        && username.chars().count() <= MAX_USERNAME
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    (!valid).then(|| format!("must be 1 to {MAX_USERNAME} of a-z, 0-9, `.`, `_`, `-`"))
}

fn email_problem(email: &str) -> Option<String> {
    let valid = email.len() <= MAX_EMAIL
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.contains('@')
        });
    (!valid).then(|| "must be an e-mail address like name@example.com".to_string())
}

fn display_name_problem(name: &str) -> Option<String> {
    let valid = !name.is_empty()
        && name.chars().count() <= MAX_DISPLAY_NAME
        && !name.chars().any(char::is_control);
    (!valid).then(|| format!("must be 1 to {MAX_DISPLAY_NAME} printable characters"))
}
