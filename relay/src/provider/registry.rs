//! The one table of channel types: each wire family once, each OpenAI-compatible vendor as one line of data (name, default base URL, quirks).
//!
//! Names and default base URLs follow the seed (labring/aiproxy `core/model/chtype.go` and
//! `core/relay/adaptor/*`); only vendors that truly speak the OpenAI wire are listed here.
//! Vendors with a protocol of their own (Baidu, Tencent's native API, Coze, Cohere, AWS, Vertex,
//! Cloudflare, ...) need a provider module first.

use super::anthropic::AnthropicWire;
use super::fake::FAKE_CONFIG;
use super::fake::FakeWire;
use super::gemini::GeminiWire;
use super::kind::{
    ChannelKind, ConfigKey, ConfigType, OPENAI_CONFIG, PLAIN_KEY, Quirks, Registration,
};
use super::openai::OpenAiWire;

/// An OpenAI-compatible vendor: one line each in [`PROVIDERS`].
const fn openai_compatible(
    name: &'static str,
    display_name: &'static str,
    default_base_url: &'static str,
    quirks: Quirks,
) -> Registration {
    Registration {
        name,
        aliases: &[],
        display_name,
        default_base_url: Some(default_base_url),
        key_help: PLAIN_KEY,
        config_keys: OPENAI_CONFIG,
        quirks,
        provider: &OpenAiWire,
    }
}

const OPENAI: Registration = openai_compatible(
    "openai",
    "OpenAI",
    "https://api.openai.com/v1",
    Quirks {
        serves_responses: true,
        ..Quirks::NONE
    },
);
const AZURE: Registration = Registration {
    name: "azure",
    aliases: &[],
    display_name: "Azure OpenAI",
    // Every Azure resource has its own host.
    default_base_url: None,
    key_help: "The resource's API key; the base URL is the resource endpoint (https://NAME.openai.azure.com).",
    config_keys: &[
        ConfigKey {
            name: "api_version",
            kind: ConfigType::String,
            default: Some(super::openai::AZURE_DEFAULT_API_VERSION),
            help: "The api-version of deployment URLs.",
        },
        OPENAI_CONFIG[0],
        OPENAI_CONFIG[1],
        OPENAI_CONFIG[2],
    ],
    quirks: Quirks {
        serves_responses: true,
        azure: true,
        base_as_given: false,
    },
    provider: &OpenAiWire,
};
/// Any OpenAI-compatible server; its base URL is required.
const CUSTOM: Registration = Registration {
    name: "custom",
    aliases: &[],
    display_name: "OpenAI-compatible",
    default_base_url: None,
    key_help: "The server's API key, sent as a Bearer token (may be empty).",
    config_keys: OPENAI_CONFIG,
    quirks: Quirks::NONE,
    provider: &OpenAiWire,
};
const ANTHROPIC: Registration = Registration {
    name: "anthropic",
    aliases: &["claude"],
    display_name: "Anthropic",
    default_base_url: Some("https://api.anthropic.com"),
    key_help: PLAIN_KEY,
    config_keys: &[],
    quirks: Quirks::NONE,
    provider: &AnthropicWire,
};
/// Answers in process with configured text: try the gateway without a provider account.
const FAKE: Registration = Registration {
    name: "fake",
    aliases: &[],
    display_name: "Fake (built in, for trying the gateway)",
    default_base_url: None,
    key_help: "Ignored.",
    config_keys: FAKE_CONFIG,
    quirks: Quirks::NONE,
    provider: &FakeWire,
};
const GEMINI: Registration = Registration {
    name: "gemini",
    aliases: &[],
    display_name: "Google Gemini",
    default_base_url: Some("https://generativelanguage.googleapis.com"),
    key_help: PLAIN_KEY,
    config_keys: &[],
    quirks: Quirks::NONE,
    provider: &GeminiWire,
};

