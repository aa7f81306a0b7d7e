//! Helm charts: each `templates/*.yaml` is rendered with the chart's values.yaml (see
//! [`render`]) and parsed; the result becomes ordinary [`Object`]s whose templated parts say
//! Unknown.

mod emit;
pub mod eval;
pub mod lexer;
pub mod render;
#[cfg(test)]
mod render_tests;

use super::model::{Gap, kinds_in_text, non_production_name};
use super::objects::{Object, Origin, Text, encode};
use eval::Chart;
use render::{OutLine, Renderer};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use vouch_workspace::yaml::parse_str;
use vouch_workspace::{
    Node, SourceText, Value, Workspace, YamlRole, is_docs_or_example_path, is_test_path,
};

/// What the charts of a repository render to.
#[derive(Default)]
pub struct Rendered {
    pub objects: Vec<Object>,
    pub gaps: Vec<Gap>,
}

pub fn render_charts(ws: &Workspace) -> Rendered {
    let mut out = Rendered::default();
    let chart_files: Vec<&vouch_workspace::YamlFile> = ws
        .yaml_with_role(YamlRole::HelmChart)
        .filter(|c| !is_test_path(&c.path) && !is_docs_or_example_path(&c.path))
        .collect();
    let dirs: Vec<String> = chart_files.iter().map(|c| dir_of(&c.path)).collect();
    for (chart_file, dir) in chart_files.iter().zip(&dirs) {
        // Vendored dependency charts (`<chart>/charts/<dep>/`) are third-party code.
        if dirs.iter().any(|d| {
            d != dir && dir.starts_with(d.as_str()) && dir[d.len()..].starts_with("charts/")
        }) {
            continue;
        }
        let meta = chart_file.docs().first().map(|d| d.root.clone());
        if meta
            .as_ref()
            .and_then(|m| m.get("type"))
            .and_then(Node::as_str)
            == Some("library")
        {
            continue;
        }
        render_chart(ws, dir, chart_file.text.clone(), meta, &mut out);
    }
    out
}

fn dir_of(path: &str) -> String {
    path.rsplit_once('/')
        .map(|(d, _)| format!("{d}/"))
        .unwrap_or_default()
}

/// A YAML file of the chart: its text, and its parsed documents.
struct ChartFile {
    name: String,
    text: Arc<SourceText>,
    docs: Result<Vec<Node>, vouch_workspace::YamlError>,
}

/// Files directly in the chart directory or under `templates/`. Read from the file list (the
/// workspace keeps only YAML files it recognises, and values.yaml has no telltale keys).
fn chart_files(ws: &Workspace, dir: &str, sub: &str) -> Vec<ChartFile> {
    let prefix = format!("{dir}{sub}");
    ws.files
        .iter()
        .filter(|f| {
            f.rel.strip_prefix(prefix.as_str()).is_some_and(|rest| {
                !rest.contains('/') && (rest.ends_with(".yaml") || rest.ends_with(".yml"))
            })
        })
        .filter_map(|f| {
            let text = ws.text(&f.rel)?;
            let docs = parse_str(&text.text).map(|d| d.into_iter().map(|d| d.root).collect());
            Some(ChartFile {
                name: f.rel[prefix.len()..].to_string(),
                text,
                docs,
            })
        })
        .collect()
}

