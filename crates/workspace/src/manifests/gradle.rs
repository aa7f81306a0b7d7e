//! `build.gradle` / `build.gradle.kts`, best-effort: a build script is a program, so this reads
//! the usual declarations inside `dependencies { }` blocks (outside `buildscript { }`):
//! `implementation "g:a:v"`, `testImplementation("g:a:v")`, and the map form
//! `implementation group: 'g', name: 'a', version: 'v'` (Kotlin: `group = "g", name = "a"`).
//! Version-catalog aliases (`libs.x`), `platform(...)` BOMs, `project(...)` and dependencies in
//! `constraints { }` are not libraries it can name. It never fails.

use super::{Dependency, Sink};
use crate::classify::Ecosystem;
use crate::source::SourceText;
use regex::Regex;
use std::sync::LazyLock;

static STRING_NOTATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*([A-Za-z_]\w*)\s*\(?\s*["']([^"'\s:$]+):([^"'\s:$]+)(?::([^"'\s]*))?["']"#)
        .expect("static regex")
});
static MAP_NOTATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^\s*([A-Za-z_]\w*)\s*\(?\s*group\s*[:=]\s*["']([^"']+)["']\s*,\s*name\s*[:=]\s*["']([^"']+)["'](?:\s*,\s*version\s*[:=]\s*["']([^"']+)["'])?"#,
    )
    .expect("static regex")
});

/// `id 'org.springframework.boot' version '3.4.1'` (Groovy or Kotlin) in `plugins { }`.
static SPRING_BOOT_PLUGIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^\s*id\s*\(?\s*["']org\.springframework\.boot["']\s*\)?\s*version\s*\(?\s*["']([^"'$]+)["']"#,
    )
    .expect("static regex")
});

/// The name the Spring Boot Gradle plugin is listed under (its version is the service's
/// Spring Boot version).
pub const SPRING_BOOT_PLUGIN_NAME: &str = "org.springframework.boot:spring-boot-gradle-plugin";

pub(super) fn build_gradle(src: &SourceText) -> Vec<Dependency> {
    let mut sink = Sink::new(src, Ecosystem::Gradle);
    for (n, (code, in_dependencies)) in code_lines(&src.text).into_iter().enumerate() {
        if let Some(caps) = SPRING_BOOT_PLUGIN.captures(&code) {
            sink.push(
                SPRING_BOOT_PLUGIN_NAME.into(),
                Some(caps[1].to_string()),
                n + 1,
                false,
            );
            continue;
        }
        if !in_dependencies {
            continue;
        }
        let caps = STRING_NOTATION
            .captures(&code)
            .or_else(|| MAP_NOTATION.captures(&code));
        let Some(caps) = caps else { continue };
        let configuration = &caps[1];
        if matches!(configuration, "classpath" | "exclude" | "because") {
            continue;
        }
        let version = caps.get(4).map(|v| {
            let v = v.as_str();
            v.split([':', '@']).next().unwrap_or(v).to_string()
        });
        let name = format!("{}:{}", &caps[2], &caps[3]).to_ascii_lowercase();
        sink.push(name, version, n + 1, is_dev_configuration(configuration));
    }
    sink.out
}

/// Test configurations and code-quality tool classpaths.
fn is_dev_configuration(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("test")
        || [
            "detekt",
            "ktlint",
            "checkstyle",
            "spotbugs",
            "errorprone",
            "pmd",
        ]
        .iter()
        .any(|tool| lower.starts_with(tool))
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Code,
    LineComment,
    BlockComment,
    /// Inside a string: its quote character and whether it is triple-quoted.
    Str(char, bool),
}

/// Each line with comments blanked out, and whether its first code character sits directly
/// inside a `dependencies { }` block that is not part of `buildscript { }`.
fn code_lines(text: &str) -> Vec<(String, bool)> {
    let mut lines = Vec::new();
    let mut blocks: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut last_word = String::new();
    let mut state = State::Code;
    let mut line = String::new();
    let mut context: Option<bool> = None;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let in_dependencies = |blocks: &[String]| {
        blocks.last().is_some_and(|b| b == "dependencies")
            && !blocks.iter().any(|b| b == "buildscript")
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            lines.push((std::mem::take(&mut line), context.unwrap_or(false)));
            context = None;
            if state == State::LineComment {
                state = State::Code;
            }
            if let State::Str(_, false) = state {
                state = State::Code;
            }
            flush_word(&mut word, &mut last_word);
            i += 1;
            continue;
        }
        match state {
            State::LineComment | State::BlockComment => {
                if state == State::BlockComment && c == '*' && next == Some('/') {
                    state = State::Code;
                    line.push_str("  ");
                    i += 2;
                    continue;
                }
                line.push(' ');
            }
            State::Str(quote, triple) => {
                line.push(c);
                if c == '\\' {
                    if let Some(n) = next.filter(|n| *n != '\n') {
                        line.push(n);
                        i += 1;
                    }
                } else if c == quote {
                    let closes = !triple
                        || (chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote));
                    if closes {
                        if triple {
                            line.push(quote);
                            line.push(quote);
                            i += 2;
                        }
                        state = State::Code;
                    }
                }
            }
            State::Code => {
                if c == '/' && next == Some('/') {
                    state = State::LineComment;
                    line.push(' ');
                    i += 1;
                    continue;
                }
                if c == '/' && next == Some('*') {
                    state = State::BlockComment;
                    line.push_str("  ");
                    i += 2;
                    continue;
                }
                if !c.is_whitespace() && context.is_none() {
                    context = Some(in_dependencies(&blocks));
                }
                line.push(c);
                if c.is_alphanumeric() || c == '_' || c == '.' {
                    word.push(c);
                } else {
                    flush_word(&mut word, &mut last_word);
                    match c {
                        '"' | '\'' => {
                            let triple = next == Some(c) && chars.get(i + 2) == Some(&c);
                            if triple {
                                line.push(c);
                                line.push(c);
                                i += 2;
                            }
                            state = State::Str(c, triple);
                            last_word.clear();
                        }
                        '{' => {
                            blocks.push(std::mem::take(&mut last_word));
                        }
                        '}' => {
                            blocks.pop();
                            last_word.clear();
                        }
                        c if c.is_whitespace() => {}
                        _ => last_word.clear(),
                    }
                }
            }
        }
        i += 1;
    }
    if !line.is_empty() || !text.ends_with('\n') {
        lines.push((line, context.unwrap_or(false)));
    }
    lines
}

