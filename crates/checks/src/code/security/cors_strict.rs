use crate::code::support::{Sources, no_code};
use crate::prelude::*;
use vouch_code::{CodeIndex, FactKind, Value};

pub struct CorsStrict;

static META: ControlMeta = ControlMeta {
    id: "CODE002",
    slug: "cors_strict",
    title: "CORS allows only listed origins, never any or reflected origins",
    area: Area::Security,
    severity: Severity::High,
    remediation: "List the exact origins of your front-ends (`allow_origins=[\"https://app.example.com\"]`, \
                  `cors({ origin: [\"https://app.example.com\"] })`, `AllowOrigins: []string{...}`), read them \
                  from configuration without a `*` default, and never echo the request's `Origin` back \
                  (`origin: true`, `AllowOriginFunc` returning true) when credentials are allowed.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/HTML5_Security_Cheat_Sheet.html#cross-origin-resource-sharing",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS",
        "https://portswigger.net/web-security/cors",
        "https://cwe.mitre.org/data/definitions/942.html",
    ],
    concepts: &[
        "CORS",
        "cross-origin resource sharing",
        "allowed origins",
        "CORS allowlist",
        "wildcard origin",
        "Access-Control-Allow-Origin",
        "Access-Control-Allow-Credentials",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every CORS policy the code configures (FastAPI/Starlette `CORSMiddleware`, flask-cors,
django-cors-headers, Express/Fastify `cors`, NestJS `enableCors`, gin/echo/chi/rs cors
middlewares, tower-http `CorsLayer`, Spring `@CrossOrigin`/`CorsConfiguration`) must allow a
fixed set of origins. It fails when the allowed origins are:

- `*`, or a list containing `*`;
- taken from a setting or environment variable whose default in the code is `*` (the setting is
  followed across files: `allow_origins=settings.cors_origins` → `cors_origins: list[str] =
  ["*"]`);
- reflected: the request's `Origin` header echoed back (`origin: true`, an origin callback that
  always accepts).

A wildcard or reflected origin combined with credentials (`allow_credentials=True`,
`credentials: true`) is reported as the worse case. Origins read from the environment without a
default are accepted (the deployment sets them); origins the tool cannot follow make the answer
Unknown. A service that configures no CORS at all passes: browsers then apply the same-origin
policy.

## Why it matters in production

CORS decides which other websites may read your API's responses from a user's browser. With
any origin allowed, any page the user visits can call the API; with credentials as well (or a
reflected origin), that page acts as the logged-in user: it reads their data and performs
actions with their cookies. A `*` default in a settings class is the common way this ships:
the variable is never set in production.

## Example

Bad:

```python
class Settings(BaseSettings):
    cors_origins: list[str] = ["*"]

app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,
    allow_credentials=True,
)
```

Good:

```python
class Settings(BaseSettings):
    cors_origins: list[str] = ["https://app.example.com"]

app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,
    allow_credentials=True,
)
```

## References

- OWASP HTML5 Security Cheat Sheet: Cross Origin Resource Sharing
- MDN: Cross-Origin Resource Sharing (CORS)
- PortSwigger Web Security Academy: CORS vulnerabilities
- CWE-942 Permissive Cross-domain Policy with Untrusted Domains
"#,
};

/// What a CORS policy's origins allow, once settings are followed.
#[derive(Debug, PartialEq, Eq)]
enum Allowed {
    /// Any origin; how the code says so.
    Any(String),
    /// The request's `Origin` echoed back; through which setting, when one.
    Reflected(String),
    /// A fixed set of origins, or origins the deployment sets.
    Restricted(String),
    /// Cannot tell.
    Unknown(String),
}