/// Every channel type, in the order the control plane lists them.
pub static PROVIDERS: &[Registration] = &[
    OPENAI,
    AZURE,
    CUSTOM,
    ANTHROPIC,
    GEMINI,
    super::bedrock::AWS,
    FAKE,
    // OpenAI-compatible vendors, one line each.
    openai_compatible(
        "deepseek",
        "DeepSeek",
        "https://api.deepseek.com/v1",
        Quirks::NONE,
    ),
    openai_compatible(
        "moonshot",
        "Moonshot (Kimi)",
        "https://api.moonshot.cn/v1",
        Quirks::NONE,
    ),
    openai_compatible(
        "mistral",
        "Mistral",
        "https://api.mistral.ai/v1",
        Quirks::NONE,
    ),
    openai_compatible(
        "groq",
        "Groq",
        "https://api.groq.com/openai/v1",
        Quirks::NONE,
    ),
    openai_compatible(
        "openrouter",
        "OpenRouter",
        "https://openrouter.ai/api/v1",
        Quirks::NONE,
    ),
    openai_compatible("xai", "xAI", "https://api.x.ai/v1", Quirks::NONE),
    openai_compatible(
        "siliconflow",
        "SiliconFlow",
        "https://api.siliconflow.cn/v1",
        Quirks::NONE,
    ),
    openai_compatible(
        "zhipu",
        "Zhipu (GLM)",
        "https://open.bigmodel.cn/api/paas/v4",
        Quirks::NONE,
    ),
    openai_compatible(
        "ali",
        "Alibaba DashScope",
        "https://dashscope.aliyuncs.com/compatible-mode/v1",
        Quirks::NONE,
    ),
    // Ollama's OpenAI-compatible surface (its native `/api/chat` is another protocol).
    openai_compatible(
        "ollama",
        "Ollama",
        "http://localhost:11434/v1",
        Quirks::NONE,
    ),
    openai_compatible(
        "lingyiwanwu",
        "01.AI Lingyiwanwu",
        "https://api.lingyiwanwu.com/v1",
        Quirks::NONE,
    ),
    openai_compatible(
        "stepfun",
        "StepFun",
        "https://api.stepfun.com/v1",
        Quirks::NONE,
    ),
    openai_compatible(
        "baichuan",
        "Baichuan",
        "https://api.baichuan-ai.com/v1",
        Quirks::NONE,
    ),
    openai_compatible(
        "minimax",
        "MiniMax",
        "https://api.minimaxi.com/v1",
        Quirks::NONE,
    ),
    openai_compatible("ai360", "360 AI", "https://ai.360.cn/v1", Quirks::NONE),
    // Tencent Hunyuan's OpenAI-compatible endpoint.
    openai_compatible(
        "tencent",
        "Tencent Hunyuan",
        "https://api.hunyuan.cloud.tencent.com/v1",
        Quirks::NONE,
    ),
    // Baidu Qianfan's v2 API (the seed's `qianfan` and `baidu v2`).
    openai_compatible(
        "qianfan",
        "Baidu Qianfan (v2)",
        "https://qianfan.baidubce.com/v2",
        Quirks::NONE,
    ),
    // Volcengine Ark; bot models (`bot-...`, under `/api/v3/bots/`) are not routed apart.
    openai_compatible(
        "doubao",
        "Doubao (Volcengine Ark)",
        "https://ark.cn-beijing.volces.com/api/v3",
        Quirks::NONE,
    ),
    openai_compatible(
        "novita",
        "Novita",
        "https://api.novita.ai/v3/openai",
        Quirks::AS_GIVEN,
    ),
    openai_compatible(
        "gemini-openai",
        "Gemini (OpenAI-compatible)",
        "https://generativelanguage.googleapis.com/v1beta/openai",
        Quirks::AS_GIVEN,
    ),
    // Embeddings and rerank only.
    openai_compatible("jina", "Jina", "https://api.jina.ai/v1", Quirks::NONE),
    openai_compatible(
        "together",
        "Together",
        "https://api.together.xyz/v1",
        Quirks::NONE,
    ),
];

impl ChannelKind {
    pub const OPENAI: ChannelKind = ChannelKind::of(&OPENAI);
    pub const AZURE: ChannelKind = ChannelKind::of(&AZURE);
    pub const CUSTOM: ChannelKind = ChannelKind::of(&CUSTOM);
    pub const ANTHROPIC: ChannelKind = ChannelKind::of(&ANTHROPIC);
    pub const GEMINI: ChannelKind = ChannelKind::of(&GEMINI);
    pub const FAKE: ChannelKind = ChannelKind::of(&FAKE);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_constant_is_registered() {
        let mut names: Vec<&str> = PROVIDERS.iter().map(|entry| entry.name).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a channel type is registered twice");
        for kind in [
            ChannelKind::OPENAI,
            ChannelKind::AZURE,
            ChannelKind::CUSTOM,
            ChannelKind::ANTHROPIC,
            ChannelKind::GEMINI,
            ChannelKind::FAKE,
        ] {
            assert_eq!(ChannelKind::parse(kind.as_str()), Some(kind));
        }
    }
}
