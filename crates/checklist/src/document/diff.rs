//! A unified diff between the text as read and the text after edits. Edits never add or
//! remove lines, so lines pair up one to one and no alignment search is needed.

const CONTEXT: usize = 3;

pub(crate) fn unified(name: &str, before: &str, after: &str) -> String {
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    let mut out = String::new();
    if old == new {
        return out;
    }
    out.push_str(&format!("--- a/{name}\n+++ b/{name}\n"));
    if old.len() != new.len() {
        hunk(&mut out, &old, &new, 0..old.len(), 0..new.len());
        return out;
    }
    let changed: Vec<usize> = (0..old.len()).filter(|&i| old[i] != new[i]).collect();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for &line in &changed {
        let start = line.saturating_sub(CONTEXT);
        let end = (line + CONTEXT + 1).min(old.len());
        match groups.last_mut() {
            Some((_, last_end)) if start <= *last_end => *last_end = end,
            _ => groups.push((start, end)),
        }
    }
    for (start, end) in groups {
        hunk(&mut out, &old, &new, start..end, start..end);
    }
    out
}

fn hunk(
    out: &mut String,
    old: &[&str],
    new: &[&str],
    old_range: std::ops::Range<usize>,
    new_range: std::ops::Range<usize>,
) {
    out.push_str(&format!(
        "@@ -{},{} +{},{} @@\n",
        old_range.start + 1,
        old_range.len(),
        new_range.start + 1,
        new_range.len()
    ));
    let paired = old_range.len() == new_range.len();
    if paired {
        for (o, n) in old[old_range].iter().zip(&new[new_range]) {
            if o == n {
                line(out, ' ', o);
            } else {
                line(out, '-', o);
                line(out, '+', n);
            }
        }
    } else {
        old[old_range].iter().for_each(|o| line(out, '-', o));
        new[new_range].iter().for_each(|n| line(out, '+', n));
    }
}

fn line(out: &mut String, sign: char, text: &str) {
    out.push(sign);
    out.push_str(text.trim_end_matches(['\n', '\r']));
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_changed_line_with_context() {
        let before = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let after = "a\nb\nc\nd\nE\nf\ng\nh\n";
        assert_eq!(
            unified("x.md", before, after),
            "--- a/x.md\n+++ b/x.md\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
        );
        assert_eq!(unified("x.md", before, before), "");
    }
}
