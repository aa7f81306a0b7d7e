//! Imports and config values: `static final` constants, `@Value("${prop:default}")` fields and
//! constructor parameters, `@ConfigurationProperties` fields with defaults, `System.getenv`
//! with a fallback. A JWT signing secret whose property or variable has a literal fallback is a
//! `RiskJwtSecretFallback`.

use super::ast::{self, Ctx};
use crate::model::{ConfigValue, Fact, FactKind, FileCode, Value};
use crate::syntax::FieldChild;
use crate::syntax::pos;
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, out: &mut FileCode) {
    let mut cursor = ctx.root.walk();
    for node in ctx.root.named_children(&mut cursor) {
        if node.kind() == "import_declaration" {
            let t = ctx.text(node);
            let t = t
                .trim_start_matches("import")
                .trim()
                .trim_end_matches(';')
                .trim();
            let t = t.strip_prefix("static ").unwrap_or(t).trim();
            out.imports.push(t.to_string());
        }
    }
    for field in ctx.nodes_of(ctx.root, &["field_declaration", "formal_parameter"]) {
        field_value(ctx, field, out);
    }
}

fn field_value(ctx: &Ctx<'_>, field: Node<'_>, out: &mut FileCode) {
    let anns = ast::annotations(field, ctx.src);
    let declarators: Vec<(String, Option<Node<'_>>, Node<'_>)> =
        if field.kind() == "formal_parameter" {
            let Some(name) = field.field("name") else {
                return;
            };
            vec![(ctx.text(name).to_string(), None, name)]
        } else {
            let mut c = field.walk();
            field
                .children_by_field_name("declarator", &mut c)
                .filter_map(|d| {
                    let name = d.field("name")?;
                    Some((ctx.text(name).to_string(), d.field("value"), name))
                })
                .collect()
        };
    if let Some(value_ann) = ast::find_annotation(&anns, &["Value"])
        && let Some(spec) = value_ann
            .arg("value")
            .and_then(|v| ast::string_value(v, ctx.src))
    {
        for (name, _, at) in &declarators {
            let value = property_value(&spec);
            jwt_fallback(name, &value, at, out);
            out.config.push(ConfigValue {
                name: name.to_ascii_lowercase(),
                value,
                at: pos(*at),
            });
        }
        return;
    }
    if field.kind() != "field_declaration" {
        return;
    }
    let is_constant =
        ast::has_modifier(field, "static", ctx.src) && ast::has_modifier(field, "final", ctx.src);
    // `@ConfigurationProperties(prefix = "app.cors")`: the class binds `app.cors.*`.
    let properties_prefix = ctx.enclosing_class(field).and_then(|c| {
        let anns = ast::annotations(c, ctx.src);
        let ann = ast::find_annotation(&anns, &["ConfigurationProperties"])?;
        Some(
            ann.arg("prefix")
                .or_else(|| ann.arg("value"))
                .and_then(|v| ast::string_value(v, ctx.src))
                .unwrap_or_default(),
        )
    });
    if !is_constant && properties_prefix.is_none() {
        return;
    }
    for (name, value, at) in declarators {
        let Some(value) = value else { continue };
        let value = value_of(ctx, value);
        if matches!(value, Value::Unknown) {
            continue;
        }
        jwt_fallback(&name, &value, &at, out);
        match properties_prefix.as_deref() {
            // The field is the property's default: a configuration file's value for
            // `prefix.field` wins (see `CodeIndex::resolve`).
            Some(prefix) if !prefix.is_empty() && !is_constant => {
                let key = super::properties::canonical_key(&format!("{prefix}.{name}"));
                out.config.push(ConfigValue {
                    name: name.to_ascii_lowercase(),
                    value: Value::Config(key.clone()),
                    at: pos(at),
                });
                out.config.push(ConfigValue {
                    name: key,
                    value,
                    at: pos(at),
                });
            }
            _ => out.config.push(ConfigValue {
                name: name.to_ascii_lowercase(),
                value,
                at: pos(at),
            }),
        }
    }
}

