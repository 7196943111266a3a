//! OpenAI-compatible chat completions (OpenAI, vLLM, Ollama, llama.cpp
//! server): `POST {base}/chat/completions` with
//! `response_format: {type: "json_schema", json_schema: {name, schema, strict}}`;
//! the answer is `choices[0].message.content`, `finish_reason: "length"`
//! means cut off, usage is `prompt_tokens`/`completion_tokens`.
//!
//! A cut-off answer is continued by replaying the conversation with the
//! partial answer as an assistant message and a user message asking for the
//! rest, without `response_format`: a schema-constrained reply would have to
//! start a new JSON object instead of finishing the old one.

use serde_json::{Value, json};

use super::{Reply, Request, Turn, count};
use crate::config::LlmConfig;
use crate::error::LlmError;
use crate::prompt::{CONTINUE, Prompt};

pub(super) fn request(config: &LlmConfig, prompt: &Prompt, schema: &Value, turn: Turn) -> Request {
    let mut messages = vec![
        json!({"role": "system", "content": prompt.system}),
        json!({"role": "user", "content": prompt.user}),
    ];
    let mut body = json!({
        "model": config.model,
        "max_tokens": prompt.max_tokens,
        "temperature": 0,
    });
    match turn {
        Turn::First => {
            body["response_format"] = json!({
                "type": "json_schema",
                "json_schema": {"name": "extraction", "schema": schema, "strict": true}
            });
        }
        Turn::Continue { partial } => {
            messages.push(json!({"role": "assistant", "content": partial}));
            messages.push(json!({"role": "user", "content": CONTINUE}));
        }
    }
    body["messages"] = Value::Array(messages);
    if config.logprobs {
        body["logprobs"] = json!(true);
    }
    let mut headers = Vec::new();
    if let Some(key) = &config.api_key {
        headers.push(("authorization", format!("Bearer {key}")));
    }
    Request {
        url: format!("{}/chat/completions", config.base_url),
        headers,
        body,
    }
}

pub(super) fn read(body: &Value) -> Result<Reply, LlmError> {
    let choice = body
        .pointer("/choices/0")
        .ok_or_else(|| LlmError::Protocol("no choices[0] in the chat completion".into()))?;
    let message = &choice["message"];
    let text = match &message["content"] {
        Value::String(s) => s.clone(),
        Value::Null => match message["refusal"].as_str() {
            Some(refusal) => {
                return Err(LlmError::Malformed(format!("the model refused: {refusal}")));
            }
            None => String::new(),
        },
        other => return Err(LlmError::Protocol(format!("message.content is {other}"))),
    };
    let logprobs: Vec<f64> = choice
        .pointer("/logprobs/content")
        .and_then(Value::as_array)
        .map(|tokens| {
            tokens
                .iter()
                .filter_map(|t| t["logprob"].as_f64())
                .collect()
        })
        .unwrap_or_default();
    let confidence = (!logprobs.is_empty())
        .then(|| (logprobs.iter().sum::<f64>() / logprobs.len() as f64).exp());
    Ok(Reply {
        text,
        truncated: choice["finish_reason"].as_str() == Some("length"),
        input_tokens: count(&body["usage"]["prompt_tokens"]),
        output_tokens: count(&body["usage"]["completion_tokens"]),
        confidence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Provider;

    #[test]
    fn first_turn_asks_for_strict_json_schema_and_continuation_replays_the_partial() {
        let mut config = LlmConfig::new(Provider::OpenAi, "gpt-test").with_base_url("http://h/v1");
        config.api_key = Some("k".into());
        let prompt = Prompt {
            system: "s".into(),
            user: "u".into(),
            max_tokens: 100,
        };
        let first = request(&config, &prompt, &json!({"type": "object"}), Turn::First);
        assert_eq!(first.url, "http://h/v1/chat/completions");
        assert_eq!(first.body["response_format"]["json_schema"]["strict"], true);
        assert_eq!(
            first.headers,
            vec![("authorization", "Bearer k".to_string())]
        );
        let next = request(
            &config,
            &prompt,
            &json!({}),
            Turn::Continue { partial: "{\"va" },
        );
        assert!(next.body.get("response_format").is_none());
        assert_eq!(
            next.body["messages"][2],
            json!({"role": "assistant", "content": "{\"va"})
        );
    }

    #[test]
    fn reads_content_finish_reason_usage_and_logprobs() {
        let body = json!({"choices": [{"message": {"content": "{}"}, "finish_reason": "length",
            "logprobs": {"content": [{"logprob": 0.0}, {"logprob": 0.0}]}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 2}});
        let reply = read(&body).expect("reads");
        assert!(reply.truncated);
        assert_eq!((reply.input_tokens, reply.output_tokens), (10, 2));
        assert_eq!(reply.confidence, Some(1.0));
        assert!(read(&json!({"choices": []})).is_err());
    }
}
