//! Every client face reaches a channel through the official SDKs, shown on the built-in `fake` family (the suite each family runs on its mock).

use crate::support::{TestHub, check_every_face};

const TEXT: &str = "Hello from the fake channel.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_face_reaches_a_fake_channel_whole_and_streamed() {
    let config = format!(
        r#"
groups: [{{id: acme}}]
tokens: [{{group: acme, name: ci, key: sk-faces-acme-0001}}]
channels:
  - {{name: fake, type: fake, models: [faces-model], config: {{text: "{TEXT}", chunks: "4"}}}}
models: [{{model: faces-model, type: chat}}]
"#
    );
    let hub = TestHub::start_with_config(&config).await;
    check_every_face(&hub, "sk-faces-acme-0001", "faces-model", TEXT).await;
}
