//! The seed's numbers for channel types (`core/model/chtype.go`), which its REST API and its databases use; ours are names.

#[cfg(doc)]
use super::ChannelKind;

/// The seed's numbers and names; integrations and the seed's databases store the numbers.
/// Each name resolves through [`ChannelKind::parse`] (the seed's spellings are aliases). The
/// seed's 3 is its deprecated Azure and 4 the one it shows: 4 comes first, so a type's number
/// is the first entry that names it.
pub const SEED_TYPES: &[(i64, &str)] = &[
    (1, "openai"),
    // The seed's 3 is its deprecated Azure; 4 is the one it shows.
    (4, "azure"),
    (3, "azure"),
    (12, "google gemini (openai)"),
    (13, "baidu v2"),
    (14, "anthropic"),
    (15, "baidu"),
    (16, "zhipu"),
    (17, "ali"),
    (18, "xunfei"),
    (19, "ai360"),
    (20, "openrouter"),
    (23, "tencent"),
    (24, "google gemini"),
    (25, "moonshot"),
    (26, "baichuan"),
    (27, "minimax"),
    (28, "mistral"),
    (29, "groq"),
    (30, "ollama"),
    (31, "lingyiwanwu"),
    (32, "stepfun"),
    (33, "aws"),
    (34, "coze"),
    (35, "cohere"),
    (36, "deepseek"),
    (37, "cloudflare"),
    (40, "doubao"),
    (41, "novita"),
    (42, "vertexai"),
    (43, "siliconflow"),
    (44, "doubao audio"),
    (45, "xai"),
    (46, "doc2x"),
    (47, "jina"),
    (48, "huggingface text-embeddings-inference"),
    (49, "qianfan"),
    (50, "Sangfor AICP"),
    (51, "Streamlake"),
    (52, "zhipu coding"),
    (53, "fake"),
    (54, "antling"),
    (55, "fake-error"),
];
