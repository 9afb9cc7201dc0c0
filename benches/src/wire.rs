//! The `/ws/bench/` wire protocol, as both servers and the load generator speak it.
//!
//! Request: `{"action":"echo","request_id":<int>,"data":{"n":<int>,"text":"hello"}}`.
//! Reply: `{"errors":[],"data":<data>,"action":"echo","response_status":200,"request_id":<id>}`.

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The path both servers serve the echo on.
pub const PATH: &str = "/ws/bench/";

/// The `text` field of every request's `data`.
pub const TEXT: &str = "hello";

/// The request with id `id`; its `data` is `{"n": id, "text": "hello"}`.
pub fn request(id: u64) -> String {
    format!(r#"{{"action":"echo","request_id":{id},"data":{{"n":{id},"text":"{TEXT}"}}}}"#)
}

/// A reply as the load generator reads it.
#[derive(Debug, Deserialize)]
struct Reply<'a> {
    #[serde(borrow)]
    action: Cow<'a, str>,
    request_id: u64,
    response_status: u16,
    errors: Vec<IgnoredAny>,
    #[serde(borrow)]
    data: Data<'a>,
}

/// The `data` of a request, as echoed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Data<'a> {
    n: u64,
    #[serde(borrow)]
    text: Cow<'a, str>,
}

/// Checks a reply and returns its `request_id`: a 200 `echo` reply with no errors whose `data`
/// is exactly what request `request_id` sent. Anything else is an error that names the problem.
pub fn check_reply(text: &str) -> Result<u64, String> {
    let reply: Reply<'_> =
        serde_json::from_str(text).map_err(|e| format!("malformed reply ({e}): {text}"))?;
    if reply.response_status != 200 || !reply.errors.is_empty() {
        return Err(format!("failed reply: {text}"));
    }
    if reply.action != "echo" || reply.data.n != reply.request_id || reply.data.text != TEXT {
        return Err(format!("reply does not echo its request: {text}"));
    }
    Ok(reply.request_id)
}

/// The raw baseline's whole job for one frame: parse it into a JSON object, take `action`,
/// `request_id` and `data`, and serialize a reply with the same five keys chanrest sends.
pub fn raw_reply(frame: &str) -> String {
    let reply = match serde_json::from_str::<Map<String, Value>>(frame) {
        Ok(mut message) => {
            let action = message.remove("action").unwrap_or(Value::Null);
            let request_id = message.remove("request_id").unwrap_or(Value::Null);
            if action.as_str() == Some("echo") {
                let data = message.remove("data").unwrap_or(Value::Null);
                envelope(Vec::new(), data, action, 200, request_id)
            } else {
                let error = Value::from(format!("Method \"{action}\" not allowed."));
                envelope(vec![error], Value::Null, action, 405, request_id)
            }
        }
        Err(err) => envelope(
            vec![Value::from(err.to_string())],
            Value::Null,
            Value::Null,
            400,
            Value::Null,
        ),
    };
    serde_json::to_string(&reply).expect("a JSON map always serializes")
}

/// A reply object with chanrest's five keys.
fn envelope(
    errors: Vec<Value>,
    data: Value,
    action: Value,
    status: u16,
    request_id: Value,
) -> Value {
    let mut reply = Map::new();
    reply.insert("errors".to_owned(), Value::Array(errors));
    reply.insert("data".to_owned(), data);
    reply.insert("action".to_owned(), action);
    reply.insert("response_status".to_owned(), Value::from(status));
    reply.insert("request_id".to_owned(), request_id);
    Value::Object(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_reply_echoes_a_request_and_passes_the_check() {
        let reply = raw_reply(&request(42));
        assert_eq!(check_reply(&reply), Ok(42));
    }

    #[test]
    fn chanrest_shaped_reply_passes_the_check() {
        let reply = r#"{"errors":[],"data":{"n":7,"text":"hello"},"action":"echo","response_status":200,"request_id":7}"#;
        assert_eq!(check_reply(reply), Ok(7));
    }

    #[test]
    fn bad_replies_fail_the_check() {
        let wrong_data = r#"{"errors":[],"data":{"n":8,"text":"hello"},"action":"echo","response_status":200,"request_id":7}"#;
        let error =
            r#"{"errors":["no"],"data":null,"action":"echo","response_status":500,"request_id":7}"#;
        assert!(check_reply(wrong_data).is_err());
        assert!(check_reply(error).is_err());
        assert!(check_reply("not json").is_err());
    }

    #[test]
    fn raw_reply_refuses_other_actions_and_bad_json() {
        let refused: Value = serde_json::from_str(&raw_reply(r#"{"action":"add"}"#)).unwrap();
        assert_eq!(refused["response_status"], 405);
        let bad: Value = serde_json::from_str(&raw_reply("{")).unwrap();
        assert_eq!(bad["response_status"], 400);
    }
}
