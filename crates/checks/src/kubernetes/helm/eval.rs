//! A small evaluator for the Go-template pipelines Helm charts write: `.Values` lookups,
//! `default`, `quote`, `toYaml`, `nindent`, `include`, `required`, boolean conditions and a
//! few string functions. Anything else evaluates to [`Val::Unknown`] — never to a guess.

use super::lexer::Tok;
use crate::kubernetes::objects::{SYM, same_value};
use std::collections::HashMap;
use vouch_workspace::{Node, Value};

/// Source index of values.yaml and Chart.yaml in a rendered object's sources.
pub const VALUES_SRC: usize = 1;
pub const CHART_SRC: usize = 2;

/// A position in values.yaml or Chart.yaml: (source, line, column).
pub type Pos = (usize, u32, u32);

#[derive(Clone, Debug)]
pub enum Val {
    /// The top-level context (`.` outside `with`/`range`, and `$`).
    Root,
    /// A path under `.Values`, resolved when used.
    Values(Vec<String>),
    Text {
        text: String,
        quoted: bool,
        origin: Option<Pos>,
    },
    Bool(bool),
    /// `toYaml x`: emitted as YAML.
    Yaml(Box<Val>),
    /// `include "name" .`: symbolic inline, expanded when emitted as a block.
    Include(String),
    /// `x | nindent N` / `x | indent N`.
    Indent(Box<Val>, usize),
    /// A `.Values` key that does not exist (falsy, like Helm's nil).
    Missing,
    Unknown,
}

impl Val {
    fn text(text: impl Into<String>) -> Val {
        Val::Text {
            text: text.into(),
            quoted: false,
            origin: None,
        }
    }
}

/// What a `.Values` path resolves to.
pub enum Resolved<'a> {
    Node(&'a Node),
    Missing,
    /// Another values file of the chart sets it differently: which one deploys is unknown.
    Overridden,
}

pub struct Chart {
    pub values: Option<Node>,
    /// Other (production-like) values files: a key they set differently is Unknown.
    pub overlays: Vec<Node>,
    /// Chart.yaml.
    pub meta: Option<Node>,
    pub defines: HashMap<String, String>,
}

impl Chart {
    pub fn resolve(&self, path: &[String]) -> Resolved<'_> {
        let Some(values) = &self.values else {
            return Resolved::Missing;
        };
        let base = walk(values, path);
        for overlay in &self.overlays {
            let Some(theirs) = walk_overlay(overlay, path) else {
                continue;
            };
            if !base.is_some_and(|b| same_value(b, theirs)) {
                return Resolved::Overridden;
            }
        }
        match base {
            Some(n) => Resolved::Node(n),
            None => Resolved::Missing,
        }
    }

    fn chart_field(&self, key: &str) -> Val {
        match self.meta.as_ref().and_then(|m| m.get(key)) {
            Some(n) => match n.as_str() {
                Some(s) => Val::Text {
                    text: s.to_string(),
                    quoted: false,
                    origin: Some((CHART_SRC, n.line, n.column)),
                },
                None => Val::Missing,
            },
            None => Val::Missing,
        }
    }
}

fn walk<'a>(node: &'a Node, path: &[String]) -> Option<&'a Node> {
    path.iter().try_fold(node, |n, k| child(n, k))
}

/// A map entry, or a sequence item by index (range elements).
fn child<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match node.as_seq() {
        Some(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        None => node.get(key),
    }
}

/// The overlay's node at `path`, or the scalar that replaces an ancestor of it.
fn walk_overlay<'a>(node: &'a Node, path: &[String]) -> Option<&'a Node> {
    let mut cur = node;
    for key in path {
        match child(cur, key) {
            Some(n) => cur = n,
            None if cur.as_map().is_some() || cur.is_null() => return None,
            None => return Some(cur),
        }
    }
    Some(cur)
}

/// Evaluation scope: the dot and variables.
pub struct Scope {
    pub dot: Val,
    pub vars: HashMap<String, Val>,
}

impl Scope {
    pub fn root() -> Scope {
        Scope {
            dot: Val::Root,
            vars: HashMap::new(),
        }
    }
}

