//! WebSocket close codes chanrest sends, besides the standard ones. Codes in 4000–4499 mean
//! "reconnect may succeed"; 4500–4999 mean "do not reconnect as is" (Centrifugo's split).

/// A normal close, sent once what was queued has been written (standard).
pub const NORMAL: u16 = 1000;
/// The server is shutting down (standard "going away").
pub const GOING_AWAY: u16 = 1001;
/// A frame that breaks the WebSocket protocol: unmasked, reserved bits set, an unknown
/// opcode (standard "protocol error").
pub const PROTOCOL_ERROR: u16 = 1002;
/// A text frame that is not UTF-8 (standard).
pub const INVALID_UTF8: u16 = 1007;
/// `on_connect` refused the connection, or a message begun in fragments was not completed
/// within `Limits::fragmented_message_timeout` (standard "policy violation").
pub const POLICY: u16 = 1008;
/// A message above `Limits::max_message_size` (standard "message too big").
pub const MESSAGE_TOO_BIG: u16 = 1009;
/// `on_connect` took longer than `Limits::hook_timeout` (standard "internal error").
pub const INTERNAL_ERROR: u16 = 1011;
/// The client did not read fast enough: its outbound queue passed
/// `Limits::max_outbound_bytes`, or one write took longer than `Limits::write_timeout`, or
/// the queues of all connections together passed `Limits::max_total_outbound_bytes` and its
/// was the largest. What was still queued for it is discarded; the close frame follows what
/// the socket had taken already.
pub const SLOW_CONSUMER: u16 = 4008;
/// No frame (not even a pong) within `Limits::ping_interval + Limits::ping_timeout`.
pub const PING_TIMEOUT: u16 = 4009;
