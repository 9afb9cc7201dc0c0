//! The error model: every way an action can fail, and the one place where each failure becomes
//! a wire status and an `errors` list (DCRF's `handle_exception`).

use serde_json::{Map, Value};
use std::fmt;

/// DCRF's and DRF's exact message texts, so existing front ends can match on them.
pub mod messages {
    /// No `action` key in the message (405, `action: null`).
    pub const ACTION_MISSING: &str = "Unable to find action in message body.";
    /// The permission check refused the action (403).
    pub const PERMISSION_DENIED: &str = "You do not have permission to perform this action.";
    /// A lookup found nothing (404). DCRF's `Http404` text has no trailing period.
    pub const NOT_FOUND: &str = "Not found";
    /// The generic text of a failing handler (500); details go to the server log only.
    pub const SERVER_ERROR: &str = "A server error occurred.";
    /// A binary or empty frame (Channels' own text for it).
    pub const NO_TEXT: &str = "No text section for incoming WebSocket frame!";
    /// Valid JSON that is not an object.
    pub const NOT_AN_OBJECT: &str = "Message must be a JSON object.";
    /// An `action` that is not a string.
    pub const ACTION_NOT_STRING: &str = "Action must be a string.";
    /// DRF: a required field is absent.
    pub const REQUIRED: &str = "This field is required.";
    /// DRF: `null` where a value is needed.
    pub const NULL: &str = "This field may not be null.";
    /// DRF: not an integer.
    pub const INVALID_INTEGER: &str = "A valid integer is required.";
    /// DRF: not a number.
    pub const INVALID_NUMBER: &str = "A valid number is required.";
    /// DRF: not a string.
    pub const INVALID_STRING: &str = "Not a valid string.";
    /// DRF: not a boolean.
    pub const INVALID_BOOLEAN: &str = "Must be a valid boolean.";
    /// DRF: a throttled request (429).
    pub const THROTTLED: &str = "Request was throttled.";

    /// DRF's `MethodNotAllowed` text for an unknown action (405).
    pub fn method_not_allowed(action: &str) -> String {
        format!("Method \"{action}\" not allowed.")
    }
}

/// Field errors in DRF's shape: `{"field": ["message", ...], "nested": {"field": [...]}}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldErrors(Map<String, Value>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `message` for the field at `path` (nested objects for nested fields).
    ///
    /// ```
    /// let mut errors = chanrest::FieldErrors::new();
    /// errors.add(&["title"], "This field is required.");
    /// assert_eq!(errors.into_value(), serde_json::json!({"title": ["This field is required."]}));
    /// ```
    pub fn add<S: AsRef<str>>(&mut self, path: &[S], message: impl Into<String>) -> &mut Self {
        let mut map = &mut self.0;
        let Some((last, parents)) = path.split_last() else {
            // Errors about the whole object go under DRF's `non_field_errors`.
            return self.add(&["non_field_errors"], message);
        };
        for key in parents {
            let entry = map
                .entry(key.as_ref().to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            map = entry.as_object_mut().expect("just made an object");
        }
        let list = map
            .entry(last.as_ref().to_owned())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = list {
            items.push(Value::String(message.into()));
        }
        self
    }

    /// True when no field has an error.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The errors as a JSON object.
    pub fn into_value(self) -> Value {
        Value::Object(self.0)
    }
}

/// Why an action failed. Each variant maps to one wire status in [`ActionError::status`].
///
/// ```
/// use chanrest::ActionError;
/// assert_eq!(ActionError::NotFound.status(), 404);
/// assert_eq!(ActionError::NotFound.errors(), vec![serde_json::json!("Not found")]);
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum ActionError {
    /// 404 `["Not found"]`.
    NotFound,
    /// 403 `["You do not have permission to perform this action."]`.
    PermissionDenied,
    /// 400 with `[{"field": ["message"]}]`.
    Validation(FieldErrors),
    /// 400 with `["message"]`.
    BadRequest(String),
    /// 429 `["Request was throttled."]`.
    Throttled,
    /// Any status with the given `errors` list (DRF's `APIException` with a custom status).
    Status {
        /// The wire status.
        status: u16,
        /// The `errors` list.
        errors: Vec<Value>,
    },
    /// A failure inside the handler: 500 with a generic message; the cause is only logged.
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

impl ActionError {
    /// A 500 from any error; the text stays in the server log.
    pub fn internal(err: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        ActionError::Internal(err.into())
    }

    /// A 400 for one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(&[field], message);
        ActionError::Validation(errors)
    }

    /// The wire status (`response_status`).
    pub fn status(&self) -> u16 {
        match self {
            ActionError::NotFound => 404,
            ActionError::PermissionDenied => 403,
            ActionError::Validation(_) | ActionError::BadRequest(_) => 400,
            ActionError::Throttled => 429,
            ActionError::Status { status, .. } => *status,
            ActionError::Internal(_) => 500,
        }
    }

    /// The wire `errors` list.
    pub fn errors(&self) -> Vec<Value> {
        let text = |s: &str| vec![Value::String(s.to_owned())];
        match self {
            ActionError::NotFound => text(messages::NOT_FOUND),
            ActionError::PermissionDenied => text(messages::PERMISSION_DENIED),
            ActionError::Validation(fields) => vec![fields.clone().into_value()],
            ActionError::BadRequest(message) => text(message),
            ActionError::Throttled => text(messages::THROTTLED),
            ActionError::Status { errors, .. } => errors.clone(),
            ActionError::Internal(_) => text(messages::SERVER_ERROR),
        }
    }
}

impl fmt::Display for ActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionError::Internal(err) => write!(f, "internal error: {err}"),
            other => write!(f, "{} {}", other.status(), Value::Array(other.errors())),
        }
    }
}

impl std::error::Error for ActionError {}

impl From<FieldErrors> for ActionError {
    fn from(errors: FieldErrors) -> Self {
        ActionError::Validation(errors)
    }
}

impl From<serde_json::Error> for ActionError {
    fn from(err: serde_json::Error) -> Self {
        ActionError::internal(err)
    }
}

/// The result of an action handler.
pub type Result<T, E = ActionError> = std::result::Result<T, E>;
