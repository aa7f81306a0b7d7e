use crate::data::support::deployable::deployment_artifact;
use crate::data::support::paths::is_product_path;
use crate::data::support::terraform::Terraform;
use crate::data::support::with_message;
use crate::data::support::yaml_files::for_each_yaml;
use crate::prelude::*;
use vouch_workspace::FileKind;

pub struct InfrastructureAsCode;

static META: ControlMeta = ControlMeta {
    id: "DOC004",
    slug: "infrastructure_as_code",
    title: "Infrastructure is defined as code",
    area: Area::Deployment,
    severity: Severity::Medium,
    remediation: "Describe the infrastructure the service needs (network, cluster, database, \
                  buckets, DNS, IAM) with an IaC tool kept in version control: Terraform/OpenTofu, \
                  Pulumi, CloudFormation/SAM, the AWS CDK, Bicep, or Crossplane resources. If the \
                  infrastructure lives in another repository, suppress this control with a reason \
                  that names it.",
    references: &[
        "https://developer.hashicorp.com/terraform/intro",
        "https://www.pulumi.com/docs/concepts/",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/Welcome.html",
        "https://docs.crossplane.io/latest/",
        "https://martinfowler.com/bliki/InfrastructureAsCode.html",
    ],
    concepts: &[
        "infrastructure as code",
        "IaC",
        "terraform",
        "pulumi",
        "cloudformation",
        "CDK",
        "crossplane",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

A deployed service must define its infrastructure as code in the repository: Terraform or
OpenTofu (`*.tf` with `resource` or `module` blocks, `terragrunt.hcl`), Pulumi (`Pulumi.yaml`),
CloudFormation or SAM templates (`AWSTemplateFormatVersion`, `AWS::` resource types), the AWS
CDK (`cdk.json`), Bicep (`*.bicep`), ARM templates, or Crossplane/ACK/Config Connector resources
(`*.crossplane.io`, `*.upbound.io`, `*.services.k8s.aws`, `*.cnrm.cloud.google.com`). Vendored
modules (`.terraform/`), examples and test fixtures do not count. Kubernetes manifests and Helm
charts describe the deployment, not the infrastructure under it, so they are not enough on
their own. NotApplicable when nothing is deployed from the repository.

## Why it matters in production

Infrastructure clicked together in a console cannot be reviewed, reproduced or rolled back.
After an outage or a region loss nobody knows exactly which security groups, parameter groups
or IAM policies made production work; staging drifts from production; and every change is a
manual, unaudited operation.

## Example

Bad: a service with a Dockerfile and Kubernetes manifests, and a wiki page describing how the
database and the cluster were created by hand.

Good: `infra/main.tf`

```hcl
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"
  name    = "orders"
  cidr    = "10.20.0.0/16"
}

resource "aws_db_instance" "orders" {
  engine                  = "postgres"
  instance_class          = "db.m6g.large"
  backup_retention_period = 14
}
```

## References

- Martin Fowler, "Infrastructure as Code"
- Terraform, Pulumi, CloudFormation and Crossplane documentation
"#,
};

/// API groups of Kubernetes-native infrastructure controllers.
fn is_infra_api(api: &str) -> bool {
    let group = api.split('/').next().unwrap_or("");
    group.ends_with("crossplane.io")
        || group.ends_with(".upbound.io")
        || group.ends_with(".services.k8s.aws")
        || group.ends_with(".cnrm.cloud.google.com")
}

impl Check for InfrastructureAsCode {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let artifact = match deployment_artifact(ws) {
            Ok(a) => a,
            Err(outcome) => return outcome,
        };
        let mut evidence = Vec::new();
        if let Some(block) = Terraform::get(ws)
            .blocks
            .iter()
            .find(|b| b.keyword == "resource" || b.keyword == "module")
        {
            evidence.push(finding_at(
                &block.src,
                block.line,
                1,
                format!("Terraform {} `{}`", block.keyword, block.rtype),
            ));
        }
        for f in ws.files.iter().filter(|f| f.class.product()) {
            let name = f.name();
            let what = match name {
                "terragrunt.hcl" => "Terragrunt configuration",
                "Pulumi.yaml" | "Pulumi.yml" => "Pulumi project",
                "cdk.json" => "AWS CDK app",
                n if n.ends_with(".bicep") => "Bicep template",
                n if f.kind == FileKind::Json
                    && n.ends_with(".json")
                    && arm_template(ws, &f.rel) =>
                {
                    "ARM template"
                }
                _ => continue,
            };
            evidence.push(finding_file(&f.rel, format!("{what} `{}`", f.rel)));
        }
        for_each_yaml(ws, &["AWSTemplateFormatVersion", "AWS::"], |y| {
            if !is_product_path(y.path()) {
                return;
            }
            let cfn = y.docs().iter().any(|d| {
                d.root.get("AWSTemplateFormatVersion").is_some()
                    || d.root.get("Resources").is_some_and(|r| {
                        r.entries().any(|(_, res)| {
                            res.get("Type")
                                .and_then(Node::as_str)
                                .is_some_and(|t| t.starts_with("AWS::"))
                        })
                    })
            });
            if cfn {
                evidence.push(finding_file(
                    y.path(),
                    format!("CloudFormation template `{}`", y.path()),
                ));
            }
        });
        if let Some(doc) = ws
            .k8s_docs()
            .find(|d| is_product_path(&d.file.path) && is_infra_api(d.api_version))
        {
            let at = doc.root.get("apiVersion").unwrap_or(doc.root);
            evidence.push(finding_node(
                &doc.file.text,
                at,
                format!(
                    "{} `{}` ({})",
                    doc.kind,
                    doc.name().unwrap_or("?"),
                    doc.api_version
                ),
            ));
        }
        if !evidence.is_empty() {
            return Outcome::pass_with(evidence);
        }
        Outcome::Fail {
            findings: vec![with_message(
                &artifact,
                format!(
                    "the repository deploys a service ({}), but no infrastructure is defined as code (Terraform, Pulumi, CloudFormation, CDK, Bicep, Crossplane)",
                    artifact.message
                ),
            )],
        }
    }
}

fn arm_template(ws: &Workspace, rel: &str) -> bool {
    ws.text(rel).is_some_and(|t| {
        t.text.contains("deploymentTemplate.json#") && t.text.contains("\"resources\"")
    })
}
