//! Risky sinks: SQL text built with `format!`/`+` from non-constant values and handed to
//! sqlx/diesel/tokio-postgres/rusqlite/sea-orm; `sh -c` commands built from input; outbound
//! requests to URLs from the request (SSRF); error text sent to clients with a 500; raw JSON
//! bodies (`Json<Value>`) in handlers.

use super::ast::{self, Ctx};
use crate::model::{Fact, FactKind, FileCode};
use crate::syntax;
use crate::syntax::FieldChild;
use tree_sitter::Node;

/// Calls whose first argument is SQL text.
const SQL_CALLS: &[&str] = &[
    "query",
    "query_as",
    "query_scalar",
    "query_with",
    "query_as_with",
    "query_scalar_with",
    "raw_sql",
    "sql_query",
    "execute",
    "query_one",
    "query_opt",
    "query_row",
    "query_map",
    "batch_execute",
    "execute_batch",
    "simple_query",
    "prepare",
    "prepare_cached",
    "from_string",
    "from_sql_and_values",
];

/// Types a value can have that cannot carry SQL or shell syntax.
const INERT_TYPES: &[&str] = &[
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "f32",
    "f64",
    "bool",
    "Uuid",
    "uuid::Uuid",
];

pub fn extract(ctx: &Ctx<'_>, root: Node<'_>, out: &mut FileCode) {
    for n in ctx.production_nodes(
        root,
        &["call_expression", "tuple_expression", "function_item"],
    ) {
        match n.kind() {
            "call_expression" => {
                sql(ctx, n, out);
                if ctx.is_chain_top(n) {
                    shell(ctx, n, out);
                }
                ssrf(ctx, n, out);
                exception_call(ctx, n, out);
            }
            "tuple_expression" => exception_tuple(ctx, n, out),
            "function_item" => body_param(ctx, n, out),
            _ => {}
        }
    }
}

fn sql(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let name = ast::call_name(call, ctx.src);
    if !SQL_CALLS.contains(&name) {
        return;
    }
    for arg in ast::args(call).into_iter().take(2) {
        if let Some(detail) = built_sql(ctx, arg, 0) {
            out.facts.push(Fact::new(
                FactKind::RiskSqlInterpolation,
                ast::pos(call),
                format!("`{name}` runs SQL built with {detail}"),
            ));
            return;
        }
    }
}

/// Why `expr` is SQL text built from a non-constant value, or None.
fn built_sql(ctx: &Ctx<'_>, expr: Node<'_>, depth: usize) -> Option<String> {
    if depth > 4 {
        return None;
    }
    let src = ctx.src;
    match expr.kind() {
        "reference_expression" | "parenthesized_expression" => {
            let inner = expr.field("value").or_else(|| expr.named_child(0))?;
            built_sql(ctx, inner, depth + 1)
        }
        "call_expression" => {
            // `format!(..).as_str()`, `sql.as_str()`
            let name = ast::call_name(expr, src);
            let recv = ast::receiver(expr)?;
            matches!(name, "as_str" | "as_ref" | "clone" | "to_string")
                .then(|| built_sql(ctx, recv, depth + 1))
                .flatten()
        }
        "macro_invocation" if ast::macro_name(expr, src) == "format" => {
            let (fmt, inputs) = ast::format_inputs(expr, src)?;
            if !looks_like_sql(&fmt) {
                return None;
            }
            let tainted = inputs.iter().find(|i| !is_constant(ctx, expr, i))?;
            Some(format!("`format!` interpolating `{tainted}`"))
        }
        "binary_expression" => {
            let op = expr.field("operator").map(|o| ctx.text(o));
            if op != Some("+") {
                return None;
            }
            let text = ctx.text(expr);
            if !looks_like_sql(text) {
                return None;
            }
            let mut parts = Vec::new();
            flatten_concat(expr, &mut parts);
            let tainted = parts.iter().find(|p| {
                ast::string_value(**p, src).is_none() && !is_constant(ctx, expr, ctx.text(**p))
            })?;
            Some(format!("`+` concatenating `{}`", ctx.text(*tainted)))
        }
        "identifier" => {
            let name = ctx.text(expr);
            let value = ast::local_binding(ctx, expr, name)?;
            built_sql(ctx, value, depth + 1)
        }
        _ => None,
    }
}

