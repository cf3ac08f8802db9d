//! `ConfigService`: apply and export the declarative document, watch changes, read the revision.

use std::pin::Pin;

use futures::Stream;
use tokio::sync::broadcast::error::RecvError;
use tonic::{Request, Response, Status};

use super::ControlPlane;
use super::error::invalid;
use super::pb::{self, config_service_server::ConfigService};
use crate::edges::declarative;
use crate::snapshot::changes::ChangeKind;

pub struct Config(pub ControlPlane);

type WatchStream = Pin<Box<dyn Stream<Item = Result<pb::ChangeEvent, Status>> + Send>>;

#[tonic::async_trait]
impl ConfigService for Config {
    async fn apply(
        &self,
        request: Request<pb::ApplyRequest>,
    ) -> Result<Response<pb::ApplyResponse>, Status> {
        let text = request.into_inner().document;
        let report = declarative::apply_text(
            &self.0.store,
            &self.0.changes,
            &text,
            self.0.group_max_tokens,
        )
        .await?;
        Ok(Response::new(pb::ApplyResponse {
            kinds: report
                .kinds()
                .iter()
                .map(|(kind, outcome)| pb::KindReport {
                    kind: (*kind).to_owned(),
                    created: outcome.created.clone(),
                    updated: outcome.updated.clone(),
                    unchanged: outcome.unchanged.clone(),
                })
                .collect(),
            report: report.to_string(),
            generated_keys: report.generated_keys.clone().into_iter().collect(),
        }))
    }

    async fn export(
        &self,
        _request: Request<pb::ExportRequest>,
    ) -> Result<Response<pb::ExportResponse>, Status> {
        let document = declarative::export(&self.0.store).await?;
        let text = declarative::to_yaml(&document)?;
        Ok(Response::new(pb::ExportResponse { document: text }))
    }

    type WatchStream = WatchStream;

    async fn watch(
        &self,
        request: Request<pb::WatchRequest>,
    ) -> Result<Response<WatchStream>, Status> {
        let mut kinds = Vec::new();
        for (idx, name) in request.into_inner().kinds.iter().enumerate() {
            let kind = ChangeKind::parse(name).ok_or_else(|| {
                invalid(&format!("kinds[{idx}]"), format!("unknown kind {name:?}"))
            })?;
            kinds.push(kind);
        }
        // Subscribed before the response headers go out, so a client that has its stream
        // sees every change made after the call returned.
        let receiver = self.0.changes.subscribe();
        let stream =
            futures::stream::unfold((receiver, kinds), |(mut receiver, kinds)| async move {
                loop {
                    let event = match receiver.recv().await {
                        Ok(event) if kinds.is_empty() || kinds.contains(&event.kind) => {
                            pb::ChangeEvent {
                                kind: event.kind.as_str().to_owned(),
                                action: event.action.as_str().to_owned(),
                                id: event.id,
                                missed: 0,
                            }
                        }
                        Ok(_) => continue,
                        Err(RecvError::Lagged(missed)) => pb::ChangeEvent {
                            missed: i64::try_from(missed).unwrap_or(i64::MAX),
                            ..pb::ChangeEvent::default()
                        },
                        Err(RecvError::Closed) => return None,
                    };
                    return Some((Ok(event), (receiver, kinds)));
                }
            });
        Ok(Response::new(Box::pin(stream)))
    }

    async fn get_revision(
        &self,
        _request: Request<pb::GetRevisionRequest>,
    ) -> Result<Response<pb::GetRevisionResponse>, Status> {
        let revision = self.0.store.revision().await?;
        Ok(Response::new(pb::GetRevisionResponse { revision }))
    }
}
