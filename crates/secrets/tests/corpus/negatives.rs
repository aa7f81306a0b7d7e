//! Hard negatives: values that look like secrets but are not, in the same contexts as the
//! positives. Each is (a name it is assigned to, the value, why it is not a secret).

use super::Gen;

pub fn negatives(g: &mut Gen) -> Vec<(String, String, &'static str)> {
    let mut out: Vec<(String, String, &'static str)> = Vec::new();
    let names = [
        "API_KEY",
        "SECRET_KEY",
        "AUTH_TOKEN",
        "DB_PASSWORD",
        "AWS_SECRET_ACCESS_KEY",
        "STRIPE_SECRET_KEY",
        "GITHUB_TOKEN",
        "SLACK_BOT_TOKEN",
        "OPENAI_API_KEY",
        "JWT_SECRET",
    ];
    let fill_ins = [
        "changeme",
        "change-me",
        "your-api-key",
        "your_api_key_here",
        "<your-token>",
        "<secret>",
        "xxxxxxxxxxxxxxxxxxxxxxxx",
        "XXXXXXXXXXXXXXXXXXXX",
        "${API_KEY}",
        "${SECRET_KEY:-}",
        "{{ .Values.secretKey }}",
        "{{ secrets.API_KEY }}",
        "REPLACE_ME",
        "placeholder",
        "dummy-token",
        "redacted",
        "****************",
        "TODO",
        "insert-key-here",
        "fake-secret",
    ];
    for name in names {
        for v in fill_ins {
            out.push((name.to_string(), v.to_string(), "fill-in"));
        }
    }
    for _ in 0..30 {
        let uuid = format!(
            "{}-{}-4{}-a{}-{}",
            g.hex(8),
            g.hex(4),
            g.hex(3),
            g.hex(3),
            g.hex(12)
        );
        out.push(("REQUEST_ID".into(), uuid, "uuid"));
        let sha = g.hex(40);
        out.push(("GIT_COMMIT".into(), sha, "commit hash"));
        let integrity = format!("sha512-{}==", g.b64(86));
        out.push(("integrity".into(), integrity, "lock-file integrity hash"));
    }
    for doc in [
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ] {
        out.push((
            "AWS_ACCESS_KEY_ID".into(),
            doc.into(),
            "AWS documentation example",
        ));
    }
    for word in [
        "os.environ['API_KEY']",
        "process.env.API_KEY",
        "getenv(\"TOKEN\")",
    ] {
        out.push((
            "API_KEY".into(),
            word.into(),
            "reference to the environment",
        ));
    }
    out
}