fn render_chart(
    ws: &Workspace,
    dir: &str,
    chart_src: Arc<SourceText>,
    meta: Option<Node>,
    out: &mut Rendered,
) {
    let values_files: Vec<ChartFile> = chart_files(ws, dir, "")
        .into_iter()
        .filter(|f| f.name.starts_with("values"))
        .collect();
    let base = values_files
        .iter()
        .find(|f| f.name == "values.yaml" || f.name == "values.yml");
    let values_src = base
        .map(|b| b.text.clone())
        .unwrap_or_else(|| SourceText::new(format!("{dir}values.yaml"), String::new()));
    if let Some(Err(e)) = base.map(|b| &b.docs) {
        out.gaps.push(Gap {
            path: values_src.path.clone(),
            line: e.line,
            reason: format!("values.yaml does not parse ({})", e.message),
            kinds: Vec::new(),
        });
        return;
    }
    let first = |f: &ChartFile| f.docs.as_ref().ok().and_then(|d| d.first().cloned());
    let overlays = values_files
        .iter()
        .filter(|f| base.is_none_or(|b| b.name != f.name))
        .filter(|f| !non_production_name(&f.name))
        .filter_map(first)
        .collect();
    let chart = Chart {
        values: base.and_then(first),
        overlays,
        meta,
        defines: collect_defines(ws, dir),
    };
    let origin = Origin::Helm {
        chart: dir.to_string(),
    };
    for template in chart_files(ws, dir, "templates/") {
        if is_test_path(&template.text.path) {
            continue;
        }
        let sources = vec![template.text.clone(), values_src.clone(), chart_src.clone()];
        render_template(&chart, &sources, &origin, out);
    }
}

/// Bodies of every `define` in the chart's (and its dependencies') templates and helpers.
fn collect_defines(ws: &Workspace, dir: &str) -> HashMap<String, String> {
    let mut defines = HashMap::new();
    for f in &ws.files {
        let Some(inner) = f.rel.strip_prefix(dir) else {
            continue;
        };
        let in_templates = inner.starts_with("templates/")
            || inner.starts_with("charts/") && inner.contains("/templates/");
        let helper = inner.ends_with(".tpl") || inner.ends_with(".yaml") || inner.ends_with(".yml");
        if !in_templates || !helper {
            continue;
        }
        if let Some(text) = ws.text(&f.rel) {
            extract_defines(&text.text, &mut defines);
        }
    }
    defines
}

/// `{{- define "name" -}} body {{- end }}`, honouring nested blocks and trim markers.
pub fn extract_defines(text: &str, into: &mut HashMap<String, String>) {
    let actions = lexer::actions(text);
    let mut i = 0;
    while i < actions.len() {
        let a = &actions[i];
        i += 1;
        let Some(rest) = a.body.strip_prefix("define") else {
            continue;
        };
        let Some(name) = rest
            .trim()
            .strip_prefix('"')
            .and_then(|r| r.split('"').next())
        else {
            continue;
        };
        let mut depth = 1;
        while i < actions.len() {
            let b = &actions[i];
            i += 1;
            let word = b.body.split_whitespace().next().unwrap_or("");
            match word {
                "if" | "with" | "range" | "define" | "block" => depth += 1,
                "end" => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                let mut body = &text[a.end..b.start];
                if a.trim_right {
                    body = body.trim_start();
                }
                if b.trim_left {
                    body = body.trim_end();
                }
                into.entry(name.to_string())
                    .or_insert_with(|| body.to_string());
                break;
            }
        }
    }
}

