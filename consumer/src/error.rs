//! The error model: every way a message can fail, and the one place where each failure becomes
//! a wire status and an `errors` list (DCRF's `handle_exception`). Every status and text a
//! client can see is written here; the rest of the crate names a variant.

use crate::dialect::Dialect;
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
    /// A multiplexed payload that is not an object.
    pub const PAYLOAD_NOT_AN_OBJECT: &str = "Payload must be a JSON object.";
    /// A multiplexed frame without its two keys.
    pub const MUX_KEYS_MISSING: &str = "Multiplexed messages need \"stream\" and \"payload\" keys.";
    /// A multiplexed frame whose `stream` is not a string.
    pub const STREAM_NOT_STRING: &str = "Multiplexed messages need a string \"stream\".";
    /// The RFC dialect: a `route` that is not a string.
    pub const ROUTE_NOT_STRING: &str = "Route must be a string.";
    /// DCRF: `subscribe` without a `request_id`.
    pub const REQUEST_ID_REQUIRED: &str = "request_id must have a value set";

    /// DRF: an empty string where blank is not allowed.
    pub const BLANK: &str = "This field may not be blank.";
    /// DRF: a write whose `data` is `null`.
    pub const NO_DATA: &str = "No data provided";
    /// A model field the model does not have (filters, writes).
    pub const UNKNOWN_FIELD: &str = "Unknown field.";

    /// DRF: a value not among an enum's choices.
    pub fn invalid_choice(value: &str) -> String {
        format!("\"{value}\" is not a valid choice.")
    }

    /// DRF: a list expected, `got` (a Python type name) found.
    pub fn not_a_list(got: &str) -> String {
        format!("Expected a list of items but got type \"{got}\".")
    }

    /// DRF: an object expected, `got` (a Python type name) found.
    pub fn not_a_dict(got: &str) -> String {
        format!("Invalid data. Expected a dictionary, but got {got}.")
    }

    /// Any other value of the wrong shape.
    pub fn invalid_value(expected: &str) -> String {
        format!("Invalid value: expected {expected}.")
    }

    /// DRF's `max_length`.
    pub fn max_length(max: usize) -> String {
        format!("Ensure this field has no more than {max} characters.")
    }

    /// DRF's `min_length`.
    pub fn min_length(min: usize) -> String {
        format!("Ensure this field has at least {min} characters.")
    }

    /// DRF's `min_value`.
    pub fn min_value(min: f64) -> String {
        format!("Ensure this value is greater than or equal to {min}.")
    }

    /// DRF's `max_value`.
    pub fn max_value(max: f64) -> String {
        format!("Ensure this value is less than or equal to {max}.")
    }

    /// DRF's `MethodNotAllowed` text for an unknown action (405).
    pub fn method_not_allowed(action: &str) -> String {
        format!("Method \"{action}\" not allowed.")
    }

    /// rest-framework-channels' text for an unknown action (405).
    pub fn action_not_allowed(action: &str) -> String {
        format!("Action \"{action}\" not allowed in message body.")
    }

    /// A routed consumer: no pattern matches the route and the root has no such action (404).
    pub fn no_route(route: &str) -> String {
        format!("No route matches \"{route}\".")
    }

    /// A multiplexed frame for a stream the endpoint does not have (404).
    pub fn unknown_stream(stream: &str) -> String {
        format!("Unknown stream \"{stream}\".")
    }

    /// A frame that is not JSON (400); `detail` is the parser's own description.
    pub fn invalid_json(detail: &str) -> String {
        format!("Invalid JSON: {detail}.")
    }

    /// A list streamed page by page was cancelled (`list_cancel`) or its socket closed.
    pub const LIST_CANCELLED: &str = "List cancelled.";
    /// DRF's page-number pagination: a page out of range.
    pub const INVALID_PAGE: &str = "Invalid page.";
    /// A wrapped view: `parameters` or `query` that is not an object.
    pub const MUST_BE_AN_OBJECT: &str = "Must be an object.";

    /// A list subscription whose handler's queryset filters on a field that is not a query
    /// field, so changes cannot be matched to it (400).
    pub fn unsubscribable_queryset(field: &str) -> String {
        format!("Subscriptions can only filter on query fields; the queryset filters on {field}.")
    }

    /// A wrapped view: a path parameter that is not a string or number.
    pub fn parameter_not_scalar(name: &str) -> String {
        format!("`{name}` must be a string or a number.")
    }

    /// A wrapped view: no path takes exactly these parameters.
    pub fn no_path_for(given: &[&str]) -> String {
        format!("No path of this view takes the parameters {given:?}.")
    }

    /// A wrapped view: a query value that is not a string, a number or a list of them.
    pub fn query_not_scalar(name: &str) -> String {
        format!("`{name}` must be a string, a number or a list of them.")
    }

    /// A wrapped view: the HTTP request could not be built from the arguments (400).
    pub fn cannot_build_request(detail: &str) -> String {
        format!("Cannot build the request: {detail}.")
    }

    /// One more group or subscription than the connection may hold (429).
    pub fn too_many_groups(max: usize) -> String {
        format!("Too many groups and subscriptions on this connection (at most {max}).")
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

    /// Adds `other`'s errors for the fields that have none here yet (a field reports its
    /// first problem only once: a type error hides the rule errors of a value that could not
    /// be read).
    pub(crate) fn merge_missing(&mut self, other: FieldErrors) {
        for (field, errors) in other.0 {
            self.0.entry(field).or_insert(errors);
        }
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

/// Why a message failed. Each variant maps to one wire status and `errors` list in
/// [`ActionError::status`] and [`ActionError::errors_in`].
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
    /// 405: the consumer has no action of this name; worded per dialect (DCRF's
    /// `Method "x" not allowed.`, rest-framework-channels' `Action "x" not allowed in message
    /// body.`).
    MethodNotAllowed(String),
    /// 405 `["Unable to find action in message body."]`: the message had no `action`.
    ActionMissing,
    /// 400 `["Action must be a string."]`.
    ActionNotString,
    /// 400 `["Route must be a string."]` (rest-framework-channels' dialect).
    RouteNotString,
    /// 404 `["No route matches \"<route>\"."]`: a routed consumer found no pattern and has no
    /// such action itself.
    NoRoute(String),
    /// 400 `["request_id must have a value set"]`: a subscription needs a request id.
    RequestIdRequired,
    /// 429: joining one more group than `Limits::max_groups_per_consumer` (the value).
    TooManyGroups(usize),
    /// 400 `["No text section for incoming WebSocket frame!"]`: a binary or empty frame.
    NoText,
    /// 400 `["Message must be a JSON object."]`.
    NotAnObject,
    /// 400 `["Invalid JSON: <detail>."]`.
    InvalidJson(String),
    /// 400 `["Payload must be a JSON object."]` (multiplexer).
    PayloadNotAnObject,
    /// 400: a multiplexed frame without `stream` and `payload`.
    MuxKeysMissing,
    /// 400: a multiplexed frame whose `stream` is not a string.
    StreamNotString,
    /// 404 `["Unknown stream \"<name>\"."]` (multiplexer).
    UnknownStream(String),
    /// 499 `["List cancelled."]`: a streamed list stopped by `list_cancel` or a closed socket.
    ListCancelled,
    /// 404 `["Invalid page."]` (DRF's page-number pagination).
    InvalidPage,
    /// 400: a list subscription whose queryset filters on this non-query field.
    UnsubscribableQueryset(String),
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
            ActionError::NotFound
            | ActionError::NoRoute(_)
            | ActionError::UnknownStream(_)
            | ActionError::InvalidPage => 404,
            ActionError::ListCancelled => 499,
            ActionError::PermissionDenied => 403,
            ActionError::Validation(_)
            | ActionError::BadRequest(_)
            | ActionError::ActionNotString
            | ActionError::RouteNotString
            | ActionError::RequestIdRequired
            | ActionError::NoText
            | ActionError::NotAnObject
            | ActionError::InvalidJson(_)
            | ActionError::PayloadNotAnObject
            | ActionError::MuxKeysMissing
            | ActionError::StreamNotString
            | ActionError::UnsubscribableQueryset(_) => 400,
            ActionError::MethodNotAllowed(_) | ActionError::ActionMissing => 405,
            ActionError::Throttled | ActionError::TooManyGroups(_) => 429,
            ActionError::Status { status, .. } => *status,
            ActionError::Internal(_) => 500,
        }
    }

    /// The wire status in `dialect`: as [`ActionError::status`], but a message without an
    /// action is a 404 in rest-framework-channels' dialect (a 405 in DCRF's).
    pub fn status_in(&self, dialect: Dialect) -> u16 {
        match (self, dialect) {
            (ActionError::ActionMissing, Dialect::Rfc) => 404,
            _ => self.status(),
        }
    }

    /// The wire `errors` list in DCRF's dialect.
    pub fn errors(&self) -> Vec<Value> {
        self.errors_in(Dialect::Dcrf)
    }

    /// The wire `errors` list in `dialect`'s words.
    ///
    /// ```
    /// use chanrest::{ActionError, Dialect};
    /// let err = ActionError::MethodNotAllowed("fly".into());
    /// assert_eq!(err.errors_in(Dialect::Dcrf), vec![serde_json::json!("Method \"fly\" not allowed.")]);
    /// assert_eq!(
    ///     err.errors_in(Dialect::Rfc),
    ///     vec![serde_json::json!("Action \"fly\" not allowed in message body.")]
    /// );
    /// ```
    pub fn errors_in(&self, dialect: Dialect) -> Vec<Value> {
        let errors = self.dcrf_or_rfc_errors(dialect);
        if dialect != Dialect::Rfc || self.rfc_keeps_strings() {
            return errors;
        }
        // rest-framework-channels' exception handler gives a string detail as
        // `{"detail": "..."}`; only 403 and 405 short-circuit with plain strings.
        errors
            .into_iter()
            .map(|item| match item {
                Value::String(text) => serde_json::json!({ "detail": text }),
                other => other,
            })
            .collect()
    }

    /// Errors that rest-framework-channels words as plain strings (its short-circuits), or
    /// that the handler wrote out itself.
    fn rfc_keeps_strings(&self) -> bool {
        matches!(
            self,
            ActionError::PermissionDenied
                | ActionError::MethodNotAllowed(_)
                | ActionError::Status { .. }
        )
    }

    fn dcrf_or_rfc_errors(&self, dialect: Dialect) -> Vec<Value> {
        let text = |s: &str| vec![Value::String(s.to_owned())];
        let owned = |s: String| vec![Value::String(s)];
        match self {
            ActionError::NotFound => text(messages::NOT_FOUND),
            ActionError::PermissionDenied => text(messages::PERMISSION_DENIED),
            ActionError::Validation(fields) => vec![fields.clone().into_value()],
            ActionError::BadRequest(message) => text(message),
            ActionError::Throttled => text(messages::THROTTLED),
            ActionError::MethodNotAllowed(action) => match dialect {
                Dialect::Rfc => owned(messages::action_not_allowed(action)),
                Dialect::Dcrf => owned(messages::method_not_allowed(action)),
            },
            ActionError::ActionMissing => text(messages::ACTION_MISSING),
            ActionError::ActionNotString => text(messages::ACTION_NOT_STRING),
            ActionError::RouteNotString => text(messages::ROUTE_NOT_STRING),
            ActionError::NoRoute(route) => owned(messages::no_route(route)),
            ActionError::RequestIdRequired => text(messages::REQUEST_ID_REQUIRED),
            ActionError::TooManyGroups(max) => owned(messages::too_many_groups(*max)),
            ActionError::NoText => text(messages::NO_TEXT),
            ActionError::NotAnObject => text(messages::NOT_AN_OBJECT),
            ActionError::InvalidJson(detail) => owned(messages::invalid_json(detail)),
            ActionError::PayloadNotAnObject => text(messages::PAYLOAD_NOT_AN_OBJECT),
            ActionError::MuxKeysMissing => text(messages::MUX_KEYS_MISSING),
            ActionError::StreamNotString => text(messages::STREAM_NOT_STRING),
            ActionError::UnknownStream(stream) => owned(messages::unknown_stream(stream)),
            ActionError::ListCancelled => text(messages::LIST_CANCELLED),
            ActionError::InvalidPage => text(messages::INVALID_PAGE),
            ActionError::UnsubscribableQueryset(field) => {
                owned(messages::unsubscribable_queryset(field))
            }
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

/// Why a WebSocket handshake was refused: each variant is an HTTP status and a plain-text
/// body, answered before any consumer code runs.
///
/// ```
/// use chanrest::HandshakeError;
/// assert_eq!(HandshakeError::AccessDenied.status(), 403);
/// assert_eq!(HandshakeError::AccessDenied.text(), "Access denied");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HandshakeError {
    /// 426: a plain HTTP request to a WebSocket path.
    NotWebSocket,
    /// 400: a `Sec-WebSocket-Version` other than 13.
    UnsupportedVersion,
    /// 400: the HTTP connection cannot be upgraded.
    CannotUpgrade,
    /// 400: a `Sec-WebSocket-Key` that is not 16 bytes of base64.
    BadKey,
    /// 431: more handshake headers than `Limits::max_handshake_headers_bytes`.
    HeadersTooLarge,
    /// 403: a browser `Origin` the app does not allow.
    OriginNotAllowed,
    /// 503: `Limits::max_connections` are open.
    TooManyConnections,
    /// 401: the authenticator refused the credentials.
    AuthenticationFailed,
    /// 403: a consumer's permission refused the connection (`can_connect`).
    AccessDenied,
    /// 503: authentication and `can_connect` took longer than `Limits::hook_timeout`.
    ChecksTimedOut,
}

impl HandshakeError {
    /// The HTTP status.
    pub fn status(self) -> u16 {
        match self {
            HandshakeError::NotWebSocket => 426,
            HandshakeError::UnsupportedVersion
            | HandshakeError::CannotUpgrade
            | HandshakeError::BadKey => 400,
            HandshakeError::OriginNotAllowed | HandshakeError::AccessDenied => 403,
            HandshakeError::TooManyConnections | HandshakeError::ChecksTimedOut => 503,
            HandshakeError::AuthenticationFailed => 401,
            HandshakeError::HeadersTooLarge => 431,
        }
    }

    /// The response body (plain text).
    pub fn text(self) -> &'static str {
        match self {
            HandshakeError::NotWebSocket => "This endpoint speaks WebSocket only.",
            HandshakeError::UnsupportedVersion => "Unsupported WebSocket version.",
            HandshakeError::CannotUpgrade => "This connection cannot be upgraded.",
            HandshakeError::BadKey => "Invalid Sec-WebSocket-Key.",
            HandshakeError::HeadersTooLarge => "Request header fields too large.",
            HandshakeError::OriginNotAllowed => "Origin not allowed.",
            HandshakeError::TooManyConnections => "Too many connections.",
            HandshakeError::AuthenticationFailed => "Authentication failed.",
            HandshakeError::AccessDenied => "Access denied",
            HandshakeError::ChecksTimedOut => "Connection checks timed out.",
        }
    }
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status(), self.text())
    }
}

impl std::error::Error for HandshakeError {}
