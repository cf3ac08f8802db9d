//! The one table of channel types: each wire family once, each OpenAI-compatible vendor as one line of data (name, default base URL, quirks).
//!
//! Names and default base URLs follow the seed (labring/aiproxy `core/model/chtype.go` and
//! `core/relay/adaptor/*`); only vendors that truly speak the OpenAI wire are listed here.
//! Vendors with a protocol of their own have a provider module of their own and one
//! registration here. A vendor that also serves the Anthropic Messages API names its root in
//! [`Quirks::anthropic_base`] ([`anthropic_compatible`]).

use super::anthropic::AnthropicWire;
use super::ark_video::ArkVideo;
use super::baidu::BaiduWire;
use super::cohere::CohereWire;
use super::coze::CozeWire;
use super::dashscope_audio::DashScopeAudio;
use super::dashscope_video::DashScopeVideo;
use super::doc2x::Doc2xWire;
use super::fake::FAKE_CONFIG;
use super::fake::FakeWire;
use super::gemini::GeminiWire;
use super::gemini_media::GeminiMedia;
use super::kind::{
    ANTHROPIC_COMPATIBLE_CONFIG, ChannelKind, ConfigKey, ConfigType, OPENAI_CONFIG, PLAIN_KEY,
    Quirks, Registration,
};
use super::ollama::{OLLAMA_CONFIG, OllamaWire};
use super::openai::OpenAiWire;
use super::qianfan::{QIANFAN_CONFIG, QianfanWire};
use super::tei::TeiWire;
use super::veo::VeoGemini;
use super::vertex::{KEY_HELP as VERTEX_KEY_HELP, VeoVertex, VertexWire};

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
        video_tasks: None,
        media: None,
    }
}

/// A vendor that serves the Anthropic Messages API beside its OpenAI one: `path` replaces the
/// path of its default base URL (see [`Quirks::anthropic_base`]); `bearer` when that endpoint
/// wants the key as a Bearer token too.
const fn anthropic_compatible(
    mut registration: Registration,
    path: &'static str,
    bearer: bool,
) -> Registration {
    registration.quirks.anthropic_base = Some(path);
    registration.quirks.anthropic_bearer = bearer;
    registration.config_keys = ANTHROPIC_COMPATIBLE_CONFIG;
    registration
}

/// `registration` with a video task API behind OpenAI's Videos face.
const fn with_video_tasks(
    mut registration: Registration,
    video_tasks: &'static dyn super::VideoTaskApi,
) -> Registration {
    registration.video_tasks = Some(video_tasks);
    registration
}

/// `registration` with the vendor's own media API behind OpenAI's media faces.
const fn with_media(
    mut registration: Registration,
    media: &'static dyn super::MediaApi,
) -> Registration {
    registration.media = Some(media);
    registration
}

/// `registration` also configured by `aliases` (the seed's spellings).
const fn aliased(mut registration: Registration, aliases: &'static [&'static str]) -> Registration {
    registration.aliases = aliases;
    registration
}

/// `registration` with the key format operators paste, where it is not one plain key.
const fn keyed(mut registration: Registration, key_help: &'static str) -> Registration {
    registration.key_help = key_help;
    registration
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
        ..Quirks::NONE
    },
    provider: &OpenAiWire,
    video_tasks: None,
    media: None,
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
    video_tasks: None,
    media: None,
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
    video_tasks: None,
    media: None,
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
    video_tasks: None,
    media: None,
};
const GEMINI: Registration = Registration {
    name: "gemini",
    aliases: &["google gemini"],
    display_name: "Google Gemini",
    default_base_url: Some("https://generativelanguage.googleapis.com"),
    key_help: PLAIN_KEY,
    config_keys: &[],
    quirks: Quirks::NONE,
    provider: &GeminiWire,
    video_tasks: Some(&VeoGemini),
    media: Some(&GeminiMedia),
};
/// Baidu's Wenxin Workshop v1 API (ERNIE), with its OAuth access tokens.
const BAIDU: Registration = Registration {
    name: "baidu",
    aliases: &[],
    display_name: "Baidu ERNIE (Wenxin Workshop v1)",
    default_base_url: Some("https://aip.baidubce.com"),
    key_help: "client_id|client_secret: the application's API Key and Secret Key, exchanged for an access token.",
    config_keys: &[],
    quirks: Quirks::NONE,
    provider: &BaiduWire,
    video_tasks: None,
    media: None,
};
/// Coze bots through the v3 chat API; the model is the bot id.
const COZE: Registration = Registration {
    name: "coze",
    aliases: &[],
    display_name: "Coze (bots)",
    default_base_url: Some("https://api.coze.com"),
    key_help: "token|user_id: a personal access token and the user id chats are sent as (optional; default: the request's user, else aiproxy). Models are bot ids (bot-7350... or 7350...).",
    config_keys: &[],
    quirks: Quirks::NONE,
    provider: &CozeWire,
    video_tasks: None,
    media: None,
};
/// Google Vertex AI: Gemini and Claude models of one Google Cloud account. The host depends on
/// the key's region, so there is no default base URL (a base URL, when set, replaces it).
const VERTEX: Registration = Registration {
    name: "vertexai",
    aliases: &[],
    display_name: "Google Vertex AI",
    default_base_url: None,
    key_help: VERTEX_KEY_HELP,
    config_keys: &[],
    quirks: Quirks::NONE,
    provider: &VertexWire,
    video_tasks: Some(&VeoVertex),
    media: Some(&GeminiMedia),
};

