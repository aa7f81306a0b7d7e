//! Splits Go-template text into literal text and `{{ actions }}`, and tokenizes an action.

/// A piece of a template line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    /// The action's body without delimiters and trim markers.
    Action(String),
}

/// Splits `text` into segments; `None` when an action is not closed (it continues on the next
/// line).
pub fn segments(text: &str) -> Option<Vec<Segment>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            out.push(Segment::Text(rest[..start].to_string()));
        }
        let inner = &rest[start + 2..];
        let end = find_close(inner)?;
        let mut body = &inner[..end];
        body = body.strip_prefix('-').unwrap_or(body);
        body = body.strip_suffix('-').unwrap_or(body);
        out.push(Segment::Action(body.trim().to_string()));
        rest = &inner[end + 2..];
    }
    if !rest.is_empty() {
        out.push(Segment::Text(rest.to_string()));
    }
    Some(out)
}

/// One action in a whole text, with byte offsets of its delimiters.
#[derive(Clone, Debug)]
pub struct Located {
    pub start: usize,
    pub end: usize,
    pub body: String,
    /// `{{-`: trims the whitespace before it.
    pub trim_left: bool,
    /// `-}}`: trims the whitespace after it.
    pub trim_right: bool,
}

/// Every action of `text` (several lines), in order.
pub fn actions(text: &str) -> Vec<Located> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(rel) = text[at..].find("{{") {
        let start = at + rel;
        let inner = &text[start + 2..];
        let Some(close) = find_close(inner) else {
            break;
        };
        let raw = &inner[..close];
        let trim_left = raw.starts_with('-');
        let trim_right = raw.ends_with('-');
        let mut body = raw.strip_prefix('-').unwrap_or(raw);
        body = body.strip_suffix('-').unwrap_or(body);
        let end = start + 2 + close + 2;
        out.push(Located {
            start,
            end,
            body: body.trim().to_string(),
            trim_left,
            trim_right,
        });
        at = end;
    }
    out
}

/// Offset of the `}}` closing an action, skipping string literals and comments.
fn find_close(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    if s.trim_start_matches('-').trim_start().starts_with("/*") {
        let end = s.find("*/")?;
        return s[end..].find("}}").map(|o| end + o);
    }
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' && q != b'`' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => {
                if b == b'"' || b == b'`' || b == b'\'' {
                    quote = Some(b);
                } else if b == b'}' && bytes.get(i + 1) == Some(&b'}') {
                    return Some(i);
                }
            }
        }
        i += 1;
    }
    None
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    Str(String),
    Num(String),
    /// `.`, `.Values.a.b`, `$`, `$x`, `$x.a`.
    Field(String),
    Ident(String),
    /// A parenthesized pipeline.
    Group(Vec<Tok>),
    Pipe,
    Assign,
    Comma,
}

/// Tokenizes an action body. `None` for syntax vouch does not read (it is then Unknown).
pub fn tokenize(body: &str) -> Option<Vec<Tok>> {
    let chars: Vec<char> = body.chars().collect();
    let mut pos = 0;
    let toks = tokens_until(&chars, &mut pos, None, 0)?;
    (pos >= chars.len()).then_some(toks)
}

/// Parentheses nested deeper than this are not read (hostile input).
const MAX_GROUP_DEPTH: usize = 32;

