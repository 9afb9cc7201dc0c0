//! The `/ws/bench/` wire protocol, as both servers and the load generator speak it.
//!
//! Request: `{"action":"echo","request_id":<int>,"data":{"n":<int>,"text":"hello"}}`.
//! Reply: `{"errors":[],"data":<data>,"action":"echo","response_status":200,"request_id":<id>}`.

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
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

/// The raw baseline's whole job for one frame, written as a careful engineer would: parse it
/// into a JSON object (a server taking any action needs the generic parse), take `action`,
/// `request_id` and `data`, and serialize a reply with the same five keys chanrest sends, in
/// its order, from a struct that borrows them (no map of owned keys is built for it).
pub fn raw_reply(frame: &str) -> String {
    let reply = |errors: &[Value], data: &Value, action: &Value, status, request_id: &Value| {
        serde_json::to_string(&Envelope {
            errors,
            data,
            action,
            response_status: status,
            request_id,
        })
        .expect("JSON values always serialize")
    };
    match serde_json::from_str::<Map<String, Value>>(frame) {
        Ok(message) => {
            let field = |key| message.get(key).unwrap_or(&Value::Null);
            let (action, request_id) = (field("action"), field("request_id"));
            if action.as_str() == Some("echo") {
                reply(&[], field("data"), action, 200, request_id)
            } else {
                let error = Value::from(format!("Method \"{action}\" not allowed."));
                reply(&[error], &Value::Null, action, 405, request_id)
            }
        }
        Err(err) => reply(
            &[Value::from(err.to_string())],
            &Value::Null,
            &Value::Null,
            400,
            &Value::Null,
        ),
    }
}

/// A reply with chanrest's five keys, in its order.
#[derive(Serialize)]
struct Envelope<'a> {
    errors: &'a [Value],
    data: &'a Value,
    action: &'a Value,
    response_status: u16,
    request_id: &'a Value,
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
