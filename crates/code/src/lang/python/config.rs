//! Settings and constants: module-level `NAME = value`, pydantic-settings fields with literal
//! defaults (config values other files refer to), the settings layer itself, and signing
//! secrets that fall back to a literal.

use super::ctx::{Ctx, args, callee, env_read, fact, kwarg, value_of};
use crate::model::{ConfigValue, Fact, FactKind, FileCode, Value};
use crate::syntax;
use crate::syntax::FieldChild;
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, out: &mut FileCode) {
    module_constants(ctx, out);
    settings_classes(ctx, out);
    secret_fallbacks(ctx, out);
}

fn module_constants(ctx: &Ctx<'_>, out: &mut FileCode) {
    for &assign in &ctx.assignments {
        let Some(parent) = assign.parent() else {
            continue;
        };
        // Module level only: `expression_statement` directly under `module`.
        if parent.parent().is_none_or(|m| m.kind() != "module") {
            continue;
        }
        let (Some(left), Some(right)) = (assign.field("left"), assign.field("right")) else {
            continue;
        };
        if left.kind() != "identifier" {
            continue;
        }
        let value = value_of(right, ctx.src);
        if value == Value::Unknown {
            continue;
        }
        out.config.push(ConfigValue {
            name: ctx.text(left).to_ascii_lowercase(),
            value,
            at: syntax::pos(assign),
        });
    }
}

/// Whether a class derives from pydantic-settings `BaseSettings` (or a class named
/// `...Settings` deriving from it in this file).
fn is_settings_class(ctx: &Ctx<'_>, class: Node<'_>) -> bool {
    let Some(supers) = class.field("superclasses") else {
        return false;
    };
    let text = ctx.text(supers);
    text.contains("BaseSettings")
        || text
            .split([',', '(', ')', ' '])
            .any(|s| s.ends_with("Settings") && !s.is_empty() && ctx.imports.contains_key(s))
}

fn settings_classes(ctx: &Ctx<'_>, out: &mut FileCode) {
    for &class in &ctx.classes {
        if !is_settings_class(ctx, class) {
            continue;
        }
        let name = class
            .field("name")
            .map(|n| ctx.text(n))
            .unwrap_or("Settings");
        fact(
            out,
            FactKind::HasSettingsLayer,
            class,
            &format!("pydantic-settings class {name}"),
        );
        let Some(body) = class.field("body") else {
            continue;
        };
        let mut cursor = body.walk();
        for stmt in body.named_children(&mut cursor) {
            let Some(assign) = stmt.named_child(0).filter(|a| a.kind() == "assignment") else {
                continue;
            };
            let (Some(left), Some(right)) = (assign.field("left"), assign.field("right")) else {
                continue;
            };
            let field = ctx.text(left);
            if field == "model_config" || field.starts_with('_') {
                continue;
            }
            // `Field(default=...)` / `Field("x", ...)` carry the default inside.
            let default = if right.kind() == "call" && callee(right, ctx.src).ends_with("Field") {
                kwarg(right, ctx.src, "default").or_else(|| args(right).first().copied())
            } else {
                Some(right)
            };
            let Some(default) = default else { continue };
            let value = match value_of(default, ctx.src) {
                // A field reads `FIELD_NAME` from the environment; the literal is its default.
                Value::Literal(l) => Value::Env {
                    name: field.to_ascii_uppercase(),
                    default: Some(l),
                },
                Value::List(items) => Value::Env {
                    name: field.to_ascii_uppercase(),
                    default: Some(items.join(",")),
                },
                other => other,
            };
            if let Value::Env {
                default: Some(d), ..
            } = &value
                && is_signing_secret(field)
                && is_real_default(d)
            {
                out.facts.push(Fact {
                    secret: Some(d.clone()),
                    ..Fact::new(
                        FactKind::RiskJwtSecretFallback,
                        syntax::pos(assign),
                        format!("settings field `{field}` defaults to a literal secret"),
                    )
                });
            }
            out.config.push(ConfigValue {
                name: field.to_ascii_lowercase(),
                value,
                at: syntax::pos(assign),
            });
        }
    }
}

/// Names of keys that sign tokens or sessions (`JWT_SECRET`, `SECRET_KEY`, `jwt_signing_key`),
/// not other secrets (`client_secret`, `webhook_secret`) or JWT settings (`jwt_algorithm`).
pub fn is_signing_secret(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let other = [
        "client_secret",
        "webhook",
        "secret_name",
        "secret_arn",
        "secret_id",
        "secrets_",
    ]
    .iter()
    .any(|w| n.contains(w));
    let signing = n.contains("secret")
        || n.ends_with("signing_key")
        || (n.contains("jwt") && n.ends_with("key"));
    signing && !other
}

/// A default someone could run with: not empty and not a `${VAR}` placeholder.
fn is_real_default(value: &str) -> bool {
    !value.trim().is_empty() && !value.contains("${")
}

/// `os.getenv("JWT_SECRET", "dev-secret")`, `os.environ.get("SECRET_KEY", "...")`.
fn secret_fallbacks(ctx: &Ctx<'_>, out: &mut FileCode) {
    for &call in &ctx.calls {
        let Some((name, Some(default))) = env_read(call, ctx.src) else {
            continue;
        };
        if !is_signing_secret(&name) || !is_real_default(&default) {
            continue;
        }
        out.facts.push(Fact {
            secret: Some(default),
            ..Fact::new(
                FactKind::RiskJwtSecretFallback,
                syntax::pos(call),
                format!("{name} falls back to a literal when the variable is unset"),
            )
        });
    }
}
