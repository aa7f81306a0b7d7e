//! What storing a checklist run adds, in the run's own transaction: its items (the verdict
//! history) and, in its webhook signals, the project's stored sign-offs judged against them.

use super::items::ChecklistItems;
use super::key::SignoffKeys;
use super::webhook_signals::with_stored;
use crate::repo::{checklist_items, signoffs};
use crate::webhooks::signals::Signals;
use sqlx::AnyConnection;

/// Returns the signals to keep for the run.
pub async fn on_run_stored(
    conn: &mut AnyConnection,
    run_id: i64,
    project_id: i64,
    items: Option<&ChecklistItems>,
    signals: &Signals,
    keys: &SignoffKeys,
) -> Result<Signals, sqlx::Error> {
    let Some(items) = items else {
        return Ok(signals.clone());
    };
    checklist_items::insert_for_run(conn, run_id, project_id, items).await?;
    let stored = signoffs::list_for_project(&mut *conn, project_id).await?;
    Ok(with_stored(signals, &stored, items, keys))
}
