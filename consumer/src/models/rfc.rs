//! Generic model actions in the rest-framework-channels dialect: `list` (optionally with
//! page-number pagination), `retrieve`, `create` (201), `update`, `partial_update` and
//! `destroy` (204), the object named by the route's `pk` parameter, with object-level
//! permissions. Declare a child consumer with
//! [`routed_model_consumer!`](crate::routed_model_consumer) and mount it with
//! [`RoutedConsumer`](crate::RoutedConsumer).
//!
//! Errors: a missing object is DCRF's 404 `["Not found"]` (RFC itself answers 500 there), an
//! object the handler's [`RoutedModelHandler::has_object_permission`] refuses is 403, a page
//! out of range is DRF's 404 `["Invalid page."]`.
//!
//! The argument and page types are part of the contract half (no server needed).

use super::model::Data;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Arguments naming one row by the route's `pk` parameter (`todos/<pk>/`), read as `K`:
/// a `pk` that does not parse as `K` is a 400.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RouteLookup<K> {
    /// The row's primary key, from the route.
    pub pk: K,
}

/// Arguments of `update`: the required fields and any others, or with `partial` only the
/// fields sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RouteUpdate<K, W> {
    /// The row's primary key, from the route.
    pub pk: K,
    /// The fields to write.
    pub data: Data<W>,
    /// `update` only: write just the fields sent, as `partial_update` does (DRF's
    /// `update(partial=True)`, which rest-framework-channels reaches with `"partial": true`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

/// Arguments of `partial_update`: only the fields sent change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RoutePatch<K, P> {
    /// The row's primary key, from the route.
    pub pk: K,
    /// The fields to write.
    pub data: Data<P>,
}

/// Arguments of a page-number paginated `list`: `page` (from the route's query string,
/// `todos/?page=2`; default 1) and the filters (query fields, e.g. `todos/?done=true`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct PageNumberArgs<F> {
    /// The page, from 1, or `"last"`.
    #[serde(default, skip_serializing_if = "PageNumber::is_first")]
    pub page: PageNumber,
    /// The filters.
    #[serde(flatten)]
    pub filter: F,
}

/// The `page` of a page-number paginated list, read as DRF's `PageNumberPagination` reads
/// it: a number from 1 or `"last"`; absent, `null` or empty is the first page; anything else
/// (`abc`, `0`, `-1`) is an invalid page, answered with 404 `Invalid page.` once the list
/// runs. In the schema it is an integer (what typed clients send).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PageNumber {
    /// The first page.
    #[default]
    First,
    /// Page `n` as sent (0 is invalid).
    Number(u64),
    /// The last page.
    Last,
    /// A value that names no page, as sent.
    Invalid(Value),
}

impl PageNumber {
    /// True for the first page (absent).
    pub fn is_first(&self) -> bool {
        *self == PageNumber::First
    }
}

impl From<u64> for PageNumber {
    fn from(page: u64) -> Self {
        PageNumber::Number(page)
    }
}

impl Serialize for PageNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            PageNumber::First => serializer.serialize_u64(1),
            PageNumber::Number(page) => serializer.serialize_u64(*page),
            PageNumber::Last => serializer.serialize_str("last"),
            PageNumber::Invalid(value) => value.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for PageNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let text = match &value {
            Value::Null => return Ok(PageNumber::First),
            Value::Number(n) => {
                return Ok(n
                    .as_u64()
                    .map_or(PageNumber::Invalid(value.clone()), PageNumber::Number))
            }
            Value::String(text) => text.trim(),
            _ => return Ok(PageNumber::Invalid(value)),
        };
        Ok(match text {
            "" => PageNumber::First,
            "last" => PageNumber::Last,
            // Python's int(): an optional `+`, digits.
            digits => match digits.strip_prefix('+').unwrap_or(digits).parse::<u64>() {
                Ok(page) => PageNumber::Number(page),
                Err(_) => PageNumber::Invalid(value.clone()),
            },
        })
    }
}

impl JsonSchema for PageNumber {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PageNumber".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // What typed clients send; the server also reads "last" and text.
        <Option<u64>>::json_schema(generator)
    }
}

