//! The API's types, generated from the manifest's JSON Schemas by typify. Do not edit.

///`ItemListListArgs`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ItemListListArgs {
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub page: ::std::option::Option<::std::num::NonZeroU64>,
}
///A page of lines.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct ItemListListResponse {
    pub count: i64,
    pub results: ::std::vec::Vec<Line>,
}
///`ItemRenameArgs`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct ItemRenameArgs {
    pub name: ::std::string::String,
}
///One line of an order.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct Line {
    pub item: ::std::string::String,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub note: ::std::option::Option<::std::string::String>,
    pub quantity: ::std::num::NonZeroU32,
}
///`Lookup`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct Lookup {
    pub pk: i64,
}
///`NoArgs`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(transparent)]
pub struct NoArgs(pub ::serde_json::Map<::std::string::String, ::serde_json::Value>);
impl ::std::ops::Deref for NoArgs {
    type Target = ::serde_json::Map<::std::string::String, ::serde_json::Value>;
    fn deref(&self) -> &::serde_json::Map<::std::string::String, ::serde_json::Value> {
        &self.0
    }
}
impl ::std::convert::From<NoArgs>
for ::serde_json::Map<::std::string::String, ::serde_json::Value> {
    fn from(value: NoArgs) -> Self {
        value.0
    }
}
impl ::std::convert::From<::serde_json::Map<::std::string::String, ::serde_json::Value>>
for NoArgs {
    fn from(
        value: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
    ) -> Self {
        Self(value)
    }
}
///An order.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct Order {
    #[serde(deserialize_with = "::std::option::Option::deserialize")]
    pub gift: ::std::option::Option<Line>,
    pub id: i64,
    pub lines: ::std::vec::Vec<Line>,
    pub status: Status,
    pub tags: ::std::collections::HashMap<::std::string::String, ::std::string::String>,
    pub total: f64,
}
///`OrdersCancelledData`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct OrdersCancelledData {
    pub pk: i64,
}
///`OrdersExportArgs`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct OrdersExportArgs {
    pub format: OrdersExportArgsFormat,
}
///`OrdersExportArgsFormat`
#[derive(
    ::serde::Deserialize,
    ::serde::Serialize,
    Clone,
    Copy,
    Debug,
    Eq,
    Hash,
    Ord,
    PartialEq,
    PartialOrd
)]
pub enum OrdersExportArgsFormat {
    #[serde(rename = "csv")]
    Csv,
    #[serde(rename = "json")]
    Json,
}
impl ::std::fmt::Display for OrdersExportArgsFormat {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match *self {
            Self::Csv => f.write_str("csv"),
            Self::Json => f.write_str("json"),
        }
    }
}
impl ::std::str::FromStr for OrdersExportArgsFormat {
    type Err = self::error::ConversionError;
    fn from_str(
        value: &str,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        match value {
            "csv" => Ok(Self::Csv),
            "json" => Ok(Self::Json),
            _ => Err("invalid value".into()),
        }
    }
}
impl ::std::convert::TryFrom<&str> for OrdersExportArgsFormat {
    type Error = self::error::ConversionError;
    fn try_from(
        value: &str,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
impl ::std::convert::TryFrom<::std::string::String> for OrdersExportArgsFormat {
    type Error = self::error::ConversionError;
    fn try_from(
        value: ::std::string::String,
    ) -> ::std::result::Result<Self, self::error::ConversionError> {
        value.parse()
    }
}
///`OrdersHistoryResponse`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct OrdersHistoryResponse {
    pub count: u64,
    pub limit: u64,
    pub offset: u64,
    pub results: ::std::vec::Vec<Order>,
}
///A page of orders.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct OrdersRecentResponse {
    pub count: i64,
    pub results: ::std::vec::Vec<Order>,
}
///`PlaceArgs`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct PlaceArgs {
    ///Optional: the server takes `false` when it is omitted.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub express: ::std::option::Option<bool>,
    pub lines: ::std::vec::Vec<Line>,
}
///Where an order is.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub enum Status {
    #[serde(rename = "open")]
    Open,
    #[serde(rename = "shipped")]
    Shipped,
    ///Cancelled, with why.
    #[serde(rename = "cancelled")]
    Cancelled(::std::string::String),
}
///`StockLevelsArgs`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct StockLevelsArgs {
    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
    pub items: ::std::vec::Vec<::std::string::String>,
}
///What the shop did lately.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct Summary {
    ///The latest orders.
    pub latest: SummaryLatest,
}
///A page of orders.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct SummaryLatest {
    pub count: i64,
    pub results: ::std::vec::Vec<Order>,
}
/// Error types.
pub mod error {
    /// Error from a `TryFrom` or `FromStr` implementation.
    pub struct ConversionError(::std::borrow::Cow<'static, str>);
    impl ::std::error::Error for ConversionError {}
    impl ::std::fmt::Display for ConversionError {
        fn fmt(
            &self,
            f: &mut ::std::fmt::Formatter<'_>,
        ) -> Result<(), ::std::fmt::Error> {
            ::std::fmt::Display::fmt(&self.0, f)
        }
    }
    impl ::std::fmt::Debug for ConversionError {
        fn fmt(
            &self,
            f: &mut ::std::fmt::Formatter<'_>,
        ) -> Result<(), ::std::fmt::Error> {
            ::std::fmt::Debug::fmt(&self.0, f)
        }
    }
    impl From<&'static str> for ConversionError {
        fn from(value: &'static str) -> Self {
            Self(value.into())
        }
    }
    impl From<String> for ConversionError {
        fn from(value: String) -> Self {
            Self(value.into())
        }
    }
}
