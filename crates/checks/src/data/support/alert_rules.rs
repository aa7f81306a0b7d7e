//! Prometheus alerting and recording rules: plain rule files (`groups:` → `rules:`),
//! PrometheusRule resources (`spec.groups`) and rule groups nested in Helm values.

use super::paths::is_product_path;
use crate::prelude::*;
use std::sync::Arc;
use vouch_workspace::{SourceText, YamlRole};

#[derive(Clone, Debug)]
pub struct AlertRule {
    pub src: Arc<SourceText>,
    pub line: u32,
    pub column: u32,
    pub name: String,
    pub expr: Option<String>,
    pub severity: Option<String>,
    /// `summary` or `description` annotation.
    pub summary: Option<String>,
    pub for_: Option<(String, u32, u32)>,
    /// `runbook_url` annotation with its line.
    pub runbook_url: Option<(String, u32)>,
}

impl AlertRule {
    pub fn finding(&self, message: impl Into<String>) -> Finding {
        finding_at(&self.src, self.line, self.column, message)
    }
}

#[derive(Clone, Debug)]
pub struct RecordingRule {
    pub name: String,
    pub finding: Finding,
}

pub struct AlertRules {
    pub alerts: Vec<AlertRule>,
    pub recording: Vec<RecordingRule>,
    /// Files holding rule groups.
    pub files: Vec<String>,
    /// Group-level problems Prometheus refuses to load (empty or repeated group names).
    pub group_errors: Vec<Finding>,
    /// Rule files that are not valid YAML.
    pub parse_errors: Vec<Finding>,
    /// Helm templates with rules (cannot be parsed).
    pub templated: Vec<String>,
}

impl AlertRules {
    pub fn get(ws: &Workspace) -> Arc<AlertRules> {
        ws.cached(build)
    }

    /// Outcome when there is nothing parsed to judge.
    pub fn premise(&self) -> Result<(), Outcome> {
        if !self.alerts.is_empty() || !self.parse_errors.is_empty() {
            return Ok(());
        }
        if !self.templated.is_empty() {
            return Err(Outcome::unknown(format!(
                "alert rules exist only in Helm templates, which cannot be read without rendering: {}",
                self.templated.join(", ")
            )));
        }
        Err(Outcome::not_applicable(
            "no Prometheus alert rules (rule files with `groups:` or PrometheusRule resources)",
        ))
    }
}

fn build(ws: &Workspace) -> AlertRules {
    let mut out = AlertRules {
        alerts: Vec::new(),
        recording: Vec::new(),
        files: Vec::new(),
        group_errors: Vec::new(),
        parse_errors: Vec::new(),
        templated: Vec::new(),
    };
    for y in &ws.yaml {
        if !is_product_path(&y.path) {
            continue;
        }
        if y.role == YamlRole::HelmTemplate {
            let t = &y.text.text;
            if t.contains("kind: PrometheusRule") || (t.contains("alert:") && t.contains("expr:")) {
                out.templated.push(y.path.clone());
            }
            continue;
        }
        match &y.docs {
            Err(e) => {
                if looks_like_rules(&y.path, &y.text.text) {
                    out.parse_errors.push(finding_at(
                        &y.text,
                        e.line.max(1),
                        e.column,
                        format!("rule file does not parse: {}", e.message),
                    ));
                    out.files.push(y.path.clone());
                }
            }
            Ok(docs) => {
                let before = out.alerts.len() + out.recording.len() + out.group_errors.len();
                for doc in docs {
                    find_groups(&y.text, &doc.root, 0, &mut out);
                }
                if out.alerts.len() + out.recording.len() + out.group_errors.len() > before {
                    out.files.push(y.path.clone());
                }
            }
        }
    }
    out
}

fn looks_like_rules(path: &str, text: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let has = |k: &str| {
        text.lines()
            .any(|l| l.trim_start().trim_start_matches("- ").starts_with(k))
    };
    (has("alert:") || has("record:")) && has("expr:")
        || ((lower.contains("rule") || lower.contains("alert")) && has("groups:"))
}

