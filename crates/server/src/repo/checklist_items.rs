//! `checklist_items`: every item of every stored checklist run, written in the run's own
//! transaction. The verdict history of an item is its rows across runs, newest first.

use crate::checklists::items::{ChecklistItems, Item};
use crate::db::Db;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// One run's verdict for an item, with the run's time and commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryRow {
    pub run_id: i64,
    pub created_at: i64,
    pub commit_sha: Option<String>,
    pub checklist: String,
    pub item: Item,
}

pub async fn insert_for_run(
    conn: &mut AnyConnection,
    run_id: i64,
    project_id: i64,
    list: &ChecklistItems,
) -> Result<(), sqlx::Error> {
    for (position, item) in list.items.iter().enumerate() {
        let section =
            serde_json::to_string(&item.section).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        sqlx::query(
            "INSERT INTO checklist_items (run_id, position, project_id, checklist, item_id, \
             section, text, verdict, claimed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(run_id)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(project_id)
        .bind(&list.checklist)
        .bind(&item.id)
        .bind(section)
        .bind(&item.text)
        .bind(&item.verdict)
        .bind(i64::from(item.claimed))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

fn item_from_row(row: &AnyRow) -> Result<Item, sqlx::Error> {
    let section: String = row.try_get("section")?;
    let claimed: i64 = row.try_get("claimed")?;
    Ok(Item {
        id: row.try_get("item_id")?,
        section: serde_json::from_str(&section).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        text: row.try_get("text")?,
        verdict: row.try_get("verdict")?,
        claimed: claimed != 0,
    })
}

/// The items of one run in document order, with the checklist's name (empty when the run has
/// no items).
pub async fn of_run(db: &Db, run_id: i64) -> Result<ChecklistItems, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT checklist, item_id, section, text, verdict, claimed FROM checklist_items \
         WHERE run_id = $1 ORDER BY position",
    )
    .bind(run_id)
    .fetch_all(&db.pool)
    .await?;
    let checklist = match rows.first() {
        Some(row) => row.try_get("checklist")?,
        None => String::new(),
    };
    Ok(ChecklistItems {
        checklist,
        items: rows.iter().map(item_from_row).collect::<Result<_, _>>()?,
    })
}

/// The item's rows in the project's runs older than `before`, newest first.
pub async fn history(
    db: &Db,
    project_id: i64,
    item_id: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<HistoryRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.run_id, r.created_at, r.commit_sha, c.checklist, c.item_id, c.section, \
         c.text, c.verdict, c.claimed FROM checklist_items c JOIN runs r ON r.id = c.run_id \
         WHERE c.project_id = $1 AND c.item_id = $2 AND c.run_id < $3 \
         ORDER BY c.run_id DESC, c.position LIMIT $4",
    )
    .bind(project_id)
    .bind(item_id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(HistoryRow {
                run_id: row.try_get("run_id")?,
                created_at: row.try_get("created_at")?,
                commit_sha: row.try_get("commit_sha")?,
                checklist: row.try_get("checklist")?,
                item: item_from_row(row)?,
            })
        })
        .collect()
}