/// One page of a page-number paginated list, in DRF's shape, with `next` and `previous` as
/// routes (`todos/?page=3`), `null` at the ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NumberedPage<M> {
    /// Rows matching the filters, over all pages.
    pub count: u64,
    /// The route of the next page.
    pub next: Option<String>,
    /// The route of the previous page.
    pub previous: Option<String>,
    /// This page's rows.
    pub results: Vec<M>,
}

#[cfg(feature = "server")]
pub use server::*;

#[cfg(feature = "server")]
mod server {
    use super::super::dcrf::ModelHandler;
    use super::super::model::{Model, WriteMode};
    use super::super::query::Query;
    use super::{NumberedPage, PageNumber, PageNumberArgs, RouteLookup, RoutePatch, RouteUpdate};
    use crate::error::{ActionError, Result};
    use crate::session::Ctx;
    use serde::Serialize;
    use serde_json::Value;
    use std::future::Future;

    /// What a routed model consumer's handler provides beyond [`ModelHandler`]: RFC's
    /// object-level permission (override it with a plain `async fn`).
    pub trait RoutedModelHandler<M: Model>: ModelHandler<M> {
        /// Whether this connection may perform `action` on `object` (RFC's
        /// `has_object_permission`); a refusal is a 403. Default: yes.
        fn has_object_permission(
            &self,
            ctx: &Ctx,
            action: &str,
            object: &M,
        ) -> impl Future<Output = bool> + Send {
            let _ = (ctx, action, object);
            async { true }
        }
    }

    /// DRF's `get_object`: the row named by `pk` within the handler's queryset (404 when
    /// absent), checked with [`RoutedModelHandler::has_object_permission`] (403). Returns the
    /// queryset, the key as JSON and the row, for custom actions.
    pub async fn get_object<M, K, H>(h: &H, ctx: &Ctx, pk: &K) -> Result<(Query, Value, M)>
    where
        M: Model,
        K: Serialize + Sync,
        H: RoutedModelHandler<M> + ?Sized,
    {
        let scope = h.queryset(ctx).await?;
        let pk = serde_json::to_value(pk).map_err(ActionError::internal)?;
        let object: M = h.store().get(&scope, &pk).await?;
        if !h
            .has_object_permission(ctx, ctx.action().unwrap_or(""), &object)
            .await
        {
            return Err(ActionError::PermissionDenied);
        }
        Ok((scope, pk, object))
    }

    /// `retrieve`: the row named by the route.
    pub async fn retrieve<M, K, H>(h: &H, ctx: &Ctx, args: RouteLookup<K>) -> Result<M>
    where
        M: Model,
        K: Serialize + Sync,
        H: RoutedModelHandler<M> + ?Sized,
    {
        Ok(get_object(h, ctx, &args.pk).await?.2)
    }

    /// `update`: the row named by the route, from `data` (omitted fields with a default keep
    /// their value, as in DRF).
    pub async fn update<M, K, H>(h: &H, ctx: &Ctx, mut args: RouteUpdate<K, M::Write>) -> Result<M>
    where
        M: Model,
        K: Serialize + Sync,
        H: RoutedModelHandler<M> + ?Sized,
    {
        if args.partial {
            let patch = RoutePatch {
                pk: args.pk,
                data: args.data.retype::<M::Patch>(),
            };
            return partial_update(h, ctx, patch).await;
        }
        let (scope, pk, _) = get_object(h, ctx, &args.pk).await?;
        super::super::dcrf::prepare(h, ctx, WriteMode::Update, &mut args.data).await?;
        h.store()
            .update_sent::<M>(
                &scope,
                &pk,
                &args.data.decode_for::<M>(WriteMode::Update)?,
                args.data.sent(),
            )
            .await
    }