/// Walks the tree for `groups:` sequences whose items hold `rules:`.
fn find_groups(src: &Arc<SourceText>, node: &Node, depth: usize, out: &mut AlertRules) {
    if depth > 12 {
        return;
    }
    if let Some(groups) = node.get("groups") {
        let items = groups.items();
        if !items.is_empty() && items.iter().any(|g| g.get("rules").is_some()) {
            read_groups(src, items, out);
            return;
        }
    }
    for (_, v) in node.entries() {
        find_groups(src, v, depth + 1, out);
    }
}

fn read_groups(src: &Arc<SourceText>, groups: &[Node], out: &mut AlertRules) {
    let mut seen: Vec<&str> = Vec::new();
    for g in groups {
        let name = g.get("name").and_then(Node::as_str).unwrap_or("");
        if name.is_empty() {
            out.group_errors.push(finding_node(
                src,
                g,
                "rule group has no `name` (Prometheus refuses to load the file)",
            ));
        } else if seen.contains(&name) {
            out.group_errors.push(finding_node(
                src,
                g.get("name").unwrap_or(g),
                format!("rule group `{name}` is repeated in the same file (Prometheus refuses to load it)"),
            ));
        }
        seen.push(name);
        for rule in g.get("rules").map_or(&[][..], Node::items) {
            read_rule(src, rule, out);
        }
    }
}

fn read_rule(src: &Arc<SourceText>, rule: &Node, out: &mut AlertRules) {
    let text = |n: Option<&Node>| {
        n.and_then(Node::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    if let Some(record) = text(rule.get("record")) {
        let at = rule.get_key("record").unwrap_or(rule);
        out.recording.push(RecordingRule {
            finding: finding_node(src, at, format!("recording rule `{record}`")),
            name: record,
        });
        return;
    }
    let Some(name) = text(rule.get("alert")) else {
        return;
    };
    let at = rule.get_key("alert").unwrap_or(rule);
    let annotations = rule.get("annotations");
    let summary = text(annotations.and_then(|a| a.get("summary")))
        .or_else(|| text(annotations.and_then(|a| a.get("description"))));
    out.alerts.push(AlertRule {
        src: src.clone(),
        line: at.line,
        column: at.column,
        name,
        expr: text(rule.get("expr")),
        severity: text(rule.path(&["labels", "severity"])),
        summary,
        for_: rule
            .get("for")
            .and_then(|f| Some((f.as_str()?.to_string(), f.line, f.column))),
        runbook_url: annotations
            .and_then(|a| a.get("runbook_url").or_else(|| a.get("runbook")))
            .and_then(|u| Some((u.as_str()?.trim().to_string(), u.line))),
    });
}

/// Prometheus durations: `1y2w3d4h5m6s7ms` units in that order, integers only.
pub fn is_prometheus_duration(s: &str) -> bool {
    if s == "0" {
        return true;
    }
    const UNITS: [&str; 7] = ["y", "w", "d", "h", "m", "s", "ms"];
    let mut rest = s;
    let mut next_unit = 0;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        let unit = if rest.starts_with("ms") {
            "ms"
        } else {
            match rest.chars().next() {
                Some(c) if "ywdhms".contains(c) => &rest[..1],
                _ => return false,
            }
        };
        let Some(idx) = UNITS.iter().position(|u| *u == unit) else {
            return false;
        };
        if idx < next_unit {
            return false;
        }
        next_unit = idx + 1;
        rest = &rest[unit.len()..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        for ok in ["5m", "1h30m", "0", "30s", "1d", "500ms", "1h0m0s"] {
            assert!(is_prometheus_duration(ok), "{ok}");
        }
        for bad in ["5 minutes", "", "1.5h", "m5", "30m1h", "10"] {
            assert!(!is_prometheus_duration(bad), "{bad}");
        }
    }
}
