//! [`Push`]: what a group's members receive. Data only (action, status, encoded `data`);
//! its frames are laid out by the protocol module, once per push, on first delivery.

use crate::error::ActionError;
use crate::protocol::{self, encode_data};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::sync::{Arc, OnceLock};
use tokio_tungstenite::tungstenite::Utf8Bytes;

/// A message sent to a group: every member sends it to its socket in its consumer's envelope,
/// with `action` = [`Push::action`], once per subscribing `request_id` (or once with
/// `request_id: null` for a plain group membership).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Push {
    /// The `action` field of the pushed message.
    pub action: String,
    /// Its `response_status`.
    pub status: u16,
    /// Its `data`, encoded once for every member.
    pub data: Arc<RawValue>,
    /// The DCRF envelope up to the `request_id` value, encoded once for every member
    /// (see [`Push::dcrf_prefix`]).
    #[serde(skip)]
    encoded: OnceLock<Arc<str>>,
    /// The whole DCRF frame with `request_id: null`, the same bytes for every plain member
    /// (text known to be UTF-8 once, not checked again for each member's socket).
    #[serde(skip)]
    plain_frame: OnceLock<Utf8Bytes>,
}

impl Push {
    /// A push with status 200.
    ///
    /// ```
    /// let push = chanrest::Push::new("message", &serde_json::json!({"text": "hi"})).unwrap();
    /// assert_eq!(push.data.get(), r#"{"text":"hi"}"#);
    /// ```
    pub fn new<T: Serialize + ?Sized>(
        action: impl Into<String>,
        data: &T,
    ) -> Result<Push, ActionError> {
        Ok(Push {
            action: action.into(),
            status: 200,
            data: encode_data(data)?,
            encoded: OnceLock::new(),
            plain_frame: OnceLock::new(),
        })
    }

    /// Sets the status.
    pub fn with_status(mut self, status: u16) -> Push {
        self.status = status;
        self.encoded = OnceLock::new();
        self.plain_frame = OnceLock::new();
        self
    }

    /// The push as a DCRF envelope up to the value of `request_id` (see
    /// [`protocol::push_prefix`]): encoded once, whatever the number of members.
    pub fn dcrf_prefix(&self) -> &str {
        self.shared_dcrf_prefix()
    }

    /// The push as a whole DCRF frame for a plain member (`request_id: null`): encoded once,
    /// and shared (not copied) by every plain member's queue.
    pub(crate) fn plain_frame(&self) -> &Utf8Bytes {
        self.plain_frame.get_or_init(|| {
            let mut frame = Vec::new();
            protocol::finish_push(&mut frame, None, self.dcrf_prefix(), "null");
            // Checked once here, for every member's socket.
            Utf8Bytes::from(String::from_utf8(frame).expect("a push is built from strs"))
        })
    }

    /// [`Push::dcrf_prefix`], shared.
    pub(crate) fn shared_dcrf_prefix(&self) -> &Arc<str> {
        self.encoded
            .get_or_init(|| Arc::from(protocol::push_prefix(&self.action, self.status, &self.data)))
    }
}
