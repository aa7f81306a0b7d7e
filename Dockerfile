# syntax=docker/dockerfile:1
# vouch: `vouch serve` (and every other subcommand) in a slim Debian image, run as a non-root
# user. Build: docker build -t vouch:dev .   Run: see docker-compose.yml and deploy/.

# ---- build: the release binary of the vouch-cli package ----
FROM rust:1.95.0-slim-bookworm AS build
WORKDIR /src

# Dependencies first, from the manifests alone: this layer is rebuilt only when Cargo.toml or
# Cargo.lock change, not on every source edit. Each crate gets an empty stand-in source so
# cargo can resolve and compile the workspace's third-party dependencies.
COPY Cargo.toml Cargo.lock ./
COPY crates/checklist/Cargo.toml crates/checklist/
COPY crates/checks/Cargo.toml crates/checks/
COPY crates/cli/Cargo.toml crates/cli/
COPY crates/code/Cargo.toml crates/code/
COPY crates/core/Cargo.toml crates/core/
COPY crates/keywords/Cargo.toml crates/keywords/
COPY crates/load/Cargo.toml crates/load/
COPY crates/probes/Cargo.toml crates/probes/
COPY crates/report/Cargo.toml crates/report/
COPY crates/secrets/Cargo.toml crates/secrets/
COPY crates/server/Cargo.toml crates/server/
COPY crates/testtarget/Cargo.toml crates/testtarget/
COPY crates/workspace/Cargo.toml crates/workspace/
RUN for dir in crates/*/; do mkdir -p "${dir}src" && : > "${dir}src/lib.rs"; done \
 && echo 'fn main() {}' > crates/cli/src/main.rs \
 && echo 'fn main() {}' > crates/testtarget/src/main.rs \
 && mkdir -p crates/secrets/benches && echo 'fn main() {}' > crates/secrets/benches/keywords.rs \
 && cargo build --release --locked -p vouch-cli \
 && rm -rf crates/*/src crates/secrets/benches

# Then the real sources. Their timestamps can be older than the stand-ins' build, so touch
# them: cargo must rebuild every workspace crate, never reuse an empty stand-in.
COPY crates/ crates/
COPY integrations/gitlab/vouch.gitlab-ci.yml integrations/gitlab/
RUN find crates -path '*/src/*' -exec touch {} + \
 && cargo build --release --locked -p vouch-cli \
 && install -D -m 0755 target/release/vouch /out/vouch

# ---- runtime ----
FROM debian:12.12-slim AS runtime

# ca-certificates: TLS to PostgreSQL, OIDC issuers and webhook receivers; git: audit jobs clone
# repositories with the git command line. Nothing else: no shell tools are needed at run time.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates=20230311+deb12u1 \
      git=1:2.39.5-0+deb12u3 \
 && rm -rf /var/lib/apt/lists/*

# A fixed numeric id, so Kubernetes' runAsNonRoot can verify it and volumes can be chowned to it.
RUN groupadd --system --gid 10001 vouch \
 && useradd --system --uid 10001 --gid vouch --home-dir /var/lib/vouch --shell /usr/sbin/nologin vouch \
 && install -d -o vouch -g vouch -m 0750 /var/lib/vouch /var/lib/vouch/backups

COPY --from=build /out/vouch /usr/local/bin/vouch

ENV VOUCH_DATA_DIR=/var/lib/vouch \
    VOUCH_MODE=production
WORKDIR /var/lib/vouch
USER 10001:10001
EXPOSE 8080

# `vouch healthcheck` asks 127.0.0.1:8080/healthz with a 3-second limit: no curl in the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["vouch", "healthcheck"]

ENTRYPOINT ["vouch"]
CMD ["serve", "--listen", "0.0.0.0:8080"]
