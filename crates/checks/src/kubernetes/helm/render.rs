//! Renders the plain-YAML parts of a Helm template, line by line.
//!
//! - action-only lines (`{{- if }}`, `{{- end }}`, `{{- with }}`) drive a stack of conditions:
//!   a condition vouch can evaluate from values.yaml keeps or drops its block; one it cannot
//!   keeps the block but marks its lines *uncertain*;
//! - `{{ .Values.x }}` and friends are substituted inline; what cannot be evaluated becomes the
//!   [`UNKNOWN`] sentinel, and `include "helper" .` a comparable symbol;
//! - `{{- toYaml .Values.x | nindent N }}` emits the values subtree as YAML at indent N, and a
//!   block `include` expands the helper's `define` body;
//! - a block vouch cannot expand becomes a *hole* entry, so a lookup there says Unknown.
//!
//! Every output line remembers the template (or values.yaml) line it came from.

use super::eval::{
    Chart, Pos, Resolved, Scope, VALUES_SRC, Val, as_text, eval_pipeline, plain_text, truthy,
};
use super::lexer::{Segment, Tok, segments, tokenize};
use crate::kubernetes::objects::{HOLE, HOLE_KEY, UNKNOWN};

/// One rendered line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutLine {
    pub text: String,
    /// 0 = the template, [`VALUES_SRC`] = values.yaml.
    pub src: usize,
    pub line: u32,
    /// 0 keeps the column the parser reports.
    pub column: u32,
    pub uncertain: bool,
    /// Values substituted inline on this line, with the text each put there.
    pub values: Vec<(Pos, String)>,
}

/// Maximum nesting of `include` expansions.
const MAX_INCLUDE_DEPTH: usize = 8;
/// Lines an unclosed `{{` may span.
const MAX_ACTION_LINES: usize = 30;
/// Template lines processed per template, `range` and `include` expansions included.
const MAX_STEPS: usize = 100_000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    On,
    Off,
    Maybe,
}

struct Frame {
    state: State,
    /// A branch of this if/else chain was taken for sure.
    taken: bool,
    /// An earlier branch's condition was unknown.
    chain_unknown: bool,
    saved_dot: Option<Val>,
}

enum Action {
    If(Option<Vec<Tok>>),
    ElseIf(Option<Vec<Tok>>),
    Else,
    End,
    With(Option<Vec<Tok>>),
    Range(Option<Vec<Tok>>),
    /// `define` / `block`: bodies are read separately; skipped here.
    Define,
    Comment,
    Assign(String, Option<Vec<Tok>>),
    Expr(Option<Vec<Tok>>),
    /// `break`, `continue`: no output.
    Nothing,
}

fn classify(body: &str) -> Action {
    if body.starts_with("/*") {
        return Action::Comment;
    }
    let (word, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    let rest = rest.trim();
    match word {
        "if" => Action::If(tokenize(rest)),
        "else" if rest.is_empty() => Action::Else,
        "else" => {
            let cond = rest
                .strip_prefix("if")
                .or_else(|| rest.strip_prefix("with"))
                .map(str::trim);
            Action::ElseIf(cond.and_then(tokenize))
        }
        "end" => Action::End,
        "with" => Action::With(tokenize(rest)),
        "range" => Action::Range(tokenize(rest)),
        "define" | "block" => Action::Define,
        "break" | "continue" => Action::Nothing,
        _ => match tokenize(body) {
            Some(toks) => match toks.iter().position(|t| *t == Tok::Assign) {
                Some(1) => match &toks[0] {
                    Tok::Field(v) if v.starts_with('$') => {
                        Action::Assign(v[1..].to_string(), Some(toks[2..].to_vec()))
                    }
                    _ => Action::Expr(None),
                },
                Some(_) => Action::Expr(None),
                None => Action::Expr(Some(toks)),
            },
            None => Action::Expr(None),
        },
    }
}

pub struct Renderer<'c> {
    chart: &'c Chart,
    holes: usize,
    steps: usize,
}

/// Where the lines being rendered come from.
#[derive(Clone, Copy)]
struct Site {
    /// Lines of a helper body all map to the `include` that expanded them.
    fixed_line: Option<u32>,
    /// Template line number of the first line rendered (a `range` body starts mid-file).
    offset: u32,
    uncertain: bool,
    depth: usize,
}