fn render_template(
    chart: &Chart,
    sources: &[Arc<SourceText>],
    origin: &Origin,
    out: &mut Rendered,
) {
    let template = &sources[0];
    let lines = Renderer::new(chart).render(&template.text);
    let text: String = lines.iter().map(|l| format!("{}\n", l.text)).collect();
    let docs = match parse_str(&text) {
        Ok(docs) => docs,
        Err(e) => {
            let line = lines
                .get((e.line as usize).saturating_sub(1))
                .filter(|l| l.src == 0)
                .map_or(1, |l| l.line);
            out.gaps.push(Gap {
                path: template.path.clone(),
                line,
                reason: format!(
                    "vouch could not render this Helm template into YAML ({})",
                    e.message
                ),
                kinds: kinds_in_text(&template.text),
            });
            return;
        }
    };
    let mut uncertain: HashSet<u32> = lines
        .iter()
        .filter(|l| l.uncertain)
        .map(|l| encode(l.src, l.line))
        .collect();
    let mut value_origins: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
    for l in lines.iter().filter(|l| !l.values.is_empty()) {
        value_origins
            .entry(encode(l.src, l.line))
            .or_default()
            .extend(
                l.values
                    .iter()
                    .map(|&((s, line, col), _)| (encode(s, line), col)),
            );
    }
    for doc in docs {
        let mut root = doc.root;
        if !matches!(&root.value, Value::Map(e) if !e.is_empty()) {
            continue;
        }
        remap(&mut root, &lines, sources, &mut uncertain);
        let mut obj = Object::plain("", "", root, sources[0].clone());
        obj.sources = sources.to_vec();
        obj.uncertain = uncertain.clone();
        obj.value_origins = value_origins.clone();
        obj.origin = origin.clone();
        let kind = obj.root.get("kind").map(|k| obj.text(k));
        match kind {
            Some(Text::Known(kind)) => obj.kind = kind.to_string(),
            _ => {
                let at = obj.root.get("kind").unwrap_or(&obj.root).line;
                out.gaps.push(Gap {
                    path: template.path.clone(),
                    line: at % super::objects::STRIDE,
                    reason: "the object's kind is templated".into(),
                    kinds: kinds_in_text(&template.text),
                });
                continue;
            }
        }
        obj.api_version = obj
            .root
            .get("apiVersion")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string();
        if let Some(k) = obj.root.get_key("kind")
            && obj.is_uncertain(k)
        {
            obj.conditional = Some(format!(
                "{}: {} is rendered only under a template condition vouch cannot evaluate",
                obj.at(k),
                obj.display()
            ));
        }
        out.objects.push(obj);
    }
}

/// Moves every node from its rendered line to the template/values line it came from. A scalar
/// that is exactly one substituted value moves to that value's place in values.yaml (so a
/// finding about it points where it is set, even when a `range` renders the line many times).
fn remap(
    node: &mut Node,
    lines: &[OutLine],
    sources: &[Arc<SourceText>],
    uncertain: &mut HashSet<u32>,
) {
    let Some(l) = lines.get((node.line as usize).saturating_sub(1)) else {
        return;
    };
    // Only a value written as is (not encoded or reformatted) moves.
    let written = |src: usize, line: u32, text: &str| {
        sources
            .get(src)
            .is_some_and(|s| s.line(line as usize).contains(text))
    };
    let single = match (&node.value, l.values.as_slice()) {
        (Value::Scalar { text, .. }, [((src, line, col), raw)])
            if text == raw && written(*src, *line, text) =>
        {
            Some((*src, *line, *col))
        }
        _ => None,
    };
    match single {
        Some((src, line, col)) => {
            node.line = encode(src, line);
            node.column = col;
            if l.uncertain {
                uncertain.insert(node.line);
            }
        }
        None => {
            node.line = encode(l.src, l.line);
            if l.column > 0 {
                node.column = l.column;
            }
        }
    }
    match &mut node.value {
        Value::Seq(items) => items
            .iter_mut()
            .for_each(|n| remap(n, lines, sources, uncertain)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            remap_key(k, lines);
            remap(v, lines, sources, uncertain);
        }),
        _ => {}
    }
}

fn remap_key(node: &mut Node, lines: &[OutLine]) {
    if let Some(l) = lines.get((node.line as usize).saturating_sub(1)) {
        node.line = encode(l.src, l.line);
        if l.column > 0 {
            node.column = l.column;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defines_are_extracted_with_trimming() {
        let text = r#"{{/* Expand the name. */}}
{{- define "app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "app.labels" -}}
helm.sh/chart: {{ include "app.chart" . }}
{{ include "app.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
{{- end }}
"#;
        let mut d = HashMap::new();
        extract_defines(text, &mut d);
        assert_eq!(
            d["app.name"],
            r#"{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}"#
        );
        assert!(d["app.labels"].starts_with("helm.sh/chart:"));
        assert!(d["app.labels"].ends_with("{{- end }}"));
    }
}
