//! Config values: constants and package variables, `os.Getenv` with a fallback (an `if x == ""`
//! default, a `getEnv("X", "default")` helper, `cmp.Or`), envconfig/env struct tags with
//! defaults and viper defaults; plus the JWT secret that falls back to a literal.

use super::ast::{Call, Ctx, string_list, string_value};
use crate::model::{ConfigValue, Fact, FactKind, FileCode, Pos, Value};
use crate::syntax::FieldChild;
use crate::syntax::pos;
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, other: &[Node<'_>], out: &mut FileCode) {
    for &n in other {
        match n.kind() {
            "const_spec" | "var_spec" => spec(ctx, n, out),
            "short_var_declaration" | "assignment_statement" => assignment(ctx, n, out),
            "keyed_element" => keyed(ctx, n, out),
            "field_declaration" => tagged_field(ctx, n, out),
            "call_expression" => viper_default(ctx, n, out),
            "comment" => continue,
            _ => {}
        }
    }
}

/// The value an expression stands for, as far as this file tells.
pub fn value_of(ctx: &Ctx<'_>, expr: Node<'_>) -> Value {
    value_at(ctx, expr, 0)
}

fn value_at(ctx: &Ctx<'_>, expr: Node<'_>, depth: u32) -> Value {
    if depth > 16 {
        return Value::Unknown;
    }
    if let Some(s) = string_value(expr, ctx.src) {
        return Value::Literal(s);
    }
    if let Some(list) = string_list(expr, ctx.src) {
        return Value::List(list);
    }
    match expr.kind() {
        "identifier" if ctx.text(expr) != "nil" => {
            return Value::Config(ctx.text(expr).to_ascii_lowercase());
        }
        "selector_expression" => {
            let t = ctx.text(expr);
            let last = t.rsplit('.').next().unwrap_or(t);
            return Value::Config(last.to_ascii_lowercase());
        }
        "composite_literal" => {
            // `[]string{cfg.Origin, "https://x"}`: not a literal list but not a wildcard either.
            return Value::Unknown;
        }
        _ => {}
    }
    if let Some((name, default)) = env_read(ctx, expr) {
        return Value::Env { name, default };
    }
    // `[]byte(x)`, `string(x)`: the conversion does not change where the value comes from.
    if let Some(inner) = conversion_operand(ctx, expr) {
        return value_at(ctx, inner, depth + 1);
    }
    if let Some(call) = Call::of(expr, ctx.src) {
        if (call.name == "Split" || call.name == "TrimSpace" || call.name == "Fields")
            && let Some(a) = call.arg(0)
        {
            return value_at(ctx, a, depth + 1);
        }
        if call
            .recv
            .is_some_and(|r| ctx.text(r) == "viper" || ctx.text(r).ends_with(".v"))
            && call.name.starts_with("Get")
            && let Some(key) = call.arg(0).and_then(|a| string_value(a, ctx.src))
        {
            return Value::Config(last_key(&key));
        }
    }
    Value::Unknown
}

/// `os.Getenv("X")` → ("X", None); `getEnv("X", "d")`/`cmp.Or(os.Getenv("X"), "d")` →
/// ("X", Some("d")).
pub fn env_read(ctx: &Ctx<'_>, expr: Node<'_>) -> Option<(String, Option<String>)> {
    let call = Call::of(expr, ctx.src)?;
    let args = call.args();
    if call.recv.is_some_and(|r| ctx.text(r) == "os") && matches!(call.name, "Getenv" | "LookupEnv")
    {
        return Some((string_value(*args.first()?, ctx.src)?, None));
    }
    if call.name == "Or" && call.recv.is_some_and(|r| ctx.text(r) == "cmp") && args.len() >= 2 {
        let inner = Call::of(args[0], ctx.src)?;
        if !(inner.recv.is_some_and(|r| ctx.text(r) == "os") && inner.name == "Getenv") {
            return None;
        }
        let name = string_value(inner.arg(0)?, ctx.src)?;
        let default = string_value(args[1], ctx.src)?;
        return Some((name, Some(default)));
    }
    let lower = call.name.to_ascii_lowercase();
    let helper = lower.contains("env")
        && (lower.contains("get")
            || lower.contains("or")
            || lower.contains("default")
            || lower.contains("lookup")
            || lower == "env");
    if helper && args.len() == 2 {
        let name = string_value(args[0], ctx.src)?;
        if !is_env_name(&name) {
            return None;
        }
        let default = string_value(args[1], ctx.src)?;
        return Some((name, Some(default)));
    }
    None
}

