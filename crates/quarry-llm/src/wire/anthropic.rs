//! Anthropic Messages: `POST {base}/v1/messages` with `x-api-key`,
//! `anthropic-version: 2023-06-01`, and one tool whose `input_schema` is the
//! answer schema, forced with `tool_choice`; the answer is the `tool_use`
//! block's `input`, `stop_reason: "max_tokens"` means cut off, usage is
//! `input_tokens`/`output_tokens`.
//!
//! A tool call cut off at `max_tokens` has no usable input (Anthropic's
//! documentation says to retry), so continuation switches to plain JSON
//! text and uses Anthropic's prefill: the text so far is sent as the final
//! assistant message and the model carries on from its last character.

use serde_json::{Value, json};

use super::{Reply, Request, Turn, count};
use crate::config::LlmConfig;
use crate::error::LlmError;
use crate::prompt::{JSON_ONLY, Prompt};

/// The tool the model is made to call.
const TOOL: &str = "record_extraction";
const VERSION: &str = "2023-06-01";

pub(super) fn request(config: &LlmConfig, prompt: &Prompt, schema: &Value, turn: Turn) -> Request {
    let mut body = json!({
        "model": config.model,
        "max_tokens": prompt.max_tokens,
        "temperature": 0,
        "system": prompt.system,
    });
    match turn {
        Turn::First => {
            body["messages"] = json!([{"role": "user", "content": prompt.user}]);
            body["tools"] = json!([{
                "name": TOOL,
                "description": "Record the values extracted from the document.",
                "input_schema": schema,
            }]);
            body["tool_choice"] = json!({"type": "tool", "name": TOOL});
        }
        Turn::Continue { partial } => {
            let schema_text = serde_json::to_string(schema).unwrap_or_default();
            let user = format!(
                "{}\n\nThe answer must match this JSON schema:\n{schema_text}\n\n{JSON_ONLY}",
                prompt.user
            );
            let mut messages = vec![json!({"role": "user", "content": user})];
            // The API rejects a final assistant message ending in whitespace.
            let partial = partial.trim_end();
            if !partial.is_empty() {
                messages.push(json!({"role": "assistant", "content": partial}));
            }
            body["messages"] = Value::Array(messages);
        }
    }
    let mut headers = vec![("anthropic-version", VERSION.to_string())];
    if let Some(key) = &config.api_key {
        headers.push(("x-api-key", key.clone()));
    }
    Request {
        url: format!("{}/v1/messages", config.base_url),
        headers,
        body,
    }
}

pub(super) fn read(body: &Value) -> Result<Reply, LlmError> {
    let blocks = body["content"]
        .as_array()
        .ok_or_else(|| LlmError::Protocol("no content array in the message".into()))?;
    let truncated = body["stop_reason"].as_str() == Some("max_tokens");
    let tool_input = blocks
        .iter()
        .find(|b| b["type"] == "tool_use")
        .map(|b| &b["input"]);
    let text = match tool_input {
        // A cut-off tool call's input is unusable: start over in text mode.
        Some(_) if truncated => String::new(),
        Some(input) => serde_json::to_string(input)
            .map_err(|e| LlmError::Protocol(format!("tool input: {e}")))?,
        None => blocks
            .iter()
            .filter(|b| b["type"] == "text")
            .filter_map(|b| b["text"].as_str())
            .collect(),
    };
    Ok(Reply {
        text,
        truncated,
        input_tokens: count(&body["usage"]["input_tokens"]),
        output_tokens: count(&body["usage"]["output_tokens"]),
        confidence: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Provider;

    fn prompt() -> Prompt {
        Prompt {
            system: "s".into(),
            user: "u".into(),
            max_tokens: 100,
        }
    }

    #[test]
    fn first_turn_forces_the_tool_and_continuation_prefills_the_partial() {
        let mut config = LlmConfig::new(Provider::Anthropic, "claude-test");
        config.api_key = Some("k".into());
        let first = request(&config, &prompt(), &json!({"type": "object"}), Turn::First);
        assert_eq!(first.url, "https://api.anthropic.com/v1/messages");
        assert_eq!(
            first.body["tool_choice"],
            json!({"type": "tool", "name": TOOL})
        );
        assert_eq!(
            first.body["tools"][0]["input_schema"],
            json!({"type": "object"})
        );
        assert!(first.headers.contains(&("x-api-key", "k".to_string())));
        let next = request(
            &config,
            &prompt(),
            &json!({}),
            Turn::Continue {
                partial: "{\"a\": 1, ",
            },
        );
        assert!(next.body.get("tools").is_none());
        assert_eq!(
            next.body["messages"][1],
            json!({"role": "assistant", "content": "{\"a\": 1,"})
        );
        let fresh = request(
            &config,
            &prompt(),
            &json!({}),
            Turn::Continue { partial: "" },
        );
        assert_eq!(fresh.body["messages"].as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn reads_tool_input_text_and_truncation() {
        let done = json!({"content": [{"type": "tool_use", "input": {"value": {}}}],
            "stop_reason": "tool_use", "usage": {"input_tokens": 7, "output_tokens": 3}});
        let reply = read(&done).expect("reads");
        assert_eq!(reply.text, "{\"value\":{}}");
        assert_eq!(
            (reply.input_tokens, reply.output_tokens, reply.truncated),
            (7, 3, false)
        );
        let cut =
            json!({"content": [{"type": "tool_use", "input": {}}], "stop_reason": "max_tokens"});
        let reply = read(&cut).expect("reads");
        assert!(reply.truncated && reply.text.is_empty());
        let text =
            json!({"content": [{"type": "text", "text": "{\"v"}], "stop_reason": "max_tokens"});
        assert_eq!(read(&text).expect("reads").text, "{\"v");
    }
}
