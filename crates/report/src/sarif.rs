//! SARIF 2.1.0 for code-scanning tools (GitHub code scanning, Azure DevOps, Sonar).
//!
//! Rules come from control metadata; every non-suppressed and suppressed finding is a result
//! (suppressed ones carry `suppressions`, so a scanner shows them as dismissed); the stable
//! fingerprint goes into `partialFingerprints`, so a dismissal survives unrelated edits.
//! Unknown and errored controls, unreadable inputs and expired suppressions become tool
//! notifications: they are facts about the run, not findings.

use serde_json::{Map, Value, json};
use vouch_core::{ControlMeta, ControlResult, Finding, Location, OutcomeKind, Report, Severity};

pub const SARIF_SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Key of vouch's fingerprint in `partialFingerprints` (versioned, as SARIF recommends).
pub const FINGERPRINT_KEY: &str = "vouch/v1";

/// GitHub's `security-severity` scale: 9.0+ critical, 7.0+ high, 4.0+ medium, above 0 low.
fn security_severity(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn level(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// `non_root_user` → `NonRootUser` (SARIF's `name` is an identifier-like label).
fn rule_name(slug: &str) -> String {
    slug.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|first| first.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The body of a `## heading` section of a control doc, up to the next heading.
fn doc_section<'a>(doc: &'a str, heading: &str) -> Option<&'a str> {
    let marker = format!("## {heading}");
    let start = doc.find(&marker)? + marker.len();
    let rest = &doc[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    let body = rest[..end].trim();
    (!body.is_empty()).then_some(body)
}

/// First paragraph, joined onto one line.
fn first_paragraph(text: &str) -> String {
    text.split("\n\n")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn rule(result: &ControlResult, meta: Option<&ControlMeta>, docs_url: &str) -> Value {
    let c = &result.control;
    let full = meta
        .and_then(|m| doc_section(m.doc, "What it checks"))
        .map(first_paragraph)
        .unwrap_or_else(|| c.title.clone());
    let mut help_md = format!("**{}** ({} · {})\n\n", c.title, c.area, c.severity);
    if let Some(m) = meta {
        help_md.push_str(m.doc.trim());
        help_md.push_str("\n\n");
    }
    help_md.push_str("## Remediation\n\n");
    help_md.push_str(result.remediation.trim());
    help_md.push('\n');
    // The area name doubles as GitHub's `security` tag for security controls.
    let mut tags = vec![c.area.as_str().to_string()];
    tags.push("production-readiness".into());
    if let Some(m) = meta {
        tags.push(m.domain().to_ascii_lowercase());
    }
    // SARIF requires unique tags; a domain can share its name with an area (DATA, data).
    let mut seen = std::collections::HashSet::new();
    tags.retain(|t| seen.insert(t.clone()));
    let mut rule = json!({
        "id": c.id,
        "name": rule_name(&c.slug),
        "shortDescription": { "text": c.title },
        "fullDescription": { "text": full },
        "help": {
            "text": format!("{}\n\nRemediation: {}", c.title, result.remediation.trim()),
            "markdown": help_md,
        },
        "defaultConfiguration": { "level": level(c.severity) },
        "properties": {
            "security-severity": security_severity(c.severity),
            "problem.severity": level(c.severity),
            "tags": tags,
        },
    });
    if docs_url.starts_with("https://") || docs_url.starts_with("http://") {
        rule["helpUri"] = json!(format!("{}/{}.md", docs_url.trim_end_matches('/'), c.id));
    }
    if let Some(refs) = meta.map(|m| m.references).filter(|r| !r.is_empty()) {
        rule["properties"]["references"] = json!(refs);
    }
    rule
}

fn physical_location(loc: &Location, snippet: Option<&str>) -> Value {
    let mut physical = json!({
        "artifactLocation": { "uri": uri(&loc.path), "uriBaseId": "%SRCROOT%" },
    });
    if let Some(line) = loc.line.filter(|l| *l >= 1) {
        let mut region = Map::new();
        region.insert("startLine".into(), json!(line));
        if let Some(col) = loc.column.filter(|c| *c >= 1) {
            region.insert("startColumn".into(), json!(col));
        }
        if let Some(end) = loc.end_line.filter(|e| *e >= line) {
            region.insert("endLine".into(), json!(end));
        }
        if let Some(s) = snippet {
            region.insert("snippet".into(), json!({ "text": s }));
        }
        physical["region"] = Value::Object(region);
    }
    json!({ "physicalLocation": physical })
}

/// A relative URI reference for a report path: spaces and other reserved bytes
/// percent-encoded, `/` kept.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn result_entry(r: &ControlResult, rule_index: usize, f: &Finding) -> Value {
    let mut result = json!({
        "ruleId": r.control.id,
        "ruleIndex": rule_index,
        "level": level(r.control.severity),
        "message": { "text": f.message },
        "locations": [physical_location(&f.location, f.snippet.as_deref())],
        "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint },
    });
    if !f.also_at.is_empty() {
        let related: Vec<Value> = f
            .also_at
            .iter()
            .enumerate()
            .map(|(i, loc)| {
                let mut l = physical_location(loc, None);
                l["id"] = json!(i + 1);
                l["message"] = json!({ "text": "also found here" });
                l
            })
            .collect();
        result["relatedLocations"] = json!(related);
    }
    if let Some(s) = &f.suppressed {
        let kind = if s.kind == "inline" {
            "inSource"
        } else {
            "external"
        };
        let mut props = Map::new();
        if let Some(owner) = &s.owner {
            props.insert("owner".into(), json!(owner));
        }
        if let Some(expires) = &s.expires {
            props.insert("expires".into(), json!(expires));
        }
        let mut suppression = json!({
            "kind": kind,
            "status": "accepted",
            "justification": s.reason,
        });
        if !props.is_empty() {
            suppression["properties"] = Value::Object(props);
        }
        result["suppressions"] = json!([suppression]);
    }
    result
}

fn notification(level: &str, text: String, rule: Option<(&str, usize)>) -> Value {
    let mut n = json!({ "level": level, "message": { "text": text } });
    if let Some((id, index)) = rule {
        n["associatedRule"] = json!({ "id": id, "index": index });
    }
    n
}

/// The SARIF log for `report`. `catalog` supplies the control docs for rule descriptions
/// and help (a control missing from it still gets a rule, from the report alone);
/// `docs_url` becomes each rule's `helpUri` when it is an absolute http(s) URL.
pub fn render_sarif(report: &Report, catalog: &[&ControlMeta], docs_url: &str) -> String {
    let meta_of = |id: &str| catalog.iter().copied().find(|m| m.id == id);
    let rules: Vec<Value> = report
        .results
        .iter()
        .map(|r| rule(r, meta_of(&r.control.id), docs_url))
        .collect();

    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for (index, r) in report.results.iter().enumerate() {
        match r.outcome {
            OutcomeKind::Fail | OutcomeKind::Pass => {
                // A pass may still list findings that are all suppressed.
                results.extend(r.findings.iter().map(|f| result_entry(r, index, f)));
            }
            OutcomeKind::Unknown => notifications.push(notification(
                "note",
                format!(
                    "{} could not be decided: {}",
                    r.control.id,
                    r.reason.as_deref().unwrap_or("no reason given")
                ),
                Some((&r.control.id, index)),
            )),
            OutcomeKind::Error => notifications.push(notification(
                "error",
                format!(
                    "{} errored: {}",
                    r.control.id,
                    r.reason.as_deref().unwrap_or("no message")
                ),
                Some((&r.control.id, index)),
            )),
            OutcomeKind::NotApplicable => {}
        }
    }
    for e in &report.input_errors {
        notifications.push(notification(
            "warning",
            format!("{} was not read: {}", e.path, e.message),
            None,
        ));
    }
    for s in &report.expired_suppressions {
        notifications.push(notification(
            "warning",
            format!(
                "suppression of {}{} expired on {} and no longer applies ({})",
                s.id,
                s.path
                    .as_deref()
                    .map(|p| format!(" on {p}"))
                    .unwrap_or_default(),
                s.expires,
                s.reason
            ),
            None,
        ));
    }

    let mut invocation = json!({ "executionSuccessful": true });
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = json!(notifications);
    }
    let log = json!({
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "rules": rules,
            }},
            "invocations": [invocation],
            "results": results,
            "properties": {
                "score": report.score.overall,
                "areas": report.score.areas,
                "counts": report.counts,
                "gateFailed": report.gate.failed,
            },
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_else(|e| {
        // Values built above are always serialisable; keep the output a JSON document anyway.
        format!("{{\"error\": {}}}", json!(e.to_string()))
    });
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(rule_name("non_root_user"), "NonRootUser");
        assert_eq!(rule_name("x"), "X");
    }

    #[test]
    fn doc_sections_are_found_by_heading() {
        let doc = "## What it checks\n\nOne thing\nacross lines.\n\nMore.\n\n## Why\n\nx";
        assert_eq!(
            doc_section(doc, "What it checks").map(first_paragraph),
            Some("One thing across lines.".to_string())
        );
        assert_eq!(doc_section(doc, "Missing"), None);
    }

    #[test]
    fn uris_percent_encode_spaces() {
        assert_eq!(uri("deploy/my file.yml"), "deploy/my%20file.yml");
    }
}
