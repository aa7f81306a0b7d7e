//! Label selectors matched against pod labels, with a third answer when templating hides a
//! label or a selector term.

use super::objects::{Field, Object, Text, has_holes};
use vouch_workspace::Node;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Match {
    Yes,
    No,
    /// Templating hides a label or selector term; the string says where.
    Unknown(String),
}

/// A pod's labels with the object holding them.
#[derive(Clone, Copy)]
pub struct Labels<'a> {
    pub obj: &'a Object,
    pub map: Option<&'a Node>,
}

enum LabelValue<'a> {
    Value(&'a str),
    Missing,
    Unknown(String),
}

impl<'a> Labels<'a> {
    fn value(&self, key: &str) -> LabelValue<'a> {
        let Some(map) = self.map else {
            return LabelValue::Missing;
        };
        match self.obj.field(map, key) {
            Field::Present(n) => match self.obj.text(n) {
                Text::Known(s) | Text::Symbolic(s) => LabelValue::Value(s),
                Text::Unknown => LabelValue::Unknown(self.obj.at(n)),
            },
            Field::Absent => LabelValue::Missing,
            Field::Unknown(n) => LabelValue::Unknown(self.obj.at(n)),
        }
    }
}

/// A `LabelSelector` (`matchLabels` + `matchExpressions`). An empty selector matches every
/// pod; `None` (no selector at all) matches none.
pub fn label_selector(sel_obj: &Object, selector: Option<&Node>, pods: Labels<'_>) -> Match {
    let Some(selector) = selector else {
        return Match::No;
    };
    if sel_obj.text(selector) == Text::Unknown && selector.as_map().is_none() {
        return Match::Unknown(sel_obj.at(selector));
    }
    if has_holes(selector) {
        return Match::Unknown(sel_obj.at(selector));
    }
    let mut result = Match::Yes;
    if let Some(labels) = selector.get("matchLabels") {
        result = and(result, map_selector(sel_obj, labels, pods));
    }
    if let Some(exprs) = selector.get("matchExpressions") {
        for expr in exprs.items() {
            result = and(result, expression(sel_obj, expr, pods));
        }
    }
    result
}

/// A plain `key: value` selector (Service `spec.selector`, `matchLabels`).
pub fn map_selector(sel_obj: &Object, selector: &Node, pods: Labels<'_>) -> Match {
    if has_holes(selector) || (selector.as_map().is_none() && !selector.is_null()) {
        return Match::Unknown(sel_obj.at(selector));
    }
    let mut result = Match::Yes;
    for (key, want) in selector.entries() {
        let want = match sel_obj.text(want) {
            Text::Known(s) | Text::Symbolic(s) => s,
            Text::Unknown => {
                result = and(result, Match::Unknown(sel_obj.at(want)));
                continue;
            }
        };
        let term = match pods.value(key) {
            LabelValue::Value(have) if have == want => Match::Yes,
            LabelValue::Value(_) | LabelValue::Missing => Match::No,
            LabelValue::Unknown(at) => Match::Unknown(at),
        };
        result = and(result, term);
    }
    result
}

fn expression(sel_obj: &Object, expr: &Node, pods: Labels<'_>) -> Match {
    let (Some(key), Some(op)) = (
        expr.get("key").and_then(Node::as_str),
        expr.get("operator").and_then(Node::as_str),
    ) else {
        return Match::Unknown(sel_obj.at(expr));
    };
    let values: Vec<&str> = expr
        .get("values")
        .map(|v| v.items().iter().filter_map(Node::as_str).collect())
        .unwrap_or_default();
    let have = match pods.value(key) {
        LabelValue::Value(v) => Some(v),
        LabelValue::Missing => None,
        LabelValue::Unknown(at) => return Match::Unknown(at),
    };
    let yes = match op {
        "In" => have.is_some_and(|h| values.contains(&h)),
        "NotIn" => !have.is_some_and(|h| values.contains(&h)),
        "Exists" => have.is_some(),
        "DoesNotExist" => have.is_none(),
        _ => return Match::Unknown(sel_obj.at(expr)),
    };
    if yes { Match::Yes } else { Match::No }
}

fn and(a: Match, b: Match) -> Match {
    match (a, b) {
        (Match::No, _) | (_, Match::No) => Match::No,
        (Match::Unknown(x), _) | (_, Match::Unknown(x)) => Match::Unknown(x),
        _ => Match::Yes,
    }
}
