//! Cloud provider positives.

use super::{Gen, Positive, p, snip};

pub fn positives(g: &mut Gen) -> Vec<Positive> {
    let b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let tok = concat!(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "_-"
    );
    let sa_key = format!(
        "-----BEGIN PRIVATE KEY-----\\n{}\\n-----END PRIVATE KEY-----",
        g.pem_body("MIIBVQIBADANBgkqhkiG9w0BAQEFAASC", 212, 64, "\\n")
    );
    let sa_json = format!(
        "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"billing-prod-4821\",\n  \"private_key_id\": \"{}\",\n  \"private_key\": \"{sa_key}\\n\",\n  \"client_email\": \"deployer@billing-prod-4821.iam.gserviceaccount.com\",\n  \"client_id\": \"{}\",\n  \"token_uri\": \"https://oauth2.googleapis.com/token\"\n}}\n",
        g.hex(40),
        g.digits(21)
    );
    let account_key = format!("{}==", g.b64(86));
    let conn = format!(
        "DefaultEndpointsProtocol=https;AccountName=billingprod;AccountKey={account_key};EndpointSuffix=core.windows.net"
    );
    let sig = format!("{}%3D", g.alnum(43));
    let sas_url = format!(
        "https://billingprod.blob.core.windows.net/exports?sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2026-01-01T00:00:00Z&st=2025-01-01T00:00:00Z&spr=https&sig={sig}"
    );
    vec![
        p(
            "SECRET-AWS-ACCESS-KEY-ID",
            "AWS_ACCESS_KEY_ID",
            format!("AKIA{}", g.chars(b32, 16)),
        ),
        p(
            "SECRET-AWS-ACCESS-KEY-ID",
            "AWS_ACCESS_KEY_ID",
            format!("ASIA{}", g.chars(b32, 16)),
        ),
        p(
            "SECRET-AWS-SECRET-ACCESS-KEY",
            "AWS_SECRET_ACCESS_KEY",
            g.b64(40),
        ),
        p(
            "SECRET-AWS-SESSION-TOKEN",
            "AWS_SESSION_TOKEN",
            format!("IQoJb3JpZ2luX2Vj{}", g.b64(320)),
        ),
        p(
            "SECRET-AWS-MWS-AUTH-TOKEN",
            "MWS_AUTH_TOKEN",
            format!("amzn.mws.{}", g.uuid()),
        ),
        p(
            "SECRET-GCP-API-KEY",
            "GOOGLE_API_KEY",
            format!("AIza{}", g.chars(tok, 35)),
        ),
        snip("SECRET-GCP-SERVICE-ACCOUNT-KEY", sa_key, sa_json),
        snip(
            "SECRET-AZURE-STORAGE-ACCOUNT-KEY",
            account_key,
            format!("AZURE_STORAGE_CONNECTION_STRING=\"{conn}\"\n"),
        ),
        p(
            "SECRET-AZURE-STORAGE-KEY",
            "AZURE_STORAGE_ACCOUNT_KEY",
            format!("{}==", g.b64(86)),
        ),
        snip(
            "SECRET-AZURE-SAS-TOKEN",
            sig,
            format!("exports:\n  url: \"{sas_url}\"\n"),
        ),
        p(
            "SECRET-AZURE-DEVOPS-PAT",
            "AZURE_DEVOPS_PAT",
            g.chars("abcdefghijklmnopqrstuvwxyz234567", 52),
        ),
        p(
            "SECRET-DIGITALOCEAN-PAT",
            "DIGITALOCEAN_TOKEN",
            format!("dop_v1_{}", g.hex(64)),
        ),
        p(
            "SECRET-DIGITALOCEAN-OAUTH-TOKEN",
            "DO_OAUTH_TOKEN",
            format!("doo_v1_{}", g.hex(64)),
        ),
        p(
            "SECRET-DIGITALOCEAN-REFRESH-TOKEN",
            "DO_REFRESH_TOKEN",
            format!("dor_v1_{}", g.hex(64)),
        ),
        p("SECRET-HEROKU-API-KEY", "HEROKU_API_KEY", g.uuid()),
        p(
            "SECRET-HEROKU-PLATFORM-TOKEN",
            "HEROKU_API_KEY",
            format!("HRKU-AA{}", g.chars(tok, 58)),
        ),
        p(
            "SECRET-ALIBABA-ACCESS-KEY-ID",
            "ALIBABA_CLOUD_ACCESS_KEY_ID",
            format!("LTAI{}", g.mixed(20)),
        ),
        p(
            "SECRET-ALIBABA-ACCESS-KEY-SECRET",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            g.mixed(30),
        ),
        p(
            "SECRET-IBM-CLOUD-API-KEY",
            "IBM_CLOUD_API_KEY",
            g.chars(tok, 44),
        ),
        p(
            "SECRET-CLOUDFLARE-API-TOKEN",
            "CLOUDFLARE_API_TOKEN",
            g.chars(tok, 40),
        ),
        p(
            "SECRET-CLOUDFLARE-GLOBAL-API-KEY",
            "CLOUDFLARE_API_KEY",
            g.hex(37),
        ),
        p(
            "SECRET-CLOUDFLARE-ORIGIN-CA-KEY",
            "CLOUDFLARE_ORIGIN_CA_KEY",
            format!("v1.0-{}-{}", g.hex(24), g.hex(146)),
        ),
        p("SECRET-LINODE-TOKEN", "LINODE_TOKEN", g.hex(64)),
        p("SECRET-VULTR-API-KEY", "VULTR_API_KEY", g.upper_alnum(36)),
        p(
            "SECRET-FASTLY-API-TOKEN",
            "FASTLY_API_TOKEN",
            g.chars(tok, 32),
        ),
        p("SECRET-SCALEWAY-SECRET-KEY", "SCW_SECRET_KEY", g.uuid()),
        p("SECRET-HETZNER-API-TOKEN", "HCLOUD_TOKEN", g.mixed(64)),
        p(
            "SECRET-TENCENT-SECRET-ID",
            "TENCENTCLOUD_SECRET_ID",
            format!("AKID{}", g.mixed(32)),
        ),
        p(
            "SECRET-NETLIFY-TOKEN",
            "NETLIFY_AUTH_TOKEN",
            format!("nfp_{}", g.mixed(36)),
        ),
        p(
            "SECRET-SUPABASE-ACCESS-TOKEN",
            "SUPABASE_ACCESS_TOKEN",
            format!("sbp_{}", g.hex(40)),
        ),
        p(
            "SECRET-DATABRICKS-TOKEN",
            "DATABRICKS_TOKEN",
            format!("dapi{}", g.hex(32)),
        ),
    ]
}
