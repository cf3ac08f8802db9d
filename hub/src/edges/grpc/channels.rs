//! `ChannelService`. Keys are masked in every response.

use relay::host::ChannelKind;
use relay::provider::balance::balance_source;
use tonic::{Request, Response, Status};

use super::channel_tests;
use super::convert::{non_empty, status_from, status_pb, timeouts_from, timeouts_pb};
use super::error::{invalid, required};
use super::pb::{self, channel_service_server::ChannelService};
use super::update::{Patchable, UpdateMask, apply_update};
use super::{ControlPlane, next_page_token, page};
use crate::balances::CheckError;
use crate::snapshot::changes::{ChangeAction, ChangeKind};
use crate::store::{Channel, ChannelBalance, ChannelFilter, secret};

pub struct Channels(pub ControlPlane);

/// `balance` is the channel's balance row (`None`: never checked nor configured).
pub fn channel_pb(channel: &Channel, balance: Option<&ChannelBalance>) -> pb::Channel {
    pb::Channel {
        id: channel.id,
        name: channel.name.clone(),
        r#type: channel.kind.as_str().to_owned(),
        base_url: secret::mask_url(&channel.base_url),
        key: secret::mask(&channel.key),
        models: channel.models.clone(),
        model_mapping: channel.model_mapping.clone().into_iter().collect(),
        priority: channel.priority,
        sets: channel.sets.clone(),
        status: status_pb(channel.status),
        proxy_url: channel
            .proxy_url
            .as_deref()
            .map(secret::mask_url)
            .unwrap_or_default(),
        timeouts: Some(timeouts_pb(&channel.timeouts)),
        config: secret::mask_credential_entries(&channel.config)
            .into_iter()
            .collect(),
        created_at_ms: channel.created_at,
        updated_at_ms: channel.updated_at,
        // Filled in by the reads that show them (`channel_tests::channels_with_tests`).
        last_tests: Vec::new(),
        balance: Some(balance_pb(
            channel.kind,
            balance.cloned().unwrap_or_default(),
        )),
        warn_error_rate: channel.warn_error_rate,
        max_error_rate: channel.max_error_rate,
    }
}

pub fn balance_pb(kind: ChannelKind, balance: ChannelBalance) -> pb::ChannelBalance {
    pb::ChannelBalance {
        supported: balance_source(kind).is_some(),
        balance: balance.balance,
        currency: balance.currency.unwrap_or_default(),
        updated_at_ms: balance.updated_at,
        last_error: balance.last_error.unwrap_or_default(),
        threshold: balance.threshold,
        disable_when_empty: balance.disable_when_empty,
    }
}

pub fn channel_kind(field: &str, name: &str) -> Result<ChannelKind, Status> {
    ChannelKind::parse(name).ok_or_else(|| {
        let known: Vec<&str> = ChannelKind::all().map(ChannelKind::as_str).collect();
        invalid(
            field,
            format!("unknown channel type {name:?}; known: {}", known.join(", ")),
        )
    })
}

impl Patchable for Channel {
    type Message = pb::Channel;