fn flatten_concat<'t>(expr: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut stack = vec![expr];
    while let Some(n) = stack.pop() {
        if out.len() > 64 {
            return;
        }
        if n.kind() == "binary_expression" {
            if let Some(r) = n.field("right") {
                stack.push(r);
            }
            if let Some(l) = n.field("left") {
                stack.push(l);
            }
        } else if n.kind() == "reference_expression" {
            if let Some(v) = n.field("value") {
                stack.push(v);
            }
        } else {
            out.push(n);
        }
    }
}

fn looks_like_sql(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    let has = |w: &str| upper.contains(w);
    (has("SELECT ") && has(" FROM"))
        || has("INSERT INTO")
        || (has("UPDATE ") && has(" SET "))
        || has("DELETE FROM")
        || has(" WHERE ")
        || has("ORDER BY")
}

/// Whether an interpolated expression cannot carry attacker text: a constant, a number, a
/// local bound to literals only (`match sort { "name" => "name", _ => "created_at" }`), a
/// list of placeholders (`"?"`, `"$1"`), or a parameter of a numeric/UUID type.
pub fn is_constant(ctx: &Ctx<'_>, at: Node<'_>, expr: &str) -> bool {
    let expr = expr.trim();
    if expr.parse::<f64>().is_ok() || ast::unquote_text(expr).is_some() {
        return true;
    }
    let root = ast::root_ident(expr);
    if root.is_empty() {
        return false;
    }
    if ast::is_const_name(root) || root.starts_with("Self::") {
        return true;
    }
    if is_identifier_quoting(expr) {
        return true;
    }
    if let Some(ty) = param_type(ctx, at, root) {
        if let Some(field) = expr
            .trim_start_matches('&')
            .strip_prefix(root)
            .and_then(|r| r.strip_prefix('.'))
            && ast::is_ident(field)
            && literal_field(ctx, ty, field)
        {
            return true;
        }
        let inner = ty
            .trim_start_matches('&')
            .rsplit(['<', ' '])
            .next()
            .unwrap_or("")
            .trim_end_matches('>');
        if INERT_TYPES.contains(&inner) && !expr.contains('.') {
            return true;
        }
        return false;
    }
    let Some(value) = ast::local_binding(ctx, at, root) else {
        return false;
    };
    literal_only(ctx, value)
}

/// Identifier-quoting helpers by their conventional names (PostgreSQL's `quote_ident`,
/// libpq's `PQescapeIdentifier`): a table or column name that cannot be a bound parameter,
/// quoted so it stays one identifier.
const IDENTIFIER_QUOTERS: &[&str] = &["quote_ident", "quote_identifier", "escape_identifier"];

/// `quote_ident(&table.name)`, `schema::quote_identifier(name)`.
fn is_identifier_quoting(expr: &str) -> bool {
    let expr = expr.trim().trim_start_matches('&');
    let Some((callee, rest)) = expr.split_once('(') else {
        return false;
    };
    let name = callee.rsplit("::").next().unwrap_or(callee);
    if !IDENTIFIER_QUOTERS.contains(&name) {
        return false;
    }
    // The whole expression is that one call: its `(` closes at the very end.
    let mut depth = 1;
    for (i, c) in rest.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return i + 1 == rest.len();
        }
    }
    false
}

/// `change.set` where `change: Change<'_>` and `Change` is a private struct of this file whose
/// `set` field is a `&'static str` given a literal or constant in every `Change { .. }` of the
/// file (the only place a private struct can be built).
fn literal_field(ctx: &Ctx<'_>, ty: &str, field: &str) -> bool {
    let name = ty.trim_start_matches('&').trim();
    let name = name.strip_prefix("mut ").unwrap_or(name);
    let name = name.split('<').next().unwrap_or(name).trim();
    let root = ctx.index.root();
    let named = |n: &Node<'_>| n.field("name").is_some_and(|x| ctx.text(x) == name);
    let Some(item) = ctx
        .index
        .of_kind(root, "struct_item")
        .into_iter()
        .find(named)
    else {
        return false;
    };
    let mut cursor = item.walk();
    if item
        .children(&mut cursor)
        .any(|c| c.kind() == "visibility_modifier")
    {
        return false;
    }
    let declared = ctx
        .index
        .of_kind(item, "field_declaration")
        .into_iter()
        .find(|f| f.field("name").is_some_and(|n| ctx.text(n) == field))
        .and_then(|f| f.field("type"))
        .map(|t| ctx.text(t).split_whitespace().collect::<String>());
    if declared.as_deref() != Some("&'staticstr") {
        return false;
    }
    let built: Vec<Node<'_>> = ctx
        .index
        .of_kind(root, "struct_expression")
        .into_iter()
        .filter(|e| e.field("name").is_some_and(|n| ctx.text(n) == name))
        .collect();
    !built.is_empty()
        && built.iter().all(|e| {
            ctx.index
                .of_kind(*e, "field_initializer")
                .into_iter()
                .find(|i| i.field("field").is_some_and(|f| ctx.text(f) == field))
                .and_then(|i| i.field("value"))
                .is_some_and(|v| literal_only(ctx, v) || arm_is_literal(ctx, v))
        })
}

