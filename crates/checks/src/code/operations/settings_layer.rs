use crate::code::support::presence_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct SettingsLayer;

static META: ControlMeta = ControlMeta {
    id: "CODE032",
    slug: "settings_layer",
    title: "Configuration is read through one settings layer",
    area: Area::Resilience,
    severity: Severity::Low,
    remediation: "Read configuration in one place, validated at startup, with per-environment \
                  profiles: a pydantic-settings `BaseSettings` class (or Django settings split per \
                  environment), `convict`/`envalid`/`@nestjs/config` with a schema, `viper` or \
                  `envconfig` in Go, `figment`/`config-rs` in Rust, Spring `@ConfigurationProperties` \
                  with profiles. Other modules import the settings object instead of calling \
                  `os.getenv` themselves.",
    references: &[
        "https://12factor.net/config",
        "https://docs.pydantic.dev/latest/concepts/pydantic_settings/",
        "https://github.com/spf13/viper",
        "https://docs.spring.io/spring-boot/reference/features/external-config.html",
    ],
    concepts: &[
        "configuration management",
        "settings layer",
        "centralised configuration",
        "config validation",
        "environment profiles",
        "12-factor config",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The service reads its configuration through a central settings layer: pydantic-settings,
Django settings modules, convict/envalid/`@nestjs/config`, viper/envconfig, figment/config-rs,
Spring `@ConfigurationProperties`. Applies to code that serves HTTP routes.

## Why it matters in production

When every module reads environment variables on its own, a missing or misspelled variable is
discovered at the first request that needs it, possibly hours after the deploy, and nobody can
list what the service needs to run. A settings layer validates everything at startup (the
deploy fails fast, before traffic arrives), documents the variables in one place and makes
per-environment differences explicit.

## Example

Bad:

```python
# app/payments.py
STRIPE_KEY = os.environ["STRIPE_KEY"]
# app/db.py
engine = create_engine(os.getenv("DATABASE_URL"))
```

Good:

```python
# app/settings.py
class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env")
    database_url: PostgresDsn
    stripe_key: SecretStr

settings = Settings()
```

## References

- The Twelve-Factor App, III. Config
- pydantic-settings
- spf13/viper
- Spring Boot, Externalized Configuration
"#,
};

impl Check for SettingsLayer {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        presence_control(
            ws,
            |kind| matches!(kind, FactKind::HasSettingsLayer),
            "configuration is not read through a central settings layer",
        )
    }
}
