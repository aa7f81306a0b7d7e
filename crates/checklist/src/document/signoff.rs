//! Sign-off lines (`**Sign-off**: ____ Date: ____`, filled in or not).

use std::sync::OnceLock;

use regex::Regex;

fn signoff_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)^[\s*_]*(?:[a-z ]{0,30}\s)?(?:sign[- ]?off|signed[- ]off(?:\s+by)?|approved\s+by|approver|approval)[\s*_]*:[\s*_]*(?P<rest>.*)$",
        )
        .expect("valid sign-off pattern")
    })
}

fn date_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)[\s*_|,(]*(?-u:\b)date(?-u:\b)[\s*_]*:?(?P<date>.*)$")
            .expect("valid date pattern")
    })
}

/// A blank is made of underscores, dots, dashes or nothing at all.
fn filled(value: &str) -> Option<String> {
    let value = value
        .trim()
        .trim_matches(|c: char| matches!(c, '*' | '_' | '|' | ','))
        .trim();
    let blank = value
        .chars()
        .all(|c| c.is_whitespace() || matches!(c, '_' | '.' | '-' | '…' | '/'));
    (!blank).then(|| value.to_owned())
}

/// Name and date of a sign-off line, or `None` when the line is not a sign-off.
pub(crate) fn parse(line: &str) -> Option<(Option<String>, Option<String>)> {
    let caps = signoff_re().captures(line.trim())?;
    let rest = caps.name("rest").map_or("", |m| m.as_str());
    let (name_part, date) = match date_re().captures(rest) {
        Some(date_caps) => {
            let start = date_caps.get(0).map_or(rest.len(), |m| m.start());
            (
                &rest[..start],
                date_caps.name("date").and_then(|d| filled(d.as_str())),
            )
        }
        None => (rest, None),
    };
    Some((filled(name_part), date))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_and_filled_lines() {
        assert_eq!(
            parse("**Sign-off**: _____________ Date: _______"),
            Some((None, None))
        );
        assert_eq!(
            parse("**Sign-off**: Jane Doe Date: 2026-03-01"),
            Some((Some("Jane Doe".into()), Some("2026-03-01".into())))
        );
        assert_eq!(parse("Security sign-off: ____"), Some((None, None)));
        assert_eq!(
            parse("Approved by: Sam (SRE)"),
            Some((Some("Sam (SRE)".into()), None))
        );
        assert_eq!(parse("**Production Ready**: YES / NO"), None);
        assert_eq!(parse("We need sign-off from legal before launch"), None);
    }
}