    /// `partial_update`: the fields `data` sets.
    pub async fn partial_update<M, K, H>(
        h: &H,
        ctx: &Ctx,
        mut args: RoutePatch<K, M::Patch>,
    ) -> Result<M>
    where
        M: Model,
        K: Serialize + Sync,
        H: RoutedModelHandler<M> + ?Sized,
    {
        let (scope, pk, _) = get_object(h, ctx, &args.pk).await?;
        super::super::dcrf::prepare(h, ctx, WriteMode::Patch, &mut args.data).await?;
        h.store()
            .patch::<M>(&scope, &pk, &args.data.decode_for::<M>(WriteMode::Patch)?)
            .await
    }

    /// `destroy` (204, `data: null`).
    pub async fn destroy<M, K, H>(h: &H, ctx: &Ctx, args: RouteLookup<K>) -> Result<()>
    where
        M: Model,
        K: Serialize + Sync,
        H: RoutedModelHandler<M> + ?Sized,
    {
        let (scope, pk, _) = get_object(h, ctx, &args.pk).await?;
        h.store().delete::<M>(&scope, &pk).await
    }

    /// The route of page `page` of the list at `route`, as DRF's `replace_query_param` and
    /// `remove_query_param` write it: the other query parameters kept, sorted by name, `page`
    /// set (dropped for page 1, as DRF's previous link does).
    pub fn page_route(route: &str, page: u64) -> String {
        let (path, query) = route.split_once('?').unwrap_or((route, ""));
        let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .filter(|(name, _)| name != "page")
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect();
        if page > 1 {
            pairs.push(("page".to_owned(), page.to_string()));
        }
        // A stable sort: a repeated name keeps its values' order.
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        if pairs.is_empty() {
            return path.to_owned();
        }
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("{path}?{query}")
    }

    /// `list` with DRF's page-number pagination: [`ModelHandler::page_size`] rows per page,
    /// `next`/`previous` as routes. A page out of range (or 0) is a 404 `["Invalid page."]`.
    pub async fn paginated_list<M, H>(
        h: &H,
        ctx: &Ctx,
        args: PageNumberArgs<M::Filter>,
    ) -> Result<NumberedPage<M>>
    where
        M: Model,
        H: RoutedModelHandler<M> + ?Sized,
    {
        let size = h.page_size().max(1);
        let requested = args.page;
        let scope = h.queryset(ctx).await?.matching(&args.filter);
        let (count_scope, list_scope) = (scope.clone(), scope);
        let (count, page, results) = h
            .store()
            .read(move |tx| {
                Box::pin(async move {
                    let count = tx.count::<M>(&count_scope).await?;
                    let pages = count.div_ceil(size).max(1);
                    let page = match requested {
                        PageNumber::First => 1,
                        PageNumber::Last => pages,
                        PageNumber::Number(page) if (1..=pages).contains(&page) => page,
                        PageNumber::Number(_) | PageNumber::Invalid(_) => {
                            return Err(ActionError::InvalidPage)
                        }
                    };
                    let offset = (page - 1).saturating_mul(size);
                    let results = if offset >= count {
                        Vec::new()
                    } else {
                        tx.list::<M>(&list_scope, Some(size), offset).await?
                    };
                    Ok((count, page, results))
                })
            })
            .await?;
        let pages = count.div_ceil(size).max(1);
        let route = ctx.route().unwrap_or("");
        Ok(NumberedPage {
            count,
            next: (page < pages).then(|| page_route(route, page + 1)),
            previous: (page > 1).then(|| page_route(route, page - 1)),
            results,
        })
    }

    #[cfg(test)]
    mod tests {
        use super::page_route;

        #[test]
        fn page_routes_keep_other_parameters() {
            assert_eq!(page_route("todos/?page=2", 3), "todos/?page=3");
            assert_eq!(page_route("todos/?page=2", 1), "todos/");
            assert_eq!(page_route("todos/", 2), "todos/?page=2");
            assert_eq!(page_route("todos/?done=true&page=2", 1), "todos/?done=true");
            assert_eq!(page_route("?page=4", 5), "?page=5");
            // DRF sorts the parameters by name.
            assert_eq!(
                page_route("todos/?page_size=10", 2),
                "todos/?page=2&page_size=10"
            );
            assert_eq!(
                page_route("todos/?z=1&a=2&page=3&a=1", 2),
                "todos/?a=2&a=1&page=2&z=1"
            );
        }