const COHERE: Registration = Registration {
    name: "cohere",
    aliases: &[],
    display_name: "Cohere",
    default_base_url: Some("https://api.cohere.com"),
    key_help: "The Cohere API key, sent as a Bearer token.",
    config_keys: &[],
    quirks: Quirks::NONE,
    provider: &CohereWire,
    video_tasks: None,
    media: None,
};

/// Doc2X: PDFs parsed into markdown, an asynchronous job per document.
const DOC2X: Registration = Registration {
    name: "doc2x",
    aliases: &[],
    display_name: "Doc2X (PDF to markdown)",
    default_base_url: Some("https://v2.doc2x.noedgeai.com"),
    key_help: "The Doc2X API key (sk-...), sent as a Bearer token.",
    config_keys: &[],
    quirks: Quirks::NONE,
    provider: &Doc2xWire,
    video_tasks: None,
    media: None,
};
/// Ollama's OpenAI-compatible `/v1` unless a channel's `api: native` picks `/api/chat`.
const OLLAMA: Registration = Registration {
    name: "ollama",
    aliases: &[],
    display_name: "Ollama",
    default_base_url: Some("http://localhost:11434/v1"),
    key_help: "Usually empty; a Bearer token for an Ollama behind an authenticating proxy.",
    config_keys: OLLAMA_CONFIG,
    quirks: Quirks::NONE,
    provider: &OllamaWire,
    video_tasks: None,
    media: None,
};