fn flush_word(word: &mut String, last_word: &mut String) {
    if !word.is_empty() {
        *last_word = std::mem::take(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(path: &str, text: &str) -> Vec<(String, Option<String>, u32, bool)> {
        let src = SourceText::new(path, text.into());
        build_gradle(&src)
            .into_iter()
            .map(|d| (d.name, d.version, d.line, d.dev))
            .collect()
    }

    fn r(n: &str, v: Option<&str>, l: u32, d: bool) -> (String, Option<String>, u32, bool) {
        (n.into(), v.map(Into::into), l, d)
    }

    #[test]
    fn spring_boot_plugin_version() {
        let groovy =
            "plugins {\n    id 'java'\n    id 'org.springframework.boot' version '3.4.2'\n}\n";
        assert_eq!(
            rows("build.gradle", groovy),
            [r(SPRING_BOOT_PLUGIN_NAME, Some("3.4.2"), 3, false)]
        );
        let kotlin = "plugins {\n    id(\"org.springframework.boot\") version \"3.3.5\"\n}\n";
        assert_eq!(
            rows("build.gradle.kts", kotlin),
            [r(SPRING_BOOT_PLUGIN_NAME, Some("3.3.5"), 2, false)]
        );
        // A version from a variable is not a version vouch can compare.
        let variable = "plugins {\n    id 'org.springframework.boot' version \"$bootVersion\"\n}\n";
        assert!(rows("build.gradle", variable).is_empty());
    }

    #[test]
    fn groovy_build_script() {
        let text = r#"buildscript {
    repositories { mavenCentral() }
    dependencies {
        classpath "org.springframework.boot:spring-boot-gradle-plugin:3.2.4"
        implementation "com.example:not-a-project-dep:1.0"
    }
}

plugins {
    id 'java'
}

/* dependencies { implementation 'commented:out:1' } */
dependencies {
    implementation 'org.springframework.boot:spring-boot-starter-actuator'
    implementation("io.micrometer:micrometer-registry-prometheus:1.12.4") {
        exclude group: 'org.slf4j', module: 'slf4j-api'
    }
    api group: 'com.google.guava', name: 'guava', version: '33.1.0-jre'
    // implementation 'com.example:disabled:1.0'
    runtimeOnly 'org.postgresql:postgresql:42.7.3'
    implementation platform('io.opentelemetry:opentelemetry-bom:1.36.0')
    implementation libs.jackson.databind
    implementation project(':shared')
    testImplementation 'org.testcontainers:junit-jupiter:1.19.7'
    constraints {
        implementation 'org.apache.commons:commons-text:1.10.0'
    }
    implementation "com.squareup.okhttp3:okhttp:4.12.0@jar"
}
"#;
        assert_eq!(
            rows("build.gradle", text),
            [
                r(
                    "org.springframework.boot:spring-boot-starter-actuator",
                    None,
                    15,
                    false
                ),
                r(
                    "io.micrometer:micrometer-registry-prometheus",
                    Some("1.12.4"),
                    16,
                    false
                ),
                r("com.google.guava:guava", Some("33.1.0-jre"), 19, false),
                r("org.postgresql:postgresql", Some("42.7.3"), 21, false),
                r("org.testcontainers:junit-jupiter", Some("1.19.7"), 25, true),
                r("com.squareup.okhttp3:okhttp", Some("4.12.0"), 29, false),
            ]
        );
    }

    #[test]
    fn kotlin_build_script() {
        let text = r#"plugins {
    kotlin("jvm") version "1.9.23"
}

val ktorVersion = "2.3.9"

dependencies {
    implementation("io.ktor:ktor-server-netty:$ktorVersion")
    implementation(kotlin("stdlib"))
    implementation(group = "io.github.resilience4j", name = "resilience4j-kotlin", version = "2.2.0")
    testImplementation("io.kotest:kotest-runner-junit5:5.8.1")
    detektPlugins("io.gitlab.arturbosch.detekt:detekt-formatting:1.23.6")
    val note = "}"
    androidTestImplementation("androidx.test.ext:junit:1.1.5")
}
"#;
        assert_eq!(
            rows("build.gradle.kts", text),
            [
                r("io.ktor:ktor-server-netty", Some("$ktorVersion"), 8, false),
                r(
                    "io.github.resilience4j:resilience4j-kotlin",
                    Some("2.2.0"),
                    10,
                    false
                ),
                r("io.kotest:kotest-runner-junit5", Some("5.8.1"), 11, true),
                r(
                    "io.gitlab.arturbosch.detekt:detekt-formatting",
                    Some("1.23.6"),
                    12,
                    true
                ),
                r("androidx.test.ext:junit", Some("1.1.5"), 14, true),
            ]
        );
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for text in [
            "}}}{",
            "dependencies {\n  implementation \"a",
            "'''",
            "/* never closed",
            "é{ü\n",
        ] {
            let _ = rows("build.gradle", text);
        }
    }
}
