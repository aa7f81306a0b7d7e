//! Escaping for the text formats. Every string that comes from a report (messages, snippets,
//! paths, reasons) passes through one of these before it reaches markup.

/// Text and attribute values in HTML and XML: `&`, `<`, `>`, both quotes.
/// Characters XML 1.0 forbids (most C0 controls) become U+FFFD so the document stays parseable.
pub fn markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Prose for HTML: escaped like [`markup`], with balanced backtick spans shown as `<code>`.
pub fn markup_text(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len() < 3 || parts.len().is_multiple_of(2) {
        return markup(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 0 {
                markup(part)
            } else {
                format!("<code>{}</code>", markup(part))
            }
        })
        .collect()
}

/// Inline Markdown text (table cells, list items, summaries): markup is neutralised, table
/// pipes and emphasis/link characters are backslash-escaped, newlines become spaces.
pub fn markdown_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Prose from checks and control metadata, where backticks mark code: balanced code spans are
/// kept (their content verbatim, which Markdown does not interpret), everything else goes
/// through [`markdown_inline`]. Unbalanced backticks are escaped like any other character.
pub fn markdown_text(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len() < 3 || parts.len().is_multiple_of(2) {
        return markdown_inline(s);
    }
    let mut out = String::with_capacity(s.len());
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 0 {
            out.push_str(&markdown_inline(part));
        } else {
            let code: String = part
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            out.push('`');
            out.push_str(&code.replace('|', "\\|"));
            out.push('`');
        }
    }
    out
}

/// A fenced code block whose fence is longer than any backtick run inside `code`, so the
/// snippet cannot close it early.
pub fn markdown_fence(code: &str, language: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{language}\n{code}\n{fence}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_neutralises_tags_and_quotes() {
        assert_eq!(
            markup("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        assert_eq!(markup("a\u{1}b"), "a\u{FFFD}b");
    }

    #[test]
    fn markup_text_turns_code_spans_into_code() {
        assert_eq!(
            markup_text("use `<b>` not <i>"),
            "use <code>&lt;b&gt;</code> not &lt;i&gt;"
        );
    }

    #[test]
    fn markdown_inline_escapes_table_and_emphasis() {
        assert_eq!(markdown_inline("a|b *c* <d>"), "a\\|b \\*c\\* &lt;d&gt;");
    }

    #[test]
    fn markdown_text_keeps_code_spans() {
        assert_eq!(
            markdown_text("service `my_web` has <no> *check*"),
            "service `my_web` has &lt;no&gt; \\*check\\*"
        );
        assert_eq!(markdown_text("odd ` tick"), "odd \\` tick");
    }

    #[test]
    fn fence_outgrows_backticks_in_code() {
        let block = markdown_fence("x ```` y", "");
        assert!(block.starts_with("`````\n"), "{block}");
        assert!(block.ends_with("\n`````\n"), "{block}");
    }
}
