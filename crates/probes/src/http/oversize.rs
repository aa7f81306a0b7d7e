//! Judging a request made oversize on purpose (a long header, a long URL): refused with a
//! 4xx passes; a 5xx or the same answer as without the padding fails; a connection closed
//! without an answer is Unknown.

use crate::evidence::excerpt;
use crate::target::{Exchange, RequestError, Target};
use vouch_core::{Finding, Location, Outcome};

/// Statuses that say "too large": 400, 413, 414, 431 and nginx's 494.
pub const REFUSALS: &[u16] = &[400, 413, 414, 431, 494];

/// How the oversize request is shown in evidence (the padding is not quoted).
pub struct Sent<'a> {
    /// `GET / with a 64 KiB X-Vouch-Padding header`
    pub description: &'a str,
    /// The statuses a limit should answer, for messages (`431 or 400`).
    pub expected: &'a str,
}

pub async fn judge(
    t: &Target,
    sent: &Sent<'_>,
    answer: Result<Exchange, RequestError>,
) -> Result<Outcome, RequestError> {
    let ex = match answer {
        Ok(ex) => ex,
        Err(RequestError::Failed { reason, .. }) => {
            return Ok(Outcome::unknown(format!(
                "{}: the connection ended without an HTTP answer ({}); a limit should answer {}",
                sent.description,
                without_url(&reason),
                sent.expected
            )));
        }
        Err(other) => return Err(other),
    };
    let status = ex.status.as_u16();
    if REFUSALS.contains(&status) {
        return Ok(Outcome::pass_with(vec![finding(
            sent,
            &ex,
            format!("refused with {status}"),
        )]));
    }
    if ex.status.is_server_error() {
        return Ok(Outcome::Fail {
            findings: vec![finding(
                sent,
                &ex,
                format!(
                    "answered {status}: the server fails on it instead of refusing it with {}",
                    sent.expected
                ),
            )],
        });
    }
    if status == 429 {
        return Ok(Outcome::unknown(format!(
            "{}: answered 429 (rate limited), which says nothing about the size limit",
            sent.description
        )));
    }
    let baseline = t.root().await?;
    let base = baseline.status.as_u16();
    if status != base && ex.status.is_client_error() {
        return Ok(Outcome::pass_with(vec![finding(
            sent,
            &ex,
            format!("refused with {status} (GET / answers {base} without the padding)"),
        )]));
    }
    let how = if status == base {
        format!("served like any other request: {status}, as GET / without the padding")
    } else {
        format!("accepted: {status}")
    };
    Ok(Outcome::Fail {
        findings: vec![finding(
            sent,
            &ex,
            format!("{how}; a limit should answer {}", sent.expected),
        )],
    })
}

/// The client error without the URL it quotes (`for url (http://…?vouch-padding=aaaa…)`):
/// the padding does not belong in a report.
pub fn without_url(reason: &str) -> String {
    match reason.find(" for url (") {
        Some(start) => {
            let rest = &reason[start..];
            let end = rest.find(')').map_or(rest.len(), |i| i + 1);
            format!("{}{}", &reason[..start], &rest[end..])
        }
        None => reason.to_string(),
    }
}

/// Located at the request's path, quoting status, content type and body, not the padding.
fn finding(sent: &Sent<'_>, ex: &Exchange, verdict: String) -> Finding {
    let media = ex.media_type().unwrap_or_else(|| "no content type".into());
    let body = excerpt(&ex.text());
    let mut snippet = format!("{} → {} {media}", sent.description, ex.status.as_u16());
    if !body.is_empty() {
        snippet.push_str(": ");
        snippet.push_str(&body);
    }
    Finding::new(
        Location::file(ex.url.path()),
        format!("{}: {verdict}", sent.description),
    )
    .with_snippet(snippet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_lose_the_padded_url() {
        assert_eq!(
            without_url(
                "error sending request for url (http://127.0.0.1:1/?vouch-padding=aaaa): connection closed"
            ),
            "error sending request: connection closed"
        );
        assert_eq!(without_url("timed out"), "timed out");
    }
}
