//! The labelled corpus, generated (never real credentials): per category, true positives
//! (a rule ID and a generated secret of its format) and hard negatives (values that look like
//! secrets but are not). `contexts` embeds each value in the files real projects write.

pub mod ai;
pub mod chat_mail;
pub mod ci_registry;
pub mod cloud;
pub mod database;
pub mod generic;
pub mod identity;
pub mod negatives;
pub mod observability;
pub mod payments;
pub mod private_key;
pub mod source_hosting;
pub mod token;

/// A deterministic pseudo-random generator (xorshift) so the corpus is stable.
pub struct Gen(u64);

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    /// `n` characters drawn from `alphabet`.
    pub fn chars(&mut self, alphabet: &str, n: usize) -> String {
        let a = alphabet.as_bytes();
        (0..n)
            .map(|_| a[(self.next() % a.len() as u64) as usize] as char)
            .collect()
    }
    pub fn alnum(&mut self, n: usize) -> String {
        self.chars(ALNUM, n)
    }
    pub fn hex(&mut self, n: usize) -> String {
        self.chars("0123456789abcdef", n)
    }
    pub fn b64(&mut self, n: usize) -> String {
        self.chars(
            concat!(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                "+/"
            ),
            n,
        )
    }
    pub fn upper_alnum(&mut self, n: usize) -> String {
        self.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", n)
    }
    pub fn lower_alnum(&mut self, n: usize) -> String {
        self.chars("abcdefghijklmnopqrstuvwxyz0123456789", n)
    }
    /// Alphanumerics plus `_` and `-` (base64url without padding).
    pub fn b64url(&mut self, n: usize) -> String {
        self.chars(
            concat!(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                "_-"
            ),
            n,
        )
    }
    pub fn digits(&mut self, n: usize) -> String {
        self.chars("0123456789", n)
    }
    pub fn letters(&mut self, n: usize) -> String {
        self.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", n)
    }
    /// A lower-case hex UUID (v4 shape).
    pub fn uuid(&mut self) -> String {
        format!(
            "{}-{}-4{}-a{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            self.hex(3),
            self.hex(12)
        )
    }
    /// `n` alphanumerics that contain at least two digits and both letter cases, as real
    /// random tokens almost always do.
    pub fn mixed(&mut self, n: usize) -> String {
        let mut s = self.alnum(n - 3);
        s.push_str(&self.digits(2));
        s.push_str(&self.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1));
        s
    }
    /// PEM body lines of `width` characters holding `total` base64 characters, joined by `nl`.
    pub fn pem_body(&mut self, start: &str, total: usize, width: usize, nl: &str) -> String {
        let body = format!("{start}{}", self.b64(total - start.len()));
        body.as_bytes()
            .chunks(width)
            .map(|c| std::str::from_utf8(c).expect("ascii"))
            .collect::<Vec<_>>()
            .join(nl)
    }
}

/// Base64url without padding, for building JWTs.
pub fn b64url_encode(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk.iter().fold(0u32, |a, &c| (a << 8) | c as u32) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Standard base64 with padding (Basic credentials, Docker `auth`).
pub fn b64_encode(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk.iter().fold(0u32, |a, &c| (a << 8) | c as u32) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A positive embedded in the six generated contexts under `name`.
pub fn p(rule: &'static str, name: &'static str, secret: String) -> Positive {
    Positive {
        rule,
        secret,
        name,
        snippet: None,
    }
}

/// A positive that needs its own surrounding text (`snippet` holds `secret`).
pub fn snip(rule: &'static str, secret: String, snippet: String) -> Positive {
    assert!(
        snippet.contains(&secret),
        "{rule}: snippet must hold the secret"
    );
    Positive {
        rule,
        secret,
        name: "",
        snippet: Some(snippet),
    }
}

pub const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A true positive: the rule that must report it and the line(s) that carry it, written the way
/// the provider's users write it (`AWS_SECRET_ACCESS_KEY=...`, `"token": "..."`). `secret` is
/// the exact value the rule must capture.
pub struct Positive {
    pub rule: &'static str,
    pub secret: String,
    /// A name to assign it to in the generated contexts (`STRIPE_SECRET_KEY`).
    pub name: &'static str,
    /// When the format needs its own text around it (a PEM block, a URL), the whole snippet.
    pub snippet: Option<String>,
}

/// Every positive of every category, from one seed.
pub fn positives() -> Vec<Positive> {
    let mut g = Gen::new(0x5eed_cafe);
    let mut out = Vec::new();
    out.extend(cloud::positives(&mut g));
    out.extend(source_hosting::positives(&mut g));
    out.extend(ci_registry::positives(&mut g));
    out.extend(chat_mail::positives(&mut g));
    out.extend(payments::positives(&mut g));
    out.extend(ai::positives(&mut g));
    out.extend(identity::positives(&mut g));
    out.extend(observability::positives(&mut g));
    out.extend(database::positives(&mut g));
    out.extend(private_key::positives(&mut g));
    out.extend(token::positives(&mut g));
    out.extend(generic::positives(&mut g));
    out
}

/// Contexts a value is embedded in: file name and content (seven: source, Helm values, JSON,
/// .env, Dockerfile, a Kubernetes env list, docs).
pub fn contexts(name: &str, value: &str) -> Vec<(String, String)> {
    let lower = name.to_ascii_lowercase();
    vec![
        (
            "src/config.py".into(),
            format!("import os\n\n# loaded at start\n{lower} = \"{value}\"\nTIMEOUT = 30\n"),
        ),
        (
            "deploy/values.yaml".into(),
            format!("app:\n  replicas: 2\n  env:\n    {name}: \"{value}\"\n"),
        ),
        (
            "config/settings.json".into(),
            format!("{{\n  \"service\": \"billing\",\n  \"{lower}\": \"{value}\"\n}}\n"),
        ),
        (".env".into(), format!("PORT=8080\n{name}={value}\n")),
        (
            "Dockerfile".into(),
            format!("FROM python:3.12-slim\nENV {name}={value}\nCMD [\"python\", \"app.py\"]\n"),
        ),
        (
            "deploy/k8s/deployment.yaml".into(),
            format!(
                "      containers:\n        - name: app\n          env:\n            - name: {name}\n              value: \"{value}\"\n"
            ),
        ),
        (
            "docs/setup.md".into(),
            format!("# Setup\n\nExport the key before running:\n\n    export {name}={value}\n"),
        ),
    ]
}

/// A secret that is part of a larger value (the password in a URL): the value is embedded in
/// every context under `name`, and each context is a positive whose secret is `secret`.
pub fn within(rule: &'static str, name: &'static str, secret: &str, value: &str) -> Vec<Positive> {
    assert!(value.contains(secret), "{rule}: value must hold the secret");
    contexts(name, value)
        .into_iter()
        .map(|(_, text)| Positive {
            rule,
            secret: secret.to_string(),
            name,
            snippet: Some(text),
        })
        .collect()
}
