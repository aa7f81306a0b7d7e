use crate::data::support::deployable::deployment_artifact;
use crate::data::support::paths::file_name;
use crate::data::support::test_files::{Marker, TestFiles};
use crate::data::support::text::read_head;
use crate::data::support::with_message;
use crate::prelude::*;

pub struct EndToEndTests;

static META: ControlMeta = ControlMeta {
    id: "TST003",
    slug: "end_to_end_tests",
    title: "End-to-end tests exercise the deployed system",
    area: Area::Testing,
    severity: Severity::Medium,
    remediation: "Add end-to-end tests that drive the running system the way users do: \
                  Playwright or Cypress for web front ends, Selenium/WebdriverIO, or API journeys \
                  in an `e2e/` suite (pytest, Go, Hurl) run against a deployed or composed \
                  environment in CI.",
    references: &[
        "https://playwright.dev/docs/intro",
        "https://docs.cypress.io/guides/overview/why-cypress",
        "https://martinfowler.com/articles/practical-test-pyramid.html#End-to-endTests",
    ],
    concepts: &[
        "end-to-end tests",
        "e2e tests",
        "acceptance tests",
        "playwright",
        "cypress",
        "selenium",
        "smoke tests",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

A deployed service must have end-to-end tests: test files using Playwright, Cypress,
Selenium, Puppeteer or WebdriverIO; test cases in an `e2e/`, `end-to-end/` or `acceptance/`
folder or in `*.e2e-spec.ts` / `*_e2e_test.go` files; Robot Framework suites (`*** Test
Cases ***`), Gherkin features with scenarios, or Hurl files. A framework configured without
any spec (`cypress.config.ts` alone) and a folder holding only a README do not count; neither
do examples or vendored packages. NotApplicable when nothing is deployed from the repository.

## Why it matters in production

Each component can pass its own tests while the whole is broken: a renamed route the front
end still calls, a missing environment variable, a proxy that strips a header, a migration
that was never applied. End-to-end tests are the only ones that see the system as users do.

## Example

Bad: unit tests only.

Good: `e2e/checkout.spec.ts`

```ts
import { test, expect } from '@playwright/test';

test('a customer can check out', async ({ page }) => {
  await page.goto('/products/anvil');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByRole('link', { name: 'Checkout' }).click();
  await expect(page.getByText('Order confirmed')).toBeVisible();
});
```

## References

- Playwright and Cypress documentation
- Martin Fowler, "The Practical Test Pyramid": end-to-end tests
"#,
};

fn in_e2e_folder(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let name = file_name(&lower);
    lower.split('/').any(|d| {
        matches!(
            d,
            "e2e" | "end-to-end" | "e2e-tests" | "acceptance" | "cypress" | "playwright"
        )
    }) || name.contains(".e2e")
        || name.contains("_e2e")
        || name.contains(".cy.")
}

impl Check for EndToEndTests {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let artifact = match deployment_artifact(ws) {
            Ok(a) => a,
            Err(outcome) => return outcome,
        };
        let mut evidence = Vec::new();
        for t in &TestFiles::get(ws).files {
            let framework = t.markers.iter().find_map(|(m, l, c)| match m {
                Marker::EndToEnd(name) => Some((*name, *l, *c)),
                _ => None,
            });
            if let (Some((name, line, col)), Some(_)) = (framework, t.first_test) {
                evidence.push(t.finding(line, col, format!("{name} end-to-end test")));
            } else if let (true, Some((line, col))) = (in_e2e_folder(&t.rel), t.first_test) {
                evidence.push(t.finding(line, col, "end-to-end test case"));
            }
        }
        evidence.extend(other_suites(ws));
        if !evidence.is_empty() {
            evidence.truncate(5);
            return Outcome::pass_with(evidence);
        }
        Outcome::Fail {
            findings: vec![with_message(
                &artifact,
                format!(
                    "the repository deploys a service ({}), but has no end-to-end test (Playwright, Cypress, Selenium, an e2e/ suite)",
                    artifact.message
                ),
            )],
        }
    }
}

/// Robot Framework suites, Gherkin features and Hurl files.
fn other_suites(ws: &Workspace) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in &ws.files {
        let name = f.name();
        let (marker, what) = if name.ends_with(".robot") {
            ("*** Test Cases ***", "Robot Framework suite")
        } else if name.ends_with(".feature") {
            ("Scenario", "Gherkin acceptance scenario")
        } else if name.ends_with(".hurl") {
            ("HTTP", "Hurl end-to-end HTTP test")
        } else {
            continue;
        };
        if f.binary || f.class.vendored() || f.class.docs_or_example() {
            continue;
        }
        let Some(head) = read_head(ws, &f.rel, 16 * 1024) else {
            continue;
        };
        let hit = head.lines().enumerate().find(|(_, l)| {
            l.contains(marker) || (what.starts_with("Hurl") && l.trim_start().starts_with("GET "))
        });
        if let Some((n, _)) = hit
            && let Some(src) = ws.text(&f.rel)
        {
            out.push(finding_at(&src, n as u32 + 1, 1, what));
        }
    }
    out
}
