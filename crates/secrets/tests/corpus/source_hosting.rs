//! Source hosting positives: GitHub tokens carry a valid CRC32 (built with the scanner's own
//! `github_token`), GitLab, Bitbucket, Atlassian.

use super::{Gen, Positive, p};
use vouch_secrets::filter::github_token;

pub fn positives(g: &mut Gen) -> Vec<Positive> {
    let tok = concat!(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "_-"
    );
    let mut out = Vec::new();
    for (rule, prefix, name) in [
        ("SECRET-GITHUB-PAT-CLASSIC", "ghp", "GITHUB_TOKEN"),
        ("SECRET-GITHUB-PAT-CLASSIC", "ghp", "GH_TOKEN"),
        ("SECRET-GITHUB-OAUTH-TOKEN", "gho", "GITHUB_OAUTH_TOKEN"),
        (
            "SECRET-GITHUB-USER-TO-SERVER-TOKEN",
            "ghu",
            "GITHUB_USER_TOKEN",
        ),
        (
            "SECRET-GITHUB-SERVER-TO-SERVER-TOKEN",
            "ghs",
            "GITHUB_APP_TOKEN",
        ),
        ("SECRET-GITHUB-REFRESH-TOKEN", "ghr", "GITHUB_REFRESH_TOKEN"),
    ] {
        out.push(p(rule, name, github_token(prefix, &g.mixed(30))));
    }
    out.extend([
        p(
            "SECRET-GITHUB-FINE-GRAINED-PAT",
            "GITHUB_TOKEN",
            format!("github_pat_{}_{}", g.mixed(22), g.mixed(59)),
        ),
        p(
            "SECRET-GITHUB-OAUTH-CLIENT-SECRET",
            "GITHUB_CLIENT_SECRET",
            g.hex(40),
        ),
        p(
            "SECRET-GITLAB-PAT",
            "GITLAB_TOKEN",
            format!("glpat-{}", g.mixed(20)),
        ),
        p(
            "SECRET-GITLAB-DEPLOY-TOKEN",
            "GITLAB_DEPLOY_TOKEN",
            format!("gldt-{}", g.mixed(20)),
        ),
        p(
            "SECRET-GITLAB-RUNNER-TOKEN",
            "RUNNER_TOKEN",
            format!("glrt-{}", g.mixed(20)),
        ),
        p(
            "SECRET-GITLAB-RUNNER-REGISTRATION-TOKEN",
            "REGISTRATION_TOKEN",
            format!("GR1348941{}", g.mixed(20)),
        ),
        p(
            "SECRET-GITLAB-PIPELINE-TRIGGER-TOKEN",
            "TRIGGER_TOKEN",
            format!("glptt-{}", g.hex(40)),
        ),
        p(
            "SECRET-GITLAB-CI-JOB-TOKEN",
            "CI_JOB_TOKEN",
            format!("glcbt-{}_{}", g.hex(2), g.mixed(20)),
        ),
        p(
            "SECRET-GITLAB-INCOMING-MAIL-TOKEN",
            "INCOMING_EMAIL_TOKEN",
            format!("glimt-{}", g.mixed(25)),
        ),
        p(
            "SECRET-GITLAB-OAUTH-APP-SECRET",
            "GITLAB_OAUTH_SECRET",
            format!("gloas-{}", g.hex(64)),
        ),
        p(
            "SECRET-GITLAB-FEED-TOKEN",
            "GITLAB_FEED_TOKEN",
            format!("glft-{}", g.mixed(20)),
        ),
        p(
            "SECRET-GITLAB-SCIM-TOKEN",
            "GITLAB_SCIM_TOKEN",
            format!("glsoat-{}", g.mixed(20)),
        ),
        p(
            "SECRET-GITLAB-AGENT-TOKEN",
            "AGENT_TOKEN",
            format!("glagent-{}", g.mixed(50)),
        ),
        p(
            "SECRET-GITLAB-FEATURE-FLAG-TOKEN",
            "UNLEASH_INSTANCE_TOKEN",
            format!("glffct-{}", g.mixed(20)),
        ),
        p(
            "SECRET-BITBUCKET-APP-PASSWORD",
            "BITBUCKET_APP_PASSWORD",
            format!("ATBB{}", g.mixed(32)),
        ),
        p(
            "SECRET-BITBUCKET-ACCESS-TOKEN",
            "BITBUCKET_ACCESS_TOKEN",
            format!(
                "ATCTT3xFfGN0{}={}",
                g.chars(tok, 170),
                g.hex(8).to_uppercase()
            ),
        ),
        p(
            "SECRET-ATLASSIAN-API-TOKEN",
            "JIRA_API_TOKEN",
            format!(
                "ATATT3xFfGF0{}={}",
                g.chars(tok, 170),
                g.hex(8).to_uppercase()
            ),
        ),
    ]);
    out
}