/// Splits tokens on `|` into commands.
fn commands(toks: &[Tok]) -> Vec<&[Tok]> {
    toks.split(|t| *t == Tok::Pipe).collect()
}

/// Evaluates a pipeline.
pub fn eval_pipeline(chart: &Chart, scope: &Scope, toks: &[Tok]) -> Val {
    let mut acc: Option<Val> = None;
    for cmd in commands(toks) {
        if cmd.is_empty() {
            return Val::Unknown;
        }
        acc = Some(eval_command(chart, scope, cmd, acc));
    }
    acc.unwrap_or(Val::Unknown)
}

fn eval_command(chart: &Chart, scope: &Scope, cmd: &[Tok], piped: Option<Val>) -> Val {
    match &cmd[0] {
        Tok::Ident(name) if !matches!(name.as_str(), "true" | "false" | "nil") => {
            let mut args: Vec<Val> = cmd[1..].iter().map(|t| eval_arg(chart, scope, t)).collect();
            if let Some(p) = piped {
                args.push(p);
            }
            call(chart, name, args)
        }
        head if cmd.len() == 1 && piped.is_none() => eval_arg(chart, scope, head),
        _ => Val::Unknown,
    }
}

fn eval_arg(chart: &Chart, scope: &Scope, tok: &Tok) -> Val {
    match tok {
        Tok::Str(s) => Val::Text {
            text: s.clone(),
            quoted: false,
            origin: None,
        },
        Tok::Num(n) => Val::text(n.clone()),
        Tok::Ident(i) if i == "true" => Val::Bool(true),
        Tok::Ident(i) if i == "false" => Val::Bool(false),
        Tok::Ident(i) if i == "nil" => Val::Missing,
        Tok::Ident(name) => call(chart, name, Vec::new()),
        Tok::Group(inner) => eval_pipeline(chart, scope, inner),
        Tok::Field(f) => field(chart, scope, f),
        _ => Val::Unknown,
    }
}

/// `.`, `.Values.a`, `$`, `$.Values.a`, `$var.a`, `.Chart.Name`, `.Release.Name`.
fn field(chart: &Chart, scope: &Scope, f: &str) -> Val {
    let (base, rest) = if let Some(rest) = f.strip_prefix('$') {
        let (var, rest) = match rest.find('.') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let base = if var.is_empty() {
            Val::Root
        } else {
            scope.vars.get(var).cloned().unwrap_or(Val::Unknown)
        };
        (base, rest)
    } else {
        (scope.dot.clone(), f)
    };
    let keys: Vec<&str> = rest.split('.').filter(|k| !k.is_empty()).collect();
    descend(chart, base, &keys)
}

fn descend(chart: &Chart, base: Val, keys: &[&str]) -> Val {
    let Some((first, rest)) = keys.split_first() else {
        return base;
    };
    match base {
        Val::Root => match *first {
            "Values" => Val::Values(rest.iter().map(|s| s.to_string()).collect()),
            "Chart" if rest.len() == 1 => chart.chart_field(&lower_first(rest[0])),
            "Release" if rest.len() == 1 => match rest[0] {
                "Name" => Val::text(format!("{SYM}release-name__")),
                "Namespace" => Val::text(format!("{SYM}release-namespace__")),
                "Service" => Val::text("Helm"),
                _ => Val::Unknown,
            },
            _ => Val::Unknown,
        },
        Val::Values(mut path) => {
            path.extend(keys.iter().map(|s| s.to_string()));
            Val::Values(path)
        }
        _ => Val::Unknown,
    }
}

/// Chart.yaml keys are lower camel case (`.Chart.AppVersion` → `appVersion`).
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Go template truthiness: None when it cannot be known.
pub fn truthy(chart: &Chart, v: &Val) -> Option<bool> {
    match v {
        Val::Root | Val::Include(_) => Some(true),
        Val::Bool(b) => Some(*b),
        Val::Text { text, .. } => Some(!text.is_empty()),
        Val::Missing => Some(false),
        Val::Unknown => None,
        Val::Yaml(inner) | Val::Indent(inner, _) => truthy(chart, inner),
        Val::Values(path) => match chart.resolve(path) {
            Resolved::Node(n) => Some(node_truthy(n)),
            Resolved::Missing => Some(false),
            Resolved::Overridden => None,
        },
    }
}

