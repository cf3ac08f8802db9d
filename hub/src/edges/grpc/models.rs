//! `ModelService`: model configs, per-group overrides, and the models channels serve.

use std::collections::{BTreeMap, HashSet};

use tonic::{Request, Response, Status};

use super::convert::{price_from, price_pb, timeouts_from, timeouts_pb};
use super::error::{invalid, required};
use super::pb::{self, model_service_server::ModelService};
use super::update::{Patchable, UpdateMask, apply_update};
use super::{ControlPlane, next_page_token, page};
use crate::access;
use crate::model_catalogue::{self, CatalogueEntry, Selection};
use crate::snapshot::DEFAULT_SET;
use crate::snapshot::changes::{ChangeAction, ChangeKind};
use crate::store::{
    Channel, ChannelFilter, GroupModelOverride, ModelConfig, ModelFilter, ModelType, Page,
    Status as StoreStatus, StoreError, secret,
};

pub struct Models(pub ControlPlane);

pub fn model_type_pb(model_type: ModelType) -> i32 {
    (match model_type {
        ModelType::Chat => pb::ModelType::Chat,
        ModelType::Completion => pb::ModelType::Completion,
        ModelType::Embedding => pb::ModelType::Embedding,
        ModelType::Image => pb::ModelType::Image,
        ModelType::Audio => pb::ModelType::Audio,
        ModelType::Rerank => pb::ModelType::Rerank,
        ModelType::Moderation => pb::ModelType::Moderation,
        ModelType::Video => pb::ModelType::Video,
        ModelType::Document => pb::ModelType::Document,
    }) as i32
}

fn model_type_from(field: &str, value: i32) -> Result<Option<ModelType>, Status> {
    Ok(match pb::ModelType::try_from(value) {
        Ok(pb::ModelType::Unspecified) => None,
        Ok(pb::ModelType::Chat) => Some(ModelType::Chat),
        Ok(pb::ModelType::Completion) => Some(ModelType::Completion),
        Ok(pb::ModelType::Embedding) => Some(ModelType::Embedding),
        Ok(pb::ModelType::Image) => Some(ModelType::Image),
        Ok(pb::ModelType::Audio) => Some(ModelType::Audio),
        Ok(pb::ModelType::Rerank) => Some(ModelType::Rerank),
        Ok(pb::ModelType::Moderation) => Some(ModelType::Moderation),
        Ok(pb::ModelType::Video) => Some(ModelType::Video),
        Ok(pb::ModelType::Document) => Some(ModelType::Document),
        Err(_) => return Err(invalid(field, format!("unknown model type {value}"))),
    })
}

/// An empty filter text means "any".
fn non_empty_list(text: String) -> Vec<String> {
    if text.is_empty() {
        Vec::new()
    } else {
        vec![text]
    }
}

fn json_object(field: &str, text: &str) -> Result<serde_json::Value, Status> {
    if text.trim().is_empty() {
        return Ok(serde_json::Value::Object(serde_json::Map::new()));
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|err| invalid(field, format!("bad JSON: {err}")))?;
    if !value.is_object() {
        return Err(invalid(field, "must be a JSON object"));
    }
    Ok(value)
}

pub fn model_config_pb(config: &ModelConfig) -> pb::ModelConfig {
    pb::ModelConfig {
        model: config.model.clone(),
        r#type: model_type_pb(config.model_type),
        owner: config.owner.clone(),
        rpm: config.rpm,
        tpm: config.tpm,
        retry_times: config.retry_times,
        timeouts: Some(timeouts_pb(&config.timeouts)),
        price: Some(price_pb(&config.price)),
        plugins_json: secret::mask_settings(&config.plugins).to_string(),
        config_json: config.config.to_string(),
        created_at_ms: config.created_at,
        updated_at_ms: config.updated_at,
        max_output_tokens: config.max_output_tokens,
    }
}

impl Patchable for ModelConfig {
    type Message = pb::ModelConfig;