impl Check for CorsStrict {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        if let Some(na) = no_code(ws) {
            return na;
        }
        let mut sources = Sources::default();
        let (mut fails, mut passes, mut unknowns) = (Vec::new(), Vec::new(), Vec::new());
        for (file, fact) in ws.code.facts() {
            let FactKind::CorsPolicy {
                origins,
                credentials,
            } = &fact.kind
            else {
                continue;
            };
            let with_credentials = if *credentials {
                " with credentials allowed: any website can send the user's cookies and read the answers"
            } else {
                ""
            };
            match allowed(&ws.code, origins) {
                Allowed::Any(how) => fails.push(sources.fact_finding(
                    ws,
                    file,
                    fact,
                    format!("CORS allows any origin ({how}){with_credentials}"),
                )),
                Allowed::Reflected(via) => fails.push(sources.fact_finding(
                    ws,
                    file,
                    fact,
                    format!(
                        "CORS echoes the request's Origin back{via}, which allows every origin{with_credentials}"
                    ),
                )),
                Allowed::Restricted(how) => passes.push(sources.fact_finding(
                    ws,
                    file,
                    fact,
                    format!("CORS {how}"),
                )),
                Allowed::Unknown(why) => unknowns.push(format!(
                    "{}:{}: {why}",
                    file.path, fact.at.line
                )),
            }
        }
        if !fails.is_empty() {
            Outcome::Fail { findings: fails }
        } else if !unknowns.is_empty() {
            Outcome::Unknown {
                reason: format!(
                    "the allowed CORS origins cannot be determined: {}",
                    unknowns.join("; ")
                ),
            }
        } else if passes.is_empty() {
            Outcome::Pass {
                evidence: vec![finding_file(
                    ".",
                    "no CORS policy is configured in the code: browsers apply the same-origin policy",
                )],
            }
        } else {
            Outcome::Pass { evidence: passes }
        }
    }
}

/// Classifies a policy's origins, following `Value::Config` to its definition.
fn allowed(index: &CodeIndex, origins: &Value) -> Allowed {
    let (resolved, prefix) = match origins {
        Value::Config(name) => {
            let at = defined_at(index, name)
                .map(|(path, line)| format!(" ({path}:{line})"))
                .unwrap_or_default();
            (index.resolve(origins), format!("setting `{name}`{at} "))
        }
        other => (other.clone(), String::new()),
    };
    match resolved {
        Value::Literal(text) if has_wildcard(&text) => {
            Allowed::Any(format!("{prefix}is `{text}`").trim().to_string())
        }
        Value::Literal(text) => Allowed::Restricted(format!("{prefix}allows `{text}`")),
        Value::List(items) if items.iter().any(|i| has_wildcard(i)) => {
            Allowed::Any(format!("{prefix}lists `*`").trim().to_string())
        }
        Value::List(items) => Allowed::Restricted(format!(
            "{prefix}allows {} listed origin{}: {}",
            items.len(),
            if items.len() == 1 { "" } else { "s" },
            items.join(", ")
        )),
        Value::Env {
            name,
            default: Some(default),
        } if has_wildcard(&default) => Allowed::Any(format!(
            "{prefix}comes from environment variable `{name}`, whose default in the code is `{default}`"
        )),
        Value::Env { name, default } => Allowed::Restricted(match default {
            Some(default) => {
                format!("{prefix}comes from environment variable `{name}` (default `{default}`)")
            }
            None => format!("{prefix}comes from environment variable `{name}`"),
        }),
        Value::Reflected if prefix.is_empty() => Allowed::Reflected(String::new()),
        Value::Reflected => Allowed::Reflected(format!(" through {}", prefix.trim())),
        Value::Config(name) => Allowed::Unknown(format!(
            "the origins come from setting `{name}`, which is not defined in the code read"
        )),
        Value::Unknown => {
            Allowed::Unknown("the origins are computed in a way the tool cannot follow".into())
        }
    }
}

/// `*` alone or as one item of a comma/space separated origin list (an env default such as
/// `"http://localhost:3000,*"`). `https://*.example.com` is a subdomain pattern, not a wildcard.
fn has_wildcard(text: &str) -> bool {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .any(|part| part.trim_matches(|c| matches!(c, '"' | '\'' | '[' | ']')) == "*")
}

