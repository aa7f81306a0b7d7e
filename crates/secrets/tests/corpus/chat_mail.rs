//! Chat and mail positives.

use super::{Gen, Positive, p, within};

pub fn positives(g: &mut Gen) -> Vec<Positive> {
    let token = g.hex(32);
    let twilio_url = format!(
        "https://AC{}:{token}@api.twilio.com/2010-04-01/Accounts",
        g.hex(32)
    );
    let mut out = within(
        "SECRET-TWILIO-URL-CREDENTIALS",
        "SMS_API_URL",
        &token,
        &twilio_url,
    );
    let tok = concat!(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "_-"
    );
    out.extend([
        p(
            "SECRET-SLACK-BOT-TOKEN",
            "SLACK_BOT_TOKEN",
            format!("xoxb-{}-{}-{}", g.digits(12), g.digits(13), g.mixed(24)),
        ),
        p(
            "SECRET-SLACK-USER-TOKEN",
            "SLACK_USER_TOKEN",
            format!(
                "xoxp-{}-{}-{}-{}",
                g.digits(12),
                g.digits(12),
                g.digits(13),
                g.hex(32)
            ),
        ),
        p(
            "SECRET-SLACK-APP-TOKEN",
            "SLACK_TOKEN",
            format!(
                "xoxa-2-{}-{}-{}-{}",
                g.digits(12),
                g.digits(12),
                g.digits(12),
                g.hex(64)
            ),
        ),
        p(
            "SECRET-SLACK-REFRESH-TOKEN",
            "SLACK_REFRESH_TOKEN",
            format!("xoxe-1-{}", g.mixed(150)),
        ),
        p(
            "SECRET-SLACK-CONFIG-TOKEN",
            "SLACK_CONFIG_TOKEN",
            format!("xoxe.xoxp-1-{}", g.mixed(166)),
        ),
        p(
            "SECRET-SLACK-APP-LEVEL-TOKEN",
            "SLACK_APP_TOKEN",
            format!(
                "xapp-1-A{}-{}-{}",
                g.upper_alnum(9),
                g.digits(13),
                g.hex(64)
            ),
        ),
        p(
            "SECRET-SLACK-LEGACY-TOKEN",
            "SLACK_LEGACY_TOKEN",
            format!("xoxs-{}-{}-{}", g.digits(11), g.digits(12), g.mixed(48)),
        ),
        p(
            "SECRET-SLACK-WEBHOOK",
            "SLACK_WEBHOOK_URL",
            format!(
                "https://hooks.slack.com/services/T{}/B{}/{}",
                g.upper_alnum(10),
                g.upper_alnum(10),
                g.mixed(24)
            ),
        ),
        p(
            "SECRET-SLACK-WORKFLOW-WEBHOOK",
            "SLACK_WORKFLOW_URL",
            format!(
                "https://hooks.slack.com/workflows/T{}/A{}/{}/{}",
                g.upper_alnum(10),
                g.upper_alnum(10),
                g.digits(18),
                g.mixed(32)
            ),
        ),
        p(
            "SECRET-DISCORD-BOT-TOKEN",
            "DISCORD_BOT_TOKEN",
            format!("MT{}.{}.{}", g.mixed(24), g.chars(tok, 6), g.chars(tok, 38)),
        ),
        {
            let token = format!("{}{}", g.chars(tok, 66), g.digits(2));
            let url = format!("https://discord.com/api/webhooks/{}/{token}", g.digits(19));
            let mut pos = p("SECRET-DISCORD-WEBHOOK", "DISCORD_WEBHOOK_URL", url.clone());
            pos.secret = token;
            pos.snippet = Some(format!("alerts:\n  discord_webhook: \"{url}\"\n"));
            pos
        },
        p(
            "SECRET-TELEGRAM-BOT-TOKEN",
            "TELEGRAM_BOT_TOKEN",
            format!("{}:AA{}", g.digits(10), g.chars(tok, 33)),
        ),
        p(
            "SECRET-TEAMS-WEBHOOK",
            "TEAMS_WEBHOOK_URL",
            format!(
                "https://acme.webhook.office.com/webhookb2/{}@{}/IncomingWebhook/{}/{}",
                g.uuid(),
                g.uuid(),
                g.hex(32),
                g.uuid()
            ),
        ),
        p(
            "SECRET-SENDGRID-API-KEY",
            "SENDGRID_API_KEY",
            format!("SG.{}.{}", g.chars(tok, 22), g.chars(tok, 43)),
        ),
        p(
            "SECRET-MAILGUN-API-KEY",
            "MAILGUN_API_KEY",
            format!("key-{}", g.hex(32)),
        ),
        p(
            "SECRET-MAILGUN-PRIVATE-KEY",
            "MAILGUN_API_KEY",
            format!("{}-{}-{}", g.hex(32), g.hex(8), g.hex(8)),
        ),
        p(
            "SECRET-MAILCHIMP-API-KEY",
            "MAILCHIMP_API_KEY",
            format!("{}-us12", g.hex(32)),
        ),
        p(
            "SECRET-MAILCHIMP-TRANSACTIONAL-KEY",
            "MANDRILL_API_KEY",
            format!("md-{}", g.mixed(22)),
        ),
        p(
            "SECRET-MANDRILL-LEGACY-KEY",
            "MANDRILL_API_KEY",
            g.mixed(22),
        ),
        p("SECRET-TWILIO-AUTH-TOKEN", "TWILIO_AUTH_TOKEN", g.hex(32)),
        p(
            "SECRET-TWILIO-API-KEY-SECRET",
            "TWILIO_API_SECRET",
            g.mixed(32),
        ),
        p(
            "SECRET-POSTMARK-SERVER-TOKEN",
            "POSTMARK_SERVER_TOKEN",
            g.uuid(),
        ),
        p("SECRET-MAILJET-API-SECRET", "MAILJET_API_SECRET", g.hex(32)),
        p("SECRET-SPARKPOST-API-KEY", "SPARKPOST_API_KEY", g.hex(40)),
        p(
            "SECRET-BREVO-API-KEY",
            "BREVO_API_KEY",
            format!("xkeysib-{}-{}", g.hex(64), g.mixed(16)),
        ),
        p(
            "SECRET-RESEND-API-KEY",
            "RESEND_API_KEY",
            format!("re_{}", g.mixed(32)),
        ),
    ]);
    out
}