/// The declared type of parameter `name` of the function enclosing `at`.
fn param_type<'a>(ctx: &Ctx<'a>, at: Node<'_>, name: &str) -> Option<&'a str> {
    let params = ast::enclosing_fn(ctx, at)?.field("parameters")?;
    let mut cursor = params.walk();
    for p in params.named_children(&mut cursor) {
        let (Some(pat), Some(ty)) = (p.field("pattern"), p.field("type")) else {
            continue;
        };
        let mut binds = false;
        syntax::walk(pat, |n| {
            if n.kind() == "identifier" && ctx.text(n) == name {
                binds = true;
            }
            !binds
        });
        if binds {
            return Some(ctx.text(ty));
        }
    }
    None
}

/// An expression whose every leaf value is a literal or constant (match/if arms included),
/// or a placeholder list (`ids.iter().map(|_| "?").collect::<Vec<_>>().join(", ")`).
fn literal_only(ctx: &Ctx<'_>, value: Node<'_>) -> bool {
    let src = ctx.src;
    if ast::literal_string(value, src).is_some()
        || matches!(
            value.kind(),
            "integer_literal" | "float_literal" | "boolean_literal"
        )
    {
        return true;
    }
    let text = ctx.text(value);
    if text.contains(".join(") {
        let literals = syntax::descendants_of_kind(value, "string_content");
        return (!literals.is_empty()
            && literals.iter().all(|l| is_placeholder_text(ctx.text(*l))))
            || joins_quoted_identifiers(ctx, value);
    }
    match value.kind() {
        "match_expression" => {
            let arms = syntax::descendants_of_kind(value, "match_arm");
            !arms.is_empty()
                && arms
                    .iter()
                    .all(|arm| arm.field("value").is_some_and(|v| arm_is_literal(ctx, v)))
        }
        "if_expression" => {
            let blocks = syntax::descendants_of_kind(value, "block");
            !blocks.is_empty() && blocks.iter().all(|b| arm_is_literal(ctx, *b))
        }
        _ => false,
    }
}

/// `cols.iter().map(|c| quote_ident(&c.name)).collect::<Vec<_>>().join(", ")`: a list whose
/// every item is a quoted identifier (or text built only from quoted identifiers).
fn joins_quoted_identifiers(ctx: &Ctx<'_>, value: Node<'_>) -> bool {
    let maps: Vec<Node<'_>> = ctx
        .index
        .of_kind(value, "call_expression")
        .into_iter()
        .filter(|c| ast::call_name(*c, ctx.src) == "map")
        .collect();
    !maps.is_empty()
        && maps.iter().all(|map| {
            ast::args(*map).first().is_some_and(|f| match f.kind() {
                "closure_expression" => f.field("body").is_some_and(|b| quoted_value(ctx, b, 0)),
                _ => is_identifier_quoting(&format!("{}(x)", ctx.text(*f))),
            })
        })
}