/// `${jwt.secret:dev-secret}` → Env{jwt.secret, Some(dev-secret)}; a plain string is a literal.
pub fn property_value(spec: &str) -> Value {
    let Some(inner) = spec.strip_prefix("${").and_then(|s| s.strip_suffix('}')) else {
        return Value::Literal(spec.to_string());
    };
    match inner.split_once(':') {
        Some((name, default)) => Value::Env {
            name: name.to_string(),
            default: Some(default.to_string()),
        },
        None => Value::Env {
            name: inner.to_string(),
            default: None,
        },
    }
}

/// A value as one expression writes it.
pub fn value_of(ctx: &Ctx<'_>, node: Node<'_>) -> Value {
    if let Some(s) = ast::string_value(node, ctx.src) {
        return Value::Literal(s);
    }
    match node.kind() {
        "array_initializer" => list(ctx, &named(node)),
        "array_creation_expression" => node
            .field("value")
            .map(|v| list(ctx, &named(v)))
            .unwrap_or(Value::Unknown),
        "identifier" => Value::Config(ctx.text(node).to_ascii_lowercase()),
        "field_access" => node
            .field("field")
            .map(|f| Value::Config(ctx.text(f).to_ascii_lowercase()))
            .unwrap_or(Value::Unknown),
        "method_invocation" => call_value(ctx, node),
        _ => Value::Unknown,
    }
}

fn named(node: Node<'_>) -> Vec<Node<'_>> {
    let mut c = node.walk();
    node.named_children(&mut c)
        .filter(|n| n.kind() != "comment")
        .collect()
}

fn list(ctx: &Ctx<'_>, items: &[Node<'_>]) -> Value {
    items
        .iter()
        .map(|i| ast::string_value(*i, ctx.src))
        .collect::<Option<Vec<_>>>()
        .map(Value::List)
        .unwrap_or(Value::Unknown)
}

fn call_value(ctx: &Ctx<'_>, call: Node<'_>) -> Value {
    let name = ast::call_name(call, ctx.src);
    let recv = ast::receiver(call, ctx.src);
    let args = ast::args(call);
    let string_arg = |i: usize| args.get(i).and_then(|a| ast::string_value(*a, ctx.src));
    match (recv, name) {
        ("List" | "Set", "of") | ("Arrays", "asList") => list(ctx, &args),
        ("System", "getenv" | "getProperty") => match (string_arg(0), string_arg(1)) {
            (Some(n), default) => Value::Env { name: n, default },
            _ => Value::Unknown,
        },
        ("System.getenv()", "getOrDefault") => match (string_arg(0), string_arg(1)) {
            (Some(n), Some(d)) => Value::Env {
                name: n,
                default: Some(d),
            },
            _ => Value::Unknown,
        },
        (_, "split") if !recv.is_empty() => call
            .field("object")
            .map(|o| value_of(ctx, o))
            .unwrap_or(Value::Unknown),
        ("Objects", "requireNonNullElse") => match (args.first(), string_arg(1)) {
            (Some(first), Some(d)) => match value_of(ctx, *first) {
                Value::Env {
                    name,
                    default: None,
                } => Value::Env {
                    name,
                    default: Some(d),
                },
                _ => Value::Unknown,
            },
            _ => Value::Unknown,
        },
        (_, "orElse") if recv.starts_with("Optional.ofNullable(System.getenv(") => {
            let inner = call
                .field("object")
                .map(ast::args)
                .and_then(|a| a.first().copied());
            match (inner.map(|i| value_of(ctx, i)), string_arg(0)) {
                (
                    Some(Value::Env {
                        name,
                        default: None,
                    }),
                    Some(d),
                ) => Value::Env {
                    name,
                    default: Some(d),
                },
                _ => Value::Unknown,
            }
        }
        // `props.getAllowedOrigins()` / `props.allowedOrigins()` → the setting by name.
        (r, getter)
            if !r.is_empty()
                && args.is_empty()
                && r.chars().next().is_some_and(char::is_lowercase) =>
        {
            let field = getter
                .strip_prefix("get")
                .filter(|f| f.starts_with(char::is_uppercase))
                .unwrap_or(getter);
            Value::Config(field.to_ascii_lowercase())
        }
        _ => Value::Unknown,
    }
}

