//! `package.json`: runtime, optional and peer dependencies; `devDependencies` as dev.

use super::json::{self, Json};
use super::{Dependency, Sink};
use crate::classify::Ecosystem;
use crate::source::SourceText;

const SECTIONS: [(&str, bool); 4] = [
    ("dependencies", false),
    ("devDependencies", true),
    ("optionalDependencies", false),
    ("peerDependencies", false),
];

pub(super) fn package_json(src: &SourceText) -> Result<Vec<Dependency>, String> {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&src.text) {
        return Err(format!("line {}: invalid JSON: {e}", e.line()));
    }
    let root = json::parse(&src.text)
        .map_err(|offset| format!("line {}: invalid JSON", src.position(offset).0))?;
    let mut sink = Sink::new(src, Ecosystem::Npm);
    for (section, dev) in SECTIONS {
        let Some(Json::Obj(members)) = root.get(section) else {
            continue;
        };
        for (name, offset, version) in members {
            if name.is_empty() {
                continue;
            }
            let line = sink.line_at(*offset);
            let version = version.as_str().map(str::to_string);
            sink.push(name.to_ascii_lowercase(), version, line, dev);
        }
    }
    Ok(sink.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn realistic_package_json() {
        let text = r#"{
  "name": "@acme/web",
  "version": "2.3.0",
  "private": true,
  "scripts": {
    "dependencies": "echo not a section",
    "test": "vitest run"
  },
  "dependencies": {
    "express": "^4.18.2",
    "@opentelemetry/api": "1.7.0",
    "Express-Rate-Limit": "~7.1.5",
    "shared": "workspace:*"
  },
  "devDependencies": {
    "typescript": "5.3.3",
    "@types/express": "^4.17.21"
  },
  "optionalDependencies": { "fsevents": "2.3.3" },
  "peerDependencies": {
    "react": ">=18"
  },
  "overrides": { "dependencies": { "semver": "7.5.4" } }
}
"#;
        let src = SourceText::new("web/package.json", text.into());
        let got: Vec<_> = package_json(&src)
            .unwrap()
            .into_iter()
            .map(|d| (d.name, d.version.unwrap_or_default(), d.line, d.dev))
            .collect();
        let want = [
            ("express", "^4.18.2", 10, false),
            ("@opentelemetry/api", "1.7.0", 11, false),
            ("express-rate-limit", "~7.1.5", 12, false),
            ("shared", "workspace:*", 13, false),
            ("typescript", "5.3.3", 16, true),
            ("@types/express", "^4.17.21", 17, true),
            ("fsevents", "2.3.3", 19, false),
            ("react", ">=18", 21, false),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(n, v, l, d)| (n.to_string(), v.to_string(), *l, *d))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn malformed_json_names_the_line() {
        let src = SourceText::new(
            "package.json",
            "{\n  \"dependencies\": {\n    \"a\": \"1\",\n  }\n}\n".into(),
        );
        let err = package_json(&src).unwrap_err();
        assert!(err.starts_with("line 4:"), "{err}");
    }

    #[test]
    fn no_dependencies_is_fine() {
        let src = SourceText::new("package.json", "{\"name\": \"x\"}".into());
        assert!(package_json(&src).unwrap().is_empty());
    }
}
