//! Terraform/OpenTofu resources: type, name and the lines of their block, found by brace
//! counting (enough for attribute look-ups; no HCL evaluation).

use super::text::is_comment;
use regex::Regex;
use std::sync::{Arc, LazyLock};
use vouch_workspace::{FileKind, SourceText, Workspace};

#[derive(Clone, Debug)]
pub struct TfBlock {
    pub src: Arc<SourceText>,
    /// `resource`, `module`, `data`.
    pub keyword: String,
    /// Resource type (`aws_db_instance`) or module name.
    pub rtype: String,
    pub name: String,
    pub line: u32,
    /// Last line of the block (the closing brace).
    pub end: u32,
}

impl TfBlock {
    /// Lines inside the block, comments removed: `(line number, text)`.
    pub fn body(&self) -> impl Iterator<Item = (u32, &str)> {
        (self.line + 1..self.end)
            .map(|n| (n, self.src.line(n as usize)))
            .filter(|(_, l)| !is_comment(&self.src.path, l))
    }

    /// `attr = value` inside the block (any nesting depth): (line, trimmed value).
    pub fn attribute(&self, attr: &str) -> Option<(u32, String)> {
        self.body().find_map(|(n, l)| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == attr).then(|| (n, v.trim().trim_matches('"').to_string()))
        })
    }
}

pub struct Terraform {
    pub blocks: Vec<TfBlock>,
}

static BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*(resource|module|data)\s+"([\w-]+)"(?:\s+"([\w-]+)")?\s*\{"#).unwrap()
});

impl Terraform {
    pub fn get(ws: &Workspace) -> Arc<Terraform> {
        ws.cached(|ws| {
            let mut blocks = Vec::new();
            for f in ws.files_of(FileKind::Terraform) {
                if !f.class.product() || !f.rel.ends_with(".tf") {
                    continue;
                }
                if let Some(src) = ws.text(&f.rel) {
                    blocks.extend(parse(&src));
                }
            }
            Terraform { blocks }
        })
    }

    pub fn resources<'a>(&'a self, types: &'a [&str]) -> impl Iterator<Item = &'a TfBlock> {
        self.blocks
            .iter()
            .filter(move |b| b.keyword == "resource" && types.contains(&b.rtype.as_str()))
    }
}

fn parse(src: &Arc<SourceText>) -> Vec<TfBlock> {
    let mut out = Vec::new();
    let mut open: Option<(TfBlock, i32)> = None;
    for (n, line) in src.lines() {
        let n = n as u32;
        if is_comment(&src.path, line) {
            continue;
        }
        if let Some((block, depth)) = &mut open {
            *depth += brace_delta(line);
            if *depth <= 0 {
                block.end = n;
                out.push(open.take().expect("open block").0);
            }
            continue;
        }
        if let Some(c) = BLOCK.captures(line) {
            let block = TfBlock {
                src: src.clone(),
                keyword: c[1].to_string(),
                rtype: c[2].to_string(),
                name: c.get(3).map_or("", |m| m.as_str()).to_string(),
                line: n,
                end: n,
            };
            let depth = brace_delta(line);
            if depth <= 0 {
                out.push(block);
            } else {
                open = Some((block, depth));
            }
        }
    }
    if let Some((mut block, _)) = open {
        block.end = src.line_count() as u32 + 1;
        out.push(block);
    }
    out
}

/// Opening minus closing braces outside double-quoted strings.
fn brace_delta(line: &str) -> i32 {
    let mut delta = 0;
    let mut in_string = false;
    let mut prev = ' ';
    for c in line.chars() {
        match c {
            '"' if prev != '\\' => in_string = !in_string,
            '{' if !in_string => delta += 1,
            '}' if !in_string => delta -= 1,
            '#' if !in_string => break,
            _ => {}
        }
        prev = c;
    }
    delta
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_attributes() {
        let src = SourceText::new(
            "infra/db.tf",
            "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n  tags = { Name = \"x\" }\n  # backup_retention_period = 0\n  backup_retention_period = 14\n}\n\nmodule \"vpc\" {\n  source = \"x\"\n}\n"
                .into(),
        );
        let blocks = parse(&src);
        assert_eq!(blocks.len(), 2);
        assert_eq!((blocks[0].line, blocks[0].end), (1, 6));
        assert_eq!(
            blocks[0].attribute("backup_retention_period"),
            Some((5, "14".to_string()))
        );
        assert_eq!(blocks[1].keyword, "module");
        assert_eq!(blocks[1].rtype, "vpc");
    }
}
