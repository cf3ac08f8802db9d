//! Settles in Redis sent together: one script call ends every settle that queued up while the
//! previous call was in flight, so a busy gateway makes one settle round trip per batch instead
//! of one per request, and an idle one sends each settle at once.
//!
//! A settle's reply does not hold up its request (the response is already gone), so a settle
//! may wait one round trip for its batch; it still ends before [`crate::governance`]'s drain
//! returns at shutdown, since the drain waits for every settle's reply.

use redis::{Cmd, Script};
use tokio::sync::{mpsc, oneshot};

use crate::process::redis_link::RedisLink;

use super::CountersError;
use super::script_call;

/// Most settles in one script call: Redis runs a script alone, so this bounds how long one
/// call holds it (a settle is a few dozen commands).
const MOST_PER_CALL: usize = 32;
/// Settles waiting for their call; past this a settle waits to be queued (back-pressure while
/// Redis is slow, instead of an unbounded queue).
const QUEUE_CAPACITY: usize = 4096;
/// Attempts of a call before its settles' charges are given up (and logged): the connection
/// manager reconnects in between.
const ATTEMPTS: u32 = 4;
const BACKOFF: std::time::Duration = std::time::Duration::from_millis(50);

/// One settle's part of a call: its keys and its arguments, in the order `settle.lua` reads.
pub struct SettleCall {
    pub keys: Cmd,
    pub key_count: usize,
    pub args: Cmd,
}

struct Queued {
    call: SettleCall,
    done: oneshot::Sender<Result<(), CountersError>>,
}

/// The queue in front of the task that sends the calls. Dropping it ends the task once the
/// queued settles are sent.
pub struct SettleBatches {
    queue: mpsc::Sender<Queued>,
}

impl SettleBatches {
    /// Starts the sending task on the current runtime.
    pub fn start(link: RedisLink, script: Script) -> SettleBatches {
        let (queue, queued) = mpsc::channel(QUEUE_CAPACITY);
        tokio::spawn(send_batches(link, script, queued));
        SettleBatches { queue }
    }

    /// Queues `call` and waits until its batch was answered: `Ok` once the settle is done
    /// (now, or by an earlier attempt of it).
    pub async fn settle(&self, call: SettleCall) -> Result<(), CountersError> {
        let (done, answer) = oneshot::channel();
        self.queue
            .send(Queued { call, done })
            .await
            .map_err(|_| CountersError::Stopped)?;
        answer.await.map_err(|_| CountersError::Stopped)?
    }
}

async fn send_batches(link: RedisLink, script: Script, mut queued: mpsc::Receiver<Queued>) {
    let mut batch = Vec::with_capacity(MOST_PER_CALL);
    while queued.recv_many(&mut batch, MOST_PER_CALL).await > 0 {
        let outcome = send_with_retries(&link, &script, &batch).await;
        for settle in batch.drain(..) {
            // A waiter that went away (its task was cancelled) needs no answer.
            let _ = settle.done.send(outcome.clone());
        }
    }
}

/// Sends one call for `batch`, retried: each settle's mark makes a retry after a lost reply
/// charge nothing twice.
async fn send_with_retries(
    link: &RedisLink,
    script: &Script,
    batch: &[Queued],
) -> Result<(), CountersError> {
    let command = batch_command(script, batch);
    // While the breaker is open the first try is the only one: the queue behind this batch
    // must not wait out every back-off of an outage (the reservations expire with their
    // leases). A batch that meets a fresh failure (a restarted Redis) is retried.
    let attempts = if link.is_reachable() { ATTEMPTS } else { 1 };
    let mut attempt = 1;
    loop {
        // Unguarded: the requests are answered already, and Redis may be back before the
        // breaker's probe notices.
        let mut connection = link.manager();
        let error = match script_call::run::<Vec<i64>>(script, &command, &mut connection).await {
            Ok(replies) if replies.len() == batch.len() => return Ok(()),
            Ok(replies) => {
                return Err(CountersError::Reply(format!(
                    "{} replies for {} settles",
                    replies.len(),
                    batch.len()
                )));
            }
            Err(error) => error,
        };
        link.observe(&error);
        if attempt >= attempts {
            tracing::error!(%error, settles = batch.len(), "settle failed; these charges are lost to the counters (reservations expire with their leases)");
            return Err(CountersError::Redis(error));
        }
        tracing::warn!(%error, attempt, settles = batch.len(), "settle failed; retrying");
        tokio::time::sleep(BACKOFF * attempt).await;
        attempt += 1;
    }
}

/// `EVALSHA` with every settle's keys, then every settle's arguments, each in batch order.
fn batch_command(script: &Script, batch: &[Queued]) -> Cmd {
    let key_count = batch.iter().map(|settle| settle.call.key_count).sum();
    let mut command = script_call::evalsha(script, key_count);
    for part in batch
        .iter()
        .map(|settle| &settle.call.keys)
        .chain(batch.iter().map(|settle| &settle.call.args))
    {
        for arg in part.args_iter() {
            if let redis::Arg::Simple(bytes) = arg {
                command.arg(bytes);
            }
        }
    }
    command
}