/// Every channel type, in the order the control plane lists them.
pub static PROVIDERS: &[Registration] = &[
    OPENAI,
    AZURE,
    CUSTOM,
    ANTHROPIC,
    GEMINI,
    VERTEX,
    COHERE,
    super::bedrock::AWS,
    FAKE,
    BAIDU,
    COZE,
    DOC2X,
    // OpenAI-compatible vendors, one line each.
    anthropic_compatible(
        openai_compatible(
            "deepseek",
            "DeepSeek",
            "https://api.deepseek.com/v1",
            Quirks::NONE,
        ),
        "/anthropic",
        false,
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
    anthropic_compatible(
        openai_compatible(
            "zhipu",
            "Zhipu (GLM)",
            "https://open.bigmodel.cn/api/paas/v4",
            Quirks::NONE,
        ),
        "/api/anthropic",
        true,
    ),
    // Wan video synthesis through DashScope's task API.
    with_video_tasks(
        with_media(
            anthropic_compatible(
                openai_compatible(
                    "ali",
                    "Alibaba DashScope",
                    "https://dashscope.aliyuncs.com/compatible-mode/v1",
                    Quirks::NONE,
                ),
                "/apps/anthropic",
                true,
            ),
            &DashScopeAudio,
        ),
        &DashScopeVideo,
    ),
    OLLAMA,
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
    keyed(
        anthropic_compatible(
            openai_compatible(
                "minimax",
                "MiniMax",
                "https://api.minimaxi.com/v1",
                Quirks {
                    minimax_group: true,
                    ..Quirks::NONE
                },
            ),
            "/anthropic",
            false,
        ),
        "api_key, or api_key|group_id: only the API key authenticates (Bearer, or x-api-key on \
         the Anthropic endpoint); a group id is sent as GroupId with embeddings.",
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
    Registration {
        name: "qianfan",
        aliases: &["baiduv2", "baidu v2"],
        display_name: "Baidu Qianfan (v2)",
        default_base_url: Some("https://qianfan.baidubce.com/v2"),
        key_help: "A Qianfan API key (bce-v3/ALTAK-.../...), sent as a Bearer token, or an \
            access key pair ak|sk, exchanged at Baidu's IAM for a bearer token (cached a day).",
        config_keys: QIANFAN_CONFIG,
        quirks: Quirks::NONE,
        provider: &QianfanWire,
        video_tasks: None,
        media: None,
    },
    // Volcengine Ark; bot models (`bot-...`) are served under `/api/v3/bots/`, Seedance
    // videos through its content generation tasks.
    with_video_tasks(
        openai_compatible(
            "doubao",
            "Doubao (Volcengine Ark)",
            "https://ark.cn-beijing.volces.com/api/v3",
            Quirks {
                ark_bots: true,
                ..Quirks::NONE
            },
        ),
        &ArkVideo,
    ),
    openai_compatible(
        "novita",
        "Novita",
        "https://api.novita.ai/v3/openai",
        Quirks::AS_GIVEN,
    ),
    aliased(
        openai_compatible(
            "gemini-openai",
            "Gemini (OpenAI-compatible)",
            "https://generativelanguage.googleapis.com/v1beta/openai",
            Quirks::AS_GIVEN,
        ),
        &["google gemini (openai)"],
    ),
    // Embeddings and rerank only.
    openai_compatible("jina", "Jina", "https://api.jina.ai/v1", Quirks::NONE),
    openai_compatible(
        "together",
        "Together",
        "https://api.together.xyz/v1",
        Quirks::NONE,
    ),
    // Chat at the root: `https://api.perplexity.ai/chat/completions`.
    openai_compatible(
        "perplexity",
        "Perplexity",
        "https://api.perplexity.ai",
        Quirks::AS_GIVEN,
    ),
    openai_compatible(
        "fireworks",
        "Fireworks AI",
        "https://api.fireworks.ai/inference/v1",
        Quirks::NONE,
    ),
    openai_compatible(
        "ppio",
        "PPIO",
        "https://api.ppinfra.com/v3/openai",
        Quirks::AS_GIVEN,
    ),
    keyed(
        openai_compatible(
            "cloudflare",
            "Cloudflare Workers AI",
            "https://api.cloudflare.com",
            Quirks {
                cloudflare_account: true,
                ..Quirks::NONE
            },
        ),
        "account_id|api_token (the account id goes into the URL); with an AI Gateway base URL \
         ending in /workers-ai, the API token alone.",
    ),
    // iFlytek Spark's OpenAI-compatible endpoint; models are Spark domains (`lite`,
    // `generalv3.5`, `4.0Ultra`): map the seed's `SparkDesk-*` names with model_mapping.
    aliased(
        keyed(
            openai_compatible(
                "xunfei",
                "iFlytek Spark",
                "https://spark-api-open.xf-yun.com/v1",
                Quirks {
                    spark_domains: true,
                    ..Quirks::NONE
                },
            ),
            "APIKey:APISecret (or the HTTP API password) from the Spark console, sent as a Bearer \
             token; model names such as SparkDesk-Max are sent as their domains (generalv3.5).",
        ),
        &["spark"],
    ),
    // Self-hosted embeddings and rerank; its rerank is its own (`/rerank`, `texts`).
    Registration {
        name: "text-embeddings-inference",
        aliases: &["tei", "huggingface text-embeddings-inference"],
        display_name: "Hugging Face Text Embeddings Inference",
        default_base_url: None,
        key_help: "The server's API key, if it was started with one (may be empty).",
        config_keys: &[],
        quirks: Quirks::NONE,
        provider: &TeiWire,
        video_tasks: None,
        media: None,
    },
    // Deployed per customer: its base URL is required.
    Registration {
        name: "sangforaicp",
        aliases: &["Sangfor AICP", "sangfor"],
        display_name: "Sangfor AICP",
        default_base_url: None,
        key_help: PLAIN_KEY,
        config_keys: OPENAI_CONFIG,
        quirks: Quirks::NONE,
        provider: &OpenAiWire,
        video_tasks: None,
        media: None,
    },
    // The Anthropic path (`{endpoint}/{model}/claude-code-proxy`) serves KAT-Coder models.
    aliased(
        anthropic_compatible(
            openai_compatible(
                "streamlake",
                "StreamLake (Kuaishou Wanqing)",
                "https://wanqing.streamlakeapi.com/api/gateway/v1/endpoints",
                // Only KAT-Coder models have the Claude Code proxy.
                Quirks {
                    anthropic_models: &["kat", "coder"],
                    ..Quirks::AS_GIVEN
                },
            ),
            "/api/gateway/v1/endpoints/{model}/claude-code-proxy",
            true,
        ),
        &["Streamlake"],
    ),
    aliased(
        anthropic_compatible(
            openai_compatible(
                "zhipucoding",
                "Zhipu GLM Coding Plan",
                "https://open.bigmodel.cn/api/coding/paas/v4",
                Quirks::NONE,
            ),
            "/api/anthropic",
            true,
        ),
        &["zhipu coding", "zhipu-coding"],
    ),
    anthropic_compatible(
        openai_compatible(
            "antling",
            "Ant Ling (Bailing)",
            "https://api.tbox.cn/api/llm/v1",
            Quirks::NONE,
        ),
        "/api/anthropic",
        true,
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

    #[test]
    fn every_name_and_alias_resolves_to_one_type() {
        let mut seen = std::collections::HashSet::new();
        for registration in PROVIDERS {
            for name in std::iter::once(&registration.name).chain(registration.aliases) {
                assert!(seen.insert(*name), "{name} names two channel types");
                assert_eq!(
                    ChannelKind::parse(name).map(ChannelKind::as_str),
                    Some(registration.name),
                    "{name}"
                );
            }
        }
        for (seed_name, name) in [
            ("google gemini", "gemini"),
            ("google gemini (openai)", "gemini-openai"),
            ("baidu v2", "qianfan"),
            (
                "huggingface text-embeddings-inference",
                "text-embeddings-inference",
            ),
            ("Sangfor AICP", "sangforaicp"),
            ("Streamlake", "streamlake"),
            ("zhipu coding", "zhipucoding"),
        ] {
            assert_eq!(
                ChannelKind::parse(seed_name).map(ChannelKind::as_str),
                Some(name),
                "{seed_name}"
            );
        }
    }

    #[test]
    fn new_vendors_have_the_default_base_urls_they_publish() {
        for (name, base) in [
            ("perplexity", Some("https://api.perplexity.ai")),
            ("fireworks", Some("https://api.fireworks.ai/inference/v1")),
            ("ppio", Some("https://api.ppinfra.com/v3/openai")),
            ("cloudflare", Some("https://api.cloudflare.com")),
            ("xunfei", Some("https://spark-api-open.xf-yun.com/v1")),
            ("text-embeddings-inference", None),
            ("sangforaicp", None),
            (
                "streamlake",
                Some("https://wanqing.streamlakeapi.com/api/gateway/v1/endpoints"),
            ),
            (
                "zhipucoding",
                Some("https://open.bigmodel.cn/api/coding/paas/v4"),
            ),
            ("antling", Some("https://api.tbox.cn/api/llm/v1")),
        ] {
            let kind = ChannelKind::parse(name).unwrap();
            assert_eq!(kind.default_base_url(), base, "{name}");
        }
    }

    #[test]
    fn types_with_an_anthropic_endpoint_offer_the_config_key_that_turns_it_off() {
        let with_endpoint: Vec<&str> = PROVIDERS
            .iter()
            .filter(|registration| registration.quirks.anthropic_base.is_some())
            .map(|registration| registration.name)
            .collect();
        assert_eq!(
            with_endpoint,
            [
                "deepseek",
                "zhipu",
                "ali",
                "minimax",
                "streamlake",
                "zhipucoding",
                "antling"
            ]
        );
        for registration in PROVIDERS {
            let offers = registration
                .config_keys
                .iter()
                .any(|key| key.name == "anthropic_api");
            assert_eq!(
                offers,
                registration.quirks.anthropic_base.is_some(),
                "{}",
                registration.name
            );
        }
    }

    #[test]
    fn served_endpoints_say_which_clients_arrive_unconverted() {
        let served = |name: &str| -> Vec<(&'static str, bool)> {
            ChannelKind::parse(name)
                .unwrap()
                .served_endpoints()
                .into_iter()
                .map(|served| (served.endpoint.route(), served.native))
                .collect()
        };
        let deepseek = served("deepseek");
        assert!(deepseek.contains(&("/v1/messages", true)), "{deepseek:?}");
        assert!(deepseek.contains(&("/v1/chat/completions", true)));
        assert!(deepseek.contains(&("/v1/responses", false)));
        assert!(served("moonshot").contains(&("/v1/messages", false)));
        assert!(served("openai").contains(&("/v1/responses", true)));
        let anthropic = served("anthropic");
        assert!(anthropic.contains(&("/v1/messages", true)));
        assert!(anthropic.contains(&("/v1/chat/completions", false)));
        assert!(
            !anthropic
                .iter()
                .any(|(route, _)| *route == "/v1/embeddings")
        );
        assert_eq!(
            served("text-embeddings-inference"),
            [("/v1/embeddings", true), ("/v1/rerank", true)]
        );
        assert!(served("cloudflare").contains(&("/v1/chat/completions", true)));
    }
}