/// Where a setting is finally defined (the same hops as `CodeIndex::resolve`).
fn defined_at(index: &CodeIndex, name: &str) -> Option<(String, u32)> {
    let mut name = name.to_string();
    let mut at = None;
    for _ in 0..8 {
        let Some((file, def)) = index
            .config(&name)
            .find(|(_, c)| !matches!(&c.value, Value::Config(n) if *n == name))
        else {
            break;
        };
        at = Some((file.path.clone(), def.at.line));
        match &def.value {
            Value::Config(next) => name = next.clone(),
            // A Spring property reference: where the configuration file sets it.
            Value::Env { name: key, .. } if key.contains('.') => {
                let key = vouch_code::lang::java::properties::canonical_key(key);
                if let Some((file, def)) = index.config(&key).find(|(f, _)| f.language.is_none()) {
                    at = Some((file.path.clone(), def.at.line));
                }
                break;
            }
            _ => break,
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use vouch_code::{ConfigValue, FileCode, Pos};

    fn setting(path: &str, name: &str, value: Value, line: u32) -> FileCode {
        FileCode {
            path: path.into(),
            config: vec![ConfigValue {
                name: name.into(),
                value,
                at: Pos { line, column: 1 },
            }],
            ..FileCode::default()
        }
    }

    fn env(name: &str, default: Option<&str>) -> Value {
        Value::Env {
            name: name.into(),
            default: default.map(Into::into),
        }
    }

    #[test]
    fn literal_and_list_wildcards() {
        let index = CodeIndex::build(vec![]);
        assert_eq!(
            allowed(&index, &Value::Literal("*".into())),
            Allowed::Any("is `*`".into())
        );
        assert!(matches!(
            allowed(
                &index,
                &Value::List(vec!["https://a.example.com".into(), "*".into()])
            ),
            Allowed::Any(_)
        ));
        assert!(matches!(
            allowed(&index, &Value::List(vec!["https://a.example.com".into()])),
            Allowed::Restricted(_)
        ));
        assert!(matches!(
            allowed(&index, &Value::Literal("https://*.example.com".into())),
            Allowed::Restricted(_)
        ));
        assert!(matches!(
            allowed(&index, &Value::Reflected),
            Allowed::Reflected(_)
        ));
        assert!(matches!(
            allowed(&index, &Value::Unknown),
            Allowed::Unknown(_)
        ));
    }

    #[test]
    fn env_default_star_is_a_wildcard() {
        let index = CodeIndex::build(vec![]);
        assert!(matches!(
            allowed(&index, &env("CORS_ORIGINS", Some("*"))),
            Allowed::Any(_)
        ));
        assert!(matches!(
            allowed(
                &index,
                &env("CORS_ORIGINS", Some("http://localhost:3000, *"))
            ),
            Allowed::Any(_)
        ));
        assert!(matches!(
            allowed(&index, &env("CORS_ORIGINS", None)),
            Allowed::Restricted(_)
        ));
        assert!(matches!(
            allowed(&index, &env("CORS_ORIGINS", Some("http://localhost:3000"))),
            Allowed::Restricted(_)
        ));
    }

    #[test]
    fn settings_are_followed_across_files() {
        let index = CodeIndex::build(vec![
            setting(
                "app/settings.py",
                "cors_origins",
                env("CORS_ORIGINS", Some("*")),
                12,
            ),
            setting(
                "app/constants.py",
                "origins",
                Value::Config("cors_origins".into()),
                3,
            ),
        ]);
        assert_eq!(
            allowed(&index, &Value::Config("origins".into())),
            Allowed::Any(
                "setting `origins` (app/settings.py:12) comes from environment variable \
                 `CORS_ORIGINS`, whose default in the code is `*`"
                    .into()
            )
        );
        assert!(matches!(
            allowed(&index, &Value::Config("missing".into())),
            Allowed::Unknown(_)
        ));
    }

    #[test]
    fn settings_holding_a_list_or_reflection() {
        let index = CodeIndex::build(vec![
            setting(
                "config.js",
                "allowed_origins",
                Value::List(vec!["https://app.example.com".into()]),
                4,
            ),
            setting("cors.js", "origin", Value::Reflected, 2),
        ]);
        assert_eq!(
            allowed(&index, &Value::Config("allowed_origins".into())),
            Allowed::Restricted(
                "setting `allowed_origins` (config.js:4) allows 1 listed origin: https://app.example.com"
                    .into()
            )
        );
        assert_eq!(
            allowed(&index, &Value::Config("origin".into())),
            Allowed::Reflected(" through setting `origin` (cors.js:2)".into())
        );
    }
}
