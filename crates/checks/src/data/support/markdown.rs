//! Documentation files and their sections (Markdown ATX and setext headings, reStructuredText
//! and AsciiDoc underlined/`=` titles), ignoring headings inside code fences.

use super::text::is_aspirational;
use vouch_workspace::{FileEntry, SourceText, Workspace};

/// A heading and the lines up to the next heading of the same or a higher level.
#[derive(Clone, Debug)]
pub struct Section {
    pub title: String,
    /// Line of the heading.
    pub line: u32,
    /// First and one-past-last body line (1-based).
    pub body: (u32, u32),
}

/// Documentation files of the project (Markdown, reStructuredText, AsciiDoc, plain text in a
/// docs folder); vendored files, examples, fixtures and change logs excluded.
pub fn doc_files(ws: &Workspace) -> impl Iterator<Item = &FileEntry> {
    /// Indices into `ws.files`, found once for every control that reads documentation.
    struct DocFiles(Vec<usize>);
    let docs = ws.cached(|ws| {
        DocFiles(
            ws.files
                .iter()
                .enumerate()
                .filter(|(_, f)| is_doc_file(f))
                .map(|(i, _)| i)
                .collect(),
        )
    });
    (0..docs.0.len()).map(move |i| &ws.files[docs.0[i]])
}

fn is_doc_file(f: &FileEntry) -> bool {
    let lower = f.rel.to_ascii_lowercase();
    let name = super::paths::file_name(&lower);
    vouch_workspace::facts::doc_words::is_doc_extension(&f.rel)
        && !f.binary
        && super::paths::is_project_doc_path(&f.rel)
        && !name.starts_with("changelog")
        && !name.starts_with("history")
        && !name.starts_with("license")
}

/// The sections of a document, in order.
pub fn sections(src: &SourceText) -> Vec<Section> {
    let mut heads: Vec<(u32, u8, String)> = Vec::new();
    let mut fence: Option<&str> = None;
    let lines: Vec<(usize, &str)> = src.lines().collect();
    for (i, &(n, line)) in lines.iter().enumerate() {
        let t = line.trim_start();
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(&t[..3]);
            continue;
        }
        if let Some((level, title)) = atx_heading(line) {
            heads.push((n as u32, level, title));
            continue;
        }
        if let Some(&(_, next)) = lines.get(i + 1)
            && let Some(level) = underline_level(line, next)
        {
            heads.push((n as u32, level, line.trim().to_string()));
        }
    }
    let last = src.line_count() as u32 + 1;
    heads
        .iter()
        .enumerate()
        .map(|(i, (line, level, title))| {
            let end = heads[i + 1..]
                .iter()
                .find(|(_, l, _)| l <= level)
                .map_or(last, |(n, _, _)| *n);
            Section {
                title: title.clone(),
                line: *line,
                body: (line + 1, end),
            }
        })
        .collect()
}

/// `## Title` (Markdown) or `== Title` (AsciiDoc).
fn atx_heading(line: &str) -> Option<(u8, String)> {
    for mark in ['#', '='] {
        let hashes = line.chars().take_while(|c| *c == mark).count();
        if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
            let title = line[hashes..].trim().trim_end_matches(mark).trim();
            return Some((hashes as u8, title.to_string()));
        }
    }
    None
}

/// Setext / reStructuredText: a text line underlined by `===` (level 1) or `---`/`~~~` (2).
fn underline_level(line: &str, next: &str) -> Option<u8> {
    let text = line.trim();
    let under = next.trim();
    if text.is_empty()
        || under.len() < 3
        || text.starts_with(['-', '*', '|', '>', '`'])
        || under.chars().count() + 1 < text.chars().count().min(6)
    {
        return None;
    }
    let first = under.chars().next()?;
    if !under.chars().all(|c| c == first) {
        return None;
    }
    match first {
        '=' => Some(1),
        '-' | '~' => Some(2),
        _ => None,
    }
}

/// Body lines that say something: not blank, not a heading underline, not a promise.
pub fn substantive_lines<'s>(src: &'s SourceText, section: &Section) -> Vec<(u32, &'s str)> {
    (section.body.0..section.body.1)
        .map(|n| (n, src.line(n as usize)))
        .filter(|(_, l)| {
            let t = l.trim();
            t.chars().filter(|c| c.is_alphanumeric()).count() >= 3
                && !t.starts_with("```")
                && !t.starts_with("<!--")
                && !is_aspirational(t)
        })
        .collect()
}

/// `mask[n]` is true when line `n` (1-based) is inside a fenced code block (fences included):
/// examples, not statements about the project.
pub fn fence_mask(src: &SourceText) -> Vec<bool> {
    let mut mask = vec![false; src.line_count() + 2];
    let mut fence: Option<&str> = None;
    for (n, line) in src.lines() {
        let t = line.trim_start();
        match fence {
            Some(f) => {
                mask[n] = true;
                if t.starts_with(f) {
                    fence = None;
                }
            }
            None if t.starts_with("```") || t.starts_with("~~~") => {
                mask[n] = true;
                fence = Some(&t[..3]);
            }
            None => {}
        }
    }
    mask
}

/// Lines of the whole document that say something (headings excluded).
pub fn content_lines(src: &SourceText) -> Vec<(u32, &str)> {
    let heads: Vec<u32> = sections(src).iter().map(|s| s.line).collect();
    let whole = Section {
        title: String::new(),
        line: 0,
        body: (1, src.line_count() as u32 + 1),
    };
    substantive_lines(src, &whole)
        .into_iter()
        .filter(|(n, _)| !heads.contains(n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_and_bodies() {
        let src = SourceText::new(
            "docs/ops.md",
            "# Ops\n\nintro\n\n## Restore\n\n```sh\n# not a heading\npg_restore -d app dump\n```\n\n## Other\ntext\nRST title\n=========\nbody\n"
                .into(),
        );
        let s = sections(&src);
        let titles: Vec<_> = s.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Ops", "Restore", "Other", "RST title"]);
        let restore = &s[1];
        assert_eq!(restore.body, (6, 12));
        let body = substantive_lines(&src, restore);
        assert!(body.iter().any(|(_, l)| l.contains("pg_restore")));
        assert_eq!(s[0].body.1, 14);
    }

    #[test]
    fn todo_sections_have_no_substance() {
        let src = SourceText::new("r.md", "## Restore\n\nTODO: write this\n\n## Next\n".into());
        let s = sections(&src);
        assert!(substantive_lines(&src, &s[0]).is_empty());
    }
}
