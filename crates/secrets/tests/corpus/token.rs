//! JWT positives: header with a real `alg`, a JSON payload and a signature.

use super::{Gen, Positive, b64url_encode, p, snip};

fn jwt(g: &mut Gen, alg: &str, sig_len: usize) -> String {
    let header = format!("{{\"alg\":\"{alg}\",\"typ\":\"JWT\"}}");
    let payload = format!(
        "{{\"sub\":\"svc-{}\",\"iat\":17{},\"scope\":\"orders:write\"}}",
        g.lower_alnum(8),
        g.digits(8)
    );
    format!(
        "{}.{}.{}",
        b64url_encode(header.as_bytes()),
        b64url_encode(payload.as_bytes()),
        g.b64url(sig_len)
    )
}

pub fn positives(g: &mut Gen) -> Vec<Positive> {
    let bearer = jwt(g, "RS256", 342);
    vec![
        p("SECRET-JWT", "SERVICE_JWT", jwt(g, "HS256", 43)),
        p("SECRET-JWT", "ACCESS_TOKEN", jwt(g, "ES256", 86)),
        snip(
            "SECRET-JWT",
            bearer.clone(),
            format!("curl -H \"Authorization: Bearer {bearer}\" https://api.acme.io/v1/orders\n"),
        ),
    ]
}