    const UPDATABLE: &'static [&'static str] = &[
        "type",
        "owner",
        "rpm",
        "tpm",
        "retry_times",
        "timeouts",
        "price",
        "plugins_json",
        "config_json",
        "max_output_tokens",
    ];

    fn patch(&mut self, incoming: pb::ModelConfig, mask: &UpdateMask) -> Result<(), Status> {
        if mask.selects("type") {
            self.model_type = model_type_from("model_config.type", incoming.r#type)?
                .ok_or_else(|| invalid("model_config.type", "must be set"))?;
        }
        if mask.selects("owner") {
            self.owner = incoming.owner;
        }
        if mask.selects("rpm") {
            self.rpm = incoming.rpm;
        }
        if mask.selects("tpm") {
            self.tpm = incoming.tpm;
        }
        if mask.selects("retry_times") {
            self.retry_times = incoming.retry_times;
        }
        if mask.selects("timeouts") {
            self.timeouts = timeouts_from(incoming.timeouts);
        }
        if mask.selects("price") {
            self.price = price_from("model_config.price", incoming.price)?;
        }
        if mask.selects("plugins_json") {
            let incoming = json_object("model_config.plugins_json", &incoming.plugins_json)?;
            self.plugins = secret::unmask_settings(incoming, &self.plugins);
        }
        if mask.selects("config_json") {
            self.config = json_object("model_config.config_json", &incoming.config_json)?;
        }
        if mask.selects("max_output_tokens") {
            self.max_output_tokens = incoming.max_output_tokens;
        }
        Ok(())
    }
}

pub fn override_pb(item: &GroupModelOverride) -> pb::GroupModelOverride {
    pb::GroupModelOverride {
        group_id: item.group_id.clone(),
        model: item.model.clone(),
        rpm: item.rpm,
        tpm: item.tpm,
        price: item.price.as_ref().map(price_pb),
        retry_times: item.retry_times,
        timeouts: Some(timeouts_pb(&item.timeouts)),
        save_detail: item.save_detail,
        created_at_ms: item.created_at,
        updated_at_ms: item.updated_at,
        plugins_json: item
            .plugins
            .as_ref()
            .map(|plugins| secret::mask_settings(plugins).to_string()),
    }
}

fn override_from(item: pb::GroupModelOverride) -> Result<GroupModelOverride, Status> {
    Ok(GroupModelOverride {
        group_id: item.group_id,
        model: item.model,
        rpm: item.rpm,
        tpm: item.tpm,
        price: item
            .price
            .map(|price| price_from("override.price", Some(price)))
            .transpose()?,
        retry_times: item.retry_times,
        timeouts: timeouts_from(item.timeouts),
        save_detail: item.save_detail,
        plugins: item
            .plugins_json
            .as_deref()
            .map(|text| json_object("override.plugins_json", text))
            .transpose()?,
        created_at: 0,
        updated_at: 0,
    })
}

/// Every model the `channels` serve, flagged with whether `configured` names it. Channels come
/// in any order; each model lists its channels highest priority first (then by id), as the
/// relay tries them. `sets`, when given, keeps only channels in one of those sets (a channel
/// with no sets is in the default one).
fn served_models(
    channels: &[Channel],
    configured: &HashSet<String>,
    sets: Option<&[String]>,
) -> Vec<pb::ServedModel> {
    let reachable = |channel: &Channel| {
        let Some(sets) = sets else { return true };
        if channel.sets.is_empty() {
            sets.iter().any(|set| set == DEFAULT_SET)
        } else {
            channel.sets.iter().any(|set| sets.contains(set))
        }
    };
    let mut serving: Vec<&Channel> = channels
        .iter()
        .filter(|channel| channel.status == StoreStatus::Enabled && reachable(channel))
        .collect();
    serving.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.id.cmp(&b.id)));
    let mut models: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for channel in serving {
        for model in &channel.models {
            models
                .entry(model.as_str())
                .or_default()
                .push(channel.name.clone());
        }
    }
    models
        .into_iter()
        .map(|(model, channels)| pb::ServedModel {
            model: model.to_owned(),
            configured: configured.contains(model),
            channels,
        })
        .collect()
}

