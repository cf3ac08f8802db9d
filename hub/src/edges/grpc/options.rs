//! `OptionService`.

use std::collections::BTreeMap;

use tonic::{Request, Response, Status};

use super::ControlPlane;
use super::error::{invalid, required};
use super::pb::{self, option_service_server::OptionService};
use crate::snapshot::changes::{ChangeAction, ChangeKind};

pub struct Options(pub ControlPlane);

fn options_pb(options: BTreeMap<String, String>) -> pb::ListOptionsResponse {
    pb::ListOptionsResponse {
        options: options
            .into_iter()
            .map(|(key, value)| pb::Option { key, value })
            .collect(),
    }
}

#[tonic::async_trait]
impl OptionService for Options {
    async fn get_option(
        &self,
        request: Request<pb::GetOptionRequest>,
    ) -> Result<Response<pb::Option>, Status> {
        let key = request.into_inner().key;
        let value = self.0.store.get_option(&key).await?;
        Ok(Response::new(pb::Option { key, value }))
    }

    async fn list_options(
        &self,
        _request: Request<pb::ListOptionsRequest>,
    ) -> Result<Response<pb::ListOptionsResponse>, Status> {
        let options = self.0.store.list_options().await?;
        Ok(Response::new(options_pb(options)))
    }

    async fn set_option(
        &self,
        request: Request<pb::SetOptionRequest>,
    ) -> Result<Response<pb::Option>, Status> {
        let option = required("option", request.into_inner().option)?;
        let existed = self.0.store.get_option(&option.key).await.is_ok();
        let map = BTreeMap::from([(option.key.clone(), option.value.clone())]);
        self.0.store.set_options(&map).await?;
        let action = if existed {
            ChangeAction::Updated
        } else {
            ChangeAction::Created
        };
        self.0
            .changes
            .publish(ChangeKind::Option, action, &option.key);
        Ok(Response::new(option))
    }

    async fn set_options(
        &self,
        request: Request<pb::SetOptionsRequest>,
    ) -> Result<Response<pb::ListOptionsResponse>, Status> {
        let mut map = BTreeMap::new();
        for option in request.into_inner().options {
            if map.insert(option.key.clone(), option.value).is_some() {
                return Err(invalid(
                    "options",
                    format!("key {:?} given twice", option.key),
                ));
            }
        }
        self.0.store.set_options(&map).await?;
        for key in map.keys() {
            self.0
                .changes
                .publish(ChangeKind::Option, ChangeAction::Updated, key);
        }
        let options = self.0.store.list_options().await?;
        Ok(Response::new(options_pb(options)))
    }

    async fn delete_option(
        &self,
        request: Request<pb::DeleteOptionRequest>,
    ) -> Result<Response<()>, Status> {
        let key = request.into_inner().key;
        self.0.store.delete_option(&key).await?;
        self.0
            .changes
            .publish(ChangeKind::Option, ChangeAction::Deleted, key);
        Ok(Response::new(()))
    }
}
