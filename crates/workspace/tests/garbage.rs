//! Parsers never panic: thousands of seeded mutations of realistic inputs (byte flips,
//! truncations, duplicated slices) must each end in a value or an error.

use vouch_workspace::{SourceText, dockerfile, yaml};

const YAML: &str = "version: '3.9'\nx-common: &common\n  restart: unless-stopped\nservices:\n  api:\n    <<: *common\n    image: ghcr.io/acme/api:1.4.2\n    ports: [\"127.0.0.1:8000:8000\"]\n    environment:\n      DATABASE_URL: ${DATABASE_URL}\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/healthz\"]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, labels: {app: api}}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api@sha256:abc\n          args: |\n            --port=8000\n";
const DOCKERFILE: &str = "# syntax=docker/dockerfile:1\nARG PY=3.12\nFROM python:${PY}-slim AS build\nRUN --mount=type=cache,target=/root/.cache \\\n    pip install -r requirements.txt\nFROM gcr.io/distroless/python3:nonroot\nCOPY --from=build /app /app\nRUN <<EOF\nset -e\necho hi\nEOF\nHEALTHCHECK CMD [\"/app/health\"]\nUSER 10001\nENTRYPOINT [\"/app/run\"]\n";

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic, good enough to mutate inputs.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, base: &[u8]) -> Vec<u8> {
    const BYTES: &[u8] = b"\n\t :-[]{}&*<>|#'\"\\$x0\x00\xff";
    let mut v = base.to_vec();
    for _ in 0..1 + rng.below(4) {
        match rng.below(4) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] = BYTES[rng.below(BYTES.len())];
            }
            1 => v.truncate(rng.below(v.len() + 1)),
            2 if !v.is_empty() => {
                let a = rng.below(v.len());
                let b = (a + rng.below(40)).min(v.len());
                let slice = v[a..b].to_vec();
                let at = rng.below(v.len());
                v.splice(at..at, slice);
            }
            _ => {
                let at = rng.below(v.len() + 1);
                v.insert(at, b'\n');
            }
        }
    }
    v
}

#[test]
fn yaml_parser_survives_mutations() {
    let mut rng = Rng(0x5eed_1234);
    let (mut ok, mut err) = (0, 0);
    for _ in 0..3000 {
        let bytes = mutate(&mut rng, YAML.as_bytes());
        match yaml::parse_str(&String::from_utf8_lossy(&bytes)) {
            Ok(_) => ok += 1,
            Err(e) => {
                assert!(
                    e.line >= 1 && !e.message.is_empty(),
                    "errors carry a position and a message"
                );
                err += 1;
            }
        }
    }
    assert!(
        ok > 0 && err > 0,
        "the mutations exercise both paths ({ok} ok, {err} errors)"
    );
}

#[test]
fn dockerfile_parser_survives_mutations() {
    let mut rng = Rng(0x0d0c_4e12);
    for _ in 0..3000 {
        let bytes = mutate(&mut rng, DOCKERFILE.as_bytes());
        let src = SourceText::from_bytes("Dockerfile", &bytes);
        match dockerfile::parse(&src) {
            Ok(df) => assert!(!df.stages.is_empty(), "a parsed Dockerfile has a stage"),
            Err(e) => assert!(e.line >= 1 && !e.message.is_empty()),
        }
    }
}
