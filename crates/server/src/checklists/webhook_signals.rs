//! Stored sign-offs reach the webhook regressions (`webhooks::regressions`, "sign-off gone
//! stale") through the same run signals the report's own sign-offs do: a checklist run's
//! signals list every stored sign-off of its checklist as judged against its items, and a
//! sign-off stored later is added to the latest run's signals, so the next run that changes
//! its items is compared against a fresh entry.

use super::items::ChecklistItems;
use super::key::SignoffKeys;
use super::types::StoredSignoff;
use crate::repo::run_signals;
use crate::repo::signoffs::SignoffRecord;
use crate::webhooks::signals::{Signals, Signoff};
use sqlx::AnyConnection;

/// `signals` plus the valid stored sign-offs of `items`' checklist, judged against `items`
/// (a sign-off the report lists itself is kept as the report says).
pub fn with_stored(
    signals: &Signals,
    stored: &[SignoffRecord],
    items: &ChecklistItems,
    keys: &SignoffKeys,
) -> Signals {
    let mut out = signals.clone();
    for record in stored.iter().filter(|r| r.checklist == items.checklist) {
        let view = StoredSignoff::judge(record.clone(), keys, Some(items));
        if !view.valid {
            continue;
        }
        let signoff = Signoff {
            section: view.section.last().cloned().unwrap_or_default(),
            name: view.name,
            signed_at: view.signed_at,
            stale: view.stale,
        };
        if !out.signoffs.iter().any(|s| s.key() == signoff.key()) {
            out.signoffs.push(signoff);
        }
    }
    out
}

/// Adds newly stored sign-offs to the signals of the run they were judged against.
pub async fn note_in_run(
    conn: &mut AnyConnection,
    run_id: i64,
    items: &ChecklistItems,
    stored: &[SignoffRecord],
    keys: &SignoffKeys,
) -> Result<(), sqlx::Error> {
    let Some(json) = run_signals::of_run(conn, run_id).await? else {
        return Ok(());
    };
    // Signals that no longer parse are left alone, as the comparison ignores them too.
    let Ok(signals) = serde_json::from_str::<Signals>(&json) else {
        return Ok(());
    };
    let updated = with_stored(&signals, stored, items, keys);
    if updated != signals {
        let json = serde_json::to_string(&updated).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        run_signals::replace(conn, run_id, &json).await?;
    }
    Ok(())
}