/// A catalogue entry as the control plane shows it.
pub fn builtin_model_pb(entry: &CatalogueEntry, unit: i64) -> pb::BuiltinModel {
    pb::BuiltinModel {
        model: entry.model.clone(),
        provider: entry.provider.clone(),
        r#type: model_type_pb(entry.model_type),
        price: Some(price_pb(&entry.price(unit))),
        currency: entry.currency.clone(),
        context_window: entry.context_window,
        max_output_tokens: entry.max_output_tokens,
        media_json: entry
            .media
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    }
}

fn catalogue() -> Result<&'static model_catalogue::Catalogue, Status> {
    model_catalogue::catalogue().map_err(Status::internal)
}

#[tonic::async_trait]
impl ModelService for Models {
    async fn list_builtin_models(
        &self,
        request: Request<pb::ListBuiltinModelsRequest>,
    ) -> Result<Response<pb::ListBuiltinModelsResponse>, Status> {
        let request = request.into_inner();
        let page = page(request.page_size, &request.page_token)?;
        let catalogue = catalogue()?;
        let selection = Selection {
            providers: non_empty_list(request.provider),
            model_type: model_type_from("type", request.r#type)?,
            ..Selection::default()
        };
        let matching: Vec<&CatalogueEntry> = catalogue.select(&selection).collect();
        let total = i64::try_from(matching.len()).unwrap_or(i64::MAX);
        let models: Vec<pb::BuiltinModel> = matching
            .into_iter()
            .skip(usize::try_from(page.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(page.limit).unwrap_or(usize::MAX))
            .map(|entry| builtin_model_pb(entry, catalogue.unit))
            .collect();
        Ok(Response::new(pb::ListBuiltinModelsResponse {
            next_page_token: next_page_token(page, models.len(), total),
            models,
            total_size: total,
            catalogue_version: catalogue.version,
            catalogue_updated: catalogue.updated.clone(),
        }))
    }

    async fn import_builtin_models(
        &self,
        request: Request<pb::ImportBuiltinModelsRequest>,
    ) -> Result<Response<pb::ImportBuiltinModelsResponse>, Status> {
        let request = request.into_inner();
        let catalogue = catalogue()?;
        if let Some(provider) = catalogue.unknown_provider(&request.providers) {
            return Err(invalid(
                "providers",
                format!("the catalogue has no models of {provider:?}"),
            ));
        }
        if let Some(model) = catalogue.unknown_model(&request.models) {
            return Err(invalid(
                "models",
                format!("the catalogue has no model {model:?}"),
            ));
        }
        let selection = Selection {
            providers: request.providers,
            models: request.models,
            model_type: None,
            currency: Some(request.currency).filter(|currency| !currency.is_empty()),
        };
        let mut answer = pb::ImportBuiltinModelsResponse {
            catalogue_version: catalogue.version,
            ..Default::default()
        };
        for entry in catalogue.select(&selection) {
            // Creating first and falling back on "already exists" decides per row in the
            // database, so a concurrent create is skipped or overwritten, never duplicated.
            match self
                .0
                .store
                .create_model_config(&entry.model_config(catalogue.unit))
                .await
            {
                Ok(created) => {
                    self.0.changes.publish(
                        ChangeKind::Model,
                        ChangeAction::Created,
                        &created.model,
                    );
                    answer.created_models.push(created.model);
                }
                Err(StoreError::AlreadyExists { .. }) if request.overwrite => {
                    let updated = self
                        .0
                        .store
                        .update_model_config_with(&entry.model, |config| {
                            entry.apply_to(config, catalogue.unit);
                            Ok::<_, StoreError>(())
                        })
                        .await?;
                    self.0.changes.publish(
                        ChangeKind::Model,
                        ChangeAction::Updated,
                        &updated.model,
                    );
                    answer.updated_models.push(updated.model);
                }
                Err(StoreError::AlreadyExists { .. }) => {
                    answer.skipped_models.push(entry.model.clone());
                }
                Err(error) => return Err(error.into()),
            }
        }
        let count = |models: &[String]| i64::try_from(models.len()).unwrap_or(i64::MAX);
        answer.created = count(&answer.created_models);
        answer.updated = count(&answer.updated_models);
        answer.skipped = count(&answer.skipped_models);
        Ok(Response::new(answer))
    }
    async fn list_served_models(
        &self,
        request: Request<pb::ListServedModelsRequest>,
    ) -> Result<Response<pb::ListServedModelsResponse>, Status> {
        let group_id = request.into_inner().group_id;
        let sets = if group_id.is_empty() {
            None
        } else {
            let group = self.0.store.get_group(&group_id).await?;
            Some(if group.available_sets.is_empty() {
                vec![DEFAULT_SET.to_owned()]
            } else {
                group.available_sets
            })
        };
        // Admin listings of the whole configuration: one page holding everything.
        let everything = Page {
            offset: 0,
            limit: i64::MAX,
        };
        let channels = self
            .0
            .store
            .list_channels(
                &ChannelFilter {
                    status: Some(StoreStatus::Enabled),
                    ..ChannelFilter::default()
                },
                everything,
            )
            .await?
            .items;
        let configured: HashSet<String> = self
            .0
            .store
            .list_model_configs(&ModelFilter::default(), everything)
            .await?
            .items
            .into_iter()
            .map(|config| config.model)
            .collect();
        Ok(Response::new(pb::ListServedModelsResponse {
            models: served_models(&channels, &configured, sets.as_deref()),
        }))
    }

    async fn create_model_config(
        &self,
        request: Request<pb::CreateModelConfigRequest>,
    ) -> Result<Response<pb::ModelConfig>, Status> {
        let mut incoming = required("model_config", request.into_inner().model_config)?;
        if model_type_from("model_config.type", incoming.r#type)?.is_none() {
            incoming.r#type = pb::ModelType::Chat as i32;
        }
        let mut config = ModelConfig::new(incoming.model.clone());
        apply_update(&mut config, incoming, &UpdateMask::everything())?;
        let created = self.0.store.create_model_config(&config).await?;
        self.0
            .changes
            .publish(ChangeKind::Model, ChangeAction::Created, &created.model);
        Ok(Response::new(model_config_pb(&created)))
    }

    async fn get_model_config(
        &self,
        request: Request<pb::GetModelConfigRequest>,
    ) -> Result<Response<pb::ModelConfig>, Status> {
        let config = self
            .0
            .store
            .get_model_config(&request.into_inner().model)
            .await?;
        Ok(Response::new(model_config_pb(&config)))
    }

    async fn list_model_configs(
        &self,
        request: Request<pb::ListModelConfigsRequest>,
    ) -> Result<Response<pb::ListModelConfigsResponse>, Status> {
        let request = request.into_inner();
        let page = page(request.page_size, &request.page_token)?;
        let filter = ModelFilter {
            model_type: model_type_from("type", request.r#type)?,
            keyword: Some(request.keyword),
        };
        let listing = self.0.store.list_model_configs(&filter, page).await?;
        Ok(Response::new(pb::ListModelConfigsResponse {
            next_page_token: next_page_token(page, listing.items.len(), listing.total),
            model_configs: listing.items.iter().map(model_config_pb).collect(),
            total_size: listing.total,
        }))
    }

    async fn update_model_config(
        &self,
        request: Request<pb::UpdateModelConfigRequest>,
    ) -> Result<Response<pb::ModelConfig>, Status> {
        let request = request.into_inner();
        let incoming = required("model_config", request.model_config)?;
        let mask = UpdateMask::from_request(request.update_mask);
        let model = incoming.model.clone();
        let updated = self
            .0
            .store
            .update_model_config_with(&model, |config| apply_update(config, incoming, &mask))
            .await?;
        self.0
            .changes
            .publish(ChangeKind::Model, ChangeAction::Updated, &updated.model);
        Ok(Response::new(model_config_pb(&updated)))
    }

    async fn delete_model_config(
        &self,
        request: Request<pb::DeleteModelConfigRequest>,
    ) -> Result<Response<()>, Status> {
        let model = request.into_inner().model;
        self.0.store.delete_model_config(&model).await?;
        self.0
            .changes
            .publish(ChangeKind::Model, ChangeAction::Deleted, model);
        Ok(Response::new(()))
    }

    async fn batch_delete_model_configs(
        &self,
        request: Request<pb::BatchDeleteModelConfigsRequest>,
    ) -> Result<Response<pb::BatchDeleteResponse>, Status> {
        let models = request.into_inner().models;
        let deleted = self.0.store.delete_model_configs(&models).await?;
        for model in models {
            self.0
                .changes
                .publish(ChangeKind::Model, ChangeAction::Deleted, model);
        }
        Ok(Response::new(pb::BatchDeleteResponse {
            deleted: i64::try_from(deleted).unwrap_or(i64::MAX),
        }))
    }

    async fn put_group_model_override(
        &self,
        request: Request<pb::PutGroupModelOverrideRequest>,
    ) -> Result<Response<pb::GroupModelOverride>, Status> {
        let incoming = required("override", request.into_inner().r#override)?;
        let mut item = override_from(incoming)?;
        access::group_scope()?.check(&item.group_id)?;
        let (group_id, model) = (item.group_id.clone(), item.model.clone());
        let stored = self
            .0
            .store
            .put_group_override_with(&group_id, &model, |stored| {
                // Plugin settings sent back with their API keys masked keep the stored keys.
                if let Some(plugins) = item.plugins.take() {
                    item.plugins = Some(match stored.and_then(|stored| stored.plugins) {
                        Some(existing) => secret::unmask_settings(plugins, &existing),
                        None => plugins,
                    });
                }
                Ok::<_, Status>(item)
            })
            .await?;
        self.0.changes.publish(
            ChangeKind::GroupModel,
            ChangeAction::Updated,
            format!("{}/{}", stored.group_id, stored.model),
        );
        Ok(Response::new(override_pb(&stored)))
    }

    async fn get_group_model_override(
        &self,
        request: Request<pb::GetGroupModelOverrideRequest>,
    ) -> Result<Response<pb::GroupModelOverride>, Status> {
        let request = request.into_inner();
        access::group_scope()?.check(&request.group_id)?;
        let item = self
            .0
            .store
            .get_group_override(&request.group_id, &request.model)
            .await?;
        Ok(Response::new(override_pb(&item)))
    }

    async fn list_group_model_overrides(
        &self,
        request: Request<pb::ListGroupModelOverridesRequest>,
    ) -> Result<Response<pb::ListGroupModelOverridesResponse>, Status> {
        let group_id = request.into_inner().group_id;
        let scope = access::group_scope()?;
        scope.listing(&group_id)?;
        let items = self
            .0
            .store
            .list_group_overrides(Some(&group_id))
            .await?
            .into_iter()
            .filter(|item| scope.allows(&item.group_id))
            .collect::<Vec<_>>();
        Ok(Response::new(pb::ListGroupModelOverridesResponse {
            overrides: items.iter().map(override_pb).collect(),
        }))
    }

    async fn delete_group_model_override(
        &self,
        request: Request<pb::DeleteGroupModelOverrideRequest>,
    ) -> Result<Response<()>, Status> {
        let request = request.into_inner();
        access::group_scope()?.check(&request.group_id)?;
        self.0
            .store
            .delete_group_override(&request.group_id, &request.model)
            .await?;
        self.0.changes.publish(
            ChangeKind::GroupModel,
            ChangeAction::Deleted,
            format!("{}/{}", request.group_id, request.model),
        );
        Ok(Response::new(()))
    }
}
