//! `pom.xml`: `<dependencies>` of the project and of its profiles, named `groupId:artifactId`;
//! `test` scope is dev. `dependencyManagement` (versions only) and plugin dependencies are not
//! the project's own libraries. `${property}` versions are resolved from `<properties>` and
//! `${project.version}` when defined in the same file. A Spring Boot `<parent>` is listed too
//! (its version is the service's Spring Boot version).

use super::{Dependency, Sink};
use crate::classify::Ecosystem;
use crate::source::SourceText;
use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::HashMap;

#[derive(Default)]
struct PendingDep {
    group: String,
    artifact: String,
    version: String,
    scope: String,
    line: usize,
}

pub(super) fn pom(src: &SourceText) -> Result<Vec<Dependency>, String> {
    let mut reader = Reader::from_str(&src.text);
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut current: Option<PendingDep> = None;
    let mut found: Vec<PendingDep> = Vec::new();
    let mut properties: HashMap<String, String> = HashMap::new();
    let mut parent: Option<PendingDep> = None;
    let error_line = |reader: &Reader<&[u8]>| src.position(reader.error_position() as usize).0;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("line {}: invalid XML: {e}", error_line(&reader)))?;
        match event {
            Event::Start(e) => {
                stack.push(e.local_name().as_ref().to_string());
                text.clear();
                if is_dependency(&stack) {
                    current = Some(PendingDep::default());
                }
                if current.is_some() && stack.len() == dependency_depth(&stack) + 1 {
                    let offset = (reader.buffer_position() as usize).saturating_sub(1);
                    if stack.last().is_some_and(|n| n == "artifactId")
                        && let Some(dep) = current.as_mut()
                    {
                        dep.line = src.position(offset).0;
                    }
                }
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t),
            Event::GeneralRef(r) => text.extend(entity(&r)),
            Event::End(_) => {
                let value = text.trim().to_string();
                text.clear();
                if is_dependency(&stack) {
                    found.extend(current.take());
                } else if let Some(dep) = current.as_mut() {
                    if stack.len() == dependency_depth(&stack) + 1 {
                        let field = stack.last().map(String::as_str).unwrap_or("");
                        match field {
                            "groupId" => dep.group = value,
                            "artifactId" => dep.artifact = value,
                            "version" => dep.version = value,
                            "scope" => dep.scope = value,
                            _ => {}
                        }
                    }
                } else if stack.len() == 3 && stack[0] == "project" && stack[1] == "parent" {
                    // The parent POM: Spring Boot's version lives here
                    // (`spring-boot-starter-parent`).
                    let parent = parent.get_or_insert_with(PendingDep::default);
                    match stack[2].as_str() {
                        "groupId" => parent.group = value,
                        "artifactId" => {
                            parent.artifact = value;
                            let offset = (reader.buffer_position() as usize).saturating_sub(1);
                            parent.line = src.position(offset).0;
                        }
                        "version" => parent.version = value,
                        _ => {}
                    }
                } else if stack.len() == 3 && stack[0] == "project" && stack[1] == "properties" {
                    properties.insert(stack[2].clone(), value);
                } else if stack.len() == 2 && stack[0] == "project" && stack[1] == "version" {
                    properties.insert("project.version".into(), value);
                }
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!(
            "line {}: element <{open}> is not closed",
            src.line_count().max(1)
        ));
    }
    let mut sink = Sink::new(src, Ecosystem::Maven);
    // Only Spring Boot's parent is kept: it says which Spring Boot the service runs (whose
    // defaults some controls rely on); other parents are corporate build settings.
    found.extend(parent.filter(|p| p.group == "org.springframework.boot"));
    for dep in found {
        if dep.group.is_empty() || dep.artifact.is_empty() {
            continue;
        }
        let version = resolve(&dep.version, &properties);
        let name = format!("{}:{}", dep.group, dep.artifact).to_ascii_lowercase();
        sink.push(name, Some(version), dep.line, dep.scope == "test");
    }
    Ok(sink.out)
}

/// The character of a predefined entity (`amp`) or a character reference (`#38`, `#x26`).
fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let code = name.strip_prefix('#')?;
            let code = match code.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => code.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// Whether the innermost element is a project's (or profile's) `<dependency>`.
fn is_dependency(stack: &[String]) -> bool {
    let is = |names: &[&str]| stack.iter().map(String::as_str).eq(names.iter().copied());
    match stack.len() {
        3 => is(&["project", "dependencies", "dependency"]),
        5 => is(&[
            "project",
            "profiles",
            "profile",
            "dependencies",
            "dependency",
        ]),
        _ => false,
    }
}

/// Depth of the enclosing `<dependency>` element (3 or 5), or 0 when there is none.
fn dependency_depth(stack: &[String]) -> usize {
    [5, 3]
        .into_iter()
        .find(|&n| stack.len() >= n && is_dependency(&stack[..n]))
        .unwrap_or(0)
}