impl<'c> Renderer<'c> {
    pub fn new(chart: &'c Chart) -> Renderer<'c> {
        Renderer {
            chart,
            holes: 0,
            steps: 0,
        }
    }

    pub fn render(&mut self, text: &str) -> Vec<OutLine> {
        let lines: Vec<&str> = text.lines().collect();
        let mut out = Vec::new();
        let site = Site {
            fixed_line: None,
            offset: 0,
            uncertain: false,
            depth: 0,
        };
        self.render_lines(&lines, site, &mut Scope::root(), &mut out);
        out
    }

    fn render_lines(
        &mut self,
        lines: &[&str],
        site: Site,
        scope: &mut Scope,
        out: &mut Vec<OutLine>,
    ) {
        let mut frames: Vec<Frame> = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            self.steps += 1;
            if self.steps > MAX_STEPS {
                // Runaway expansion: cut the output short so it does not parse (a gap).
                out.push(OutLine {
                    text: format!("{UNKNOWN}: ["),
                    src: 0,
                    line: site.fixed_line.unwrap_or(site.offset + i as u32 + 1),
                    column: 0,
                    uncertain: true,
                    values: Vec::new(),
                });
                return;
            }
            let first = i;
            let mut joined = lines[i].to_string();
            let mut segs = segments(&joined);
            while segs.is_none() && i + 1 < lines.len() && i - first < MAX_ACTION_LINES {
                i += 1;
                joined.push('\n');
                joined.push_str(lines[i]);
                segs = segments(&joined);
            }
            i += 1;
            let line_no = site.fixed_line.unwrap_or(site.offset + first as u32 + 1);
            let Some(segs) = segs else {
                // An action never closed: nothing vouch can render.
                continue;
            };
            if current(&frames) != State::Off
                && let Some(end) = self.expand_range(&segs, lines, i, site, scope, out)
            {
                i = end + 1;
                continue;
            }
            let ctx = LineCtx {
                lines,
                next: i,
                line_no,
                indent: leading_spaces(&joined),
            };
            self.render_line(&segs, &ctx, site, &mut frames, scope, out);
        }
    }

    fn render_line(
        &mut self,
        segs: &[Segment],
        ctx: &LineCtx<'_>,
        site: Site,
        frames: &mut Vec<Frame>,
        scope: &mut Scope,
        out: &mut Vec<OutLine>,
    ) {
        let has_text = segs
            .iter()
            .any(|s| matches!(s, Segment::Text(t) if !t.trim().is_empty()));
        let mut line = OutLine {
            text: String::new(),
            src: 0,
            line: ctx.line_no,
            column: 0,
            uncertain: site.uncertain,
            values: Vec::new(),
        };
        let mut wrote = false;
        for (idx, seg) in segs.iter().enumerate() {
            let state = current(frames);
            match seg {
                Segment::Text(t) => {
                    if state != State::Off {
                        line.text.push_str(t);
                        line.uncertain |= state == State::Maybe;
                        wrote |= !t.trim().is_empty();
                    }
                }
                Segment::Action(body) => match classify(body) {
                    Action::Expr(toks) => {
                        if state == State::Off {
                            continue;
                        }
                        line.uncertain |= state == State::Maybe;
                        let val =
                            toks.map_or(Val::Unknown, |t| eval_pipeline(self.chart, scope, &t));
                        let last = segs[idx + 1..]
                            .iter()
                            .all(|s| matches!(s, Segment::Text(t) if t.trim().is_empty()));
                        if !has_text || (last && matches!(val, Val::Indent(..))) {
                            // A block: flush the text before it, then emit at its indent.
                            if wrote {
                                let text = std::mem::take(&mut line.text);
                                let values = std::mem::take(&mut line.values);
                                out.push(OutLine {
                                    text,
                                    values,
                                    ..line.clone()
                                });
                                wrote = false;
                            }
                            let (inner, width) = match val {
                                Val::Indent(inner, w) => (*inner, w),
                                other => (other, ctx.indent),
                            };
                            let block_site = Site {
                                uncertain: line.uncertain,
                                ..site
                            };
                            self.emit_block(inner, width, ctx, block_site, out);
                        } else {
                            match as_text(self.chart, &val) {
                                Some((text, origin)) => {
                                    if let Some(pos) = origin {
                                        let raw = plain_text(self.chart, &val)
                                            .unwrap_or_else(|| text.clone());
                                        line.values.push((pos, raw));
                                    }
                                    line.text.push_str(&text);
                                }
                                None => line.text.push_str(UNKNOWN),
                            }
                        }
                    }
                    Action::Assign(var, toks) => {
                        if state != State::Off {
                            let val = match (state, toks) {
                                (State::On, Some(t)) => eval_pipeline(self.chart, scope, &t),
                                _ => Val::Unknown,
                            };
                            scope.vars.insert(var, val);
                        }
                    }
                    action => self.control(action, state, frames, scope),
                },
            }
        }
        if wrote {
            out.push(line);
        }
    }

