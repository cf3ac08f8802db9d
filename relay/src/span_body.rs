//! A response body polled and dropped inside a span, so lines written while an answer streams (after the handler returned) carry it.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;

/// `response` with its body run inside `span`: every poll (the stream relay's conversions,
/// usage counting, the record sent at its end) and the drop (a client that went away, whose
/// record is sent then) happen with the span entered. Its parent spans come with it, so a line
/// written there names the HTTP request and the model request as the handler's lines do.
pub(crate) fn in_span(response: Response, span: &tracing::Span) -> Response {
    if span.is_disabled() {
        return response;
    }
    let span = span.clone();
    response.map(|body| {
        Body::new(InSpan {
            body: Some(body),
            span,
        })
    })
}

struct InSpan {
    /// Taken and dropped inside the span (see `Drop`); always `Some` before that.
    body: Option<Body>,
    span: tracing::Span,
}

impl http_body::Body for InSpan {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        let _entered = this.span.enter();
        match this.body.as_mut() {
            Some(body) => Pin::new(body).poll_frame(cx),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body
            .as_ref()
            .is_none_or(http_body::Body::is_end_stream)
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.as_ref().map_or_else(
            || http_body::SizeHint::with_exact(0),
            http_body::Body::size_hint,
        )
    }
}

impl Drop for InSpan {
    fn drop(&mut self) {
        let _entered = self.span.enter();
        drop(self.body.take());
    }
}