fn node_truthy(n: &Node) -> bool {
    match &n.value {
        Value::Null => false,
        Value::Seq(items) => !items.is_empty(),
        Value::Map(entries) => !entries.is_empty(),
        Value::Scalar { text, plain } => {
            !(text.is_empty() || *plain && (text == "false" || text == "0"))
        }
    }
}

/// The value as inline text with where it came from; None when unknown or not a scalar.
pub fn as_text(chart: &Chart, v: &Val) -> Option<(String, Option<Pos>)> {
    match v {
        Val::Text {
            text,
            quoted,
            origin,
        } => Some((if *quoted { quote(text) } else { text.clone() }, *origin)),
        Val::Bool(b) => Some((b.to_string(), None)),
        Val::Include(name) => Some((format!("{SYM}{name}__"), None)),
        Val::Yaml(inner) => match &**inner {
            Val::Values(path) => match chart.resolve(path) {
                Resolved::Node(n) => match &n.value {
                    Value::Map(e) if e.is_empty() => Some(("{}".into(), None)),
                    Value::Seq(i) if i.is_empty() => Some(("[]".into(), None)),
                    Value::Scalar { text, .. } => Some((
                        text.clone(),
                        Some((super::eval::VALUES_SRC, n.line, n.column)),
                    )),
                    _ => None,
                },
                _ => None,
            },
            other => as_text(chart, other),
        },
        Val::Values(path) => match chart.resolve(path) {
            Resolved::Node(n) => n
                .as_str()
                .map(|s| (s.to_string(), Some((VALUES_SRC, n.line, n.column)))),
            _ => None,
        },
        Val::Root | Val::Indent(..) | Val::Missing | Val::Unknown => None,
    }
}

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for string functions (symbolic text is kept as is: same input, same output).
pub fn plain_text(chart: &Chart, v: &Val) -> Option<String> {
    match v {
        Val::Text { text, .. } => Some(text.clone()),
        other => as_text(chart, other).map(|(t, _)| t),
    }
}

fn map_text(chart: &Chart, v: &Val, f: impl Fn(&str) -> String) -> Val {
    match plain_text(chart, v) {
        Some(t) if t.contains(SYM) => Val::text(t),
        Some(t) => Val::text(f(&t)),
        None => Val::Unknown,
    }
}

