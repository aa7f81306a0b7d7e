use crate::http::exposure::{Sensitive, contains, inspect, text};
use crate::prelude::*;

pub struct NoDebugEndpoints;

static META: ControlMeta = ControlMeta {
    id: "HTTP015",
    slug: "no_debug_endpoints",
    title: "Debug endpoints and admin consoles are not served",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Do not mount debug handlers in production builds (Go `net/http/pprof` and \
                  `expvar`, Django debug toolbar, Symfony profiler, Werkzeug console); expose \
                  Spring actuator endpoints other than health on a separate management port; \
                  keep database consoles (phpMyAdmin, Adminer, H2) off the public service.",
    references: &[
        "https://docs.spring.io/spring-boot/reference/actuator/endpoints.html#actuator.endpoints.security",
        "https://pkg.go.dev/net/http/pprof",
        "https://owasp.org/Top10/A05_2021-Security_Misconfiguration/",
        "https://cwe.mitre.org/data/definitions/489.html",
    ],
    concepts: &[
        "debug endpoints",
        "pprof",
        "actuator",
        "admin console",
        "attack surface",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Requests well-known debug and admin paths without credentials and fails when one answers 2xx
with that tool's own content (not the service's catch-all page): Go `/debug/pprof/` and
`/debug/vars`, Spring `/actuator` (listing sensitive endpoints) and `/actuator/env`, Django
debug toolbar `/__debug__/`, Apache `/server-status`, `/phpinfo.php`, the Werkzeug
`/console`, the H2 `/h2-console`, Symfony `/_profiler/`, ELMAH `/elmah.axd`, Jolokia
`/jolokia`, `/adminer.php`, `/phpmyadmin/` and the Django admin `/admin/`.

## Why it matters in production

Debug endpoints dump memory, goroutines, environment variables and configuration (with
secrets), and some run code: a heap dump or `/actuator/env` hands out credentials, the
Werkzeug console and Jolokia execute commands. Admin consoles on the public service invite
password guessing against the most privileged accounts.

## Example

Bad:

```text
GET /actuator/env → 200 application/json: {"activeProfiles":["prod"],"propertySources":[...]}
```

Good:

```text
GET /actuator/env → 404   (management endpoints on :8081, not routed publicly)
```

## References

- Spring Boot: securing actuator endpoints
- Go `net/http/pprof`
- OWASP Top 10 A05: Security Misconfiguration
- CWE-489: Active Debug Code
"#,
};

impl Probe for NoDebugEndpoints {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(inspect(t, ENDPOINTS))
    }
}

fn pprof(b: &[u8]) -> bool {
    contains(b, "Types of profiles available") || contains(b, "/debug/pprof/goroutine")
}

fn expvar(b: &[u8]) -> bool {
    contains(b, "\"memstats\"") && contains(b, "\"cmdline\"")
}

fn actuator_index(b: &[u8]) -> bool {
    let t = text(b);
    t.contains("\"_links\"")
        && [
            "\"env\"",
            "\"heapdump\"",
            "\"threaddump\"",
            "\"configprops\"",
        ]
        .iter()
        .any(|k| t.contains(k))
}

fn actuator_env(b: &[u8]) -> bool {
    contains(b, "\"propertySources\"") || contains(b, "\"activeProfiles\"")
}

fn django_toolbar(b: &[u8]) -> bool {
    contains(b, "djDebug") || contains(b, "djdt")
}

fn server_status(b: &[u8]) -> bool {
    contains(b, "Apache Server Status")
}

fn phpinfo(b: &[u8]) -> bool {
    contains(b, "<title>phpinfo()</title>") || contains(b, "PHP Version </td>")
}

fn werkzeug_console(b: &[u8]) -> bool {
    contains(b, "Werkzeug") && contains(b, "console")
}

fn h2_console(b: &[u8]) -> bool {
    contains(b, "H2 Console")
}

fn symfony_profiler(b: &[u8]) -> bool {
    contains(b, "Symfony Profiler")
}

fn elmah(b: &[u8]) -> bool {
    contains(b, "Error Log for")
}

fn jolokia(b: &[u8]) -> bool {
    contains(b, "\"agent\"") && contains(b, "jolokia")
}

fn adminer(b: &[u8]) -> bool {
    contains(b, "Adminer")
}

fn phpmyadmin(b: &[u8]) -> bool {
    contains(b, "phpMyAdmin")
}

fn django_admin(b: &[u8]) -> bool {
    contains(b, "Django administration") || contains(b, "Django site admin")
}

const ENDPOINTS: &[Sensitive] = &[
    Sensitive {
        path: "/debug/pprof/",
        what: "the Go pprof profiler",
        looks_like: pprof,
    },
    Sensitive {
        path: "/debug/vars",
        what: "Go expvar (memory stats, command line)",
        looks_like: expvar,
    },
    Sensitive {
        path: "/actuator",
        what: "the Spring actuator index with sensitive endpoints",
        looks_like: actuator_index,
    },
    Sensitive {
        path: "/actuator/env",
        what: "the Spring actuator environment",
        looks_like: actuator_env,
    },
    Sensitive {
        path: "/__debug__/",
        what: "the Django debug toolbar",
        looks_like: django_toolbar,
    },
    Sensitive {
        path: "/server-status",
        what: "Apache server-status",
        looks_like: server_status,
    },
    Sensitive {
        path: "/phpinfo.php",
        what: "phpinfo()",
        looks_like: phpinfo,
    },
    Sensitive {
        path: "/console",
        what: "the Werkzeug debugger console",
        looks_like: werkzeug_console,
    },
    Sensitive {
        path: "/h2-console",
        what: "the H2 database console",
        looks_like: h2_console,
    },
    Sensitive {
        path: "/_profiler/",
        what: "the Symfony profiler",
        looks_like: symfony_profiler,
    },
    Sensitive {
        path: "/elmah.axd",
        what: "the ELMAH error log",
        looks_like: elmah,
    },
    Sensitive {
        path: "/jolokia",
        what: "the Jolokia JMX bridge",
        looks_like: jolokia,
    },
    Sensitive {
        path: "/adminer.php",
        what: "the Adminer database console",
        looks_like: adminer,
    },
    Sensitive {
        path: "/phpmyadmin/",
        what: "phpMyAdmin",
        looks_like: phpmyadmin,
    },
    Sensitive {
        path: "/admin/",
        what: "the Django admin",
        looks_like: django_admin,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        assert!(pprof(b"<html>Types of profiles available:</html>"));
        assert!(expvar(b"{\"cmdline\":[\"/app\"],\"memstats\":{}}"));
        assert!(actuator_index(
            b"{\"_links\":{\"self\":{},\"env\":{\"href\":\"/actuator/env\"}}}"
        ));
        assert!(!actuator_index(b"{\"_links\":{\"self\":{},\"health\":{}}}"));
        assert!(actuator_env(b"{\"activeProfiles\":[]}"));
        assert!(!phpinfo(b"<html>our PHP guide</html>"));
        assert!(django_admin(b"<title>Log in | Django site admin</title>"));
    }
}
