//! The admin services' protobuf codec: prost's, except that a message that does not decode is the client's fault (INVALID_ARGUMENT).
//!
//! tonic's prost codec answers a body that is not the protobuf the method expects with
//! INTERNAL, which tells a client (and its retry policy) that the server failed. The decoder
//! only ever sees bytes the peer sent, so its one failure is a malformed message. The generated
//! clients use this codec as well, where the same code names a malformed answer.

use tonic::Status;
use tonic::codec::{BufferSettings, Codec, DecodeBuf, Decoder};
use tonic_prost::{ProstCodec, ProstDecoder};

/// [`ProstCodec`] with decode failures answered INVALID_ARGUMENT; `build.rs` names it as the
/// codec of every generated admin service and client.
#[derive(Debug, Clone)]
pub struct AdminCodec<T, U> {
    prost: ProstCodec<T, U>,
}

/// Written out: a derived `Default` would demand it of the message types too.
impl<T, U> Default for AdminCodec<T, U> {
    fn default() -> Self {
        AdminCodec {
            prost: ProstCodec::default(),
        }
    }
}

impl<T, U> Codec for AdminCodec<T, U>
where
    T: prost::Message + Send + 'static,
    U: prost::Message + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = <ProstCodec<T, U> as Codec>::Encoder;
    type Decoder = AdminDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        self.prost.encoder()
    }

    fn decoder(&mut self) -> Self::Decoder {
        AdminDecoder {
            prost: self.prost.decoder(),
        }
    }
}

/// Decodes with prost and names a failure INVALID_ARGUMENT, keeping prost's message.
#[derive(Debug, Clone)]
pub struct AdminDecoder<U> {
    prost: ProstDecoder<U>,
}

impl<U: prost::Message + Default> Decoder for AdminDecoder<U> {
    type Item = U;
    type Error = Status;

    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<U>, Status> {
        self.prost
            .decode(buf)
            .map_err(|status| Status::invalid_argument(status.message().to_owned()))
    }

    fn buffer_settings(&self) -> BufferSettings {
        self.prost.buffer_settings()
    }
}