fn call(chart: &Chart, name: &str, args: Vec<Val>) -> Val {
    let n = args.len();
    match (name, n) {
        ("default", 2) => match truthy(chart, &args[1]) {
            Some(true) => args[1].clone(),
            Some(false) => args[0].clone(),
            None => Val::Unknown,
        },
        ("required", 2) => match truthy(chart, &args[1]) {
            Some(true) => args[1].clone(),
            _ => Val::Unknown,
        },
        ("coalesce", _) => {
            for a in &args {
                match truthy(chart, a) {
                    Some(true) => return a.clone(),
                    Some(false) => continue,
                    None => return Val::Unknown,
                }
            }
            Val::Missing
        }
        ("quote" | "squote", 1) => match as_text(chart, &args[0]) {
            Some((text, origin)) => Val::Text {
                text,
                quoted: true,
                origin,
            },
            None => Val::Unknown,
        },
        ("toYaml", 1) => Val::Yaml(Box::new(args[0].clone())),
        ("nindent" | "indent", 2) => match args[0] {
            Val::Text { ref text, .. } => match text.parse() {
                Ok(w) => Val::Indent(Box::new(args[1].clone()), w),
                Err(_) => Val::Unknown,
            },
            _ => Val::Unknown,
        },
        ("include" | "template", 2) => match (&args[0], &args[1]) {
            (Val::Text { text, .. }, Val::Root) => Val::Include(text.clone()),
            _ => Val::Unknown,
        },
        ("toString" | "int" | "int64" | "float64" | "toJson" | "toYamlPretty", 1) => {
            match as_text(chart, &args[0]) {
                Some((text, origin)) => Val::Text {
                    text,
                    quoted: false,
                    origin,
                },
                None => Val::Unknown,
            }
        }
        ("lower", 1) => map_text(chart, &args[0], str::to_lowercase),
        ("upper", 1) => map_text(chart, &args[0], str::to_uppercase),
        ("trim", 1) => map_text(chart, &args[0], |s| s.trim().to_string()),
        ("trunc", 2) => {
            let Some(len) = plain_text(chart, &args[0]).and_then(|t| t.parse::<usize>().ok())
            else {
                return Val::Unknown;
            };
            map_text(chart, &args[1], |s| s.chars().take(len).collect())
        }
        ("trimSuffix" | "trimPrefix", 2) => {
            let Some(affix) = plain_text(chart, &args[0]) else {
                return Val::Unknown;
            };
            let suffix = name == "trimSuffix";
            map_text(chart, &args[1], |s| {
                let out = if suffix {
                    s.strip_suffix(affix.as_str())
                } else {
                    s.strip_prefix(affix.as_str())
                };
                out.unwrap_or(s).to_string()
            })
        }
        ("b64enc", 1) => match as_text(chart, &args[0]) {
            Some((t, origin)) if !t.contains(SYM) => {
                let t = plain_text(chart, &args[0]).unwrap_or(t);
                Val::Text {
                    text: crate::kubernetes::base64::encode(t.as_bytes()),
                    quoted: false,
                    origin,
                }
            }
            _ => Val::Unknown,
        },
        ("print", _) => concat(chart, &args, |texts| texts.concat()),
        ("printf", _) if n >= 1 => concat(chart, &args, |texts| printf(&texts[0], &texts[1..])),
        ("not", 1) => truthy(chart, &args[0]).map_or(Val::Unknown, |b| Val::Bool(!b)),
        ("empty", 1) => truthy(chart, &args[0]).map_or(Val::Unknown, |b| Val::Bool(!b)),
        ("and", _) if n >= 1 => {
            let mut unknown = false;
            for a in &args {
                match truthy(chart, a) {
                    Some(false) => return Val::Bool(false),
                    None => unknown = true,
                    Some(true) => {}
                }
            }
            if unknown {
                Val::Unknown
            } else {
                Val::Bool(true)
            }
        }
        ("or", _) if n >= 1 => {
            let mut unknown = false;
            for a in &args {
                match truthy(chart, a) {
                    Some(true) => return Val::Bool(true),
                    None => unknown = true,
                    Some(false) => {}
                }
            }
            if unknown {
                Val::Unknown
            } else {
                Val::Bool(false)
            }
        }
        ("eq" | "ne", _) if n >= 2 => {
            let Some(first) = comparable(chart, &args[0]) else {
                return Val::Unknown;
            };
            let mut any = false;
            for a in &args[1..] {
                match comparable(chart, a) {
                    Some(t) if t == first => any = true,
                    Some(t) if t.contains(SYM) || first.contains(SYM) => return Val::Unknown,
                    Some(_) => {}
                    None => return Val::Unknown,
                }
            }
            Val::Bool(if name == "eq" { any } else { !any })
        }
        ("hasKey", 2) => match (&args[0], plain_text(chart, &args[1])) {
            (Val::Values(path), Some(key)) => match chart.resolve(path) {
                Resolved::Node(n) => Val::Bool(n.get(&key).is_some()),
                Resolved::Missing => Val::Bool(false),
                Resolved::Overridden => Val::Unknown,
            },
            _ => Val::Unknown,
        },
        ("index", _) if n >= 2 => match &args[0] {
            Val::Values(path) => {
                let mut path = path.clone();
                for a in &args[1..] {
                    match plain_text(chart, a) {
                        Some(k) if !k.contains(SYM) => path.push(k),
                        _ => return Val::Unknown,
                    }
                }
                Val::Values(path)
            }
            _ => Val::Unknown,
        },
        ("ternary", 3) => match truthy(chart, &args[2]) {
            Some(true) => args[0].clone(),
            Some(false) => args[1].clone(),
            None => Val::Unknown,
        },
        _ => Val::Unknown,
    }
}