    const UPDATABLE: &'static [&'static str] = &[
        "name",
        "type",
        "base_url",
        "key",
        "models",
        "model_mapping",
        "priority",
        "sets",
        "status",
        "proxy_url",
        "timeouts",
        "config",
        "warn_error_rate",
        "max_error_rate",
    ];

    fn patch(&mut self, incoming: pb::Channel, mask: &UpdateMask) -> Result<(), Status> {
        if mask.selects("name") {
            self.name = incoming.name;
        }
        if mask.selects("type") {
            self.kind = channel_kind("channel.type", &incoming.r#type)?;
        }
        if mask.selects("base_url") {
            self.base_url = secret::keep_url_if_masked(&incoming.base_url, &self.base_url);
        }
        if mask.selects("key") {
            // Sending back the masked key from a Get keeps the stored key.
            self.key = secret::keep_if_masked(&incoming.key, &self.key);
        }
        if mask.selects("models") {
            self.models = incoming.models;
        }
        if mask.selects("model_mapping") {
            self.model_mapping = incoming.model_mapping.into_iter().collect();
        }
        if mask.selects("priority") {
            self.priority = incoming.priority;
        }
        if mask.selects("sets") {
            self.sets = incoming.sets;
        }
        if mask.selects("status") {
            self.status = status_from("channel.status", incoming.status)?
                .ok_or_else(|| invalid("channel.status", "must be set"))?;
        }
        if mask.selects("proxy_url") {
            // A proxy URL sent back with its password masked keeps the stored password.
            self.proxy_url = non_empty(match &self.proxy_url {
                Some(stored) => secret::keep_url_if_masked(&incoming.proxy_url, stored),
                None => incoming.proxy_url,
            });
        }
        if mask.selects("timeouts") {
            self.timeouts = timeouts_from(incoming.timeouts);
        }
        if mask.selects("config") {
            self.config = secret::unmask_credential_entries(
                &incoming.config.into_iter().collect(),
                &self.config,
            );
        }
        // Validated (0 < rate <= 1) by the store with the rest of the channel.
        if mask.selects("warn_error_rate") {
            self.warn_error_rate = incoming.warn_error_rate;
        }
        if mask.selects("max_error_rate") {
            self.max_error_rate = incoming.max_error_rate;
        }
        Ok(())
    }
}

