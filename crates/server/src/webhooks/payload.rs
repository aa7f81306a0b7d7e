//! The body an endpoint receives: the generic JSON document, or a Slack-compatible message
//! (`{text, blocks}`, accepted by Slack incoming webhooks and by tools that mimic them).

use super::events::Event;
use crate::clock;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Lines listed in a Slack message at most; the generic payload always has them all.
const SLACK_MAX_LINES: usize = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Slack,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Slack => "slack",
        }
    }

    pub fn parse(text: &str) -> Option<Format> {
        [Format::Json, Format::Slack]
            .into_iter()
            .find(|f| f.as_str() == text)
    }
}

/// What the event is about.
pub struct Context<'a> {
    pub project_id: i64,
    pub project: &'a str,
    pub run_id: i64,
    pub run_kind: &'a str,
    pub commit: Option<&'a str>,
    pub previous_run_id: i64,
    pub occurred_at: i64,
}

pub fn render(format: Format, event: &Event, ctx: &Context<'_>) -> Value {
    match format {
        Format::Json => generic(event, ctx),
        Format::Slack => slack(event, ctx),
    }
}

fn generic(event: &Event, ctx: &Context<'_>) -> Value {
    json!({
        "event": event.kind.as_str(),
        "summary": format!("{}: {}", ctx.project, event.summary),
        "occurred_at": clock::rfc3339(ctx.occurred_at),
        "project": {"id": ctx.project_id, "name": ctx.project},
        "run": {
            "id": ctx.run_id,
            "kind": ctx.run_kind,
            "commit": ctx.commit,
            "url": format!("/api/v1/runs/{}", ctx.run_id),
        },
        "previous_run": {"id": ctx.previous_run_id, "url": format!("/api/v1/runs/{}", ctx.previous_run_id)},
        "details": event.details,
    })
}

fn slack(event: &Event, ctx: &Context<'_>) -> Value {
    let headline = format!("{}: {}", ctx.project, event.summary);
    let mut body = format!("*{}*", escape(&headline));
    for line in event.lines.iter().take(SLACK_MAX_LINES) {
        body.push_str("\n• ");
        body.push_str(&escape(line));
    }
    if event.lines.len() > SLACK_MAX_LINES {
        body.push_str(&format!(
            "\n… and {} more",
            event.lines.len() - SLACK_MAX_LINES
        ));
    }
    let mut context = format!("{} · run {}", event.kind.as_str(), ctx.run_id);
    if let Some(commit) = ctx.commit {
        context.push_str(&format!(" · commit {}", &commit[..commit.len().min(12)]));
    }
    json!({
        "text": headline,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": body}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": context}]},
        ],
    })
}

/// Slack's mrkdwn treats `&`, `<` and `>` as control characters.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::super::events::EventKind;
    use super::*;

    fn ctx() -> Context<'static> {
        Context {
            project_id: 1,
            project: "api",
            run_id: 7,
            run_kind: "audit",
            commit: Some("0123456789abcdef0123"),
            previous_run_id: 6,
            occurred_at: 1_700_000_000_000,
        }
    }

    fn event() -> Event {
        Event {
            kind: EventKind::NewCriticalFinding,
            summary: "1 new critical finding(s)".into(),
            lines: vec!["SEC001 a.env:2: <key> & more".into()],
            details: json!({"findings": [{"fingerprint": "aaaa"}]}),
        }
    }

    #[test]
    fn the_generic_payload_names_project_runs_and_details() {
        let body = render(Format::Json, &event(), &ctx());
        assert_eq!(body["event"], "new_critical_finding");
        assert_eq!(body["project"]["name"], "api");
        assert_eq!(body["run"]["url"], "/api/v1/runs/7");
        assert_eq!(body["previous_run"]["id"], 6);
        assert_eq!(body["details"]["findings"][0]["fingerprint"], "aaaa");
        assert_eq!(body["occurred_at"], "2023-11-14T22:13:20Z");
    }

    #[test]
    fn the_slack_payload_is_text_and_escaped_blocks() {
        let body = render(Format::Slack, &event(), &ctx());
        assert_eq!(body["text"], "api: 1 new critical finding(s)");
        assert_eq!(
            body["blocks"][0]["text"]["text"],
            "*api: 1 new critical finding(s)*\n• SEC001 a.env:2: &lt;key&gt; &amp; more"
        );
        assert_eq!(
            body["blocks"][1]["elements"][0]["text"],
            "new_critical_finding · run 7 · commit 0123456789ab"
        );
    }

    #[test]
    fn long_slack_lists_are_cut_and_say_how_many_more() {
        let mut many = event();
        many.lines = (1..=25).map(|i| format!("finding {i}")).collect();
        let body = render(Format::Slack, &many, &ctx());
        let text = body["blocks"][0]["text"]["text"].as_str().unwrap();
        assert_eq!(text.matches("\n• ").count(), SLACK_MAX_LINES);
        assert!(text.ends_with("• finding 20\n… and 5 more"), "{text}");
        let generic = render(Format::Json, &many, &ctx());
        assert_eq!(
            generic["details"], many.details,
            "the generic payload keeps everything"
        );
    }
}
