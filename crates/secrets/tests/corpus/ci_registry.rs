//! CI, registry and secret-store positives.

use super::{Gen, Positive, b64_encode, p, snip};

pub fn positives(g: &mut Gen) -> Vec<Positive> {
    let tok = concat!(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "_-"
    );
    let npmrc = g.mixed(36);
    let docker_auth = b64_encode(format!("deployer:{}", g.mixed(24)).as_bytes());
    vec![
        snip(
            "SECRET-DOCKER-CONFIG-AUTH",
            docker_auth.clone(),
            format!(
                "{{\n  \"auths\": {{\n    \"registry.acme.io\": {{\n      \"auth\": \"{docker_auth}\"\n    }}\n  }}\n}}\n"
            ),
        ),
        p(
            "SECRET-NPM-ACCESS-TOKEN",
            "NPM_TOKEN",
            format!("npm_{}", g.mixed(36)),
        ),
        snip(
            "SECRET-NPM-NPMRC-AUTH-TOKEN",
            npmrc.clone(),
            format!(
                "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={npmrc}\nalways-auth=true\n"
            ),
        ),
        p(
            "SECRET-PYPI-UPLOAD-TOKEN",
            "TWINE_PASSWORD",
            format!("pypi-AgEIcHlwaS5vcmc{}", g.chars(tok, 160)),
        ),
        p(
            "SECRET-TESTPYPI-UPLOAD-TOKEN",
            "TEST_PYPI_TOKEN",
            format!("pypi-AgENdGVzdC5weXBpLm9yZw{}", g.chars(tok, 160)),
        ),
        p(
            "SECRET-DOCKERHUB-PAT",
            "DOCKERHUB_TOKEN",
            format!("dckr_pat_{}", g.mixed(27)),
        ),
        p(
            "SECRET-DOCKERHUB-ORG-TOKEN",
            "DOCKERHUB_ORG_TOKEN",
            format!("dckr_oat_{}", g.mixed(32)),
        ),
        p(
            "SECRET-RUBYGEMS-API-KEY",
            "GEM_HOST_API_KEY",
            format!("rubygems_{}", g.hex(48)),
        ),
        p(
            "SECRET-CRATES-IO-TOKEN",
            "CARGO_REGISTRY_TOKEN",
            format!("cio{}", g.mixed(32)),
        ),
        p(
            "SECRET-CLOJARS-TOKEN",
            "CLOJARS_PASSWORD",
            format!("CLOJARS_{}", g.lower_alnum(60)),
        ),
        p(
            "SECRET-NUGET-API-KEY",
            "NUGET_API_KEY",
            format!("oy2{}", g.lower_alnum(43)),
        ),
        p(
            "SECRET-ARTIFACTORY-API-KEY",
            "ARTIFACTORY_API_KEY",
            format!("AKCp{}", g.mixed(69)),
        ),
        p(
            "SECRET-ARTIFACTORY-REFERENCE-TOKEN",
            "JFROG_ACCESS_TOKEN",
            format!("cmVmd{}", g.mixed(59)),
        ),
        p(
            "SECRET-CIRCLECI-PERSONAL-TOKEN",
            "CIRCLECI_TOKEN",
            format!("CCIPAT_{}_{}", g.mixed(22), g.hex(40)),
        ),
        p(
            "SECRET-CIRCLECI-PROJECT-TOKEN",
            "CIRCLE_PROJECT_TOKEN",
            format!("CCIPRJ_{}_{}", g.mixed(22), g.hex(40)),
        ),
        p("SECRET-CIRCLECI-LEGACY-TOKEN", "CIRCLECI_TOKEN", g.hex(40)),
        p("SECRET-TRAVIS-CI-TOKEN", "TRAVIS_API_TOKEN", g.mixed(22)),
        p(
            "SECRET-BUILDKITE-API-TOKEN",
            "BUILDKITE_API_TOKEN",
            format!("bkua_{}", g.hex(40)),
        ),
        p(
            "SECRET-BUILDKITE-AGENT-TOKEN",
            "BUILDKITE_AGENT_TOKEN",
            g.lower_alnum(50),
        ),
        p(
            "SECRET-SONARQUBE-TOKEN",
            "SONAR_TOKEN",
            format!("sqp_{}", g.hex(40)),
        ),
        p(
            "SECRET-SONARQUBE-TOKEN",
            "SONAR_TOKEN",
            format!("squ_{}", g.hex(40)),
        ),
        p("SECRET-SNYK-TOKEN", "SNYK_TOKEN", g.uuid()),
        p("SECRET-CODECOV-TOKEN", "CODECOV_TOKEN", g.uuid()),
        p(
            "SECRET-TERRAFORM-CLOUD-TOKEN",
            "TF_TOKEN_app_terraform_io",
            format!("{}.atlasv1.{}", g.mixed(14), g.chars(tok, 67)),
        ),
        p(
            "SECRET-VAULT-SERVICE-TOKEN",
            "VAULT_TOKEN",
            format!("hvs.{}", g.chars(tok, 95)),
        ),
        p(
            "SECRET-VAULT-BATCH-TOKEN",
            "VAULT_TOKEN",
            format!("hvb.{}", g.chars(tok, 150)),
        ),
        p(
            "SECRET-DOPPLER-PERSONAL-TOKEN",
            "DOPPLER_TOKEN",
            format!("dp.pt.{}", g.mixed(43)),
        ),
        p(
            "SECRET-DOPPLER-SERVICE-TOKEN",
            "DOPPLER_TOKEN",
            format!("dp.st.prd.{}", g.mixed(40)),
        ),
        p(
            "SECRET-DOPPLER-CLI-TOKEN",
            "DOPPLER_TOKEN",
            format!("dp.ct.{}", g.mixed(43)),
        ),
        p(
            "SECRET-DOPPLER-SERVICE-ACCOUNT-TOKEN",
            "DOPPLER_TOKEN",
            format!("dp.sa.{}", g.mixed(43)),
        ),
        p(
            "SECRET-PULUMI-ACCESS-TOKEN",
            "PULUMI_ACCESS_TOKEN",
            format!("pul-{}", g.hex(40)),
        ),
    ]
}
