//! Where a value comes from, within its function: a parameter or the request (dynamic), or
//! only constants, allow-list lookups and numbers (safe). Used to decide whether interpolated
//! SQL, shell commands and outbound URLs carry input.

use super::ast::{Call, Ctx, param_index, string_value};
use crate::syntax::FieldChild;
use crate::syntax::walk;
use tree_sitter::Node;

const MAX_DEPTH: u32 = 6;

/// Request reads of net/http, gin, echo and fiber.
const REQUEST_READS: &[&str] = &[
    ".URL.Query()",
    ".FormValue(",
    ".PostFormValue(",
    ".PathValue(",
    ".QueryParam(",
    ".DefaultQuery(",
    ".PostForm(",
    ".Param(",
    ".Params(",
    ".Query(",
    ".Header.Get(",
    "mux.Vars(",
    "chi.URLParam(",
    ".GetHeader(",
];

/// Whether `expr` derives from a parameter of its function or from the request.
pub fn is_dynamic(ctx: &Ctx<'_>, expr: Node<'_>) -> bool {
    dynamic(ctx, expr, 0, Mode::Params)
}

/// Whether `expr` derives from the HTTP request (query, form, path, headers, decoded body).
pub fn from_request(ctx: &Ctx<'_>, expr: Node<'_>) -> bool {
    dynamic(ctx, expr, 0, Mode::Request)
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Parameters and request reads.
    Params,
    /// Request reads only.
    Request,
}

fn dynamic(ctx: &Ctx<'_>, expr: Node<'_>, depth: u32, mode: Mode) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let d = |e: Node<'_>| dynamic(ctx, e, depth + 1, mode);
    match expr.kind() {
        "interpreted_string_literal"
        | "raw_string_literal"
        | "int_literal"
        | "float_literal"
        | "true"
        | "false"
        | "nil"
        | "rune_literal"
        | "composite_literal"
        | "func_literal" => false,
        "parenthesized_expression" => expr.named_child(0).is_some_and(d),
        // `a + b + c + ...` nests to the left: walk the operands without spending depth.
        "binary_expression" => binary_operands(expr).into_iter().any(d),
        "unary_expression" => expr.field("operand").is_some_and(d),
        "identifier" => identifier(ctx, expr, depth, mode),
        "selector_expression" => expr.field("operand").is_some_and(d),
        "index_expression" => {
            let Some(operand) = expr.field("operand") else {
                return false;
            };
            if is_allow_list(ctx, operand) {
                return false;
            }
            d(operand) || expr.field("index").is_some_and(d)
        }
        "slice_expression" => expr.field("operand").is_some_and(d),
        "type_conversion_expression" => expr.field("operand").is_some_and(d),
        "call_expression" => call(ctx, expr, depth, mode),
        _ => false,
    }
}

fn call(ctx: &Ctx<'_>, expr: Node<'_>, depth: u32, mode: Mode) -> bool {
    if request_call(ctx, expr) {
        return true;
    }
    let Some(c) = Call::of(expr, ctx.src) else {
        return false;
    };
    let d = |e: Node<'_>| dynamic(ctx, e, depth + 1, mode);
    let recv = c.recv.map(|r| ctx.text(r)).unwrap_or("");
    match (recv, c.name) {
        ("strconv", _) if c.name.starts_with("Itoa") || c.name.starts_with("Format") => false,
        (_, "Repeat") if recv == "strings" => false,
        (_, "len" | "cap") => false,
        (_, "QuoteIdentifier" | "QuoteLiteral" | "Sanitize") => false,
        ("fmt", "Sprintf") => sprintf_dynamic(ctx, c, depth, mode),
        _ => {
            c.args().into_iter().any(d)
                || c.recv.is_some_and(|r| ctx.package_of(r).is_none() && d(r))
        }
    }
}

/// Whether a call reads the request: `r.URL.Query().Get("q")`, `c.Param("id")`, `r.FormValue`.
fn request_call(ctx: &Ctx<'_>, expr: Node<'_>) -> bool {
    let t = ctx.text(expr);
    REQUEST_READS.iter().any(|r| t.contains(r)) && {
        // The receiver chain must start at a request-ish variable, not at `url.Values` built
        // locally or a map named `query`.
        let head = t.split(['.', '(']).next().unwrap_or("");
        matches!(head, "r" | "req" | "request" | "c" | "ctx" | "mux" | "chi")
            || head.ends_with("Request")
    }
}

/// `fmt.Sprintf` carries input when an argument formatted with `%s`/`%v`/`%q` is dynamic.
fn sprintf_dynamic(ctx: &Ctx<'_>, c: Call<'_>, depth: u32, mode: Mode) -> bool {
    let args = c.args();
    let Some(format) = args.first().and_then(|f| string_value(*f, ctx.src)) else {
        return args.into_iter().any(|a| dynamic(ctx, a, depth + 1, mode));
    };
    let verbs = format_verbs(&format);
    args[1..].iter().enumerate().any(|(i, a)| {
        let textual = verbs.get(i).is_none_or(|v| matches!(v, 's' | 'v' | 'q'));
        textual && dynamic(ctx, *a, depth + 1, mode)
    })
}

