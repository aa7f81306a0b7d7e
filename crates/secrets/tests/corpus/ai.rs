//! AI provider positives.

use super::{Gen, Positive, p};

pub fn positives(g: &mut Gen) -> Vec<Positive> {
    let tok = concat!(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "_-"
    );
    vec![
        p(
            "SECRET-OPENAI-PROJECT-KEY",
            "OPENAI_API_KEY",
            format!("sk-proj-{}T3BlbkFJ{}", g.chars(tok, 74), g.chars(tok, 74)),
        ),
        p(
            "SECRET-OPENAI-LEGACY-KEY",
            "OPENAI_API_KEY",
            format!("sk-{}T3BlbkFJ{}", g.mixed(20), g.mixed(20)),
        ),
        p(
            "SECRET-OPENAI-SERVICE-ACCOUNT-KEY",
            "OPENAI_API_KEY",
            format!(
                "sk-svcacct-{}T3BlbkFJ{}",
                g.chars(tok, 74),
                g.chars(tok, 74)
            ),
        ),
        p(
            "SECRET-OPENAI-ADMIN-KEY",
            "OPENAI_ADMIN_KEY",
            format!("sk-admin-{}T3BlbkFJ{}", g.chars(tok, 74), g.chars(tok, 74)),
        ),
        p(
            "SECRET-ANTHROPIC-API-KEY",
            "ANTHROPIC_API_KEY",
            format!("sk-ant-api03-{}AA", g.chars(tok, 93)),
        ),
        p(
            "SECRET-ANTHROPIC-ADMIN-KEY",
            "ANTHROPIC_ADMIN_KEY",
            format!("sk-ant-admin01-{}AA", g.chars(tok, 93)),
        ),
        p(
            "SECRET-OPENROUTER-API-KEY",
            "OPENROUTER_API_KEY",
            format!("sk-or-v1-{}", g.hex(64)),
        ),
        p(
            "SECRET-HUGGINGFACE-TOKEN",
            "HF_TOKEN",
            format!("hf_{}", g.letters(34)),
        ),
        p(
            "SECRET-HUGGINGFACE-ORG-TOKEN",
            "HUGGINGFACE_ORG_TOKEN",
            format!("api_org_{}", g.letters(34)),
        ),
        p("SECRET-COHERE-API-KEY", "COHERE_API_KEY", g.mixed(40)),
        p(
            "SECRET-GROQ-API-KEY",
            "GROQ_API_KEY",
            format!("gsk_{}", g.mixed(52)),
        ),
        p("SECRET-MISTRAL-API-KEY", "MISTRAL_API_KEY", g.mixed(32)),
        p(
            "SECRET-REPLICATE-API-TOKEN",
            "REPLICATE_API_TOKEN",
            format!("r8_{}", g.mixed(37)),
        ),
        p(
            "SECRET-PERPLEXITY-API-KEY",
            "PERPLEXITY_API_KEY",
            format!("pplx-{}", g.mixed(48)),
        ),
        p(
            "SECRET-XAI-API-KEY",
            "XAI_API_KEY",
            format!("xai-{}", g.mixed(80)),
        ),
        p(
            "SECRET-DEEPSEEK-API-KEY",
            "DEEPSEEK_API_KEY",
            format!("sk-{}", g.hex(32)),
        ),
        p(
            "SECRET-TOGETHER-AI-API-KEY",
            "TOGETHER_API_KEY",
            format!("tgp_v1_{}", g.chars(tok, 43)),
        ),
        p(
            "SECRET-FIREWORKS-API-KEY",
            "FIREWORKS_API_KEY",
            format!("fw_{}", g.mixed(24)),
        ),
        p(
            "SECRET-ELEVENLABS-API-KEY",
            "ELEVENLABS_API_KEY",
            format!("sk_{}", g.hex(48)),
        ),
        p(
            "SECRET-LANGSMITH-API-KEY",
            "LANGSMITH_API_KEY",
            format!("lsv2_pt_{}_{}", g.hex(32), g.hex(10)),
        ),
        p(
            "SECRET-PINECONE-API-KEY",
            "PINECONE_API_KEY",
            format!("pcsk_{}_{}", g.mixed(6), g.mixed(64)),
        ),
        p("SECRET-AZURE-OPENAI-KEY", "AZURE_OPENAI_API_KEY", g.hex(32)),
        p("SECRET-WANDB-API-KEY", "WANDB_API_KEY", g.hex(40)),
        p("SECRET-ASSEMBLYAI-API-KEY", "ASSEMBLYAI_API_KEY", g.hex(32)),
    ]
}