/// A value's text for comparisons (`eq`), unquoted.
fn comparable(chart: &Chart, v: &Val) -> Option<String> {
    match v {
        Val::Missing => Some(String::new()),
        Val::Values(path) if matches!(chart.resolve(path), Resolved::Missing) => {
            Some(String::new())
        }
        other => plain_text(chart, other),
    }
}

fn concat(chart: &Chart, args: &[Val], f: impl Fn(&[String]) -> String) -> Val {
    let texts: Option<Vec<String>> = args.iter().map(|a| plain_text(chart, a)).collect();
    texts.map_or(Val::Unknown, |t| Val::text(f(&t)))
}

/// `printf` with `%s`, `%d`, `%v` verbs.
fn printf(format: &str, args: &[String]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '%' {
            match chars.next() {
                Some('%') => out.push('%'),
                Some(_) => out.push_str(args.next().map(String::as_str).unwrap_or("")),
                None => out.push('%'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubernetes::helm::lexer::tokenize;
    use vouch_workspace::yaml::parse_str;

    fn chart(values: &str, overlay: Option<&str>) -> Chart {
        let doc = |s: &str| parse_str(s).unwrap().remove(0).root;
        Chart {
            values: Some(doc(values)),
            overlays: overlay.map(doc).into_iter().collect(),
            meta: Some(doc("name: api\nappVersion: 1.4.2\n")),
            defines: HashMap::new(),
        }
    }

    fn text(c: &Chart, expr: &str) -> Option<String> {
        let v = eval_pipeline(c, &Scope::root(), &tokenize(expr).unwrap());
        as_text(c, &v).map(|(t, _)| t)
    }

    #[test]
    fn values_defaults_and_quotes() {
        let c = chart(
            "image:\n  tag: \"\"\n  repo: ghcr.io/acme/api\nreplicas: 3\n",
            None,
        );
        assert_eq!(text(&c, ".Values.replicas").as_deref(), Some("3"));
        assert_eq!(
            text(&c, ".Values.image.tag | default .Chart.AppVersion").as_deref(),
            Some("1.4.2")
        );
        assert_eq!(
            text(&c, ".Values.image.repo | quote").as_deref(),
            Some("\"ghcr.io/acme/api\"")
        );
        assert_eq!(text(&c, ".Values.nope"), None);
        assert_eq!(text(&c, "tpl .Values.x ."), None);
        assert_eq!(
            text(&c, r#"include "api.fullname" ."#).as_deref(),
            Some("__VOUCH_SYM_api.fullname__")
        );
    }

    #[test]
    fn overridden_values_are_unknown() {
        let c = chart("replicas: 1\nport: 80\n", Some("replicas: 3\nport: 80\n"));
        assert_eq!(text(&c, ".Values.replicas"), None);
        assert_eq!(text(&c, ".Values.port").as_deref(), Some("80"));
    }

    #[test]
    fn conditions() {
        let c = chart("autoscaling:\n  enabled: false\npdb: {}\n", None);
        let cond = |e: &str| {
            truthy(
                &c,
                &eval_pipeline(&c, &Scope::root(), &tokenize(e).unwrap()),
            )
        };
        assert_eq!(cond(".Values.autoscaling.enabled"), Some(false));
        assert_eq!(cond("not .Values.autoscaling.enabled"), Some(true));
        assert_eq!(cond(".Values.pdb"), Some(false));
        assert_eq!(cond(".Values.missing.key"), Some(false));
        assert_eq!(
            cond(r#"semverCompare ">=1.19-0" .Capabilities.KubeVersion.GitVersion"#),
            None
        );
        assert_eq!(
            cond("and .Values.pdb (not .Values.autoscaling.enabled)"),
            Some(false)
        );
        assert_eq!(cond(r#"eq .Values.kind "x""#), Some(false));
    }
}
