//! Sign-offs stored on the server (uploaded, or made from the sign-off page), judged against the
//! latest checklist run the way `GET /api/v1/projects/{name}/checklist` judges them.

use super::error::PageResult;
use super::report::Signoff;
use crate::app::AppState;
use crate::checklists::StoredSignoff;
use crate::checklists::store::latest_checklist;
use crate::repo::signoffs;

/// The project's stored sign-offs of its latest checklist, oldest first.
pub async fn signoffs(state: &AppState, project_id: i64) -> PageResult<Vec<Signoff>> {
    let Some((_, items)) = latest_checklist(state, project_id).await? else {
        return Ok(Vec::new());
    };
    Ok(signoffs::list_for_project(&state.db.pool, project_id)
        .await?
        .into_iter()
        .filter(|r| r.checklist == items.checklist)
        .map(|r| StoredSignoff::judge(r, &state.signoff_keys, Some(&items)))
        .map(|s| Signoff {
            section: s.section,
            name: s.name,
            signed_at: s.signed_at,
            valid: s.valid,
            stale: s.stale,
        })
        .collect())
}