/// Replaces `${name}` with a property defined in the same POM; unknown ones stay as written.
fn resolve(version: &str, properties: &HashMap<String, String>) -> String {
    let mut out = version.to_string();
    for _ in 0..8 {
        let Some(start) = out.find("${") else { break };
        let Some(len) = out[start..].find('}') else {
            break;
        };
        let key = &out[start + 2..start + len];
        let Some(value) = properties.get(key) else {
            break;
        };
        out = format!("{}{}{}", &out[..start], value, &out[start + len + 1..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const POM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.acme</groupId>
  <artifactId>payments</artifactId>
  <version>1.2.0</version>
  <properties>
    <resilience4j.version>2.2.0</resilience4j.version>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-dependencies</artifactId>
        <version>3.2.4</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-web</artifactId>
    </dependency>
    <dependency>
      <groupId>io.github.resilience4j</groupId>
      <artifactId>resilience4j-ratelimiter</artifactId>
      <version>${resilience4j.version}</version>
    </dependency>
    <!-- <dependency><groupId>x</groupId><artifactId>commented</artifactId></dependency> -->
    <dependency>
      <groupId>com.acme</groupId>
      <artifactId>payments-client</artifactId>
      <version>${project.version}</version>
    </dependency>
    <dependency>
      <groupId>org.testcontainers</groupId>
      <artifactId>postgresql</artifactId>
      <version>1.19.7</version>
      <scope>test</scope>
    </dependency>
  </dependencies>
  <profiles>
    <profile>
      <id>otel</id>
      <dependencies>
        <dependency>
          <groupId>io.opentelemetry</groupId>
          <artifactId>opentelemetry-api</artifactId>
          <version>1.36.0</version>
        </dependency>
      </dependencies>
    </profile>
  </profiles>
  <build>
    <plugins>
      <plugin>
        <artifactId>maven-surefire-plugin</artifactId>
        <dependencies>
          <dependency>
            <groupId>org.junit.platform</groupId>
            <artifactId>junit-platform-surefire-provider</artifactId>
          </dependency>
        </dependencies>
      </plugin>
    </plugins>
  </build>
</project>
"#;

    #[test]
    fn spring_boot_parent_is_listed_other_parents_are_not() {
        let pom_with = |group: &str| {
            format!(
                "<project>\n  <parent>\n    <groupId>{group}</groupId>\n    \
                 <artifactId>spring-boot-starter-parent</artifactId>\n    \
                 <version>3.4.1</version>\n  </parent>\n  <artifactId>shop</artifactId>\n\
                 </project>\n"
            )
        };
        let src = SourceText::new("pom.xml", pom_with("org.springframework.boot"));
        let got: Vec<_> = pom(&src)
            .unwrap()
            .into_iter()
            .map(|d| (d.name, d.version, d.line))
            .collect();
        assert_eq!(
            got,
            [(
                "org.springframework.boot:spring-boot-starter-parent".to_string(),
                Some("3.4.1".to_string()),
                4
            )]
        );
        let corporate = SourceText::new("pom.xml", pom_with("com.acme.platform"));
        assert!(pom(&corporate).unwrap().is_empty());
    }

    #[test]
    fn realistic_pom() {
        let src = SourceText::new("pom.xml", POM.into());
        let got: Vec<_> = pom(&src)
            .unwrap()
            .into_iter()
            .map(|d| (d.name, d.version, d.line, d.dev))
            .collect();
        let r =
            |n: &str, v: Option<&str>, l: u32, d: bool| (n.to_string(), v.map(String::from), l, d);
        assert_eq!(
            got,
            [
                r(
                    "org.springframework.boot:spring-boot-starter-web",
                    None,
                    25,
                    false
                ),
                r(
                    "io.github.resilience4j:resilience4j-ratelimiter",
                    Some("2.2.0"),
                    29,
                    false
                ),
                r("com.acme:payments-client", Some("1.2.0"), 35, false),
                r("org.testcontainers:postgresql", Some("1.19.7"), 40, true),
                r(
                    "io.opentelemetry:opentelemetry-api",
                    Some("1.36.0"),
                    51,
                    false
                ),
            ]
        );
    }

    #[test]
    fn malformed_pom() {
        let src = SourceText::new(
            "pom.xml",
            "<project>\n  <dependencies>\n    <dependency>\n  </dependencies>\n</project>\n".into(),
        );
        let err = pom(&src).unwrap_err();
        assert!(err.starts_with("line 4:"), "{err}");
        let src = SourceText::new("pom.xml", "<project>\n  <dependencies>\n".into());
        assert!(pom(&src).unwrap_err().contains("not closed"));
    }

    #[test]
    fn unknown_property_stays_as_written() {
        let props = HashMap::from([("a".to_string(), "1".to_string())]);
        assert_eq!(resolve("${a}.${b}", &props), "1.${b}");
        assert_eq!(resolve("${a", &props), "${a");
    }
}