fn is_env_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn last_key(key: &str) -> String {
    key.rsplit('.').next().unwrap_or(key).to_ascii_lowercase()
}

/// Whether a setting is the JWT signing secret.
pub fn is_jwt_secret_name(name: &str) -> bool {
    let u = name.to_ascii_uppercase().replace(['.', '-'], "_");
    (u.contains("JWT") && (u.contains("SECRET") || u.contains("KEY")))
        || u.contains("SIGNING_KEY")
        || u.contains("SIGNINGKEY")
        || u.contains("TOKEN_SECRET")
        || u.contains("TOKENSECRET")
        || u.contains("AUTH_SECRET")
}

fn push(out: &mut FileCode, name: &str, value: Value, at: Pos) {
    if let Value::Env {
        name: env,
        default: Some(default),
    } = &value
        && !default.is_empty()
        && (is_jwt_secret_name(env) || is_jwt_secret_name(name))
    {
        out.facts.push(Fact {
            kind: FactKind::RiskJwtSecretFallback,
            at,
            detail: format!("`{env}` falls back to a literal secret when the variable is unset"),
            secret: Some(default.clone()),
        });
    }
    out.config.push(ConfigValue {
        name: name.to_ascii_lowercase(),
        value,
        at,
    });
}

/// `const X = "..."`, `var Origins = []string{...}`, `var secret = getEnv("JWT_SECRET", "dev")`.
fn spec(ctx: &Ctx<'_>, n: Node<'_>, out: &mut FileCode) {
    let mut c = n.walk();
    let names: Vec<Node<'_>> = n.children_by_field_name("name", &mut c).collect();
    let Some(values) = n.field("value") else {
        return;
    };
    let mut c2 = values.walk();
    let values: Vec<Node<'_>> = values.named_children(&mut c2).collect();
    if names.len() != values.len() {
        return;
    }
    for (name, value) in names.into_iter().zip(values) {
        let v = value_of(ctx, value);
        let v = with_if_fallback(ctx, n, ctx.text(name), v);
        if !matches!(v, Value::Unknown) {
            push(out, ctx.text(name), v, pos(value));
        }
    }
}

/// `secret := os.Getenv("JWT_SECRET")` (with an `if secret == "" { secret = "dev" }` default),
/// `cfg.JWTSecret = getEnv("JWT_SECRET", "dev")`.
fn assignment(ctx: &Ctx<'_>, n: Node<'_>, out: &mut FileCode) {
    let (Some(left), Some(right)) = (n.field("left"), n.field("right")) else {
        return;
    };
    let Some(value) = right.named_child(0) else {
        return;
    };
    let Some(target) = left.named_child(0) else {
        return;
    };
    if env_read(ctx, value).is_none() {
        return;
    }
    let t = ctx.text(target);
    let name = t.rsplit('.').next().unwrap_or(t);
    let v = value_of(ctx, value);
    let v = with_if_fallback(ctx, n, t, v);
    let at = match &v {
        Value::Env {
            default: Some(_), ..
        } => fallback_pos(ctx, n, t).unwrap_or(pos(value)),
        _ => pos(value),
    };
    push(out, name, v, at);
}

/// `Config{JWTSecret: getEnv("JWT_SECRET", "dev")}`.
fn keyed(ctx: &Ctx<'_>, n: Node<'_>, out: &mut FileCode) {
    let (Some(key), Some(value)) = (n.field("key"), n.field("value")) else {
        return;
    };
    let value = if value.kind() == "literal_element" {
        match value.named_child(0) {
            Some(v) => v,
            None => return,
        }
    } else {
        value
    };
    if env_read(ctx, value).is_some() {
        push(out, ctx.text(key).trim(), value_of(ctx, value), pos(value));
    }
}

/// Adds the default of `if x == "" { x = "lit" }` (or `if !ok`) following the read.
fn with_if_fallback(ctx: &Ctx<'_>, stmt: Node<'_>, target: &str, v: Value) -> Value {
    let Value::Env {
        name,
        default: None,
    } = v
    else {
        return v;
    };
    let default = fallback_literal(ctx, stmt, target).map(|(s, _)| s);
    Value::Env { name, default }
}

