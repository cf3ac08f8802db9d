//! The response index in the real Redis: round trip, expiry, prefixes, garbage entries, and a Redis
//! that stops answering (each call gives up within its timeout and reads as an unknown id).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use crate::support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use hub::relay_host::responses_index::RedisResponseIndex;
use relay::host::{ResponseIndex, ResponseOwner};
use support::unique_redis_prefix;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const REDIS_ADDR: &str = "127.0.0.1:6379";

async fn connection(url: &str) -> redis::aio::ConnectionManager {
    let client = redis::Client::open(url).unwrap();
    redis::aio::ConnectionManager::new(client).await.unwrap()
}

fn owner(channel_id: i64) -> ResponseOwner {
    ResponseOwner {
        group_id: "acme".into(),
        channel_id,
        model: "gpt-5-mini".into(),
    }
}

#[tokio::test]
async fn the_index_round_trips_expires_and_reads_garbage_as_unknown() {
    let url = format!("redis://{REDIS_ADDR}");
    let prefix = unique_redis_prefix();
    let index = RedisResponseIndex::new(connection(&url).await, &prefix);
    let other = RedisResponseIndex::new(connection(&url).await, &unique_redis_prefix());
    assert_eq!(index.owner("resp_1").await, None);
    index.remember("resp_1", owner(7)).await;
    assert_eq!(index.owner("resp_1").await, Some(owner(7)));
    assert_eq!(
        other.owner("resp_1").await,
        None,
        "another prefix, another index"
    );
    index.forget("resp_1").await;
    assert_eq!(index.owner("resp_1").await, None);

    let short =
        RedisResponseIndex::with_ttl(connection(&url).await, &prefix, Duration::from_millis(30));
    short.remember("resp_short", owner(1)).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(index.owner("resp_short").await, None);

    let mut raw = connection(&url).await;
    let _: () = redis::cmd("SET")
        .arg(format!("{prefix}:responses:resp_bad"))
        .arg("not an owner")
        .arg("PX")
        .arg(60_000)
        .query_async(&mut raw)
        .await
        .unwrap();
    assert_eq!(index.owner("resp_bad").await, None);
    index.forget("resp_bad").await;
}

/// A TCP hop to the real Redis that holds Redis's replies back while `frozen` is set, as a
/// Redis stalled by a long command or a network partition would.
async fn freezable_redis() -> (String, Arc<AtomicBool>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("redis://{}", listener.local_addr().unwrap());
    let frozen = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&frozen);
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let server = TcpStream::connect(REDIS_ADDR).await.unwrap();
            let (mut client_read, mut client_write) = client.into_split();
            let (mut server_read, mut server_write) = server.into_split();
            tokio::spawn(async move {
                let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
            });
            let flag = Arc::clone(&flag);
            tokio::spawn(async move {
                let mut buffer = vec![0; 4096];
                while let Ok(read) = server_read.read(&mut buffer).await {
                    if read == 0 {
                        break;
                    }
                    while flag.load(Ordering::SeqCst) {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                    if client_write.write_all(&buffer[..read]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (url, frozen)
}

#[tokio::test]
async fn a_redis_that_stops_answering_reads_as_an_unknown_id_within_the_timeout() {
    let (url, frozen) = freezable_redis().await;
    let index = RedisResponseIndex::new(connection(&url).await, &unique_redis_prefix());
    index.remember("resp_1", owner(3)).await;
    assert_eq!(index.owner("resp_1").await, Some(owner(3)));

    frozen.store(true, Ordering::SeqCst);
    let started = Instant::now();
    assert_eq!(index.owner("resp_1").await, None);
    index.remember("resp_2", owner(4)).await;
    index.forget("resp_1").await;
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(3),
        "three calls gave up within their timeouts: {took:?}"
    );
    frozen.store(false, Ordering::SeqCst);
    // The writes did reach Redis; leave nothing behind.
    index.forget("resp_2").await;
}
