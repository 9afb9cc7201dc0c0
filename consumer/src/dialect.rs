//! The two envelope dialects chanrest speaks. Kept apart from the wire code so that the error
//! model ([`crate::ActionError`]), which words some errors per dialect, needs nothing else.

/// How a consumer's messages are framed on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Dialect {
    /// djangochannelsrestframework: `request_id` correlation, `response_status`.
    #[default]
    Dcrf,
    /// rest-framework-channels: `{"action", "route", ...args}` in,
    /// `{"errors", "data", "action", "route", "status"}` out, the route echoed as sent; no
    /// request ids (a `request_id` key is an ordinary argument).
    Rfc,
}

impl Dialect {
    /// The dialect's name in the manifest.
    ///
    /// ```
    /// assert_eq!(chanrest::Dialect::Rfc.name(), "rfc");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Dcrf => "dcrf",
            Dialect::Rfc => "rfc",
        }
    }
}
