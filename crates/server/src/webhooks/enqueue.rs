//! Called in the transaction that stores a run: keeps the run's signals, compares it with the
//! project's previous run of the same kind, and writes one outbox row per event and subscribed
//! endpoint. The rows commit with the run or not at all, so no regression is lost.

use super::events::EventKind;
use super::payload::{self, Context, Format};
use super::regressions::{self, Side};
use super::signals::Signals;
use crate::repo::outbox::{self, NewDelivery};
use crate::repo::runs::RunRecord;
use crate::repo::{run_signals, webhooks};
use sqlx::AnyConnection;

/// Returns how many deliveries were enqueued.
pub async fn on_run_stored(
    conn: &mut AnyConnection,
    project: &str,
    run: &RunRecord,
    signals: &Signals,
    drop_threshold: u32,
) -> Result<usize, sqlx::Error> {
    let json = serde_json::to_string(signals).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    run_signals::insert(conn, run.id, &json).await?;
    let Some(previous) = run_signals::previous(conn, run.project_id, &run.kind, run.id).await?
    else {
        return Ok(0);
    };
    // Signals that no longer parse are treated like absent ones: nothing is called new.
    let before: Option<Signals> = previous
        .signals
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok());
    let events = regressions::detect(
        &Side {
            score: previous.score,
            signals: before.as_ref(),
        },
        &Side {
            score: run.score,
            signals: Some(signals),
        },
        drop_threshold,
    );
    if events.is_empty() {
        return Ok(0);
    }
    let endpoints = webhooks::subscribed(conn, run.project_id).await?;
    let ctx = Context {
        project_id: run.project_id,
        project,
        run_id: run.id,
        run_kind: &run.kind,
        commit: run.commit_sha.as_deref(),
        previous_run_id: previous.id,
        occurred_at: run.created_at,
    };
    let mut enqueued = 0;
    for event in &events {
        for endpoint in &endpoints {
            let wants = endpoint
                .events
                .split_whitespace()
                .any(|e| EventKind::parse(e) == Some(event.kind));
            let Some(format) = Format::parse(&endpoint.format) else {
                continue;
            };
            if !wants {
                continue;
            }
            let body = payload::render(format, event, &ctx).to_string();
            outbox::insert(
                conn,
                &NewDelivery {
                    endpoint_id: endpoint.id,
                    event: event.kind.as_str(),
                    project_id: run.project_id,
                    run_id: run.id,
                    body: &body,
                    created_at: run.created_at,
                },
            )
            .await?;
            enqueued += 1;
        }
    }
    Ok(enqueued)
}
