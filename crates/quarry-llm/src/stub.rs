//! A scripted model server for tests (feature `stub`): a real HTTP server
//! on 127.0.0.1 that answers `POST /v1/chat/completions` in OpenAI's wire
//! format and `POST /v1/messages` in Anthropic's, taking its answers from a
//! script in order. It runs on its own thread and runtime because the engine
//! under test is blocking. Every request body is recorded for assertions.
//!
//! Token counts are deterministic: a quarter of the request body's bytes in,
//! a quarter of the answer text's bytes out (at least 1 each).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// One scripted answer.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete structured answer (`{value, citations}`): a JSON content
    /// string (OpenAI) or the forced tool's input (Anthropic).
    Answer(Value),
    /// Raw answer text, finished normally (e.g. malformed JSON, or the rest
    /// of a continued answer).
    Text(String),
    /// Raw answer text cut off at the token limit (`finish_reason: length`;
    /// Anthropic: a cut-off tool call, or cut-off text when continuing).
    Truncated(String),
    /// An HTTP error status, with a `Retry-After` in seconds when given.
    Status(u16, Option<u64>),
}

#[derive(Default)]
struct Shared {
    script: Mutex<VecDeque<Reply>>,
    requests: Mutex<Vec<Value>>,
    headers: Mutex<Vec<HeaderMap>>,
}

/// The running stub; stops when dropped.
pub struct StubLlm {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StubLlm {
    /// Starts a stub that answers with `script`, then with HTTP 500.
    pub fn start(script: Vec<Reply>) -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            script: Mutex::new(script.into()),
            ..Shared::default()
        });
        let app = Router::new()
            .route("/v1/chat/completions", post(openai))
            .route("/v1/messages", post(anthropic))
            .with_state(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        Ok(Self {
            addr,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Base URL for `Provider::OpenAi` (`http://127.0.0.1:port/v1`).
    pub fn openai_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Base URL for `Provider::Anthropic` (`http://127.0.0.1:port`).
    pub fn anthropic_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The request bodies received so far, in order.
    pub fn requests(&self) -> Vec<Value> {
        lock(&self.shared.requests).clone()
    }

    /// The request headers received so far, in order.
    pub fn headers(&self) -> Vec<HeaderMap> {
        lock(&self.shared.headers).clone()
    }

    /// Scripted answers not yet served.
    pub fn remaining(&self) -> usize {
        lock(&self.shared.script).len()
    }
}

impl Drop for StubLlm {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Records the request and takes the next scripted reply.
fn next(shared: &Shared, headers: HeaderMap, body: Value) -> (Option<Reply>, u64) {
    let input = (body.to_string().len() as u64 / 4).max(1);
    lock(&shared.requests).push(body);
    lock(&shared.headers).push(headers);
    (lock(&shared.script).pop_front(), input)
}

fn output_tokens(text: &str) -> u64 {
    (text.len() as u64 / 4).max(1)
}

fn status(code: u16, retry_after: Option<u64>) -> Response {
    let code = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = Json(json!({"error": {"message": "stub error", "type": "stub"}}));
    match retry_after {
        Some(secs) => (code, [("retry-after", secs.to_string())], body).into_response(),
        None => (code, body).into_response(),
    }
}

async fn openai(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let (reply, input) = next(&shared, headers, body);
    let (text, finish) = match reply {
        None => return status(500, None),
        Some(Reply::Status(code, after)) => return status(code, after),
        Some(Reply::Answer(v)) => (v.to_string(), "stop"),
        Some(Reply::Text(t)) => (t, "stop"),
        Some(Reply::Truncated(t)) => (t, "length"),
    };
    Json(json!({
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "model": "stub",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                     "finish_reason": finish}],
        "usage": {"prompt_tokens": input, "completion_tokens": output_tokens(&text),
                  "total_tokens": input + output_tokens(&text)}
    }))
    .into_response()
}

async fn anthropic(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let tool_mode = body.get("tools").is_some();
    let (reply, input) = next(&shared, headers, body);
    let (content, stop, out) = match reply {
        None => return status(500, None),
        Some(Reply::Status(code, after)) => return status(code, after),
        Some(Reply::Answer(v)) if tool_mode => {
            let out = output_tokens(&v.to_string());
            (
                json!([{"type": "tool_use", "id": "toolu_stub", "name": "record_extraction", "input": v}]),
                "tool_use",
                out,
            )
        }
        Some(Reply::Answer(v)) => text_block(&v.to_string(), "end_turn"),
        Some(Reply::Text(t)) => text_block(&t, "end_turn"),
        Some(Reply::Truncated(t)) if tool_mode => (
            json!([{"type": "tool_use", "id": "toolu_stub", "name": "record_extraction", "input": {}}]),
            "max_tokens",
            output_tokens(&t),
        ),
        Some(Reply::Truncated(t)) => text_block(&t, "max_tokens"),
    };
    Json(json!({
        "id": "msg_stub",
        "type": "message",
        "role": "assistant",
        "model": "stub",
        "content": content,
        "stop_reason": stop,
        "usage": {"input_tokens": input, "output_tokens": out}
    }))
    .into_response()
}

fn text_block(text: &str, stop: &'static str) -> (Value, &'static str, u64) {
    (
        json!([{"type": "text", "text": text}]),
        stop,
        output_tokens(text),
    )
}
