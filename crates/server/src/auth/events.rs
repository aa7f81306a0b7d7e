//! Security events: logins and their failures, refresh-token reuse, user creation, role,
//! password and status changes. Each is appended to the hash-chained audit log
//! ([`crate::audit_log`]) and written as a structured log line (target `vouch::security`).

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
    /// A signed sign-off was uploaded and stored.
    SignoffUploaded,
    /// An upload of sign-offs was refused (a bad signature or an untrusted key).
    SignoffRejected,
    /// The server signed a checklist section for a user.
    SignoffSigned,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::LoginSucceeded => "auth.login_succeeded",
            EventKind::LoginFailed => "auth.login_failed",
            EventKind::Logout => "auth.logout",
            EventKind::RefreshTokenReused => "auth.refresh_token_reused",
            EventKind::UserCreated => "user.created",
            EventKind::RoleChanged => "user.role_changed",
            EventKind::PasswordChanged => "user.password_changed",
            EventKind::UserDisabled => "user.disabled",
            EventKind::UserEnabled => "user.enabled",
            EventKind::SignoffUploaded => "signoff.uploaded",
            EventKind::SignoffRejected => "signoff.rejected",
            EventKind::SignoffSigned => "signoff.signed",
        }
    }
}

/// Records one event. `actor` is who acted (`user:3`, `key:1`, or the login name tried),
/// `subject` what it was done to, `detail` a short human-readable note (never a secret).
pub async fn security_event(
    state: &AppState,
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
    let event = crate::audit_log::SecurityEvent::new(
        kind.as_str(),
        actor,
        subject,
        serde_json::json!({ "note": detail }),
    );
    // The action already happened: a log that cannot be written is an operational alarm, not
    // a reason to undo or hide it from the caller.
    if let Err(e) = crate::audit_log::record(&state.db, event).await {
        tracing::error!(target: "vouch::security", event = kind.as_str(), error = %e, "audit log append failed");
    }
}
