//! The calls: `POST /invoke/<command>` onto the core, a JSON reply or, for runs, an event stream of the run's updates and the call's result.

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use neuroflow_api::{invoke::streams, AppError, Core, ErrorCode, Invoked};
use serde_json::{json, Value};
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio_stream::wrappers::UnboundedReceiverStream;

use crate::guard::Guard;
use crate::MAX_BODY_BYTES;

/// What every call reaches: the core and who may call it.
pub struct Shared {
    pub core: Arc<Core>,
    pub guard: Guard,
}

pub async fn invoke(
    State(shared): State<Arc<Shared>>,
    Path(command): Path<String>,
    request: Request,
) -> Response {
    // Checked before the body is read: a refused caller costs nothing.
    let origin = match shared.guard.check(request.headers()) {
        Ok(origin) => origin.map(str::to_owned),
        Err((status, message)) => return refused(status, message),
    };
    let body = match axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(e) => {
            return refused(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the call could not be read: {e}"),
            )
        }
    };
    let args = if body.is_empty() {
        Ok(Value::Null)
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| AppError::invalid(format!("the call's args are not JSON: {e}")))
    };
    let mut response = match args {
        Err(e) => reply(Err(e)),
        Ok(args) if streams(&command) => stream(shared.core.clone(), command, args),
        Ok(args) => reply(neuroflow_api::invoke(&shared.core, &command, args, None).await),
    };
    if let Some(origin) = origin {
        allow(response.headers_mut(), &origin);
    }
    response
}

/// Demo rows for the preview and its tests (see [`crate::seed`]): `{"written": n}` or `{code, message}`.
pub async fn seed(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    if let Err((status, message)) = shared.guard.check(request.headers()) {
        return refused(status, message);
    }
    let body = match axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(e) => {
            return refused(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the seed could not be read: {e}"),
            )
        }
    };
    let result = match serde_json::from_slice(&body) {
        Ok(rows) => crate::seed::write(&shared.core, rows)
            .await
            .map(|written| json!({ "written": written })),
        Err(e) => Err(AppError::invalid(format!("not a seed: {e}"))),
    };
    reply(result)
}

/// A browser's question before a call from another allowed origin (the Vite dev server's).
pub async fn preflight(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    match shared.guard.origin(&headers) {
        Ok(Some(origin)) => {
            let mut response = StatusCode::NO_CONTENT.into_response();
            let h = response.headers_mut();
            allow(h, origin);
            h.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("POST"),
            );
            h.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("content-type, x-neuroflow-token"),
            );
            response
        }
        Ok(None) => StatusCode::NO_CONTENT.into_response(),
        Err((status, message)) => refused(status, message),
    }
}

fn allow(headers: &mut HeaderMap, origin: &str) {
    if let Ok(value) = HeaderValue::from_str(origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(header::VARY, HeaderValue::from_static("origin"));
    }
}

/// The core's answer: `200` with the result, `422` with `{code, message}`.
fn reply(result: Invoked) -> Response {
    match result {
        Ok(value) => json_response(StatusCode::OK, &value),
        Err(e) => json_response(StatusCode::UNPROCESSABLE_ENTITY, &json!(e)),
    }
}

/// A call the server did not pass to the core, as `{code, message}` too.
fn refused(status: StatusCode, message: String) -> Response {
    json_response(status, &json!(AppError::new(ErrorCode::Internal, message)))
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

/// A run's call: `update` events as the run sends them, the `result` event when the call
/// returns (after the updates sent before it), and the end once the run sent its last update.
fn stream(core: Arc<Core>, command: String, args: Value) -> Response {
    let (frames, body) = unbounded_channel::<Result<Bytes, Infallible>>();
    tokio::spawn(async move {
        let (updates, mut received) = unbounded_channel();
        let call = neuroflow_api::invoke(&core, &command, args, Some(updates));
        tokio::pin!(call);
        let (mut answered, mut updates_done) = (false, false);
        while !(answered && updates_done) {
            tokio::select! {
                biased;
                update = received.recv(), if !updates_done => match update {
                    Some(update) => send(&frames, "update", &json!(update)),
                    None => updates_done = true,
                },
                result = &mut call, if !answered => {
                    while let Ok(update) = received.try_recv() {
                        send(&frames, "update", &json!(update));
                    }
                    let frame = match result {
                        Ok(value) => json!({ "ok": value }),
                        Err(e) => json!({ "error": e }),
                    };
                    send(&frames, "result", &frame);
                    answered = true;
                }
            }
        }
    });
    (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(UnboundedReceiverStream::new(body)),
    )
        .into_response()
}

/// One server-sent event; a page that went away stops listening (the run still finishes).
fn send(frames: &UnboundedSender<Result<Bytes, Infallible>>, event: &str, data: &Value) {
    let _ = frames.send(Ok(Bytes::from(format!("event: {event}\ndata: {data}\n\n"))));
}
