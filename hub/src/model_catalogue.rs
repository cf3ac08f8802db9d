//! The price catalogue shipped in the binary (`hub/data/model_catalogue.json`): public list
//! prices and limits of well-known models, and the model configs they become on import.
//!
//! The catalogue is data, read once per process. Prices are in each entry's currency (`USD` or
//! `CNY`): the gateway keeps one balance per group with no currency of its own, so an operator
//! imports the families priced in the currency their balances are kept in (or imports both and
//! accepts the mix knowingly).

use std::sync::LazyLock;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::store::media_config::MEDIA_KEY;
use crate::store::{ModelConfig, ModelType, Price};

/// The catalogue text, embedded at build time.
const CATALOGUE_JSON: &str = include_str!("../data/model_catalogue.json");

/// The key of a model config's `config` object holding the context window, as the seed names it.
pub const CONTEXT_WINDOW_KEY: &str = "max_context_tokens";

/// The whole catalogue: a version bumped on every change of prices or entries, and the date its
/// prices were last checked.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub version: u32,
    pub updated: String,
    /// Tokens the token prices are for.
    pub unit: i64,
    /// What the prices mean, for readers of the file.
    #[serde(default)]
    pub note: String,
    pub models: Vec<CatalogueEntry>,
}

/// One model's list prices and limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueEntry {
    pub model: String,
    /// The channel type (provider registry name) that serves it first hand.
    pub provider: String,
    #[serde(rename = "type")]
    pub model_type: ModelType,
    /// ISO 4217 code of every price of this entry.
    pub currency: String,
    /// Token prices per the catalogue's `unit`; absent fields are free.
    #[serde(default)]
    pub price: TokenPrices,
    #[serde(default)]
    pub context_window: Option<i64>,
    #[serde(default)]
    pub max_output_tokens: Option<i64>,
    /// Image, audio or video prices in the model config's `config.media` shape.
    #[serde(default)]
    pub media: Option<serde_json::Value>,
}

/// The token price fields a catalogue entry may set.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenPrices {
    pub input: Option<Decimal>,
    pub output: Option<Decimal>,
    pub cached_input: Option<Decimal>,
    pub cache_creation: Option<Decimal>,
    pub image_input: Option<Decimal>,
    pub image_output: Option<Decimal>,
    pub audio_input: Option<Decimal>,
    pub audio_output: Option<Decimal>,
    pub per_request: Option<Decimal>,
    pub reasoning_output: Option<Decimal>,
}

static CATALOGUE: LazyLock<Result<Catalogue, String>> = LazyLock::new(|| {
    serde_json::from_str::<Catalogue>(CATALOGUE_JSON).map_err(|error| error.to_string())
});

/// The embedded catalogue; an error only if the file shipped broken (its unit test catches that).
pub fn catalogue() -> Result<&'static Catalogue, String> {
    CATALOGUE
        .as_ref()
        .map_err(|error| format!("the built-in model catalogue cannot be read: {error}"))
}

/// What to take from the catalogue; empty lists match everything.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub providers: Vec<String>,
    pub models: Vec<String>,
    pub model_type: Option<ModelType>,
    pub currency: Option<String>,
}

impl Selection {
    pub fn matches(&self, entry: &CatalogueEntry) -> bool {
        (self.providers.is_empty() || self.providers.contains(&entry.provider))
            && (self.models.is_empty() || self.models.contains(&entry.model))
            && self.model_type.is_none_or(|kind| kind == entry.model_type)
            && self
                .currency
                .as_deref()
                .is_none_or(|currency| currency.eq_ignore_ascii_case(&entry.currency))
    }
}

impl Catalogue {
    pub fn select<'a>(
        &'a self,
        selection: &'a Selection,
    ) -> impl Iterator<Item = &'a CatalogueEntry> + 'a {
        self.models
            .iter()
            .filter(move |entry| selection.matches(entry))
    }

    /// The first of `names` that no entry carries, for a clear refusal of a typo.
    pub fn unknown_model<'a>(&self, names: &'a [String]) -> Option<&'a str> {
        names
            .iter()
            .find(|name| !self.models.iter().any(|entry| &entry.model == *name))
            .map(String::as_str)
    }

    /// The first of `providers` that no entry carries.
    pub fn unknown_provider<'a>(&self, providers: &'a [String]) -> Option<&'a str> {
        providers
            .iter()
            .find(|provider| !self.models.iter().any(|entry| &entry.provider == *provider))
            .map(String::as_str)
    }
}

impl CatalogueEntry {
    /// The price the entry becomes in a model config.
    pub fn price(&self, unit: i64) -> Price {
        let listed = &self.price;
        Price {
            input: listed.input,
            output: listed.output,
            cached_input: listed.cached_input,
            cache_creation: listed.cache_creation,
            image_input: listed.image_input,
            image_output: listed.image_output,
            audio_input: listed.audio_input,
            audio_output: listed.audio_output,
            per_request: listed.per_request,
            reasoning_output: listed.reasoning_output,
            web_search_per_call: None,
            // The catalogue lists each model's base price; long-context and service tiers are
            // the operator's to add.
            tiers: Vec::new(),
            unit,
        }
    }