fn fallback_pos(ctx: &Ctx<'_>, stmt: Node<'_>, target: &str) -> Option<Pos> {
    fallback_literal(ctx, stmt, target).map(|(_, p)| p)
}

/// The literal assigned to `target` in an `if target == ""`/`if !ok` right after `stmt`.
fn fallback_literal(ctx: &Ctx<'_>, stmt: Node<'_>, target: &str) -> Option<(String, Pos)> {
    let mut next = stmt.next_named_sibling();
    for _ in 0..2 {
        let s = next?;
        if s.kind() == "if_statement" {
            let cond = ctx.text(s.field("condition")?).replace(' ', "");
            let empty_check = cond == format!("{target}==\"\"")
                || cond == "!ok"
                || cond == format!("len({target})==0");
            if empty_check {
                let body = s.field("consequence")?;
                for a in ctx.index.of_kind(body, "assignment_statement") {
                    let l = ctx.text(a.field("left")?).trim();
                    if l != target {
                        continue;
                    }
                    let r = a.field("right")?.named_child(0)?;
                    if let Some(lit) = string_value(r, ctx.src) {
                        return Some((lit, pos(r)));
                    }
                }
            }
            return None;
        }
        next = s.next_named_sibling();
    }
    None
}

/// `JWTSecret string `envconfig:"JWT_SECRET" default:"dev"`` and caarlos0/env `env:"X" envDefault:"d"`.
fn tagged_field(ctx: &Ctx<'_>, n: Node<'_>, out: &mut FileCode) {
    let Some(tag) = n.field("tag") else {
        return;
    };
    let Some(name) = n.field("name") else {
        return;
    };
    let tag = ctx.text(tag).trim_matches('`');
    let env = tag_value(tag, "envconfig").or_else(|| tag_value(tag, "env"));
    let Some(env) = env else {
        return;
    };
    let env = env.split(',').next().unwrap_or("").to_string();
    if env.is_empty() {
        return;
    }
    let default = tag_value(tag, "default").or_else(|| tag_value(tag, "envDefault"));
    push(
        out,
        ctx.text(name),
        Value::Env {
            name: env,
            default: default.map(str::to_string),
        },
        pos(n),
    );
}

fn tag_value<'t>(tag: &'t str, key: &str) -> Option<&'t str> {
    let needle = format!("{key}:\"");
    let mut search = tag;
    loop {
        let i = search.find(&needle)?;
        let boundary = i == 0 || search.as_bytes()[i - 1] == b' ';
        let rest = &search[i + needle.len()..];
        if boundary {
            return rest.split('"').next();
        }
        search = rest;
    }
}

/// `viper.SetDefault("jwt.secret", "dev")`.
fn viper_default(ctx: &Ctx<'_>, n: Node<'_>, out: &mut FileCode) {
    let Some(call) = Call::of(n, ctx.src) else {
        return;
    };
    if call.name != "SetDefault" || !ctx.imports_any(&["github.com/spf13/viper"]) {
        return;
    }
    let (Some(key), Some(value)) = (
        call.arg(0).and_then(|a| string_value(a, ctx.src)),
        call.arg(1),
    ) else {
        return;
    };
    let v = value_of(ctx, value);
    if let Value::Literal(lit) = &v
        && is_jwt_secret_name(&key)
        && !lit.is_empty()
    {
        out.facts.push(Fact {
            kind: FactKind::RiskJwtSecretFallback,
            at: pos(value),
            detail: format!("viper default for `{key}` is a literal secret"),
            secret: Some(lit.clone()),
        });
    }
    out.config.push(ConfigValue {
        name: last_key(&key),
        value: v,
        at: pos(value),
    });
}

/// The operand of a `[]byte(x)`/`string(x)` conversion.
pub fn conversion_operand<'t>(ctx: &Ctx<'_>, expr: Node<'t>) -> Option<Node<'t>> {
    match expr.kind() {
        "type_conversion_expression" => expr.field("operand"),
        "call_expression" => {
            let func = expr.field("function")?;
            let t = ctx.text(func);
            if func.kind() == "slice_type" || t == "string" || t == "[]byte" {
                expr.field("arguments")?.named_child(0)
            } else {
                None
            }
        }
        _ => None,
    }
}
