//! Payment and commerce positives.

use super::{Gen, Positive, p};

pub fn positives(g: &mut Gen) -> Vec<Positive> {
    let tok = concat!(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "_-"
    );
    vec![
        p(
            "SECRET-STRIPE-SECRET-KEY",
            "STRIPE_SECRET_KEY",
            format!("sk_live_{}", g.mixed(99)),
        ),
        p(
            "SECRET-STRIPE-SECRET-KEY",
            "STRIPE_API_KEY",
            format!("sk_live_{}", g.mixed(24)),
        ),
        p(
            "SECRET-STRIPE-RESTRICTED-KEY",
            "STRIPE_RESTRICTED_KEY",
            format!("rk_live_{}", g.mixed(99)),
        ),
        p(
            "SECRET-STRIPE-TEST-SECRET-KEY",
            "STRIPE_SECRET_KEY",
            format!("sk_test_{}", g.mixed(99)),
        ),
        p(
            "SECRET-STRIPE-TEST-RESTRICTED-KEY",
            "STRIPE_RESTRICTED_KEY",
            format!("rk_test_{}", g.mixed(99)),
        ),
        p(
            "SECRET-STRIPE-WEBHOOK-SECRET",
            "STRIPE_WEBHOOK_SECRET",
            format!("whsec_{}", g.mixed(32)),
        ),
        p(
            "SECRET-BRAINTREE-PRODUCTION-TOKEN",
            "BRAINTREE_ACCESS_TOKEN",
            format!(
                "access_token$production${}${}",
                g.lower_alnum(16),
                g.hex(32)
            ),
        ),
        p(
            "SECRET-BRAINTREE-SANDBOX-TOKEN",
            "BRAINTREE_ACCESS_TOKEN",
            format!("access_token$sandbox${}${}", g.lower_alnum(16), g.hex(32)),
        ),
        p(
            "SECRET-BRAINTREE-PRIVATE-KEY",
            "BRAINTREE_PRIVATE_KEY",
            g.hex(32),
        ),
        p(
            "SECRET-PAYPAL-CLIENT-SECRET",
            "PAYPAL_CLIENT_SECRET",
            format!("E{}", g.chars(tok, 79)),
        ),
        p(
            "SECRET-SQUARE-ACCESS-TOKEN",
            "SQUARE_ACCESS_TOKEN",
            format!("EAAA{}", g.chars(tok, 60)),
        ),
        p(
            "SECRET-SQUARE-LEGACY-ACCESS-TOKEN",
            "SQUARE_ACCESS_TOKEN",
            format!("sq0atp-{}", g.mixed(22)),
        ),
        p(
            "SECRET-SQUARE-OAUTH-SECRET",
            "SQUARE_APP_SECRET",
            format!("sq0csp-{}", g.chars(tok, 43)),
        ),
        p(
            "SECRET-ADYEN-API-KEY",
            "ADYEN_API_KEY",
            format!("AQE{}=-{}=", g.b64(100), g.b64(43)),
        ),
        p(
            "SECRET-RAZORPAY-KEY-SECRET",
            "RAZORPAY_KEY_SECRET",
            g.mixed(24),
        ),
        p(
            "SECRET-SHOPIFY-ACCESS-TOKEN",
            "SHOPIFY_ACCESS_TOKEN",
            format!("shpat_{}", g.hex(32)),
        ),
        p(
            "SECRET-SHOPIFY-SHARED-SECRET",
            "SHOPIFY_API_SECRET",
            format!("shpss_{}", g.hex(32)),
        ),
        p(
            "SECRET-SHOPIFY-CUSTOM-APP-TOKEN",
            "SHOPIFY_ACCESS_TOKEN",
            format!("shpca_{}", g.hex(32)),
        ),
        p(
            "SECRET-SHOPIFY-PRIVATE-APP-TOKEN",
            "SHOPIFY_PASSWORD",
            format!("shppa_{}", g.hex(32)),
        ),
        p("SECRET-PLAID-SECRET", "PLAID_SECRET", g.hex(30)),
        p(
            "SECRET-PLAID-ACCESS-TOKEN",
            "PLAID_ACCESS_TOKEN",
            format!("access-production-{}", g.uuid()),
        ),
        p(
            "SECRET-FLUTTERWAVE-SECRET-KEY",
            "FLW_SECRET_KEY",
            format!("FLWSECK-{}-X", g.hex(32)),
        ),
        p(
            "SECRET-GOCARDLESS-ACCESS-TOKEN",
            "GOCARDLESS_ACCESS_TOKEN",
            format!("live_{}", g.chars(tok, 40)),
        ),
    ]
}