#[tonic::async_trait]
impl ChannelService for Channels {
    async fn create_channel(
        &self,
        request: Request<pb::CreateChannelRequest>,
    ) -> Result<Response<pb::Channel>, Status> {
        let mut incoming = required("channel", request.into_inner().channel)?;
        let kind = channel_kind("channel.type", &incoming.r#type)?;
        if status_from("channel.status", incoming.status)?.is_none() {
            incoming.status = pb::Status::Enabled as i32;
        }
        let mut channel = Channel::new(incoming.name.clone(), kind);
        apply_update(&mut channel, incoming, &UpdateMask::everything())?;
        let created = self.0.store.create_channel(&channel).await?;
        self.0.changes.publish(
            ChangeKind::Channel,
            ChangeAction::Created,
            created.id.to_string(),
        );
        Ok(Response::new(channel_pb(&created, None)))
    }

    async fn get_channel(
        &self,
        request: Request<pb::GetChannelRequest>,
    ) -> Result<Response<pb::Channel>, Status> {
        let channel = self.0.store.get_channel(request.into_inner().id).await?;
        let mut shown = channel_tests::channels_with_tests(&self.0, &[channel]).await?;
        shown
            .pop()
            .map(Response::new)
            .ok_or_else(|| Status::internal("the channel read went missing"))
    }

    async fn list_channels(
        &self,
        request: Request<pb::ListChannelsRequest>,
    ) -> Result<Response<pb::ListChannelsResponse>, Status> {
        let request = request.into_inner();
        let page = page(request.page_size, &request.page_token)?;
        let kind = if request.r#type.is_empty() {
            None
        } else {
            Some(channel_kind("type", &request.r#type)?)
        };
        let filter = ChannelFilter {
            status: status_from("status", request.status)?,
            kind,
            keyword: Some(request.keyword),
        };
        let listing = self.0.store.list_channels(&filter, page).await?;
        Ok(Response::new(pb::ListChannelsResponse {
            next_page_token: next_page_token(page, listing.items.len(), listing.total),
            channels: channel_tests::channels_with_tests(&self.0, &listing.items).await?,
            total_size: listing.total,
        }))
    }

    async fn update_channel(
        &self,
        request: Request<pb::UpdateChannelRequest>,
    ) -> Result<Response<pb::Channel>, Status> {
        let request = request.into_inner();
        let incoming = required("channel", request.channel)?;
        let mask = UpdateMask::from_request(request.update_mask);
        let updated = self
            .0
            .store
            .update_channel_with(incoming.id, |channel| {
                apply_update(channel, incoming, &mask)
            })
            .await?;
        self.0.changes.publish(
            ChangeKind::Channel,
            ChangeAction::Updated,
            updated.id.to_string(),
        );
        let balance = self.0.store.channel_balance(updated.id).await?;
        Ok(Response::new(channel_pb(&updated, Some(&balance))))
    }

    async fn delete_channel(
        &self,
        request: Request<pb::DeleteChannelRequest>,
    ) -> Result<Response<()>, Status> {
        let id = request.into_inner().id;
        self.0.store.delete_channel(id).await?;
        self.0
            .changes
            .publish(ChangeKind::Channel, ChangeAction::Deleted, id.to_string());
        Ok(Response::new(()))
    }

    async fn batch_delete_channels(
        &self,
        request: Request<pb::BatchDeleteChannelsRequest>,
    ) -> Result<Response<pb::BatchDeleteResponse>, Status> {
        let ids = request.into_inner().ids;
        let deleted = self.0.store.delete_channels(&ids).await?;
        for id in ids {
            self.0
                .changes
                .publish(ChangeKind::Channel, ChangeAction::Deleted, id.to_string());
        }
        Ok(Response::new(pb::BatchDeleteResponse {
            deleted: i64::try_from(deleted).unwrap_or(i64::MAX),
        }))
    }

    async fn set_channel_status(
        &self,
        request: Request<pb::SetChannelStatusRequest>,
    ) -> Result<Response<pb::Channel>, Status> {
        let request = request.into_inner();
        let updated = self
            .0
            .store
            .update_channel_with(request.id, |channel| {
                channel.status = status_from("status", request.status)?
                    .ok_or_else(|| invalid("status", "must be set"))?;
                Ok::<_, Status>(())
            })
            .await?;
        self.0.changes.publish(
            ChangeKind::Channel,
            ChangeAction::Updated,
            updated.id.to_string(),
        );
        let balance = self.0.store.channel_balance(updated.id).await?;
        Ok(Response::new(channel_pb(&updated, Some(&balance))))
    }

    async fn list_channel_bans(
        &self,
        request: Request<pb::ListChannelBansRequest>,
    ) -> Result<Response<pb::ListChannelBansResponse>, Status> {
        let channel_id = request.into_inner().channel_id;
        let now = std::time::SystemTime::now();
        let bans = self
            .0
            .channel_health
            .bans()
            .into_iter()
            .filter(|ban| channel_id.is_none_or(|id| id == ban.pair.channel_id))
            .map(|ban| pb::ChannelBan {
                channel_id: ban.pair.channel_id,
                model: ban.pair.model,
                reason: ban.reason,
                since_ms: unix_ms(ban.since),
                until_ms: unix_ms(now + ban.remaining),
                next_probe_ms: unix_ms(now + ban.next_probe),
            })
            .collect();
        Ok(Response::new(pb::ListChannelBansResponse { bans }))
    }

    async fn clear_channel_bans(
        &self,
        request: Request<pb::ClearChannelBansRequest>,
    ) -> Result<Response<pb::ClearChannelBansResponse>, Status> {
        let request = request.into_inner();
        let lifted = self
            .0
            .channel_health
            .clear(request.channel_id, request.model.as_deref());
        for pair in &lifted {
            tracing::info!(
                channel = pair.channel_id,
                model = %pair.model,
                "channel ban cleared by an operator"
            );
        }
        Ok(Response::new(pb::ClearChannelBansResponse {
            cleared: i64::try_from(lifted.len()).unwrap_or(i64::MAX),
        }))
    }

    type TestChannelsStream = channel_tests::TestStream;

    async fn test_channel(
        &self,
        request: Request<pb::TestChannelRequest>,
    ) -> Result<Response<pb::TestChannelResponse>, Status> {
        channel_tests::test_channel(&self.0, request.into_inner())
            .await
            .map(Response::new)
    }

    async fn test_channels(
        &self,
        request: Request<pb::TestChannelsRequest>,
    ) -> Result<Response<Self::TestChannelsStream>, Status> {
        channel_tests::test_channels(&self.0, request.into_inner())
            .await
            .map(Response::new)
    }

    async fn preview_channel_test(
        &self,
        request: Request<pb::PreviewChannelTestRequest>,
    ) -> Result<Response<pb::TestChannelResponse>, Status> {
        channel_tests::preview_channel_test(&self.0, request.into_inner())
            .await
            .map(Response::new)
    }

    async fn create_channels(
        &self,
        request: Request<pb::CreateChannelsRequest>,
    ) -> Result<Response<pb::CreateChannelsResponse>, Status> {
        channel_tests::create_channels(&self.0, request.into_inner())
            .await
            .map(Response::new)
    }

    async fn update_channel_balance(
        &self,
        request: Request<pb::UpdateChannelBalanceRequest>,
    ) -> Result<Response<pb::ChannelBalance>, Status> {
        let id = request.into_inner().id;
        let channel = self.0.store.get_channel(id).await?;
        let balance = self
            .0
            .balances
            .check(channel.id)
            .await
            .map_err(|error| match error {
                CheckError::NotSupported(kind) => {
                    Status::failed_precondition(format!("channel type {kind} has no balance api"))
                }
                CheckError::Store(error) => error.into(),
            })?;
        Ok(Response::new(balance_pb(channel.kind, balance)))
    }

    async fn set_channel_balance_settings(
        &self,
        request: Request<pb::SetChannelBalanceSettingsRequest>,
    ) -> Result<Response<pb::ChannelBalance>, Status> {
        let request = request.into_inner();
        if request
            .threshold
            .is_some_and(|threshold| !threshold.is_finite())
        {
            return Err(invalid("threshold", "must be a finite number"));
        }
        let channel = self.0.store.get_channel(request.id).await?;
        let balance = self
            .0
            .store
            .set_channel_balance_settings(channel.id, request.threshold, request.disable_when_empty)
            .await?;
        Ok(Response::new(balance_pb(channel.kind, balance)))
    }

    async fn list_channel_types(
        &self,
        _request: Request<pb::ListChannelTypesRequest>,
    ) -> Result<Response<pb::ListChannelTypesResponse>, Status> {
        Ok(Response::new(pb::ListChannelTypesResponse {
            types: ChannelKind::all()
                .map(|kind| kind.as_str().to_owned())
                .collect(),
            descriptions: ChannelKind::all().map(type_description).collect(),
        }))
    }
}

/// A channel type as its registration describes it, with the endpoints its provider serves.
fn type_description(kind: ChannelKind) -> pb::ChannelTypeDescription {
    let registration = kind.registration();
    let served = kind.served_endpoints();
    pb::ChannelTypeDescription {
        name: registration.name.to_owned(),
        aliases: registration
            .aliases
            .iter()
            .map(|alias| (*alias).to_owned())
            .collect(),
        display_name: registration.display_name.to_owned(),
        default_base_url: registration.default_base_url.unwrap_or_default().to_owned(),
        key_help: registration.key_help.to_owned(),
        config_keys: registration
            .config_keys
            .iter()
            .map(|key| pb::ChannelTypeConfigKey {
                name: key.name.to_owned(),
                r#type: key.kind.as_str().to_owned(),
                default: key.default.unwrap_or_default().to_owned(),
                help: key.help.to_owned(),
            })
            .collect(),
        endpoints: served
            .iter()
            .map(|served| served.endpoint.route().to_owned())
            .collect(),
        native_endpoints: served
            .iter()
            .filter(|served| served.native)
            .map(|served| served.endpoint.route().to_owned())
            .collect(),
    }
}

fn unix_ms(at: std::time::SystemTime) -> i64 {
    at.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}
