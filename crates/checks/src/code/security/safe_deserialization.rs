use crate::code::support::risk_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct SafeDeserialization;

static META: ControlMeta = ControlMeta {
    id: "CODE010",
    slug: "safe_deserialization",
    title: "Data is deserialised only with formats that cannot run code",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Use data-only formats and loaders: JSON, `yaml.safe_load` (or `Loader=yaml.SafeLoader`), \
                  `torch.load(..., weights_only=True)` or safetensors, Jackson without default typing, \
                  `ObjectInputFilter` allow-lists if Java serialisation cannot be avoided. Never unpickle \
                  or `Marshal.load` bytes that a user, a queue or a shared bucket can supply.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Deserialization_Cheat_Sheet.html",
        "https://docs.python.org/3/library/pickle.html",
        "https://pytorch.org/docs/stable/generated/torch.load.html",
        "https://cwe.mitre.org/data/definitions/502.html",
    ],
    concepts: &[
        "unsafe deserialization",
        "insecure deserialisation",
        "pickle",
        "yaml.safe_load",
        "remote code execution",
        "object injection",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Calls that rebuild objects from bytes in a way that can execute code: `pickle.load(s)`,
`cPickle`, `dill`, `shelve` and `joblib.load` of uploaded or fetched data, `yaml.load` without
`SafeLoader` (or with `Loader=yaml.Loader`/`UnsafeLoader`), `torch.load` of user-supplied paths
without `weights_only=True`, `node-serialize`/`serialize-javascript` `unserialize`, Java
`ObjectInputStream.readObject` on request data, Jackson `enableDefaultTyping`.

`yaml.safe_load`, `json.loads`, and loading files the service itself wrote at build time are
not reported.

## Why it matters in production

Pickle, unsafe YAML and Java serialisation can call any function while loading: a crafted
payload runs a shell command with the service's permissions. Any input path that reaches such a
loader (an upload, a cache entry, a message on a queue, a model file from a bucket) is a remote
code execution.

## Example

Bad:

```python
@app.post("/import")
async def import_settings(file: UploadFile):
    config = yaml.load(await file.read())
    return apply(config)
```

Good:

```python
@app.post("/import")
async def import_settings(file: UploadFile):
    config = yaml.safe_load(await file.read())
    return apply(SettingsIn.model_validate(config))
```

## References

- OWASP Deserialization Cheat Sheet
- Python documentation: pickle (warning about untrusted data)
- PyTorch documentation: torch.load `weights_only`
- CWE-502 Deserialization of Untrusted Data
"#,
};

impl Check for SafeDeserialization {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        risk_control(
            ws,
            |kind| matches!(kind, FactKind::RiskUnsafeDeserialization),
            |fact| {
                format!(
                    "data is deserialised with a loader that can run code ({}): use a data-only format or a safe loader",
                    fact.detail
                )
            },
            "no unsafe deserialisation (pickle, unsafe YAML, torch.load of user paths) found",
        )
    }
}
