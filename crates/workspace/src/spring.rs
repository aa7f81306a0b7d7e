//! Spring Boot configuration files flattened into properties: YAML maps become dotted keys
//! (`server: {shutdown: graceful}` → `server.shutdown`), `.properties` files are read line by
//! line (`key=value`, `key: value`, `\` continuations, `#`/`!` comments). Each document of a
//! multi-document file (`---` in YAML, `#---` in properties) carries its profile
//! (`spring.config.activate.on-profile`, or the older `spring.profiles`). What the properties
//! mean is the code crate's business (`vouch_code::lang::java::properties`).

use crate::yaml::{self, Node, Value};
use vouch_code::Pos;
use vouch_code::lang::java::properties::{Property, PropertyValue};

/// The properties of one configuration file; an unreadable YAML file yields none (the YAML
/// layer reports it).
pub fn properties(path: &str, text: &str) -> Vec<Property> {
    if path.ends_with(".properties") {
        return from_properties(text);
    }
    let Ok(docs) = yaml::parse_str(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for doc in docs {
        let mut props = Vec::new();
        flatten(&doc.root, "", &mut props);
        let profile = profile_of(&props);
        for mut p in props {
            p.profile.clone_from(&profile);
            out.push(p);
        }
    }
    out
}

/// The document's profile condition, when it has one.
fn profile_of(props: &[Property]) -> Option<String> {
    props.iter().find_map(|p| match (&p.key[..], &p.value) {
        ("spring.config.activate.on-profile" | "spring.profiles", PropertyValue::Text(t)) => {
            Some(t.trim().to_string())
        }
        ("spring.config.activate.on-profile" | "spring.profiles", PropertyValue::List(l)) => {
            Some(l.join(","))
        }
        _ => None,
    })
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn flatten(node: &Node, prefix: &str, out: &mut Vec<Property>) {
    let at = Pos {
        line: node.line,
        column: node.column,
    };
    match &node.value {
        Value::Map(_) => {
            for (key, value) in node.entries() {
                flatten(value, &join(prefix, key), out);
            }
        }
        Value::Seq(items) => {
            let scalars: Option<Vec<String>> = items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect();
            match scalars {
                Some(list) if !prefix.is_empty() => out.push(Property {
                    key: prefix.to_string(),
                    value: PropertyValue::List(list),
                    at,
                    profile: None,
                }),
                _ => {
                    for (i, item) in items.iter().enumerate() {
                        flatten(item, &format!("{prefix}[{i}]"), out);
                    }
                }
            }
        }
        Value::Scalar { text, .. } if !prefix.is_empty() => out.push(Property {
            key: prefix.to_string(),
            value: PropertyValue::Text(text.clone()),
            at,
            profile: None,
        }),
        Value::Scalar { .. } | Value::Null => {}
    }
}

/// A `.properties` file: `key=value`, `key: value` or `key value`; `#---` starts a new
/// document.
fn from_properties(text: &str) -> Vec<Property> {
    let mut out = Vec::new();
    let mut doc: Vec<Property> = Vec::new();
    let finish = |doc: &mut Vec<Property>, out: &mut Vec<Property>| {
        let profile = profile_of(doc);
        for mut p in doc.drain(..) {
            p.profile.clone_from(&profile);
            out.push(p);
        }
    };
    let mut lines = text.lines().enumerate();
    while let Some((index, line)) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed == "#---" || trimmed == "!---" {
            finish(&mut doc, &mut out);
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('!') {
            continue;
        }
        let column = (line.len() - trimmed.len()) as u32 + 1;
        let mut logical = trimmed.to_string();
        // A line ending in an odd number of backslashes continues on the next line.
        while logical.ends_with('\\')
            && (logical.len() - logical.trim_end_matches('\\').len()) % 2 == 1
        {
            logical.pop();
            match lines.next() {
                Some((_, next)) => logical.push_str(next.trim_start()),
                None => break,
            }
        }
        let (key, value) = split_key(&logical);
        if key.is_empty() {
            continue;
        }
        let value_column = column + (logical.len() - value.len()) as u32;
        doc.push(Property {
            key: unescape(key),
            value: PropertyValue::Text(unescape(value)),
            at: Pos {
                line: index as u32 + 1,
                column: value_column,
            },
            profile: None,
        });
    }
    finish(&mut doc, &mut out);
    out
}

/// Splits at the first unescaped `=`, `:` or whitespace; the separator and the blanks around
/// it are dropped.
fn split_key(line: &str) -> (&str, &str) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'=' | b':' | b' ' | b'\t' => break,
            _ => i += 1,
        }
    }
    let i = i.min(bytes.len());
    let key = &line[..i];
    let mut rest = line[i..].trim_start_matches([' ', '\t']);
    if let Some(r) = rest.strip_prefix(['=', ':']) {
        rest = r.trim_start_matches([' ', '\t']);
    }
    (key, rest.trim_end())
}

