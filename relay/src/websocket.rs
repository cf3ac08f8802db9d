//! A WebSocket client (RFC 6455) over an HTTP/1.1 upgrade made with the relay's upstream HTTP client, for vendors whose audio APIs are WebSocket tasks.
//!
//! The upgrade goes through reqwest (so a channel's proxy, TLS roots and connect timeout apply as
//! to any request), then frames are read and written here: client frames masked, server frames
//! refused when masked, fragmented messages joined, pings answered, every message bounded.
//! Only what a request-and-answer task needs: no extensions, no subprotocols.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use base64::Engine;
use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::error::RelayError;

/// A message of the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Text(String),
    Binary(Bytes),
}

/// An open WebSocket.
pub struct WebSocket {
    io: reqwest::Upgraded,
    /// Largest message read; a longer one fails the conversation.
    max_message: usize,
}

const OPCODE_CONTINUATION: u8 = 0x0;
const OPCODE_TEXT: u8 = 0x1;
const OPCODE_BINARY: u8 = 0x2;
const OPCODE_CLOSE: u8 = 0x8;
const OPCODE_PING: u8 = 0x9;
const OPCODE_PONG: u8 = 0xA;

/// Opens a WebSocket at `url` (`http://` or `https://`; the scheme of `ws://` and `wss://`
/// URLs) with `headers` (authentication) on the upgrade request, within `timeout`. A refusal
/// (any status but 101) is the upstream's answer, for the caller to read as an error.
pub async fn connect(
    client: &reqwest::Client,
    url: &str,
    headers: HeaderMap,
    timeout: Duration,
    max_message: usize,
) -> Result<Result<WebSocket, reqwest::Response>, RelayError> {
    let key = base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 16]>());
    let expected_accept = accept_for(&key);
    let key = HeaderValue::from_str(&key).map_err(|_| RelayError::Internal)?;
    let request = client
        .request(Method::GET, url)
        .version(axum::http::Version::HTTP_11)
        .headers(headers)
        .header(header::CONNECTION, "Upgrade")
        .header(header::UPGRADE, "websocket")
        .header(header::SEC_WEBSOCKET_VERSION, "13")
        .header(header::SEC_WEBSOCKET_KEY, key);
    let response = match tokio::time::timeout(timeout, request.send()).await {
        Err(_) => return Err(RelayError::UpstreamTimeout),
        Ok(Err(error)) => return Err(crate::upstream::classify(&error)),
        Ok(Ok(response)) => response,
    };
    if response.status() != StatusCode::SWITCHING_PROTOCOLS {
        return Ok(Err(response));
    }
    let upgrades_to_websocket = response
        .headers()
        .get(header::UPGRADE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.eq_ignore_ascii_case("websocket"));
    // A server that did not read our key (a proxy or cache answering 101 on its own) is not
    // the WebSocket we asked for (RFC 6455 section 4.1, the client's fourth check).
    let accepted = response
        .headers()
        .get(header::SEC_WEBSOCKET_ACCEPT)
        .is_some_and(|value| value.as_bytes() == expected_accept.as_bytes());
    if !upgrades_to_websocket || !accepted {
        return Err(RelayError::UpstreamInvalid);
    }
    let io = match tokio::time::timeout(timeout, response.upgrade()).await {
        Err(_) => return Err(RelayError::UpstreamTimeout),
        Ok(Err(_)) => return Err(RelayError::UpstreamInvalid),
        Ok(Ok(io)) => io,
    };
    Ok(Ok(WebSocket { io, max_message }))
}

