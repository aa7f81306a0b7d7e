//! Small pieces pages share: state badges (a word and a colour, never the colour alone),
//! scores, times, short commits.

use crate::clock;
use maud::{Markup, html};

/// `PASS` / `FAIL` for a gate; `no gate` when the run had none.
pub fn gate(failed: Option<bool>) -> Markup {
    match failed {
        Some(false) => html! { span.badge.pass { "PASS" } },
        Some(true) => html! { span.badge.fail { "FAIL" } },
        None => html! { span.badge.neutral { "no gate" } },
    }
}

/// A severity as a badge: critical and high in the failure colour, medium in amber.
pub fn severity(severity: &str) -> Markup {
    let class = match severity {
        "critical" | "high" => "badge fail",
        "medium" => "badge warn",
        _ => "badge neutral",
    };
    html! { span class=(class) { (severity) } }
}

/// A checklist verdict as a badge, in words.
pub fn verdict(verdict: &str) -> Markup {
    let class = match verdict {
        "done" => "badge pass",
        "claimed_but_failing" | "not_done" => "badge fail",
        "done_but_unticked" | "unknown" => "badge warn",
        _ => "badge neutral",
    };
    html! { span class=(class) { (verdict.replace('_', " ")) } }
}

/// `72 / 100`, or `not scored`.
pub fn score(score: Option<i64>) -> String {
    score.map_or_else(|| "not scored".to_string(), |s| format!("{s} / 100"))
}

/// A time in RFC 3339 inside `<time>`.
pub fn time(ms: i64) -> Markup {
    let at = clock::rfc3339(ms);
    html! { time datetime=(at) { (at.get(..16).unwrap_or(&at).replace('T', " ")) } }
}

/// The first 10 hex digits of a commit.
pub fn commit(sha: Option<&str>) -> Markup {
    match sha {
        Some(sha) => html! { code title=(sha) { (sha.get(..10).unwrap_or(sha)) } },
        None => html! { "—" },
    }
}

/// A table's `thead`: one column header per name; those in `numeric` are right-aligned.
pub fn columns(names: &[&str], numeric: &[&str]) -> Markup {
    html! {
        thead {
            tr {
                @for name in names {
                    th.num[numeric.contains(name)] scope="col" { (name) }
                }
            }
        }
    }
}
