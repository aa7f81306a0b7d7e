//! Injection sinks: SQL text built with `fmt.Sprintf`/`+` from input and passed to a query
//! call, `sh -c` commands built from input, and outbound requests to request-supplied URLs.

use super::ast::{Call, Ctx, string_value};
use super::taint::{assignments, from_request, is_dynamic};
use crate::model::{Fact, FactKind, FileCode};
use crate::syntax::FieldChild;
use tree_sitter::Node;

const SQL_METHODS: &[&str] = &[
    "Query",
    "QueryRow",
    "QueryContext",
    "QueryRowContext",
    "Exec",
    "ExecContext",
    "Queryx",
    "QueryRowx",
    "QueryxContext",
    "QueryRowxContext",
    "Select",
    "SelectContext",
    "Get",
    "GetContext",
    "MustExec",
    "MustExecContext",
    "NamedExec",
    "NamedQuery",
    "Raw",
    "Where",
    "Order",
    "Prepare",
    "PrepareContext",
    "Having",
    "Joins",
    "Preparex",
];

const SQL_WORDS: &[&str] = &[
    "SELECT ", "INSERT ", "UPDATE ", "DELETE ", " WHERE ", "ORDER BY", " FROM ", "VALUES",
    " LIKE ", " AND ", " OR ", "GROUP BY", " LIMIT ", " SET ",
];

pub fn extract(ctx: &Ctx<'_>, calls: &[Node<'_>], out: &mut FileCode) {
    for &node in calls {
        let Some(call) = Call::of(node, ctx.src) else {
            continue;
        };
        if SQL_METHODS.contains(&call.name)
            && call.recv.is_some_and(|r| ctx.package_of(r).is_none())
        {
            sql(ctx, call, out);
        }
        if matches!(call.name, "Command" | "CommandContext")
            && call
                .recv
                .is_some_and(|r| ctx.package_of(r) == Some("os/exec"))
        {
            shell(ctx, call, out);
        }
        if call
            .recv
            .is_some_and(|r| ctx.package_of(r) == Some("net/http"))
            && matches!(
                call.name,
                "Get" | "Post" | "Head" | "PostForm" | "NewRequest" | "NewRequestWithContext"
            )
        {
            ssrf(ctx, call, out);
        }
    }
}

fn looks_like_sql(s: &str) -> bool {
    let u = s.to_ascii_uppercase();
    SQL_WORDS.iter().any(|w| u.contains(w)) || u.starts_with("SELECT") || u.starts_with("DELETE")
}

/// Why `expr` is SQL built from input, if it is: `fmt.Sprintf("... %s", name)`, `"..." + id`,
/// or a local variable assigned or extended (`q += ...`) with such text.
fn built_sql(ctx: &Ctx<'_>, expr: Node<'_>, depth: u32) -> Option<String> {
    if depth > 3 {
        return None;
    }
    match expr.kind() {
        "call_expression" => {
            let c = Call::of(expr, ctx.src)?;
            let fmt = c.recv.is_some_and(|r| ctx.text(r) == "fmt") && c.name == "Sprintf";
            if !fmt {
                return None;
            }
            let format = string_value(c.arg(0)?, ctx.src)?;
            (looks_like_sql(&format) && is_dynamic(ctx, expr)).then(|| "fmt.Sprintf".to_string())
        }
        "binary_expression" => {
            let text = ctx.text(expr);
            let has_sql = ctx
                .index
                .of_kind(expr, "interpreted_string_literal")
                .into_iter()
                .chain(ctx.index.of_kind(expr, "raw_string_literal"))
                .any(|l| looks_like_sql(crate::syntax::unquote(ctx.text(l))));
            (has_sql && text.contains('+') && is_dynamic(ctx, expr))
                .then(|| "string concatenation".to_string())
        }
        "identifier" => {
            let func = ctx.top_function(expr)?;
            let name = ctx.text(expr);
            // A parameter or the request context holds no SQL text built here.
            if super::ast::param_index(func, name, ctx.src).is_some() {
                return None;
            }
            let rhs = assignments(ctx, func, name);
            let mut sql_seen = false;
            let mut why = None;
            for r in &rhs {
                if string_value(*r, ctx.src).is_some_and(|s| looks_like_sql(&s)) {
                    sql_seen = true;
                }
                if let Some(w) = built_sql(ctx, *r, depth + 1) {
                    why = Some(w);
                    sql_seen = true;
                } else if let Some(w) = appended_input(ctx, *r) {
                    why.get_or_insert(w);
                }
            }
            if sql_seen { why } else { None }
        }
        _ => None,
    }
}