/// The verb letters of a Go format string, in order (`%%` skipped).
pub fn format_verbs(format: &str) -> Vec<char> {
    let mut out = Vec::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        while let Some(&n) = chars.peek() {
            if n == '%' {
                chars.next();
                break;
            }
            chars.next();
            if n.is_ascii_alphabetic() {
                out.push(n);
                break;
            }
        }
    }
    out
}

fn identifier(ctx: &Ctx<'_>, ident: Node<'_>, depth: u32, mode: Mode) -> bool {
    let name = ctx.text(ident);
    let Some(func) = ctx.enclosing_function(ident) else {
        return false;
    };
    // Parameters (of this function or a closure's outer functions).
    let mut current = Some(func);
    while let Some(f) = current {
        if param_index(f, name, ctx.src).is_some() {
            return match mode {
                Mode::Params => true,
                // `r *http.Request` itself, or a gin/echo/fiber context.
                Mode::Request => false,
            };
        }
        current = ctx.enclosing_function(f);
    }
    let top = ctx.top_function(ident).unwrap_or(func);
    let assigned = assignments(ctx, top, name);
    if mode == Mode::Request && bound_from_body(ctx, top, name) {
        return true;
    }
    assigned
        .into_iter()
        .filter(|rhs| rhs.start_byte() != ident.start_byte())
        .any(|rhs| dynamic(ctx, rhs, depth + 1, mode))
}

/// Right-hand sides assigned to `name` in `func` (`:=`, `=`, `+=`, `var`).
pub fn assignments<'t>(ctx: &Ctx<'_>, func: Node<'t>, name: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    walk(func, |n| {
        match n.kind() {
            "short_var_declaration" | "assignment_statement" => {
                if let (Some(l), Some(r)) = (n.field("left"), n.field("right")) {
                    let mut c = l.walk();
                    let lefts: Vec<Node<'_>> = l.named_children(&mut c).collect();
                    let mut c2 = r.walk();
                    let rights: Vec<Node<'_>> = r.named_children(&mut c2).collect();
                    for (i, left) in lefts.iter().enumerate() {
                        if ctx.text(*left) == name {
                            // `v, ok := m[k]`: one right side for several names.
                            if let Some(rhs) = rights
                                .get(i)
                                .or(rights.first().filter(|_| rights.len() == 1))
                            {
                                out.push(*rhs);
                            }
                        }
                    }
                }
            }
            "var_spec" => {
                let mut c = n.walk();
                let names: Vec<Node<'_>> = n.children_by_field_name("name", &mut c).collect();
                if let Some(values) = n.field("value")
                    && let Some(i) = names.iter().position(|x| ctx.text(*x) == name)
                    && let Some(v) = values.named_child(i as u32)
                {
                    out.push(v);
                }
            }
            "range_clause" => {
                if let (Some(l), Some(r)) = (n.field("left"), n.field("right"))
                    && ctx.text(l).split(',').any(|x| x.trim() == name)
                {
                    out.push(r);
                }
            }
            _ => {}
        }
        true
    });
    out
}

/// `json.NewDecoder(r.Body).Decode(&req)`, `c.ShouldBindJSON(&req)`, `c.Bind(&req)`,
/// `c.BodyParser(&req)`: `req` holds the request body.
fn bound_from_body(ctx: &Ctx<'_>, func: Node<'_>, name: &str) -> bool {
    let target = format!("&{name}");
    let mut found = false;
    walk(func, |n| {
        if found {
            return false;
        }
        if let Some(c) = Call::of(n, ctx.src)
            && (c.name == "Decode" && ctx.text(n).contains("Body")
                || c.name.starts_with("ShouldBind")
                || c.name.starts_with("Bind")
                || c.name == "BodyParser"
                || c.name == "Unmarshal")
            && c.args()
                .iter()
                .any(|a| ctx.text(*a).replace(' ', "") == target)
        {
            found = true;
        }
        true
    });
    found
}

/// Whether `operand` names a map or slice literal (an allow-list): `sortColumns[key]`.
fn is_allow_list(ctx: &Ctx<'_>, operand: Node<'_>) -> bool {
    if operand.kind() != "identifier" {
        return false;
    }
    let name = ctx.text(operand);
    let root = ctx.index.root();
    let mut found = false;
    walk(root, |n| {
        if found {
            return false;
        }
        if matches!(
            n.kind(),
            "var_spec" | "short_var_declaration" | "const_spec"
        ) {
            let t = ctx.text(n);
            let declares = t
                .split([':', '='])
                .next()
                .is_some_and(|l| l.split([',', ' ']).any(|x| x.trim() == name));
            if declares
                && n.field("value")
                    .or_else(|| n.field("right"))
                    .and_then(|v| v.named_child(0))
                    .is_some_and(|v| v.kind() == "composite_literal")
            {
                found = true;
            }
        }
        true
    });
    found
}

/// The non-binary operands of a chain of binary expressions (at most 512).
fn binary_operands(expr: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![expr];
    while let Some(n) = stack.pop() {
        if out.len() + stack.len() > 512 {
            break;
        }
        if n.kind() == "binary_expression" {
            stack.extend(n.field("right"));
            stack.extend(n.field("left"));
        } else {
            out.push(n);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn format_verbs_in_order() {
        assert_eq!(
            super::format_verbs("a %s b %5.2f %% %-10v %d"),
            vec!['s', 'f', 'v', 'd']
        );
    }
}
