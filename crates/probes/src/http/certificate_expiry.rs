//! The two expiry controls (30-day warning, 7-day critical) share one judgement.

use super::transport;
use crate::prelude::*;
use crate::target::CertificateInfo;
use std::time::SystemTime;

/// Fails when a presented certificate (the leaf or an intermediate the server sends) has
/// `min_days` days left or fewer. A self-signed root sent along is not judged: clients use
/// their own copy.
pub async fn check(t: &Target, min_days: i64) -> ProbeResult {
    let session = match transport::session(t).await? {
        Ok(s) => s,
        Err(outcome) => return Ok(outcome),
    };
    let certs: Vec<CertificateInfo> = transport::certificates(&session)
        .into_iter()
        .enumerate()
        .filter(|(i, c)| *i == 0 || c.subject != c.issuer)
        .map(|(_, c)| c)
        .collect();
    let Some(soonest) = certs.iter().min_by_key(|c| c.not_after) else {
        return Ok(Outcome::unknown(
            "the server's certificate could not be parsed",
        ));
    };
    let days = soonest.days_left(SystemTime::now());
    let which = if std::ptr::eq(soonest, &certs[0]) {
        "the certificate".to_string()
    } else {
        format!("the intermediate {}", soonest.subject)
    };
    let snippet = format!(
        "{}: notAfter {}, {}",
        soonest.subject,
        soonest.not_after_text(),
        days_text(days)
    );
    Ok(if days < 0 {
        Outcome::Fail {
            findings: vec![transport::at_origin(
                t,
                format!("{which} expired {} ago", plural(-days)),
                snippet,
            )],
        }
    } else if days <= min_days {
        Outcome::Fail {
            findings: vec![transport::at_origin(
                t,
                format!(
                    "{which} expires in {} (policy: more than {min_days} days)",
                    plural(days)
                ),
                snippet,
            )],
        }
    } else {
        Outcome::pass_with(vec![transport::at_origin(
            t,
            format!("{which} is valid for {}", plural(days)),
            snippet,
        )])
    })
}

fn days_text(days: i64) -> String {
    if days < 0 {
        format!("expired {} ago", plural(-days))
    } else {
        format!("{} left", plural(days))
    }
}

fn plural(days: i64) -> String {
    if days == 1 {
        "1 day".into()
    } else {
        format!("{days} days")
    }
}
