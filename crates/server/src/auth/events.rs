//! Security events: logins and their failures, refresh-token reuse, user creation, role,
//! password and status changes. For now each is one structured log line (target
//! `vouch::security`); the hash-chained audit log is connected here.

use crate::app::AppState;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    LoginSucceeded,
    LoginFailed,
    Logout,
    /// A rotated refresh token came back: its whole family was revoked.
    RefreshTokenReused,
    UserCreated,
    RoleChanged,
    PasswordChanged,
    UserDisabled,
    UserEnabled,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::LoginSucceeded => "login_succeeded",
            EventKind::LoginFailed => "login_failed",
            EventKind::Logout => "logout",
            EventKind::RefreshTokenReused => "refresh_token_reused",
            EventKind::UserCreated => "user_created",
            EventKind::RoleChanged => "role_changed",
            EventKind::PasswordChanged => "password_changed",
            EventKind::UserDisabled => "user_disabled",
            EventKind::UserEnabled => "user_enabled",
        }
    }
}

/// Records one event. `actor` is who acted (`user:3`, `key:1`, or the login name tried),
/// `subject` what it was done to, `detail` a short human-readable note (never a secret).
pub async fn security_event(
    _state: &AppState,
    kind: EventKind,
    actor: &str,
    subject: &str,
    detail: &str,
) {
    tracing::info!(
        target: "vouch::security",
        event = kind.as_str(),
        actor,
        subject,
        detail,
        "security event"
    );
}