/// The `Sec-WebSocket-Accept` a server must answer to `key`: base64 of the SHA-1 of the key and
/// RFC 6455's GUID.
fn accept_for(key: &str) -> String {
    use sha1::Digest;
    const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    let mut hasher = sha1::Sha1::new();
    hasher.update(key.as_bytes());
    hasher.update(GUID.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(hasher.finalize())
}

impl WebSocket {
    pub async fn send_text(&mut self, text: &str) -> Result<(), RelayError> {
        self.send_frame(OPCODE_TEXT, text.as_bytes()).await
    }

    pub async fn send_binary(&mut self, data: &[u8]) -> Result<(), RelayError> {
        self.send_frame(OPCODE_BINARY, data).await
    }

    /// The next message, waiting at most `idle` for each frame; `None` once the server closed
    /// the conversation.
    pub async fn receive(&mut self, idle: Duration) -> Result<Option<Message>, RelayError> {
        let mut message: Option<(u8, BytesMut)> = None;
        loop {
            let (fin, opcode, payload) =
                match tokio::time::timeout(idle, self.read_frame(message.as_ref())).await {
                    Err(_) => return Err(RelayError::UpstreamTimeout),
                    Ok(frame) => frame?,
                };
            match opcode {
                OPCODE_PING => {
                    self.send_frame(OPCODE_PONG, &payload).await?;
                    continue;
                }
                OPCODE_PONG => continue,
                OPCODE_CLOSE => {
                    // Best effort: the conversation is over either way.
                    let _ = self.send_frame(OPCODE_CLOSE, &payload).await;
                    return Ok(None);
                }
                OPCODE_TEXT | OPCODE_BINARY if message.is_none() => {
                    message = Some((opcode, BytesMut::from(&payload[..])));
                }
                OPCODE_CONTINUATION => match &mut message {
                    Some((_, data)) => data.extend_from_slice(&payload),
                    None => return Err(RelayError::UpstreamInvalid),
                },
                _ => return Err(RelayError::UpstreamInvalid),
            }
            if fin && let Some((opcode, data)) = message.take() {
                return match opcode {
                    OPCODE_TEXT => String::from_utf8(data.to_vec())
                        .map(|text| Some(Message::Text(text)))
                        .map_err(|_| RelayError::UpstreamInvalid),
                    _ => Ok(Some(Message::Binary(data.freeze()))),
                };
            }
        }
    }

    /// Closes the conversation from our side (best effort).
    pub async fn close(mut self) {
        let _ = self.send_frame(OPCODE_CLOSE, &1000u16.to_be_bytes()).await;
        let _ = self.io.shutdown().await;
    }

    async fn send_frame(&mut self, opcode: u8, payload: &[u8]) -> Result<(), RelayError> {
        let mut frame = Vec::with_capacity(payload.len() + 14);
        frame.push(0x80 | opcode);
        // Client frames are masked (RFC 6455 section 5.3).
        match payload.len() {
            len @ 0..=125 => frame.push(0x80 | len as u8),
            len @ 126..=0xFFFF => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(len as u16).to_be_bytes());
            }
            len => {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(len as u64).to_be_bytes());
            }
        }
        let mask = rand::random::<[u8; 4]>();
        frame.extend_from_slice(&mask);
        frame.extend(
            payload
                .iter()
                .enumerate()
                .map(|(index, byte)| byte ^ mask[index % 4]),
        );
        self.io
            .write_all(&frame)
            .await
            .map_err(|_| RelayError::UpstreamUnreachable)?;
        self.io
            .flush()
            .await
            .map_err(|_| RelayError::UpstreamUnreachable)
    }

    /// One frame: its FIN bit, opcode and payload; `pending` is the message being joined, whose
    /// length counts against the bound.
    async fn read_frame(
        &mut self,
        pending: Option<&(u8, BytesMut)>,
    ) -> Result<(bool, u8, Vec<u8>), RelayError> {
        let mut head = [0u8; 2];
        self.read_exact(&mut head).await?;
        let fin = head[0] & 0x80 != 0;
        if head[0] & 0x70 != 0 {
            // Reserved bits: no extension was negotiated.
            return Err(RelayError::UpstreamInvalid);
        }
        let opcode = head[0] & 0x0F;
        if head[1] & 0x80 != 0 {
            // A server must not mask its frames.
            return Err(RelayError::UpstreamInvalid);
        }
        let len = match head[1] & 0x7F {
            126 => {
                let mut extended = [0u8; 2];
                self.read_exact(&mut extended).await?;
                u64::from(u16::from_be_bytes(extended))
            }
            127 => {
                let mut extended = [0u8; 8];
                self.read_exact(&mut extended).await?;
                u64::from_be_bytes(extended)
            }
            len => u64::from(len),
        };
        let joined = pending.map_or(0, |(_, data)| data.len());
        let len = usize::try_from(len).map_err(|_| RelayError::UpstreamInvalid)?;
        if joined.saturating_add(len) > self.max_message {
            return Err(RelayError::UpstreamInvalid);
        }
        let mut payload = vec![0u8; len];
        self.read_exact(&mut payload).await?;
        Ok((fin, opcode, payload))
    }

    async fn read_exact(&mut self, buffer: &mut [u8]) -> Result<(), RelayError> {
        self.io
            .read_exact(buffer)
            .await
            .map(|_| ())
            .map_err(|_| RelayError::UpstreamInvalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accept_is_rfc_6455s_sample_for_its_sample_key() {
        // RFC 6455 section 1.3.
        assert_eq!(
            accept_for("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    /// A server on loopback that reads one upgrade request and answers 101 with the accept
    /// `answer` makes of the key it was sent; the client's verdict is returned.
    async fn handshake_with(answer: fn(&str) -> String) -> Result<(), RelayError> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while !request.ends_with(b"\r\n\r\n") {
                let read = stream.read(&mut buffer).await.unwrap();
                assert!(read > 0, "the client closed before its request ended");
                request.extend_from_slice(&buffer[..read]);
            }
            let request = String::from_utf8(request).unwrap();
            let key = request
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("sec-websocket-key")
                        .then(|| value.trim().to_owned())
                })
                .unwrap();
            let head = format!(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
                answer(&key)
            );
            stream.write_all(head.as_bytes()).await.unwrap();
            // Held open until the client has decided.
            let _ = stream.read(&mut buffer).await;
        });
        let opened = connect(
            &reqwest::Client::new(),
            &format!("http://{address}/ws"),
            HeaderMap::new(),
            Duration::from_secs(10),
            1024,
        )
        .await;
        server.abort();
        match opened? {
            Ok(socket) => {
                drop(socket);
                Ok(())
            }
            Err(refused) => panic!("refused: {}", refused.status()),
        }
    }

    #[tokio::test]
    async fn a_server_answering_the_right_accept_is_talked_to() {
        handshake_with(accept_for).await.unwrap();
    }

    #[tokio::test]
    async fn a_server_answering_another_accept_is_an_invalid_upstream() {
        let wrong = handshake_with(|_| accept_for("dGhlIHNhbXBsZSBub25jZQ==")).await;
        assert!(
            matches!(wrong, Err(RelayError::UpstreamInvalid)),
            "{wrong:?}"
        );
        let missing = handshake_with(|_| String::new()).await;
        assert!(
            matches!(missing, Err(RelayError::UpstreamInvalid)),
            "{missing:?}"
        );
    }
}
