//! Hard negatives: values that look like secrets but are not, in the same contexts as the
//! positives. Each is (a name it is assigned to, the value, why it is not a secret).

use super::{Gen, b64_encode, b64url_encode};
use vouch_secrets::filter::github_token;

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
    provider_shaped(g, &mut out);
    references(&mut out);
    hashes_and_ids(g, &mut out);
    keys_and_tokens(g, &mut out);
    connection_strings(&mut out);
    words(&mut out);
    identifiers_near_providers(g, &mut out);
    code_and_config(g, &mut out);
    out
}

type Out = Vec<(String, String, &'static str)>;

fn push(out: &mut Out, name: &str, value: impl Into<String>, why: &'static str) {
    out.push((name.to_string(), value.into(), why));
}

/// Provider-shaped values that fail the format's own test: a wrong checksum, a published
/// documentation key, a public (publishable) key, a fill-in in the token's slot.
fn provider_shaped(g: &mut Gen, out: &mut Out) {
    for prefix in ["ghp", "gho", "ghu", "ghs", "ghr"] {
        for _ in 0..6 {
            // 36 random characters: the last six are not the CRC32 of the first thirty.
            push(
                out,
                "GITHUB_TOKEN",
                format!("{prefix}_{}", g.alnum(36)),
                "checksum-invalid GitHub token",
            );
        }
    }
    let valid = github_token("ghp", "R4nd0mCharsR4nd0mCharsR4nd0mC1");
    let mut edited = valid.into_bytes();
    edited[12] = if edited[12] == b'x' { b'y' } else { b'x' };
    push(
        out,
        "GITHUB_TOKEN",
        String::from_utf8(edited).expect("ascii"),
        "GitHub token with one character edited",
    );
    for doc in [
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    ] {
        push(
            out,
            "STRIPE_SECRET_KEY",
            doc,
            "Stripe documentation test key",
        );
    }
    for _ in 0..8 {
        push(
            out,
            "STRIPE_PUBLISHABLE_KEY",
            format!("pk_live_{}", g.alnum(99)),
            "Stripe publishable key (public)",
        );
        push(
            out,
            "NEXT_PUBLIC_STRIPE_KEY",
            format!("pk_test_{}", g.alnum(99)),
            "Stripe publishable key (public)",
        );
    }
    for v in [
        "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
        "sk_live_XXXXXXXXXXXXXXXXXXXXXXXX",
        "sk_test_...",
        "sk-proj-...",
        "sk-ant-api03-...",
        "xoxb-your-bot-token",
        "xoxb-xxxxxxxxxxxx-xxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx",
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "github_pat_xxxxxxxxxxxxxxxxxxxxxx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "glpat-xxxxxxxxxxxxxxxxxxxx",
        "npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
        "key-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "dckr_pat_xxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "pypi-AgEIcHlwaS5vcmc...",
        "AKIAXXXXXXXXXXXXXXXX",
        "AKIAI44QH8DHBEXAMPLE",
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        "GOCSPX-your-client-secret",
        "hvs.your-vault-token",
        "EAAAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "whsec_...",
        "dop_v1_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "shpat_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "https://discord.com/api/webhooks/000000000000000000/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "NRAK-XXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "https://<key>:<secret>@o0.ingest.sentry.io/0",
        "AGE-SECRET-KEY-1XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    ] {
        push(
            out,
            "API_KEY",
            v,
            "provider-shaped fill-in or documentation value",
        );
    }
    for _ in 0..6 {
        push(
            out,
            "TWILIO_ACCOUNT_SID",
            format!("AC{}", g.hex(32)),
            "Twilio account SID (an identifier)",
        );
        push(
            out,
            "SENTRY_DSN",
            format!(
                "https://{}@o{}.ingest.sentry.io/{}",
                g.hex(32),
                g.digits(6),
                g.digits(7)
            ),
            "Sentry DSN without a secret (public)",
        );
        push(
            out,
            "RAZORPAY_KEY_ID",
            format!("rzp_live_{}", g.alnum(14)),
            "Razorpay key id (public)",
        );
        push(
            out,
            "POSTHOG_PROJECT_KEY",
            format!("phc_{}", g.alnum(43)),
            "PostHog project key (public)",
        );
        push(
            out,
            "NEW_RELIC_BROWSER_KEY",
            format!("NRJS-{}", g.hex(19)),
            "New Relic browser key (public)",
        );
    }
    for name in [
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_SUBSCRIPTION_ID",
        "ARM_TENANT_ID",
        "OKTA_CLIENT_ID",
    ] {
        for _ in 0..3 {
            push(out, name, g.uuid(), "Azure/Okta identifier (UUID)");
        }
    }
    for _ in 0..5 {
        push(out, "AWS_ACCOUNT_ID", g.digits(12), "AWS account id");
        push(
            out,
            "ROLE_ARN",
            format!("arn:aws:iam::{}:role/deployer", g.digits(12)),
            "ARN",
        );
        push(
            out,
            "GOOGLE_CLIENT_ID",
            format!(
                "{}-{}.apps.googleusercontent.com",
                g.digits(12),
                g.lower_alnum(32)
            ),
            "Google OAuth client id (public)",
        );
    }
}

/// References to a secret, never the secret.
fn references(out: &mut Out) {
    let names = [
        "DB_PASSWORD",
        "API_TOKEN",
        "SECRET_KEY",
        "CLIENT_SECRET",
        "PRIVATE_KEY",
        "DATABASE_URL",
    ];
    let refs = [
        "${{ secrets.DEPLOY_TOKEN }}",
        "$(cat /run/secrets/db_password)",
        "vault:secret/data/billing#password",
        "!Ref DbPasswordParameter",
        "{{ .Values.database.password }}",
        "{{ required \"token\" .Values.token }}",
        "%(DB_PASSWORD)s",
        "ENV['STRIPE_SECRET_KEY']",
        "System.getenv(\"API_TOKEN\")",
        "config.get(\"api_key\")",
        "settings.SECRET_KEY",
        "ref+awsssm://prod/billing/db-password",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",
        "projects/billing-prod/secrets/db-password/versions/latest",
        "op://Production/Billing DB/password",
        "$DB_PASSWORD",
        "${DB_PASSWORD:?required}",
        "os.getenv(\"SECRET_KEY\", \"\")",
        "secretKeyRef",
        "/var/run/secrets/kubernetes.io/serviceaccount/token",
        "./secrets/signing.key",
        "~/.ssh/id_ed25519",
        "process.env.STRIPE_SECRET_KEY",
        "Deno.env.get(\"API_TOKEN\")",
        "env(\"APP_SECRET\")",
    ];
    for name in names {
        for r in refs {
            push(out, name, r, "reference to a secret");
        }
    }
}

/// Digests, identifiers and encoded data that look random.
fn hashes_and_ids(g: &mut Gen, out: &mut Out) {
    for _ in 0..10 {
        push(out, "checksum", g.hex(64), "Cargo.lock checksum");
        push(out, "h1", format!("h1:{}=", g.b64(43)), "go.sum hash");
        push(
            out,
            "resolved",
            format!(
                "https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz#{}",
                g.hex(40)
            ),
            "yarn.lock resolved URL with sha1",
        );
        push(
            out,
            "image",
            format!("ghcr.io/acme/api@sha256:{}", g.hex(64)),
            "image digest",
        );
        push(out, "ETAG", format!("\\\"{}\\\"", g.hex(32)), "ETag (md5)");
        push(
            out,
            "logo",
            format!(
                "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA{}",
                g.b64(200)
            ),
            "base64 image",
        );
        push(
            out,
            "sourceMappingURL",
            format!(
                "data:application/json;charset=utf-8;base64,eyJ2ZXJzaW9uIjozLCJzb3VyY2VzIjpb{}",
                g.b64(160)
            ),
            "inline source map",
        );
        push(
            out,
            "chunk",
            format!("static/js/main.{}.chunk.js", g.hex(8)),
            "bundle file name hash",
        );
        push(
            out,
            "integrity",
            format!("sha384-{}", g.b64(64)),
            "subresource integrity hash",
        );
        push(out, "TRACE_ID", g.hex(32), "trace id");
        push(out, "SPAN_ID", g.hex(16), "span id");
        push(
            out,
            "BUILD_ID",
            format!("{}-{}", g.digits(8), g.hex(7)),
            "build id",
        );
        push(out, "nonce", g.b64(24), "CSP nonce in a template");
    }
    for _ in 0..10 {
        let minified = format!(
            "function(e,t,n){{var r=n({}),o=n.n(r),a=\"{}\";return o()(a)}}",
            g.digits(3),
            g.alnum(20)
        );
        push(out, "bundle", minified, "minified bundle");
    }
}

/// Public keys, certificates, key placeholders and unsigned JWTs.
fn keys_and_tokens(g: &mut Gen, out: &mut Out) {
    for _ in 0..5 {
        push(
            out,
            "PUBLIC_KEY",
            format!(
                "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----",
                g.pem_body("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A", 300, 64, "\n")
            ),
            "PEM public key",
        );
        push(
            out,
            "CA_CERT",
            format!(
                "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----",
                g.pem_body("MIIDdzCCAl+gAwIBAgIE", 400, 64, "\n")
            ),
            "certificate",
        );
        push(
            out,
            "RSA_PUBLIC_KEY",
            format!(
                "-----BEGIN RSA PUBLIC KEY-----\n{}\n-----END RSA PUBLIC KEY-----",
                g.pem_body("MIIBCgKCAQEA", 300, 64, "\n")
            ),
            "PKCS#1 public key",
        );
        push(
            out,
            "DEPLOY_KEY_PUB",
            format!(
                "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ{} deploy@ci",
                g.b64(300)
            ),
            "SSH public key",
        );
        push(
            out,
            "AUTHORIZED_KEY",
            format!(
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{} ops@bastion",
                g.b64(43)
            ),
            "SSH public key",
        );
        push(
            out,
            "PGP_PUBLIC_KEY",
            format!(
                "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n{}\n-----END PGP PUBLIC KEY BLOCK-----",
                g.pem_body("mQINBF", 300, 64, "\n")
            ),
            "PGP public key",
        );
    }
    for label in [
        "RSA PRIVATE KEY",
        "PRIVATE KEY",
        "EC PRIVATE KEY",
        "OPENSSH PRIVATE KEY",
        "ENCRYPTED PRIVATE KEY",
        "PGP PRIVATE KEY BLOCK",
        "DSA PRIVATE KEY",
    ] {
        push(
            out,
            "TLS_KEY",
            format!("-----BEGIN {label}-----\n...\n-----END {label}-----"),
            "private key placeholder (no body)",
        );
        push(
            out,
            "TLS_KEY",
            format!("-----BEGIN {label}-----\nMIIE...your key here...\n-----END {label}-----"),
            "private key placeholder",
        );
        push(
            out,
            "TLS_KEY",
            format!("-----BEGIN {label}-----\n-----END {label}-----"),
            "empty private key block",
        );
        push(
            out,
            "TLS_KEY",
            format!("-----BEGIN {label}-----\\n<contents of key.pem>\\n-----END {label}-----"),
            "private key placeholder (escaped)",
        );
    }
    let none = b64url_encode(b"{\"alg\":\"none\",\"typ\":\"JWT\"}");
    for _ in 0..10 {
        let payload =
            b64url_encode(format!("{{\"sub\":\"{}\",\"admin\":true}}", g.digits(10)).as_bytes());
        push(
            out,
            "ACCESS_TOKEN",
            format!("{none}.{payload}."),
            "unsigned JWT (alg none)",
        );
        push(
            out,
            "ID_TOKEN",
            format!("{none}.{payload}.{}", g.b64url(43)),
            "alg none JWT with a tail",
        );
        let hs = b64url_encode(b"{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        push(
            out,
            "ACCESS_TOKEN",
            format!("{hs}.{payload}."),
            "JWT with an empty signature",
        );
        let not_json =
            b64url_encode(format!("plain text {} not a claim set", g.alnum(12)).as_bytes());
        push(
            out,
            "ACCESS_TOKEN",
            format!("eyJ{}.eyJ{}.{}", g.alnum(20), not_json, g.b64url(43)),
            "JWT-shaped, header and payload not JSON",
        );
    }
    push(
        out,
        "JWT_EXAMPLE",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "jwt.io documentation token",
    );
}

/// Connection strings without a literal password, pointing at loopback, or with a default.
fn connection_strings(out: &mut Out) {
    for v in [
        "postgres://app:${DB_PASSWORD}@db.prod.internal:5432/app",
        "postgresql://app:$(PGPASSWORD)@db:5432/app",
        "postgres://postgres:postgres@localhost:5432/postgres",
        "postgresql://app:devpass123@localhost/app_dev",
        "postgres://app:s3cr3tdev99@127.0.0.1:5432/app",
        "postgres://app@db.prod.internal:5432/app",
        "postgres://app:password@db:5432/app",
        "postgres://user:pass@host:5432/db",
        "postgres://{{ .Values.db.user }}:{{ .Values.db.password }}@db/app",
        "mysql://root:root@localhost:3306/app",
        "mysql://root:${MYSQL_ROOT_PASSWORD}@mysql:3306/app",
        "mysql+pymysql://app:%(password)s@db/app",
        "mongodb://mongo:mongo@localhost:27017",
        "mongodb+srv://svc:<password>@cluster0.ab1cd.mongodb.net/app",
        "mongodb://root:example@mongo:27017/",
        "redis://localhost:6379/0",
        "redis://:${REDIS_PASSWORD}@cache:6379/0",
        "redis://default:redis@127.0.0.1:6379",
        "amqp://guest:guest@rabbitmq:5672/",
        "amqp://guest:guest@localhost:5672//",
        "amqps://orders:${RABBITMQ_PASSWORD}@mq.prod.internal:5671/orders",
        "neo4j://neo4j:neo4j@localhost:7687",
        "Server=localhost;Database=app;User Id=sa;Password=Dev0nlyPassw0rd!;",
        "Server=(localdb)\\\\MSSQLLocalDB;Database=app;Trusted_Connection=True;",
        "Server=tcp:sql.prod.internal,1433;Database=app;User ID=app;Password=${SQL_PASSWORD};",
        "https://user:pass@example.com/path",
        "https://admin:${ADMIN_PASSWORD}@grafana.acme.io",
        "http://admin:admin@localhost:3000",
        "https://x-access-token:${GITHUB_TOKEN}@github.com/acme/infra.git",
        "https://oauth2:$CI_JOB_TOKEN@gitlab.com/acme/infra.git",
    ] {
        push(
            out,
            "DATABASE_URL",
            v,
            "connection string without a real password",
        );
    }
}

/// Human words and settings near secret-like names.
fn words(out: &mut Out) {
    let pairs = [
        ("PASSWORD", "administrator"),
        ("PASSWORD", "correcthorsebatterystaple"),
        ("PASSWORD_MIN_LENGTH", "12"),
        ("PASSWORD_RESET_URL", "https://acme.io/reset"),
        ("PASSWORD_HASHER", "argon2id"),
        (
            "password_hash",
            "$2b$12$KIXQJvXy0QOaZpF3f3P1ne5WcYkRcYj9m2yGZk1oO2pQ0u5b1pQ9a",
        ),
        ("SECRET_NAME", "billing-api-credentials-2024"),
        ("TOKEN_URL", "https://oauth2.googleapis.com/token"),
        ("TOKEN_TTL", "3600"),
        ("TOKEN_TYPE", "Bearer"),
        ("SECRET_KEY_BASE_FILE", "/run/secrets/secret_key_base"),
        ("API_KEY_HEADER", "X-Api-Key"),
        ("API_KEY_PREFIX", "acme_live_"),
        ("AUTH_TOKEN_EXPIRES_IN", "15m"),
        ("PRIVATE_KEY_PATH", "/etc/ssl/private/server.key"),
        ("PRIVATE_KEY_ID", "3f9a0c4e1b7d2a8f6e5c9b0a1d3e7f2c41a8b9d0"),
        ("CLIENT_SECRET_ENV", "OIDC_CLIENT_SECRET"),
        ("SECRET", "development"),
        ("TOKEN", "my-personal-access-token"),
        ("API_KEY", "test"),
        ("API_KEY", "none"),
        ("API_KEY", "null"),
        ("SECRET_KEY", "django-insecure-dev-only"),
        ("JWT_SECRET", "supersecretjwtkeyfordev"),
        ("ACCESS_KEY", "read-only-access-key"),
        ("message", "Your password reset token has expired"),
        ("log", "token refreshed for user 42"),
        ("hint", "password must contain 8 characters"),
        ("TOKENIZER_PATH", "models/tokenizer.json"),
        ("SECRET_MANAGER", "aws-secrets-manager"),
        ("CREDENTIALS_PROVIDER", "instance-profile"),
        ("AUTH_KEY_ALGORITHM", "ES256"),
        ("SIGNING_KEY_ROTATION", "P90D"),
        ("PASSWORD_POLICY", "length>=12,upper,lower,digit"),
        ("PWD", "/home/runner/work/app/app"),
    ];
    for (name, v) in pairs {
        push(out, name, v, "human word or setting");
    }
}

/// Identifiers that sit next to a provider's name and have a token's shape.
fn identifiers_near_providers(g: &mut Gen, out: &mut Out) {
    for name in [
        "HEROKU_APP_ID",
        "SNYK_ORG_ID",
        "SCW_DEFAULT_PROJECT_ID",
        "SCW_DEFAULT_ORGANIZATION_ID",
        "POSTMARK_TEMPLATE_ID",
        "OPSGENIE_TEAM_ID",
        "SPLUNK_HEC_INDEX",
        "CODECOV_REPO_ID",
        "MONGODB_ATLAS_PROJECT_ID",
        "DATADOG_MONITOR_ID",
    ] {
        push(out, name, g.uuid(), "identifier next to a provider name");
    }
    for name in [
        "CLOUDFLARE_ACCOUNT_ID",
        "CLOUDFLARE_ZONE_ID",
        "ROLLBAR_PROJECT_ID",
        "MAILJET_SENDER_ID",
        "BUGSNAG_PROJECT_ID",
        "DD_CLIENT_ID",
        "AZURE_OPENAI_DEPLOYMENT_ID",
        "ASSEMBLYAI_TRANSCRIPT_ID",
        "FACEBOOK_PIXEL_ID",
        "TWILIO_MESSAGING_SERVICE_SID",
    ] {
        push(
            out,
            name,
            g.hex(32),
            "hex identifier next to a provider name",
        );
    }
    for name in [
        "LINODE_IMAGE_ID",
        "WANDB_RUN_ID",
        "SPARKPOST_TEMPLATE_ID",
        "CIRCLECI_PIPELINE_ID",
        "GITHUB_SHA",
    ] {
        push(
            out,
            name,
            g.hex(40),
            "hex identifier next to a provider name",
        );
        push(
            out,
            name,
            g.hex(64),
            "hex identifier next to a provider name",
        );
    }
    for name in [
        "AUTH0_CLIENT_ID",
        "KEYCLOAK_CLIENT_ID",
        "PAYPAL_CLIENT_ID",
        "TWITTER_CLIENT_ID",
        "LINKEDIN_CLIENT_ID",
    ] {
        push(out, name, g.alnum(32), "OAuth client id (public)");
    }
    for (name, v) in [
        ("FASTLY_SERVICE_ID", g.alnum(22)),
        ("HONEYCOMB_DATASET", "checkout-service-traces".to_string()),
        ("MISTRAL_MODEL", "mistral-large-latest".to_string()),
        ("COHERE_MODEL", "command-r-plus-08-2024".to_string()),
        ("OKTA_CLIENT_ID", format!("0oa{}", g.alnum(17))),
        ("GITHUB_CLIENT_ID", format!("Iv1.{}", g.hex(16))),
        ("DD_SITE", "datadoghq.eu".to_string()),
        ("SENTRY_ORG", "acme-platform".to_string()),
        ("cache", format!("cache-key-{}", g.hex(32))),
        ("i18n", format!("label-key-{}", g.hex(32))),
        ("bucket", format!("{}-us-east-1", g.hex(32))),
        ("message_id", format!("{}-en-us", g.hex(32))),
    ] {
        push(out, name, v, "provider-adjacent identifier or setting");
    }
}

/// What code and configuration write where a secret would go, when it is not one.
fn code_and_config(g: &mut Gen, out: &mut Out) {
    for (name, v) in [
        ("password", "var.db_password".to_string()),
        ("password", "random_password.db.result".to_string()),
        ("password", "data.aws_ssm_parameter.db.value".to_string()),
        ("PASSWORD", "BuildConfig.DB_PASSWORD".to_string()),
        ("Password", "os.Getenv(\\\"DB_PASSWORD\\\")".to_string()),
        ("password", "getpass.getpass()".to_string()),
        ("PASSWORD", "admin123".to_string()),
        ("PASSWORD", "Welcome2024!".to_string()),
        ("PASSWORD", "P@ssw0rd".to_string()),
        ("PASSWORD", "test1234".to_string()),
        (
            "PASSWORD",
            format!("$2b$12${}", g.b64(53).replace('+', ".")),
        ),
        (
            "PASSWORD",
            format!("$argon2id$v=19$m=65536,t=3,p=4${}${}", g.b64(22), g.b64(43)),
        ),
        (
            "PASSWORD",
            format!(
                "ENC[AES256_GCM,data:{},iv:{},tag:{},type:str]",
                g.b64(24),
                g.b64(43),
                g.b64(22)
            ),
        ),
        ("PASSWORD", format!("AgB{}", g.b64(700))),
        ("PASSWORD", "$ANSIBLE_VAULT;1.1;AES256".to_string()),
        ("API_TOKEN", "test-token-1234567890".to_string()),
        ("API_TOKEN", format!("mock-api-token-{}", g.digits(8))),
        ("SECRET_KEY", format!("django-insecure-{}", g.b64url(50))),
        ("SECRET_KEY", "local-dev-secret-key-000001".to_string()),
        ("JWT_SECRET", format!("my-jwt-secret-{}", g.digits(6))),
        ("AUTH_TOKEN", format!("sample_token_{}", g.digits(10))),
        (
            "ACCESS_TOKEN",
            format!("debug-access-token-{}", g.digits(4)),
        ),
        (
            "PRIVATE_KEY",
            "if line.startswith('-----BEGIN PRIVATE KEY-----'):".to_string(),
        ),
        ("PEM_HEADER", "-----BEGIN RSA PRIVATE KEY-----".to_string()),
        ("token", "{{ include \\\"app.token\\\" . }}".to_string()),
        (
            "password",
            "{\\\"type\\\": \\\"string\\\", \\\"minLength\\\": 12}".to_string(),
        ),
        (
            "settings",
            "<password>${env.NEXUS_PASSWORD}</password>".to_string(),
        ),
        (
            "settings",
            "<password>{COQLCE6DU6GtcS5P=}</password>".to_string(),
        ),
        ("settings", "<password>changeme</password>".to_string()),
        ("settings", "<apiKey>your-api-key-here</apiKey>".to_string()),
        (
            "header",
            format!("Authorization: Basic {}", b64_encode(b"user:password")),
        ),
        (
            "header",
            format!("Authorization: Basic {}", b64_encode(b"admin:admin")),
        ),
        (
            "header",
            "Authorization: Basic $(echo -n $USER:$PASS | base64)".to_string(),
        ),
        (
            "header",
            format!("Authorization: Basic {}", b64_encode(b"api:${API_KEY}")),
        ),
        ("header", "Authorization: Bearer $ACCESS_TOKEN".to_string()),
        ("header", "Authorization: Bearer <token>".to_string()),
        (
            "netrc",
            "machine github.com login x-access-token password ${GITHUB_TOKEN}".to_string(),
        ),
        (
            "prose",
            "This machine has no password set; the login uses a key.".to_string(),
        ),
        (
            "token",
            "windows_sys::Win32::Foundation::HANDLE".to_string(),
        ),
        (
            "url",
            "http://user:p%40ss%3Aword@example.com/path".to_string(),
        ),
        (
            "DATABASE_URL",
            "postgres://app:Zq8v2LmR7tXw@db.example.com:5432/app".to_string(),
        ),
        (
            "REDIS_URL",
            "redis://:Zq8v2LmR7tXw@cache.example:6379/0".to_string(),
        ),
        (
            "MIRROR",
            "https://deploy:Zq8v2LmR7tXw@git.example.org/infra.git".to_string(),
        ),
        (
            "AMQP_URL",
            "amqp://app:Zq8v2LmR7tXw@mq.test:5672/".to_string(),
        ),
        (
            "credentials",
            "yegor256/home#assets/crates-credentials".to_string(),
        ),
        ("signing_key_pub", format!("{}=", g.b64(43))),
        ("SERVER_PUBLIC_KEY", format!("{}=", g.b64(43))),
        (
            "docker",
            "{\\\"auths\\\": {\\\"ghcr.io\\\": {\\\"auth\\\": \\\"\\\"}}}".to_string(),
        ),
        (
            "docker",
            format!(
                "{{\\\"auths\\\": {{\\\"ghcr.io\\\": {{\\\"auth\\\": \\\"{}\\\"}}}}}}",
                b64_encode(b"user:${CR_PAT}")
            ),
        ),
    ] {
        push(out, name, v, "code or config that is not a secret");
    }
}
