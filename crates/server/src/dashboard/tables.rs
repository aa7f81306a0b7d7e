//! The tables the project, run and sign-off pages share: findings (with their filter), the
//! checklist's items and sign-offs, runs.

use super::filter::{self, FindingFilter};
use super::report::{Finding, Item, SEVERITIES, Signoff};
use super::widgets;
use crate::repo::runs::RunRecord;
use maud::{Markup, html};
use std::collections::BTreeSet;

/// The filter form (a GET to `action`) and every finding, those the filter excludes hidden.
pub fn findings(found: &[Finding], filter: &FindingFilter, action: &str) -> Markup {
    let areas: BTreeSet<&str> = found.iter().map(|f| f.area.as_str()).collect();
    let shown = found.iter().filter(|f| filter.matches(f)).count();
    html! {
        form.filters #finding-filter method="get" action=(action) role="search" aria-label="Filter findings" {
            div {
                label for="filter-severity" { "Severity" }
                select #filter-severity name="severity" {
                    option value="" selected[filter.severity.is_empty()] { "All severities" }
                    @for s in SEVERITIES {
                        option value=(s) selected[filter.severity == s] { (s) }
                    }
                }
            }
            div {
                label for="filter-area" { "Area" }
                select #filter-area name="area" {
                    option value="" selected[filter.area.is_empty()] { "All areas" }
                    @for a in &areas {
                        option value=(a) selected[filter.area == *a] { (a) }
                    }
                }
            }
            div {
                label for="filter-text" { "Text" }
                input #filter-text type="search" name="q" value=(filter.q) placeholder="path, control, message";
            }
            div { button type="submit" { "Filter" } }
        }
        p #finding-count role="status" aria-live="polite" { (shown) " of " (found.len()) " findings shown" }
        table #findings {
            caption { "Failing findings with their evidence, most severe first" }
            (widgets::columns(&["Severity", "Control", "Area", "Evidence", "Message"], &[]))
            tbody {
                @for f in found {
                    tr data-severity=(f.severity) data-area=(f.area) data-text=(filter::haystack(f))
                        hidden[!filter.matches(f)] {
                        td { (widgets::severity(&f.severity)) }
                        td { code { (f.control) } br; (f.title) }
                        td { (f.area) }
                        td {
                            code {
                                (f.path)
                                @if let Some(line) = f.line { ":" (line) }
                            }
                            @if let Some(snippet) = &f.snippet {
                                pre.snippet { (snippet) }
                            }
                        }
                        td { (f.message) }
                    }
                }
            }
        }
    }
}

/// The checklist's items with verdicts and who signed them off.
pub fn checklist(items: &[Item]) -> Markup {
    html! {
        table #checklist {
            caption { "Checklist items with their verdicts and sign-offs" }
            (widgets::columns(&["Item", "Section", "Claim", "Verdict", "Signed off by"], &[]))
            tbody {
                @for item in items {
                    tr {
                        td { code { (item.id) } }
                        td { (item.section.join(" › ")) }
                        td { (item.text) }
                        td { (widgets::verdict(&item.verdict)) }
                        td { (item.signed_off_by.as_deref().unwrap_or("—")) }
                    }
                }
            }
        }
    }
}

pub fn signoffs(list: &[Signoff]) -> Markup {
    html! {
        @if list.is_empty() {
            p { "No sign-offs recorded." }
        } @else {
            table #signoffs {
                caption { "Recorded sign-offs" }
                (widgets::columns(&["Section", "By", "When", "State"], &[]))
                tbody {
                    @for s in list {
                        tr {
                            td { (s.section.join(" › ")) }
                            td { (s.name) }
                            td { (s.signed_at) }
                            td {
                                @if !s.valid { span.badge.fail { "invalid" } }
                                @else if s.stale { span.badge.warn { "stale" } }
                                @else { span.badge.pass { "valid" } }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn runs(list: &[RunRecord], caption: &str) -> Markup {
    html! {
        table #runs {
            caption { (caption) }
            (widgets::columns(&["Run", "Kind", "Score", "Gate", "Commit", "When"], &["Score"]))
            tbody {
                @for run in list {
                    tr {
                        td { a href=(format!("/runs/{}", run.id)) { "#" (run.id) } }
                        td { (run.kind) }
                        td.num { (widgets::score(run.score)) }
                        td { (widgets::gate(run.gate_failed)) }
                        td { (widgets::commit(run.commit_sha.as_deref())) }
                        td { (widgets::time(run.created_at)) }
                    }
                }
            }
        }
    }
}

/// Area scores of an audit run.
pub fn areas(areas: &[(String, Option<i64>)]) -> Markup {
    html! {
        table #areas {
            caption { "Score per area" }
            (widgets::columns(&["Area", "Score"], &["Score"]))
            tbody {
                @for (area, score) in areas {
                    tr { th scope="row" { (area) } td.num { (widgets::score(*score)) } }
                }
            }
        }
    }
}
