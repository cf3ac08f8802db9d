//! The timeout plugin: time to first byte and stream idle limits per model and per request size, winning over the channel's and the relay's defaults.
//!
//! Configuration: `{"first_byte_ms": 30000, "stream_idle_ms": 60000, "by_size": [{"min_bytes":
//! 200000, "first_byte_ms": 300000}]}`. The `by_size` entry with the largest `min_bytes` not above
//! the request body's size wins, field by field over the plain values: long prompts take longer
//! to start. `first_byte_ms` also bounds a non-streamed answer, as a model's own timeout does.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use super::{Answer, Exchange, Plugin, PluginRequest, PluginServices, config};
use crate::error::RelayError;
use crate::vocabulary::ChannelTimeouts;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TimeoutConfig {
    first_byte_ms: Option<u64>,
    stream_idle_ms: Option<u64>,
    #[serde(default)]
    by_size: Vec<SizeStep>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SizeStep {
    min_bytes: usize,
    first_byte_ms: Option<u64>,
    stream_idle_ms: Option<u64>,
}

pub(super) fn parse(value: &Value) -> Result<std::sync::Arc<dyn Plugin>, String> {
    let mut config: TimeoutConfig = config(value)?;
    let values = [config.first_byte_ms, config.stream_idle_ms]
        .into_iter()
        .chain(
            config
                .by_size
                .iter()
                .flat_map(|step| [step.first_byte_ms, step.stream_idle_ms]),
        );
    if values.flatten().any(|ms| ms == 0) {
        return Err("timeouts must be positive".to_owned());
    }
    config.by_size.sort_by_key(|step| step.min_bytes);
    Ok(std::sync::Arc::new(config))
}

impl TimeoutConfig {
    fn timeouts_for(&self, size: usize) -> ChannelTimeouts {
        let step = self
            .by_size
            .iter()
            .rev()
            .find(|step| step.min_bytes <= size);
        let pick =
            |stepped: Option<u64>, plain: Option<u64>| stepped.or(plain).map(Duration::from_millis);
        ChannelTimeouts {
            connect: None,
            first_byte: pick(step.and_then(|step| step.first_byte_ms), self.first_byte_ms),
            stream_idle: pick(
                step.and_then(|step| step.stream_idle_ms),
                self.stream_idle_ms,
            ),
        }
    }
}

#[async_trait::async_trait]
impl Plugin for TimeoutConfig {
    async fn before(
        &self,
        _services: &PluginServices,
        request: &mut PluginRequest<'_>,
        exchange: &mut Exchange,
    ) -> Result<Option<Answer>, RelayError> {
        exchange.timeouts = Some(self.timeouts_for(request.body.to_bytes().len()));
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn size_steps_win_field_by_field() {
        let mut config: TimeoutConfig = serde_json::from_value(json!({"first_byte_ms": 1000, "stream_idle_ms": 2000,
            "by_size": [{"min_bytes": 100, "first_byte_ms": 5000}, {"min_bytes": 10, "stream_idle_ms": 3000}]})).unwrap();
        config.by_size.sort_by_key(|step| step.min_bytes);
        let ms = |timeouts: ChannelTimeouts| {
            (
                timeouts.first_byte.map(|d| d.as_millis()),
                timeouts.stream_idle.map(|d| d.as_millis()),
            )
        };
        assert_eq!(ms(config.timeouts_for(5)), (Some(1000), Some(2000)));
        assert_eq!(ms(config.timeouts_for(10)), (Some(1000), Some(3000)));
        assert_eq!(ms(config.timeouts_for(500)), (Some(5000), Some(2000)));
        assert!(parse(&json!({"first_byte_ms": 0})).is_err());
    }
}
