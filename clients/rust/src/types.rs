//! The API's types, generated from the manifest's JSON Schemas by typify. Do not edit.

///Adds two integers.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct AddArgs {
    ///The first addend.
    pub a: i64,
    ///The second addend.
    pub b: i64,
}
///Returns its `data` argument verbatim (`null` when absent).
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct BenchEchoArgs {
    /**Any JSON value.

Optional: the server takes `null` when it is omitted.*/
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub data: ::std::option::Option<::serde_json::Value>,
}
/**Sends `data` to every subscriber of the feed as a `message` push (one group send,
no database), then answers.*/
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct BenchPublishArgs {
    /**Any JSON value.

Optional: the server takes `null` when it is omitted.*/
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub data: ::std::option::Option<::serde_json::Value>,
}
///The data of a `delete` push: the deleted row's primary key.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct Deleted {
    ///The deleted row's primary key.
    pub pk: Pk,
}
///Arguments naming one row (`retrieve`, `delete`, `subscribe_instance`, ...).
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct Lookup {
    ///The row's primary key.
    pub pk: Pk,
}
/**The arguments of an action declared without any (`action name() -> T;`): any object,
extra keys ignored.*/
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
///A primary key: an integer, or a string for text keys.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum Pk {
    Integer(i64),
    String(::std::string::String),
}
impl ::std::fmt::Display for Pk {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match self {
            Self::Integer(x) => x.fmt(f),
            Self::String(x) => x.fmt(f),
        }
    }
}
impl ::std::convert::From<i64> for Pk {
    fn from(value: i64) -> Self {
        Self::Integer(value)
    }
}
///The reply of `slow`.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct Slept {
    ///The seconds slept.
    pub slept: f64,
}
/**Sleeps for `delay` seconds without holding up the connection's other actions, then
answers how long it slept.*/
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct SlowArgs {
    ///Seconds to sleep, from 0 to 300.
    pub delay: f64,
}
///A todo item.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct Todo {
    ///Done yet?
    pub done: bool,
    ///Assigned by the database; never reused, even after a delete.
    pub id: i64,
    ///Who owns it (may be empty).
    pub owner: ::std::string::String,
    ///What to do.
    pub title: ::std::string::String,
}
///Arguments of `partial_update`: only the fields sent change.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct TodoDetailPartialUpdateArgs {
    ///The fields to write.
    pub data: TodoPatch,
}
/**Arguments of `update`: the required fields and any others, or with `partial` only the
fields sent.*/
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct TodoDetailUpdateArgs {
    ///The fields to write.
    pub data: TodoWrite,
    /**`update` only: write just the fields sent, as `partial_update` does (DRF's
`update(partial=True)`, which rest-framework-channels reaches with `"partial": true`).*/
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub partial: ::std::option::Option<bool>,
}
///Arguments of `create`.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct TodoListCreateArgs {
    ///The new row's fields.
    pub data: TodoWrite,
}
/**Arguments of a page-number paginated `list`: `page` (from the route's query string,
`todos/?page=2`; default 1) and the filters (query fields, e.g. `todos/?done=true`).*/
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TodoListListArgs {
    ///Done yet?
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub done: ::std::option::Option<bool>,
    ///Who owns it (may be empty).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub owner: ::std::option::Option<::std::string::String>,
    ///The page, from 1, or `"last"`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub page: ::std::option::Option<u64>,
}
/**One page of a page-number paginated list, in DRF's shape, with `next` and `previous` as
routes (`todos/?page=3`), `null` at the ends.*/
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct TodoListListResponse {
    ///Rows matching the filters, over all pages.
    pub count: u64,
    ///The route of the next page.
    #[serde(deserialize_with = "::std::option::Option::deserialize")]
    pub next: ::std::option::Option<::std::string::String>,
    ///The route of the previous page.
    #[serde(deserialize_with = "::std::option::Option::deserialize")]
    pub previous: ::std::option::Option<::std::string::String>,
    ///This page's rows.
    pub results: ::std::vec::Vec<Todo>,
}
///What `patch` takes for [`Todo`]: only the fields sent change.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TodoPatch {
    ///Done yet?
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub done: ::std::option::Option<bool>,
    ///Who owns it (may be empty).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub owner: ::std::option::Option<::std::string::String>,
    ///What to do.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub title: ::std::option::Option<::std::string::String>,
}
///What `create` and `update` take for [`Todo`]; fields with a default may be omitted.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct TodoWrite {
    ///Done yet?
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub done: ::std::option::Option<bool>,
    ///Who owns it (may be empty).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub owner: ::std::option::Option<::std::string::String>,
    ///What to do.
    pub title: ::std::string::String,
}
///Arguments of `create`.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct TodosCreateArgs {
    ///The new row's fields.
    pub data: TodoWrite,
}
/**Arguments of `list` and query subscriptions: equality filters on the model's query fields,
as top-level keys (other keys, such as dcrf-client's `data: {}`, are ignored).*/
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TodosListArgs {
    ///Done yet?
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub done: ::std::option::Option<bool>,
    ///Who owns it (may be empty).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub owner: ::std::option::Option<::std::string::String>,
}
/**Arguments of a paginated `list`: DCRF's `limit` and `offset` (a bad or non-positive limit
falls back to the default, a bad offset to 0) and the filters.*/
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TodosPagedListArgs {
    ///Done yet?
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub done: ::std::option::Option<bool>,
    ///Rows per page (default and maximum set by the consumer).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub limit: ::std::option::Option<u64>,
    ///Rows to skip.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub offset: ::std::option::Option<u64>,
    ///Who owns it (may be empty).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub owner: ::std::option::Option<::std::string::String>,
}
///One page of a paginated list, in DCRF's shape.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct TodosPagedListResponse {
    ///Rows matching the filters, over all pages.
    pub count: u64,
    ///The page size used.
    pub limit: u64,
    ///The offset used.
    pub offset: u64,
    ///This page's rows.
    pub results: ::std::vec::Vec<Todo>,
}
/**Arguments of `update` (the required fields and any others) and `patch` (only the fields
sent).*/
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct TodosPatchArgs {
    ///The fields to write.
    pub data: TodoPatch,
    ///The row's primary key.
    pub pk: Pk,
}
/**Arguments of a paginated `list`: DCRF's `limit` and `offset` (a bad or non-positive limit
falls back to the default, a bad offset to 0) and the filters.*/
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TodosStreamedListArgs {
    ///Done yet?
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub done: ::std::option::Option<bool>,
    ///Rows per page (default and maximum set by the consumer).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub limit: ::std::option::Option<u64>,
    ///Rows to skip.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub offset: ::std::option::Option<u64>,
    ///Who owns it (may be empty).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub owner: ::std::option::Option<::std::string::String>,
}
///One page of a paginated list, in DCRF's shape.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct TodosStreamedListResponse {
    ///Rows matching the filters, over all pages.
    pub count: u64,
    ///The page size used.
    pub limit: u64,
    ///The offset used.
    pub offset: u64,
    ///This page's rows.
    pub results: ::std::vec::Vec<Todo>,
}
/**Arguments of `list` and query subscriptions: equality filters on the model's query fields,
as top-level keys (other keys, such as dcrf-client's `data: {}`, are ignored).*/
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TodosSubscribeListArgs {
    ///Done yet?
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub done: ::std::option::Option<bool>,
    ///Who owns it (may be empty).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub owner: ::std::option::Option<::std::string::String>,
}
/**Arguments of `list` and query subscriptions: equality filters on the model's query fields,
as top-level keys (other keys, such as dcrf-client's `data: {}`, are ignored).*/
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct TodosUnsubscribeListArgs {
    ///Done yet?
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub done: ::std::option::Option<bool>,
    ///Who owns it (may be empty).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub owner: ::std::option::Option<::std::string::String>,
}
/**Arguments of `update` (the required fields and any others) and `patch` (only the fields
sent).*/
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct TodosUpdateArgs {
    ///The fields to write.
    pub data: TodoWrite,
    ///The row's primary key.
    pub pk: Pk,
}
///`PUT /api/todos/`: creates a todo.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct ViewCreateArgs {
    ///The new todo.
    pub data: TodoWrite,
}
///`GET /api/todos/`: the todos, filtered.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ViewListArgs {
    /**The filters.

Optional: the server takes `{}` when it is omitted.*/
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub query: ::std::option::Option<ViewQuery>,
}
///The `parameters` of [`TodoView`]'s detail actions: the path's `<pk>`.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct ViewPk {
    ///The todo's id.
    pub pk: i64,
}
///The `query` of [`TodoView`]'s `list`: `GET /api/todos/`'s filters.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ViewQuery {
    ///Only todos done (or not).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub done: ::std::option::Option<bool>,
    ///Only todos of any of these owners.
    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
    pub owner: ::std::vec::Vec<::std::string::String>,
}
///`GET /api/todos/<pk>/`: one todo.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct ViewRetrieveArgs {
    ///The path parameters.
    pub parameters: ViewPk,
}
///`PATCH /api/todos/<pk>/`: changes the fields sent.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct ViewUpdateArgs {
    ///The fields to change.
    pub data: TodoPatch,
    ///The path parameters.
    pub parameters: ViewPk,
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