/// A closure's value that is a quoted identifier on every path.
fn quoted_value(ctx: &Ctx<'_>, v: Node<'_>, depth: usize) -> bool {
    if depth > 4 {
        return false;
    }
    match v.kind() {
        "block" => v
            .named_child(u32::try_from(v.named_child_count().saturating_sub(1)).unwrap_or(0))
            .is_some_and(|last| quoted_value(ctx, last, depth + 1)),
        "expression_statement" | "parenthesized_expression" => v
            .named_child(0)
            .is_some_and(|e| quoted_value(ctx, e, depth + 1)),
        "match_expression" => {
            let arms = syntax::descendants_of_kind(v, "match_arm");
            !arms.is_empty()
                && arms.iter().all(|arm| {
                    arm.field("value")
                        .is_some_and(|value| quoted_value(ctx, value, depth + 1))
                })
        }
        "macro_invocation" if ast::macro_name(v, ctx.src) == "format" => {
            ast::format_inputs(v, ctx.src).is_some_and(|(_, inputs)| {
                inputs
                    .iter()
                    .all(|i| is_identifier_quoting(i) || ast::is_const_name(ast::root_ident(i)))
            })
        }
        _ => {
            is_identifier_quoting(ctx.text(v))
                || ast::literal_string(v, ctx.src).is_some()
                || ast::is_const_name(ctx.text(v))
        }
    }
}

/// `?`, `$1`, `${i}`, `, `: text that only builds bind placeholders.
fn is_placeholder_text(t: &str) -> bool {
    let mut depth = 0;
    t.chars().all(|c| match c {
        '{' => {
            depth += 1;
            true
        }
        '}' => {
            depth -= 1;
            true
        }
        _ if depth > 0 => c.is_alphanumeric() || c == '_',
        _ => "?$, ".contains(c) || c.is_ascii_digit(),
    })
}

fn arm_is_literal(ctx: &Ctx<'_>, v: Node<'_>) -> bool {
    let v = if v.kind() == "block" {
        match v.named_child(u32::try_from(v.named_child_count().saturating_sub(1)).unwrap_or(0)) {
            Some(last) => last,
            None => return false,
        }
    } else {
        v
    };
    if v.kind() == "expression_statement" {
        return v.named_child(0).is_some_and(|e| arm_is_literal(ctx, e));
    }
    ast::literal_string(v, ctx.src).is_some()
        || matches!(
            v.kind(),
            "integer_literal" | "return_expression" | "macro_invocation"
        ) && !ctx.text(v).starts_with("format!")
        || ast::is_const_name(ctx.text(v))
}

