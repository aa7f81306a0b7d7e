use crate::support::*;
use vouch_testtarget::Mode;

#[tokio::test]
async fn nothing_is_exposed_on_the_good_target() {
    assert_pass(&probe(Mode::Good, "HTTP014").await);
    assert_pass(&probe(Mode::Good, "HTTP015").await);
}

#[tokio::test]
async fn exposed_env_and_git_fail_with_redacted_evidence() {
    let r = probe(Mode::ExposedEnv, "HTTP014").await;
    assert_fail(&r);
    let paths: Vec<&str> = r
        .findings
        .iter()
        .map(|f| f.location.path.as_str())
        .collect();
    assert_eq!(paths, vec!["/.env", "/.git/config"]);
    let env = snippet(&r.findings[0]);
    assert!(
        env.starts_with("GET /.env → 200 text/plain: DATABASE_URL=postgres://app:****@db"),
        "{env}"
    );
    assert!(
        !env.contains("Pa55w0rd") && !env.contains("9f8e7d6c5b4a"),
        "{env}"
    );
}

#[tokio::test]
async fn exposed_actuator_fails() {
    let r = probe(Mode::ExposedEnv, "HTTP015").await;
    let f = assert_fail(&r);
    assert_eq!(f.location.path, "/actuator/env");
    assert!(f.message.contains("Spring actuator environment"));
}

#[tokio::test]
async fn a_single_page_app_answering_200_everywhere_is_not_an_exposure() {
    assert_pass(&probe(Mode::SpaCatchAll, "HTTP014").await);
    assert_pass(&probe(Mode::SpaCatchAll, "HTTP015").await);
}