fn tokens_until(
    chars: &[char],
    pos: &mut usize,
    close: Option<char>,
    depth: usize,
) -> Option<Vec<Tok>> {
    if depth > MAX_GROUP_DEPTH {
        return None;
    }
    let mut out = Vec::new();
    while *pos < chars.len() {
        let c = chars[*pos];
        if c.is_whitespace() {
            *pos += 1;
            continue;
        }
        if Some(c) == close {
            *pos += 1;
            return Some(out);
        }
        match c {
            '(' => {
                *pos += 1;
                out.push(Tok::Group(tokens_until(chars, pos, Some(')'), depth + 1)?));
                // `(expr).field` is not supported.
                if chars.get(*pos) == Some(&'.') {
                    return None;
                }
            }
            ')' => return None,
            '|' => {
                *pos += 1;
                out.push(Tok::Pipe);
            }
            ',' => {
                *pos += 1;
                out.push(Tok::Comma);
            }
            ':' if chars.get(*pos + 1) == Some(&'=') => {
                *pos += 2;
                out.push(Tok::Assign);
            }
            '=' => {
                *pos += 1;
                out.push(Tok::Assign);
            }
            '"' => out.push(Tok::Str(quoted(chars, pos)?)),
            '`' => {
                let start = *pos + 1;
                let end = chars[start..].iter().position(|&c| c == '`')? + start;
                out.push(Tok::Str(chars[start..end].iter().collect()));
                *pos = end + 1;
            }
            '\'' => {
                let s: String = chars.get(*pos + 1..*pos + 2)?.iter().collect();
                if chars.get(*pos + 2) != Some(&'\'') {
                    return None;
                }
                *pos += 3;
                out.push(Tok::Str(s));
            }
            '.' | '$' => out.push(Tok::Field(take_while(chars, pos, |c| {
                c.is_alphanumeric() || matches!(c, '_' | '.' | '$')
            }))),
            c if c.is_ascii_digit()
                || (c == '-' && chars.get(*pos + 1).is_some_and(char::is_ascii_digit)) =>
            {
                *pos += 1;
                let rest = take_while(chars, pos, |c| c.is_ascii_alphanumeric() || c == '.');
                out.push(Tok::Num(format!("{c}{rest}")));
            }
            c if c.is_alphabetic() || c == '_' => {
                out.push(Tok::Ident(take_while(chars, pos, |c| {
                    c.is_alphanumeric() || c == '_'
                })))
            }
            _ => return None,
        }
    }
    if close.is_some() { None } else { Some(out) }
}

fn take_while(chars: &[char], pos: &mut usize, keep: impl Fn(char) -> bool) -> String {
    let start = *pos;
    while *pos < chars.len() && keep(chars[*pos]) {
        *pos += 1;
    }
    chars[start..*pos].iter().collect()
}

fn quoted(chars: &[char], pos: &mut usize) -> Option<String> {
    let mut out = String::new();
    *pos += 1;
    while *pos < chars.len() {
        let c = chars[*pos];
        *pos += 1;
        match c {
            '"' => return Some(out),
            '\\' => {
                let e = *chars.get(*pos)?;
                *pos += 1;
                out.push(match e {
                    'n' => '\n',
                    't' => '\t',
                    other => other,
                });
            }
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_text_and_actions() {
        let s = segments(r#"  image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}""#).unwrap();
        assert_eq!(s.len(), 5);
        assert_eq!(s[1], Segment::Action(".Values.image.repository".into()));
        assert_eq!(
            s[3],
            Segment::Action(".Values.image.tag | default .Chart.AppVersion".into())
        );
        assert_eq!(
            segments("{{- toYaml .Values.x | nindent 12 }}").unwrap(),
            vec![Segment::Action("toYaml .Values.x | nindent 12".into())]
        );
        assert!(segments("{{- if and .Values.a").is_none());
        assert_eq!(
            segments(r#"{{ printf "}}" }}"#).unwrap(),
            vec![Segment::Action(r#"printf "}}""#.into())]
        );
    }

    #[test]
    fn tokenizes_pipelines() {
        let t = tokenize(r#"include "app.labels" . | nindent 4"#).unwrap();
        assert_eq!(
            t,
            vec![
                Tok::Ident("include".into()),
                Tok::Str("app.labels".into()),
                Tok::Field(".".into()),
                Tok::Pipe,
                Tok::Ident("nindent".into()),
                Tok::Num("4".into()),
            ]
        );
        let g = tokenize("if (not .Values.a)").unwrap();
        assert!(matches!(&g[1], Tok::Group(inner) if inner.len() == 2));
        assert_eq!(tokenize("$name := .Values.x").unwrap()[1], Tok::Assign);
    }
}