    fn control(
        &mut self,
        action: Action,
        state: State,
        frames: &mut Vec<Frame>,
        scope: &mut Scope,
    ) {
        match action {
            Action::If(cond) => {
                let s = self.condition(state, cond.as_deref(), scope);
                frames.push(Frame {
                    state: s,
                    taken: s == State::On,
                    chain_unknown: s == State::Maybe,
                    saved_dot: None,
                });
            }
            Action::With(expr) => {
                let val = match (&expr, state) {
                    (Some(t), State::On | State::Maybe) => eval_pipeline(self.chart, scope, t),
                    _ => Val::Unknown,
                };
                let s = match state {
                    State::Off => State::Off,
                    _ => match truthy(self.chart, &val) {
                        Some(true) if state == State::On => State::On,
                        Some(false) => State::Off,
                        _ => State::Maybe,
                    },
                };
                let saved = std::mem::replace(&mut scope.dot, val);
                frames.push(Frame {
                    state: s,
                    taken: s == State::On,
                    chain_unknown: s == State::Maybe,
                    saved_dot: Some(saved),
                });
            }
            Action::Range(expr) => {
                let known_empty = state != State::Off
                    && expr
                        .as_deref()
                        .map(range_subject)
                        .map(|t| eval_pipeline(self.chart, scope, t))
                        .is_some_and(|v| truthy(self.chart, &v) == Some(false));
                let s = if state == State::Off || known_empty {
                    State::Off
                } else {
                    State::Maybe
                };
                let saved = std::mem::replace(&mut scope.dot, Val::Unknown);
                frames.push(Frame {
                    state: s,
                    taken: false,
                    chain_unknown: true,
                    saved_dot: Some(saved),
                });
            }
            Action::Define => frames.push(Frame {
                state: State::Off,
                taken: true,
                chain_unknown: false,
                saved_dot: None,
            }),
            Action::ElseIf(cond) => {
                let Some(top) = frames.pop() else { return };
                let outer = current(frames);
                let s = if top.taken || outer == State::Off {
                    State::Off
                } else {
                    let own = self.condition(outer, cond.as_deref(), scope);
                    if top.chain_unknown && own != State::Off {
                        State::Maybe
                    } else {
                        own
                    }
                };
                self.restore(&top, scope);
                frames.push(Frame {
                    state: s,
                    taken: top.taken || s == State::On,
                    chain_unknown: top.chain_unknown || s == State::Maybe,
                    saved_dot: None,
                });
            }
            Action::Else => {
                let Some(top) = frames.pop() else { return };
                let outer = current(frames);
                let s = if top.taken || outer == State::Off {
                    State::Off
                } else if top.chain_unknown || outer == State::Maybe {
                    State::Maybe
                } else {
                    State::On
                };
                self.restore(&top, scope);
                frames.push(Frame {
                    state: s,
                    taken: true,
                    chain_unknown: top.chain_unknown,
                    saved_dot: None,
                });
            }
            Action::End => {
                if let Some(top) = frames.pop() {
                    self.restore(&top, scope);
                }
            }
            Action::Comment | Action::Nothing | Action::Expr(_) | Action::Assign(..) => {}
        }
    }

    fn restore(&self, frame: &Frame, scope: &mut Scope) {
        if let Some(dot) = &frame.saved_dot {
            scope.dot = dot.clone();
        }
    }

    fn condition(&self, outer: State, cond: Option<&[Tok]>, scope: &Scope) -> State {
        if outer == State::Off {
            return State::Off;
        }
        let known = cond.and_then(|t| truthy(self.chart, &eval_pipeline(self.chart, scope, t)));
        match (known, outer) {
            (Some(false), _) => State::Off,
            (Some(true), State::On) => State::On,
            _ => State::Maybe,
        }
    }