/// `Command::new("sh").arg("-c").arg(format!(..))` and `.args(["-c", &cmd])`.
fn shell(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let src = ctx.src;
    let (base, links) = ast::chain(call, src);
    let Some(program) = command_program(ctx, base) else {
        return;
    };
    let shell = program.rsplit(['/', '\\']).next().unwrap_or(&program);
    if !matches!(
        shell,
        "sh" | "bash" | "zsh" | "dash" | "cmd" | "cmd.exe" | "powershell" | "pwsh"
    ) {
        return;
    }
    let mut items: Vec<Node<'_>> = Vec::new();
    for link in &links {
        match link.method {
            "arg" => items.extend(ast::args(link.call)),
            "args" => {
                for a in ast::args(link.call) {
                    let a = if a.kind() == "reference_expression" {
                        a.field("value").unwrap_or(a)
                    } else {
                        a
                    };
                    if a.kind() == "array_expression" || a.kind() == "macro_invocation" {
                        let mut cursor = a.walk();
                        items.extend(
                            a.named_children(&mut cursor)
                                .filter(|c| c.kind() != "token_tree"),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    let flag = items.iter().position(|i| {
        matches!(
            ast::literal_string(*i, src),
            Some("-c" | "/C" | "/c" | "-Command")
        )
    });
    let Some(flag) = flag else { return };
    let Some(script) = items.get(flag + 1) else {
        return;
    };
    if ast::literal_string(*script, src).is_some() || is_constant(ctx, *script, ctx.text(*script)) {
        return;
    }
    out.facts.push(Fact::new(
        FactKind::RiskShellInjection,
        ast::pos(*script),
        format!(
            "`{shell} {}` runs a command line built at run time (`{}`)",
            ast::literal_string(items[flag], src).unwrap_or("-c"),
            short(ctx.text(*script))
        ),
    ));
}

/// The program of `Command::new("sh")`, also through a `let cmd = Command::new("sh")`.
fn command_program(ctx: &Ctx<'_>, base: Node<'_>) -> Option<String> {
    let call = match base.kind() {
        "call_expression" => base,
        "identifier" => ast::local_binding(ctx, base, ctx.text(base))?,
        _ => return None,
    };
    let callee = ast::callee(call, ctx.src);
    if !callee.ends_with("Command::new") {
        return None;
    }
    ast::args(call)
        .first()
        .and_then(|a| ast::literal_string(*a, ctx.src))
        .map(str::to_string)
}

fn short(t: &str) -> String {
    let one_line: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 60 {
        format!("{}…", one_line.chars().take(60).collect::<String>())
    } else {
        one_line
    }
}

/// Extractor wrappers whose contents come from the request.
const REQUEST_EXTRACTORS: &[&str] = &["Query", "Json", "Form", "Path", "RawQuery"];

/// `reqwest::get(params.url)`, `client.get(&body.callback_url)` in a handler, with no
/// allow-list check in the function.
fn ssrf(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let src = ctx.src;
    let callee = ast::callee(call, src);
    let name = ast::call_name(call, src);
    let is_client_call = matches!(
        callee,
        "reqwest::get" | "ureq::get" | "ureq::post" | "reqwest::blocking::get"
    ) || (matches!(
        name,
        "get" | "post" | "put" | "patch" | "delete" | "request"
    ) && ast::receiver(call).is_some_and(|r| {
        let t = ctx.text(r).to_ascii_lowercase();
        t.contains("client") || t.contains("http")
    }));
    if !is_client_call {
        return;
    }
    let Some(url) = ast::args(call).last().copied() else {
        return;
    };
    let Some(func) = ast::enclosing_fn(ctx, call) else {
        return;
    };
    let body = func
        .field("body")
        .map(|b| ctx.text(b).to_ascii_lowercase())
        .unwrap_or_default();
    if body.contains("allow") || body.contains("host_str()") || body.contains("trusted") {
        return;
    }
    let Some(source) = request_value(ctx, url, 0) else {
        return;
    };
    out.facts.push(Fact::new(
        FactKind::RiskSsrf,
        ast::pos(url),
        format!("outbound request to a URL taken from the request (`{source}`) with no allow-list"),
    ));
}

/// The request-derived expression a URL comes from, when its host is attacker-chosen.
fn request_value(ctx: &Ctx<'_>, expr: Node<'_>, depth: usize) -> Option<String> {
    if depth > 4 {
        return None;
    }
    let src = ctx.src;
    match expr.kind() {
        "reference_expression" => request_value(ctx, expr.field("value")?, depth + 1),
        "call_expression" => {
            let recv = ast::receiver(expr)?;
            matches!(
                ast::call_name(expr, src),
                "as_str" | "clone" | "to_string" | "as_ref"
            )
            .then(|| request_value(ctx, recv, depth + 1))
            .flatten()
        }
        "macro_invocation" if ast::macro_name(expr, src) == "format" => {
            let (fmt, inputs) = ast::format_inputs(expr, src)?;
            // Only when the host itself is interpolated.
            let host_open =
                fmt.starts_with('{') || fmt.starts_with("http://{") || fmt.starts_with("https://{");
            if !host_open {
                return None;
            }
            let first = inputs.first()?;
            is_request_field(ctx, expr, first).then(|| first.clone())
        }
        "field_expression" | "identifier" => {
            let t = ctx.text(expr);
            if is_request_field(ctx, expr, t) {
                return Some(t.to_string());
            }
            if expr.kind() == "identifier" {
                let v = ast::local_binding(ctx, expr, t)?;
                return request_value(ctx, v, depth + 1);
            }
            None
        }
        _ => None,
    }
}

/// `params.url` where `params` is bound by a `Query`/`Json`/`Form` extractor parameter.
fn is_request_field(ctx: &Ctx<'_>, at: Node<'_>, expr: &str) -> bool {
    let root = ast::root_ident(expr);
    let Some(ty) = param_type(ctx, at, root) else {
        return false;
    };
    let outer = ty.split('<').next().unwrap_or("");
    let outer = outer.rsplit("::").next().unwrap_or(outer);
    if !REQUEST_EXTRACTORS.contains(&outer) {
        return false;
    }
    let lower = expr.to_ascii_lowercase();
    [
        "url", "uri", "endpoint", "callback", "webhook", "target", "host", "link",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Whether an expression renders an error value as text (`e.to_string()`, `format!("{e}")`).
fn is_error_text(text: &str) -> bool {
    // Words inside string literals ("internal error") are not the error value; inline
    // format captures (`"{err:?}"`) are.
    let mut code = String::with_capacity(text.len());
    let (mut in_str, mut in_capture) = (false, false);
    let mut prev = ' ';
    for c in text.chars() {
        if c == '"' && prev != '\\' {
            in_str = !in_str;
            in_capture = false;
        } else if !in_str {
            code.push(c);
        } else if c == '{' {
            in_capture = true;
            code.push(' ');
        } else if c == '}' || c == ':' {
            in_capture = false;
        } else if in_capture {
            code.push(c);
        }
        prev = c;
    }
    let text = code.as_str();
    let renders = text.contains("to_string") || text.contains("format!") || text.contains("json!");
    renders
        && text
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|tok| {
                matches!(tok, "e" | "err" | "error" | "why" | "cause")
                    || tok.ends_with("_err")
                    || tok.ends_with("_error")
            })
}

/// `(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())`.
fn exception_tuple(ctx: &Ctx<'_>, tuple: Node<'_>, out: &mut FileCode) {
    let mut cursor = tuple.walk();
    let items: Vec<Node<'_>> = tuple.named_children(&mut cursor).collect();
    let is_500 = items
        .iter()
        .any(|i| ctx.text(*i).ends_with("INTERNAL_SERVER_ERROR"));
    if !is_500 {
        return;
    }
    if let Some(leak) = items.iter().skip(1).find(|i| is_error_text(ctx.text(**i))) {
        out.facts.push(Fact::new(
            FactKind::RiskExceptionToClient,
            ast::pos(*leak),
            format!(
                "a 500 response carries the error text (`{}`)",
                short(ctx.text(*leak))
            ),
        ));
    }
}

/// `HttpResponse::InternalServerError().body(e.to_string())`, `ErrorInternalServerError(e)`.
fn exception_call(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let src = ctx.src;
    let callee = ast::callee(call, src);
    let name = ast::call_name(call, src);
    let leak = if callee.ends_with("ErrorInternalServerError") {
        ast::args(call).first().copied().filter(|a| {
            let t = ctx.text(*a);
            is_error_text(t) || matches!(t, "e" | "err" | "error")
        })
    } else if matches!(name, "body" | "json") && ast::receiver(call).is_some() {
        let (base, _) = ast::chain(call, src);
        let from_500 = base.kind() == "call_expression"
            && ast::callee(base, src).ends_with("InternalServerError");
        ast::args(call)
            .first()
            .copied()
            .filter(|a| from_500 && is_error_text(ctx.text(*a)))
    } else {
        None
    };
    if let Some(leak) = leak {
        out.facts.push(Fact::new(
            FactKind::RiskExceptionToClient,
            ast::pos(leak),
            format!(
                "a 500 response carries the error text (`{}`)",
                short(ctx.text(leak))
            ),
        ));
    }
}

/// `Json<Value>` bodies passed on untyped vs typed `Json<CreateUser>` bodies.
fn body_param(ctx: &Ctx<'_>, func: Node<'_>, out: &mut FileCode) {
    let Some(params) = func.field("parameters") else {
        return;
    };
    let mut cursor = params.walk();
    for p in params.named_children(&mut cursor) {
        let Some(ty) = p.field("type") else {
            continue;
        };
        let t: String = ctx.text(ty).split_whitespace().collect();
        let Some(inner) = t
            .strip_prefix("Json<")
            .or_else(|| t.strip_prefix("web::Json<"))
            .or_else(|| t.strip_prefix("axum::Json<"))
            .or_else(|| t.strip_prefix("Form<"))
            .or_else(|| t.strip_prefix("web::Form<"))
            .and_then(|r| r.strip_suffix('>'))
        else {
            continue;
        };
        let untyped = matches!(inner, "Value" | "serde_json::Value" | "JsonValue")
            || inner.starts_with("HashMap<")
            || inner.starts_with("BTreeMap<")
            || inner.starts_with("serde_json::Map<");
        let (kind, detail) = if untyped {
            (
                FactKind::RiskUnvalidatedBody,
                format!("handler takes an untyped `{t}` body"),
            )
        } else {
            (
                FactKind::HasBodyValidation,
                format!("handler body deserialised into the typed `{inner}`"),
            )
        };
        out.facts.push(Fact::new(kind, ast::pos(p), detail));
    }
}