        #[test]
        fn page_numbers_read_as_drf_reads_them() {
            use super::super::PageNumber;
            let read = |v: serde_json::Value| serde_json::from_value::<PageNumber>(v).unwrap();
            assert_eq!(read(serde_json::json!("")), PageNumber::First);
            assert_eq!(read(serde_json::json!(null)), PageNumber::First);
            assert_eq!(read(serde_json::json!("last")), PageNumber::Last);
            assert_eq!(read(serde_json::json!(" 2 ")), PageNumber::Number(2));
            assert_eq!(read(serde_json::json!(3)), PageNumber::Number(3));
            for invalid in ["abc", "-1", "1.5"] {
                assert!(matches!(
                    read(serde_json::json!(invalid)),
                    PageNumber::Invalid(_)
                ));
            }
            assert_eq!(read(serde_json::json!("0")), PageNumber::Number(0));
        }
    }
}

/// Declares a child consumer of a routed (RFC-dialect) consumer whose actions are RFC's
/// generic model actions: a `consumer!` with `#[dialect = rfc]` whose handler implements
/// [`RoutedModelHandler`](crate::rfc::RoutedModelHandler) (and so
/// [`ModelHandler`](crate::generic::ModelHandler)) and an empty handler trait.
///
/// # Grammar
///
/// ```text
/// routed_model_consumer! {
///     /// Doc comment (optional).
///     pub consumer Name: NameHandler for Model, pk KeyType {   // `, pk KeyType` optional
///         mixin, mixin, ...;
///         // custom actions and pushes, as in consumer! (optional)
///     }
/// }
/// ```
///
/// Mixins: `list` (every row, a bare array), `paginated_list` (`list` with page-number
/// pagination), `create` (201), `retrieve`, `update`, `partial_update`, `destroy` (204).
/// The object actions read the route's `pk` parameter as the type after `pk` (default
/// [`Pk`](crate::model::Pk)). A custom action may not reuse a mixin's action name (a
/// compile error says which).
///
/// ```no_run
/// chanrest::model! {
///     pub model Todo in "todos" (write TodoWrite, patch TodoPatch, filter TodoFilter) {
///         #[pk(auto)] id: i64,
///         title: String [max_length = 200],
///     }
/// }
/// chanrest::routed_model_consumer! {
///     /// One todo, by the route's `pk`.
///     pub consumer TodoDetail: TodoDetailHandler for Todo, pk i64 {
///         retrieve, update, partial_update, destroy;
///     }
/// }
/// struct Api { store: chanrest::store::Store }
/// impl chanrest::generic::ModelHandler<Todo> for Api {
///     fn store(&self) -> &chanrest::store::Store { &self.store }
/// }
/// impl chanrest::rfc::RoutedModelHandler<Todo> for Api {}
/// impl TodoDetailHandler for Api {}
/// ```
///
/// # Internal rules
///
/// `__routed_model_munch!` turns one mixin per step into its `consumer!` items (at most
/// seven steps), then hands everything to `consumer!`; `__routed_key!` picks the key type.
#[macro_export]
macro_rules! routed_model_consumer {
    (
        $(#[doc = $doc:expr])*
        $vis:vis consumer $name:ident : $handler:ident for $model:ty $(, pk $key:ty)? {
            $($mixin:ident),* $(,)? $(; $($custom:tt)*)?
        }
    ) => {
        // Each mixin twice: once to match, once as the action's name (see model_consumer!).
        $crate::__routed_model_munch! {
            ($(#[doc = $doc])* $vis consumer $name : $handler) ($model) ($crate::__routed_key!($($key)?)) [] [$(($mixin $mixin))*] [$($($custom)*)?]
        }
    };
    ($($other:tt)*) => {
        compile_error!("chanrest::routed_model_consumer!: expected `pub consumer Name: NameHandler for Model, pk KeyType { mixin, mixin, ...; custom actions }` (doc comments may precede it; `, pk KeyType` is optional)");
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __routed_key {
    () => {
        $crate::model::Pk
    };
    ($key:ty) => {
        $key
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __routed_model_munch {
    (($(#[doc = $doc:expr])* $vis:vis consumer $name:ident : $handler:ident) ($model:ty) ($key:ty) [$($actions:tt)*] [] [$($custom:tt)*]) => {
        $crate::consumer! {
            $(#[doc = $doc])*
            #[dialect = rfc]
            $vis consumer $name : $handler where Self: $crate::rfc::RoutedModelHandler<$model> {
                $($actions)*
                $($custom)*
            }
        }
    };
    ($header:tt ($model:ty) ($key:ty) [$($actions:tt)*] [(list $token:ident) $($rest:tt)*] $custom:tt) => {
        $crate::__routed_model_munch! { $header ($model) ($key) [$($actions)*
            /// The rows matching the filters (query fields, from the route's query string).
            action $token($crate::model::ListArgs<<$model as $crate::model::Model>::Filter>) -> ::std::vec::Vec<$model> = $crate::generic::list;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) ($key:ty) [$($actions:tt)*] [(paginated_list $token:ident) $($rest:tt)*] $custom:tt) => {
        $crate::__routed_model_munch! { $header ($model) ($key) [$($actions)*
            /// One page of the rows matching the filters (`?page=N` on the route); `next` and `previous` are routes.
            action list($crate::rfc::PageNumberArgs<<$model as $crate::model::Model>::Filter>) -> $crate::rfc::NumberedPage<$model> = $crate::rfc::paginated_list;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) ($key:ty) [$($actions:tt)*] [(create $token:ident) $($rest:tt)*] $custom:tt) => {
        $crate::__routed_model_munch! { $header ($model) ($key) [$($actions)*
            /// Creates a row from `data`.
            #[status = 201]
            action $token($crate::model::CreateArgs<<$model as $crate::model::Model>::Write>) -> $model = $crate::generic::create;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) ($key:ty) [$($actions:tt)*] [(retrieve $token:ident) $($rest:tt)*] $custom:tt) => {
        $crate::__routed_model_munch! { $header ($model) ($key) [$($actions)*
            /// The row named by the route's `pk`.
            action $token($crate::rfc::RouteLookup<$key>) -> $model = $crate::rfc::retrieve;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) ($key:ty) [$($actions:tt)*] [(update $token:ident) $($rest:tt)*] $custom:tt) => {
        $crate::__routed_model_munch! { $header ($model) ($key) [$($actions)*
            /// Writes the row named by the route's `pk` from `data`: every required field must be sent; an omitted field with a default keeps its value.
            action $token($crate::rfc::RouteUpdate<$key, <$model as $crate::model::Model>::Write>) -> $model = $crate::rfc::update;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) ($key:ty) [$($actions:tt)*] [(partial_update $token:ident) $($rest:tt)*] $custom:tt) => {
        $crate::__routed_model_munch! { $header ($model) ($key) [$($actions)*
            /// Changes the fields `data` sets of the row named by the route's `pk`.
            action $token($crate::rfc::RoutePatch<$key, <$model as $crate::model::Model>::Patch>) -> $model = $crate::rfc::partial_update;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) ($key:ty) [$($actions:tt)*] [(destroy $token:ident) $($rest:tt)*] $custom:tt) => {
        $crate::__routed_model_munch! { $header ($model) ($key) [$($actions)*
            /// Deletes the row named by the route's `pk`.
            #[status = 204]
            action $token($crate::rfc::RouteLookup<$key>) -> () = $crate::rfc::destroy;
        ] [$($rest)*] $custom }
    };
    ($header:tt $model:tt $key:tt $actions:tt [($other:ident $token:ident) $($rest:tt)*] $custom:tt) => {
        // In a block: a `compile_error!` among a module's items would hide the lookup's error.
        const _: () = {
            compile_error!(concat!(
                "chanrest::routed_model_consumer!: unknown mixin `", stringify!($other),
                "`; use list, paginated_list, create, retrieve, update, partial_update, destroy"
            ));
            use $crate::__private::known::routed_mixin as mixins;
            let _ = mixins::$token;
        };
    };
}