    /// Lays the entry's prices and limits over `config`: type, owner, price, max output tokens,
    /// and the context window and media prices inside `config`. Limits (rpm, tpm), timeouts,
    /// plugins and other `config` keys stay as they were, so an overwrite refreshes prices
    /// without undoing an operator's other settings.
    pub fn apply_to(&self, config: &mut ModelConfig, unit: i64) {
        config.model_type = self.model_type;
        config.owner = self.provider.clone();
        config.price = self.price(unit);
        config.max_output_tokens = self.max_output_tokens;
        if !config.config.is_object() {
            config.config = serde_json::Value::Object(serde_json::Map::new());
        }
        if let Some(settings) = config.config.as_object_mut() {
            match self.context_window {
                Some(tokens) => {
                    settings.insert(CONTEXT_WINDOW_KEY.to_owned(), tokens.into());
                }
                None => {
                    settings.remove(CONTEXT_WINDOW_KEY);
                }
            }
            match &self.media {
                Some(media) => {
                    settings.insert(MEDIA_KEY.to_owned(), media.clone());
                }
                None => {
                    settings.remove(MEDIA_KEY);
                }
            }
        }
    }

    /// A new model config holding the entry.
    pub fn model_config(&self, unit: i64) -> ModelConfig {
        let mut config = ModelConfig::new(self.model.clone());
        self.apply_to(&mut config, unit);
        config
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashSet};

    use relay::host::ChannelKind;

    use super::*;
    use crate::store::validate;

    #[test]
    fn the_shipped_catalogue_is_valid() {
        let catalogue = catalogue().unwrap();
        assert!(catalogue.version >= 1);
        assert!(
            chrono::NaiveDate::parse_from_str(&catalogue.updated, "%Y-%m-%d").is_ok(),
            "updated must be a YYYY-MM-DD date: {}",
            catalogue.updated
        );
        assert!(catalogue.unit > 0);
        assert!(catalogue.models.len() >= 100, "{}", catalogue.models.len());
        let mut names = HashSet::new();
        let mut per_provider: BTreeMap<&str, usize> = BTreeMap::new();
        for entry in &catalogue.models {
            assert!(names.insert(&entry.model), "{} listed twice", entry.model);
            assert!(
                ChannelKind::parse(&entry.provider).is_some(),
                "{}: unknown provider {}",
                entry.model,
                entry.provider
            );
            assert!(
                ["USD", "CNY"].contains(&entry.currency.as_str()),
                "{}: currency {}",
                entry.model,
                entry.currency
            );
            for tokens in [entry.context_window, entry.max_output_tokens]
                .into_iter()
                .flatten()
            {
                assert!(tokens > 0, "{}: limits must be positive", entry.model);
            }
            // Media prices belong to media types; token prices alone are fine for any type.
            if entry.media.is_some() {
                assert!(
                    matches!(
                        entry.model_type,
                        ModelType::Image | ModelType::Audio | ModelType::Video
                    ),
                    "{}: media prices on a {} model",
                    entry.model,
                    entry.model_type.as_str()
                );
            }
            // The model config it becomes passes the store's validation: non-negative prices,
            // a well-formed media object with known fields.
            let config = entry.model_config(catalogue.unit);
            validate::model_config(&config)
                .unwrap_or_else(|error| panic!("{}: {error}", entry.model));
            for (field, price) in config.price.fields() {
                assert!(
                    price.is_none_or(|price| price >= Decimal::ZERO),
                    "{}: {field} is negative",
                    entry.model
                );
            }
            *per_provider.entry(entry.provider.as_str()).or_default() += 1;
        }
        for family in [
            "openai",
            "anthropic",
            "gemini",
            "deepseek",
            "ali",
            "doubao",
            "zhipu",
            "moonshot",
            "minimax",
            "mistral",
            "xai",
            "cohere",
            "baidu",
            "tencent",
        ] {
            assert!(
                per_provider.get(family).is_some_and(|count| *count >= 2),
                "{family} needs at least a flagship and a small model"
            );
        }
    }

    #[test]
    fn an_overwrite_keeps_the_operators_other_settings() {
        let catalogue = catalogue().unwrap();
        let entry = catalogue
            .models
            .iter()
            .find(|entry| entry.model == "dall-e-3")
            .unwrap();
        let mut config = ModelConfig::new("dall-e-3");
        config.rpm = 60;
        config.config = serde_json::json!({"vision": true, MEDIA_KEY: {"images": {}}});
        entry.apply_to(&mut config, catalogue.unit);
        assert_eq!(config.rpm, 60);
        assert_eq!(config.model_type, ModelType::Image);
        assert_eq!(config.config["vision"], true);
        assert_eq!(config.config[MEDIA_KEY], *entry.media.as_ref().unwrap());
        assert!(config.config.get(CONTEXT_WINDOW_KEY).is_none());
    }

    #[test]
    fn selections_filter_by_provider_model_type_and_currency() {
        let catalogue = catalogue().unwrap();
        let count = |selection: Selection| catalogue.select(&selection).count();
        let all = count(Selection::default());
        assert_eq!(all, catalogue.models.len());
        let openai = count(Selection {
            providers: vec!["openai".into()],
            ..Selection::default()
        });
        assert!(openai > 0 && openai < all);
        let openai_embeddings = count(Selection {
            providers: vec!["openai".into()],
            model_type: Some(ModelType::Embedding),
            ..Selection::default()
        });
        assert!(openai_embeddings > 0 && openai_embeddings < openai);
        assert_eq!(
            count(Selection {
                models: vec!["gpt-4o".into(), "deepseek-chat".into()],
                ..Selection::default()
            }),
            2
        );
        assert_eq!(
            count(Selection {
                providers: vec!["zhipu".into()],
                currency: Some("usd".into()),
                ..Selection::default()
            }),
            0
        );
        assert_eq!(
            catalogue.unknown_model(&["gpt-4o".into(), "gpt-9".into()]),
            Some("gpt-9")
        );
        assert_eq!(catalogue.unknown_provider(&["openai".into()]), None);
    }
}