/// `\:` `\=` `\ ` `\\` `\t` `\n` and `\uXXXX` as Java's `Properties.load` reads them.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => out.push_str(&hex),
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of<'a>(props: &'a [Property], key: &str) -> Option<&'a str> {
        props
            .iter()
            .find(|p| p.key == key)
            .and_then(|p| match &p.value {
                PropertyValue::Text(t) => Some(t.as_str()),
                PropertyValue::List(_) => None,
            })
    }

    #[test]
    fn yaml_is_flattened_with_profiles_per_document() {
        let yaml = "\
server:
  shutdown: graceful
  error.include-stacktrace: always
app:
  cors:
    allowed-origins:
      - https://app.example.com
      - https://admin.example.com
---
spring:
  config:
    activate:
      on-profile: dev
  h2.console.enabled: true
";
        let props = properties("src/main/resources/application.yml", yaml);
        assert_eq!(text_of(&props, "server.shutdown"), Some("graceful"));
        let trace = props
            .iter()
            .find(|p| p.key == "server.error.include-stacktrace")
            .expect("dotted key inside a map");
        assert_eq!((trace.at.line, trace.profile.as_deref()), (3, None));
        let origins = props
            .iter()
            .find(|p| p.key == "app.cors.allowed-origins")
            .expect("list");
        assert_eq!(
            origins.value,
            PropertyValue::List(vec![
                "https://app.example.com".into(),
                "https://admin.example.com".into()
            ])
        );
        let h2 = props
            .iter()
            .find(|p| p.key == "spring.h2.console.enabled")
            .expect("second document");
        assert_eq!(h2.profile.as_deref(), Some("dev"));
        assert!(properties("application.yml", "a: [unclosed").is_empty());
    }

    #[test]
    fn properties_files_are_read_as_java_reads_them() {
        let text = "\
# comment
! also a comment
server.shutdown=graceful
server.error.include-stacktrace : always
app.title  My\\ Service
jwt.secret=${JWT_SECRET:\\
  dev-only-secret}
key\\:with\\=escapes=v
#---
spring.config.activate.on-profile=local
spring.h2.console.enabled=true
";
        let props = properties("application.properties", text);
        assert_eq!(text_of(&props, "server.shutdown"), Some("graceful"));
        assert_eq!(
            text_of(&props, "server.error.include-stacktrace"),
            Some("always")
        );
        assert_eq!(text_of(&props, "app.title"), Some("My Service"));
        assert_eq!(
            text_of(&props, "jwt.secret"),
            Some("${JWT_SECRET:dev-only-secret}")
        );
        assert_eq!(text_of(&props, "key:with=escapes"), Some("v"));
        let shutdown = props.iter().find(|p| p.key == "server.shutdown").unwrap();
        assert_eq!((shutdown.at.line, shutdown.at.column), (3, 17));
        let h2 = props
            .iter()
            .find(|p| p.key == "spring.h2.console.enabled")
            .unwrap();
        assert_eq!(h2.profile.as_deref(), Some("local"));
        assert_eq!(shutdown.profile, None);
    }
}
