use super::committed;
use crate::prelude::*;
use regex::Regex;
use std::sync::LazyLock;

pub struct License;

static META: ControlMeta = ControlMeta {
    id: "SEC010",
    slug: "license",
    title: "The repository states its license",
    area: Area::Documentation,
    severity: Severity::Low,
    remediation: "Add a `LICENSE` file at the root (for internal code, a short proprietary notice \
                  is fine) or declare the license in the package metadata (`\"license\"` in \
                  package.json, `license` in Cargo.toml or pyproject.toml, `<licenses>` in pom.xml).",
    references: &[
        "https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/licensing-a-repository",
        "https://spdx.org/licenses/",
        "https://github.com/ossf/scorecard/blob/main/docs/checks.md#license",
    ],
    concepts: &[
        "license",
        "licence",
        "LICENSE file",
        "copyright",
        "open source compliance",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The repository root has a license file (`LICENSE`, `LICENCE`, `COPYING`, `UNLICENSE`, with or
without an extension such as `.md`/`.txt`, split ones like `LICENSE-MIT` and
`LICENSE-APACHE`, or the REUSE layout `LICENSES/<id>.txt`), or a root package manifest declares one: `"license"` in `package.json`
(`UNLICENSED` counts: it is a stated decision), `license`/`license-file` in `Cargo.toml`,
`license` in `pyproject.toml`'s `[project]` or `[tool.poetry]`, `license` in `setup.cfg`, or
`<licenses>` in `pom.xml`. An empty license file does not count.

## Why it matters in production

Without a license nobody outside the authors may legally use, copy or modify the code, and
inside a company the question "may we ship or open-source this" has no written answer. License
scanners and procurement reviews look for it first.

## Example

Bad: no license file and `package.json` without `"license"`.

Good:

```text
LICENSE            Apache License, Version 2.0 ...
```

or in `package.json`:

```json
{ "name": "@acme/orders", "license": "UNLICENSED", "private": true }
```

## References

- GitHub: licensing a repository
- SPDX license list
- OpenSSF Scorecard: License check
"#,
};

static FILE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:un)?licen[cs]e(?:[-_][a-z0-9-]+(?:\.[0-9]+)*)?|copying(?:\.lesser|\.lib)?|LICENSES/[^/]+)(?:\.(?:md|txt|rst|markdown|adoc))?$",
    )
        .expect("static regex")
});

/// (manifest at the root, regex finding a license declaration in it)
static METADATA: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    [
        ("package.json", r#"(?m)^\s*"license"\s*:\s*"[^"]+""#),
        ("Cargo.toml", r#"(?m)^\s*license(?:-file)?\s*=\s*["'{]"#),
        ("pyproject.toml", r#"(?m)^\s*license\s*=\s*["'{]"#),
        ("setup.cfg", r"(?m)^\s*license\s*=\s*\S"),
        ("pom.xml", r"<licenses>\s*<license>"),
    ]
    .into_iter()
    .map(|(f, r)| (f, Regex::new(r).expect("static regex")))
    .collect()
});

impl Check for License {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let mut empty = Vec::new();
        for f in &ws.files {
            if !committed(f) || !FILE_NAME.is_match(&f.rel) {
                continue;
            }
            let non_empty = f.binary || ws.text(&f.rel).is_some_and(|t| !t.text.trim().is_empty());
            if non_empty {
                return Outcome::pass_with(vec![finding_file(&f.rel, "license file")]);
            }
            empty.push(finding_file(&f.rel, "the license file is empty"));
        }
        for (manifest, pattern) in METADATA.iter() {
            if !ws.file(manifest).is_some_and(committed) {
                continue;
            }
            let Some(src) = ws.text(manifest) else {
                continue;
            };
            if let Some(m) = pattern.find(&src.text) {
                let (line, _) = src.position(m.start() + (m.len() - m.as_str().trim_start().len()));
                return Outcome::pass_with(vec![finding_at(
                    &src,
                    line as u32,
                    1,
                    "license declared in the package metadata",
                )]);
            }
        }
        if empty.is_empty() {
            empty.push(finding_file(
                ".",
                "no LICENSE/COPYING file at the root and no license in the root package metadata",
            ));
        }
        Outcome::Fail { findings: empty }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn license_file_names() {
        for ok in [
            "LICENSE",
            "LICENSE.md",
            "license.txt",
            "LICENCE",
            "COPYING",
            "COPYING.LESSER",
            "LICENSE-APACHE",
            "LICENSE-APACHE-2.0",
            "UNLICENSE",
            "LICENSES/MIT.txt",
        ] {
            assert!(FILE_NAME.is_match(ok), "{ok}");
        }
        for no in [
            "LICENSES.json",
            "license_check.py",
            "my-license",
            "COPYING.LESSER.bak.old",
            "docs/LICENSE",
            "LICENSES/sub/x.txt",
        ] {
            assert!(!FILE_NAME.is_match(no), "{no}");
        }
    }
}
