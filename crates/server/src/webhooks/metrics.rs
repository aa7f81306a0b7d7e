//! Webhook lines of `/metrics`: failed attempts per endpoint (this process), each endpoint's
//! breaker state and the outbox backlog (both from the database, so every replica agrees).

use super::Handle;
use crate::db::Db;
use crate::repo::{outbox, webhooks};
use std::fmt::Write;

/// Breaker states as gauge values.
fn breaker_value(state: &str) -> u8 {
    match state {
        "half_open" => 1,
        "open" => 2,
        _ => 0,
    }
}

pub async fn render(db: &Db, handle: &Handle, out: &mut String) -> Result<(), sqlx::Error> {
    let states = webhooks::breaker_states(db).await?;
    let backlog = outbox::backlog(db).await?;
    let name = "vouch_webhook_delivery_failures_total";
    let _ = writeln!(
        out,
        "# HELP {name} Failed webhook delivery attempts by endpoint."
    );
    let _ = writeln!(out, "# TYPE {name} counter");
    for (endpoint, count) in handle.failures() {
        let _ = writeln!(out, "{name}{{endpoint=\"{endpoint}\"}} {count}");
    }
    let name = "vouch_webhook_breaker_state";
    let _ = writeln!(
        out,
        "# HELP {name} Circuit breaker per webhook endpoint: 0 closed, 1 half-open, 2 open."
    );
    let _ = writeln!(out, "# TYPE {name} gauge");
    for (endpoint, state) in states {
        let _ = writeln!(
            out,
            "{name}{{endpoint=\"{endpoint}\"}} {}",
            breaker_value(&state)
        );
    }
    let name = "vouch_webhook_outbox_backlog";
    let _ = writeln!(out, "# HELP {name} Webhook deliveries waiting to be made.");
    let _ = writeln!(out, "# TYPE {name} gauge");
    let _ = writeln!(out, "{name} {backlog}");
    Ok(())
}