/// `q += " AND name = '" + name + "'"` (a `+=` right side that is dynamic).
fn appended_input(ctx: &Ctx<'_>, rhs: Node<'_>) -> Option<String> {
    let stmt = ctx.parent(ctx.parent(rhs)?)?;
    if stmt.kind() != "assignment_statement" {
        return None;
    }
    let op = stmt.field("operator").map(|o| ctx.text(o))?;
    (op == "+=" && is_dynamic(ctx, rhs)).then(|| "string concatenation (+=)".to_string())
}

fn sql(ctx: &Ctx<'_>, call: Call<'_>, out: &mut FileCode) {
    for arg in call.args() {
        if let Some(why) = built_sql(ctx, arg, 0) {
            let recv = call.recv.map(|r| ctx.text(r)).unwrap_or("");
            out.facts.push(Fact::new(
                FactKind::RiskSqlInterpolation,
                call.pos(),
                format!(
                    "`{recv}.{}` runs SQL built with {why} from input",
                    call.name
                ),
            ));
            return;
        }
    }
}

/// `exec.Command("sh", "-c", "convert " + name)`.
fn shell(ctx: &Ctx<'_>, call: Call<'_>, out: &mut FileCode) {
    let args = call.args();
    let skip = usize::from(call.name == "CommandContext");
    let rest = &args[skip.min(args.len())..];
    let (Some(prog), Some(flag), Some(cmd)) = (rest.first(), rest.get(1), rest.get(2)) else {
        return;
    };
    let prog = string_value(*prog, ctx.src).unwrap_or_default();
    let base = prog.rsplit('/').next().unwrap_or(&prog);
    let shell = matches!(base, "sh" | "bash" | "zsh" | "dash" | "ksh")
        && string_value(*flag, ctx.src).as_deref() == Some("-c")
        || base.eq_ignore_ascii_case("cmd")
            && string_value(*flag, ctx.src).is_some_and(|f| f.eq_ignore_ascii_case("/c"));
    if shell && is_dynamic(ctx, *cmd) {
        out.facts.push(Fact::new(
            FactKind::RiskShellInjection,
            call.pos(),
            format!(
                "`exec.{}(\"{prog}\", \"-c\", ...)` runs a command line built from input",
                call.name
            ),
        ));
    }
}

/// `http.Get(r.URL.Query().Get("url"))` without an allow-list of hosts in the handler.
fn ssrf(ctx: &Ctx<'_>, call: Call<'_>, out: &mut FileCode) {
    let index = match call.name {
        "NewRequest" => 1,
        "NewRequestWithContext" => 2,
        _ => 0,
    };
    let Some(url) = call.arg(index) else {
        return;
    };
    if !from_request(ctx, url) || fixed_host(ctx, url) {
        return;
    }
    if let Some(func) = ctx
        .enclosing_function(call.node)
        .and_then(|f| ctx.top_function(f).or(Some(f)))
    {
        let body = ctx.text(func);
        let lower = body.to_ascii_lowercase();
        if (body.contains(".Host") || body.contains("Hostname()"))
            && (lower.contains("allow") || lower.contains("trusted") || lower.contains("permitted"))
        {
            return;
        }
    }
    out.facts.push(Fact::new(
        FactKind::RiskSsrf,
        call.pos(),
        format!(
            "`http.{}` fetches a URL taken from the request, with no host allow-list",
            call.name
        ),
    ));
}

/// `"https://api.github.com/users/" + name`, `fmt.Sprintf("https://api.x.com/v1/%s", id)`:
/// input only reaches the path of a fixed host, which is not SSRF.
fn fixed_host(ctx: &Ctx<'_>, url: Node<'_>) -> bool {
    let mut first = url;
    for _ in 0..64 {
        match first.kind() {
            "binary_expression" => match first.field("left") {
                Some(l) => first = l,
                None => return false,
            },
            "call_expression" => {
                let Some(c) = Call::of(first, ctx.src) else {
                    return false;
                };
                if !(c.name == "Sprintf" && c.recv.is_some_and(|r| ctx.text(r) == "fmt")) {
                    return false;
                }
                match c.arg(0) {
                    Some(f) => first = f,
                    None => return false,
                }
            }
            _ => break,
        }
    }
    let Some(prefix) = string_value(first, ctx.src) else {
        return false;
    };
    let Some((_, rest)) = prefix.split_once("://") else {
        return false;
    };
    // The host is complete when a `/` follows it before any format verb.
    match rest.find('/') {
        Some(i) => !rest[..i].contains('%') && i > 0,
        None => false,
    }
}