/// Whether a property, variable or environment name holds a JWT signing secret.
pub fn is_jwt_secret_name(name: &str) -> bool {
    let n: String = name
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    (n.contains("jwt") && (n.contains("secret") || n.contains("key")))
        || n.contains("tokensecret")
        || n.contains("signingkey")
        || n.contains("signingsecret")
}

fn jwt_fallback(var: &str, value: &Value, at: &Node<'_>, out: &mut FileCode) {
    let Value::Env {
        name,
        default: Some(default),
    } = value
    else {
        return;
    };
    if default.trim().is_empty() || default.starts_with("${") {
        return;
    }
    if !is_jwt_secret_name(name) && !is_jwt_secret_name(var) {
        return;
    }
    let mut fact = Fact::new(
        FactKind::RiskJwtSecretFallback,
        pos(*at),
        format!("JWT secret `{name}` falls back to a literal when it is not configured"),
    );
    fact.secret = Some(default.clone());
    out.facts.push(fact);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(src: &str) -> FileCode {
        let tree = ast::parse(src);
        let mut out = FileCode::default();
        super::super::extract(
            "src/main/java/AppConfig.java",
            src.as_bytes(),
            &tree,
            &mut out,
        );
        out
    }

    #[test]
    fn constants_value_fields_and_properties() {
        let out = file(
            r#"
import static org.springframework.http.HttpMethod.GET;
import java.util.List;
public class AppConfig {
    public static final String API_PREFIX = "/api/v1";
    private static final Set<String> SORT_COLUMNS = Set.of("name", "created_at");
    private static final String DB_URL = System.getenv().getOrDefault("DB_URL", "jdbc:h2:mem:x");
    @Value("${jwt.secret:change-me-in-prod}")
    private String jwtSecret;
    @Value("${cors.allowed-origins}")
    private String[] allowedOrigins;
    private String notAConstant = "x";
}
@ConfigurationProperties(prefix = "app.cors")
class CorsProperties {
    private List<String> origins = List.of("https://app.example.com");
}
"#,
        );
        assert_eq!(out.imports[0], "org.springframework.http.HttpMethod.GET");
        let get = |n: &str| {
            out.config
                .iter()
                .find(|c| c.name == n)
                .map(|c| c.value.clone())
        };
        assert_eq!(get("api_prefix"), Some(Value::Literal("/api/v1".into())));
        assert_eq!(
            get("sort_columns"),
            Some(Value::List(vec!["name".into(), "created_at".into()]))
        );
        assert_eq!(
            get("db_url"),
            Some(Value::Env {
                name: "DB_URL".into(),
                default: Some("jdbc:h2:mem:x".into())
            })
        );
        assert_eq!(
            get("allowedorigins"),
            Some(Value::Env {
                name: "cors.allowed-origins".into(),
                default: None
            })
        );
        // A properties class's field is the default of its property.
        assert_eq!(
            get("origins"),
            Some(Value::Config("app.cors.origins".into()))
        );
        assert_eq!(
            get("app.cors.origins"),
            Some(Value::List(vec!["https://app.example.com".into()]))
        );
        assert_eq!(get("notaconstant"), None);
        let fallbacks: Vec<_> = out
            .facts
            .iter()
            .filter(|f| f.kind == FactKind::RiskJwtSecretFallback)
            .collect();
        assert_eq!(fallbacks.len(), 1);
        assert_eq!(fallbacks[0].secret.as_deref(), Some("change-me-in-prod"));
    }

    #[test]
    fn empty_or_placeholder_fallbacks_are_not_secrets() {
        let out = file(
            r#"
class JwtConfig {
    @Value("${jwt.secret:}") private String a;
    @Value("${jwt.secret:${JWT_SECRET}}") private String b;
    @Value("${jwt.secret}") private String c;
}
"#,
        );
        assert!(out.facts.is_empty());
    }
}
