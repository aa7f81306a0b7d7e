//! The labelled corpus, generated (never real credentials): per category, true positives
//! (a rule ID and a generated secret of its format) and hard negatives (values that look like
//! secrets but are not). `contexts` embeds each value in the files real projects write.

pub mod cloud;
pub mod negatives;

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
    out
}

/// Contexts a value is embedded in: file name and content.
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
            "docs/setup.md".into(),
            format!("# Setup\n\nExport the key before running:\n\n    export {name}={value}\n"),
        ),
    ]
}