    /// A line holding only `{{- range ... }}` over a values list or map vouch knows: renders
    /// the body once per element (with the range variables bound) and returns the index of the
    /// line holding the matching `{{- end }}`.
    fn expand_range(
        &mut self,
        segs: &[Segment],
        lines: &[&str],
        body_start: usize,
        site: Site,
        scope: &mut Scope,
        out: &mut Vec<OutLine>,
    ) -> Option<usize> {
        let [Segment::Action(body)] = segs
            .iter()
            .filter(|s| !matches!(s, Segment::Text(t) if t.trim().is_empty()))
            .collect::<Vec<_>>()[..]
        else {
            return None;
        };
        let rest = body.strip_prefix("range")?.trim();
        let toks = tokenize(rest)?;
        let (vars, subject) = match toks.iter().position(|t| *t == Tok::Assign) {
            Some(i) => (&toks[..i], &toks[i + 1..]),
            None => (&toks[..0], &toks[..]),
        };
        let names: Vec<String> = vars
            .iter()
            .filter_map(|t| match t {
                Tok::Field(f) => f.strip_prefix('$').map(str::to_string),
                _ => None,
            })
            .collect();
        let Val::Values(path) = eval_pipeline(self.chart, scope, subject) else {
            return None;
        };
        let Resolved::Node(node) = self.chart.resolve(&path) else {
            return None;
        };
        let end = matching_end(lines, body_start)?;
        let elements: Vec<(Val, Val)> = match &node.value {
            vouch_workspace::Value::Map(entries) => entries
                .iter()
                .filter_map(|(k, _)| {
                    let key = k.as_str()?;
                    let mut p = path.clone();
                    p.push(key.to_string());
                    let kv = Val::Text {
                        text: key.to_string(),
                        quoted: false,
                        origin: Some((VALUES_SRC, k.line, k.column)),
                    };
                    Some((kv, Val::Values(p)))
                })
                .collect(),
            vouch_workspace::Value::Seq(items) => (0..items.len())
                .map(|i| {
                    let mut p = path.clone();
                    p.push(i.to_string());
                    (
                        Val::Text {
                            text: i.to_string(),
                            quoted: false,
                            origin: None,
                        },
                        Val::Values(p),
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
        if elements.len() > 200 {
            return None;
        }
        let body = &lines[body_start..end];
        let inner_site = Site {
            offset: site
                .fixed_line
                .map_or(site.offset + body_start as u32, |_| 0),
            ..site
        };
        let saved_dot = scope.dot.clone();
        for (key, value) in elements {
            match names.as_slice() {
                [v] => {
                    scope.vars.insert(v.clone(), value.clone());
                }
                [k, v] => {
                    scope.vars.insert(k.clone(), key);
                    scope.vars.insert(v.clone(), value.clone());
                }
                _ => {}
            }
            scope.dot = value;
            self.render_lines(body, inner_site, scope, out);
        }
        scope.dot = saved_dot;
        Some(end)
    }

    /// Emits `val` as a block of lines at `width`.
    fn emit_block(
        &mut self,
        val: Val,
        width: usize,
        ctx: &LineCtx<'_>,
        site: Site,
        out: &mut Vec<OutLine>,
    ) {
        let pad = " ".repeat(width);
        let template_line = |text: String| OutLine {
            text,
            src: 0,
            line: ctx.line_no,
            column: 0,
            uncertain: site.uncertain,
            values: Vec::new(),
        };
        match val {
            Val::Indent(inner, w) => self.emit_block(*inner, w, ctx, site, out),
            Val::Yaml(inner) => match *inner {
                Val::Values(path) => match self.chart.resolve(&path) {
                    Resolved::Node(node) => {
                        let mut lines = Vec::new();
                        super::emit::emit(node, width, &mut lines);
                        out.extend(lines.into_iter().map(|(text, line, column)| OutLine {
                            text,
                            src: VALUES_SRC,
                            line,
                            column,
                            uncertain: site.uncertain,
                            values: Vec::new(),
                        }));
                    }
                    _ => self.hole(width, ctx, site, out),
                },
                other => self.emit_block(other, width, ctx, site, out),
            },
            Val::Include(name) if site.depth < MAX_INCLUDE_DEPTH => {
                let Some(body) = self.chart.defines.get(&name).cloned() else {
                    return self.hole(width, ctx, site, out);
                };
                let body_lines: Vec<&str> = body.lines().collect();
                let inner_site = Site {
                    fixed_line: Some(ctx.line_no),
                    offset: 0,
                    uncertain: site.uncertain,
                    depth: site.depth + 1,
                };
                let mut inner = Vec::new();
                self.render_lines(&body_lines, inner_site, &mut Scope::root(), &mut inner);
                for mut l in inner {
                    if !l.text.trim().is_empty() {
                        l.text = format!("{pad}{}", l.text);
                    }
                    out.push(l);
                }
            }
            Val::Values(ref path) => match self.chart.resolve(path) {
                Resolved::Node(node) if node.as_str().is_some() => {
                    let text = node.as_str().unwrap_or_default();
                    let mut line = template_line(format!("{pad}{text}"));
                    line.values
                        .push(((VALUES_SRC, node.line, node.column), text.to_string()));
                    out.push(line);
                }
                _ => self.hole(width, ctx, site, out),
            },
            Val::Text { text, .. } => {
                for l in text.lines().filter(|l| !l.trim().is_empty()) {
                    out.push(template_line(format!("{pad}{l}")));
                }
            }
            Val::Bool(b) => out.push(template_line(format!("{pad}{b}"))),
            _ => self.hole(width, ctx, site, out),
        }
    }

    /// A placeholder entry for content vouch cannot render, shaped like its neighbours: a
    /// sequence item where the block sits in a list, else a mapping entry.
    fn hole(&mut self, width: usize, ctx: &LineCtx<'_>, site: Site, out: &mut Vec<OutLine>) {
        self.holes += 1;
        let pad = " ".repeat(width);
        let text = if hole_in_sequence(width, ctx, out) {
            format!("{pad}- {HOLE}")
        } else {
            format!("{pad}{HOLE_KEY}{}: {UNKNOWN}", self.holes)
        };
        out.push(OutLine {
            text,
            src: 0,
            line: ctx.line_no,
            column: 0,
            uncertain: true,
            values: Vec::new(),
        });
        let _ = site;
    }
}

/// Whether the neighbouring content at `width` is a list item.
fn hole_in_sequence(width: usize, ctx: &LineCtx<'_>, out: &[OutLine]) -> bool {
    let is_item = |t: &str| t == "-" || t.starts_with("- ");
    for l in &ctx.lines[ctx.next.min(ctx.lines.len())..] {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') || is_action_only(l) {
            continue;
        }
        if leading_spaces(l) == width {
            return is_item(t);
        }
        break;
    }
    out.iter()
        .rev()
        .find(|l| !l.text.trim().is_empty())
        .is_some_and(|prev| leading_spaces(&prev.text) == width && is_item(prev.text.trim()))
}

fn is_action_only(line: &str) -> bool {
    segments(line).is_some_and(|segs| {
        segs.iter().all(|s| {
            matches!(s, Segment::Action(_)) || matches!(s, Segment::Text(t) if t.trim().is_empty())
        })
    })
}

/// Index of the action-only line holding the `end` that closes a block opened just before
/// `from`.
fn matching_end(lines: &[&str], from: usize) -> Option<usize> {
    let mut depth = 1;
    for (i, line) in lines.iter().enumerate().skip(from) {
        for seg in segments(line)? {
            let Segment::Action(body) = seg else { continue };
            match body.split_whitespace().next().unwrap_or("") {
                "if" | "with" | "range" | "define" | "block" => depth += 1,
                "end" => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                return is_action_only(line).then_some(i);
            }
        }
    }
    None
}

/// For `range $k, $v := X`, the tokens of X.
fn range_subject(toks: &[Tok]) -> &[Tok] {
    match toks.iter().position(|t| *t == Tok::Assign) {
        Some(i) => &toks[i + 1..],
        None => toks,
    }
}

fn current(frames: &[Frame]) -> State {
    let mut s = State::On;
    for f in frames {
        match f.state {
            State::Off => return State::Off,
            State::Maybe => s = State::Maybe,
            State::On => {}
        }
    }
    s
}

fn leading_spaces(s: &str) -> usize {
    s.len() - s.trim_start_matches(' ').len()
}

struct LineCtx<'a> {
    lines: &'a [&'a str],
    /// Index of the line after this one.
    next: usize,
    line_no: u32,
    indent: usize,
}
