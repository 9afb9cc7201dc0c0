//! Generic model consumers (DCRF's `GenericAsyncAPIConsumer` and its mixins): the actions of
//! [`model_consumer!`](crate::model_consumer) are the functions here, provided as default
//! methods of the generated handler trait; a handler only says where its store is and,
//! optionally, which rows a connection may see.

use super::changes::{instance_group, query_group};
use super::model::{
    CreateArgs, Data, ListArgs, Lookup, Model, Page, PageArgs, UpdateArgs, WriteMode,
};
use super::query::Query;
use super::sql::Store;
use crate::contract::NoArgs;
use crate::error::{ActionError, Result};
use crate::session::Ctx;
use serde_json::{Map, Value};
use std::future::Future;

/// What a model consumer's handler provides: its store, and DCRF's `get_queryset` hook.
/// Override the async hooks with plain `async fn`s (no `#[async_trait]`).
///
/// ```no_run
/// # chanrest::model! { pub model Todo in "todos" (write TodoWrite, patch TodoPatch, filter TodoFilter) { #[pk(auto)] id: i64, #[query] owner: String, } }
/// use chanrest::generic::ModelHandler;
/// use chanrest::store::{Query, Store};
///
/// struct MyTodos { store: Store }
///
/// impl ModelHandler<Todo> for MyTodos {
///     fn store(&self) -> &Store { &self.store }
///     /// Each user sees only their own todos.
///     async fn queryset(&self, ctx: &chanrest::Ctx) -> chanrest::Result<Query> {
///         let user = ctx.user().ok_or(chanrest::ActionError::PermissionDenied)?;
///         Ok(Query::all().filter("owner", user.username.clone()))
///     }
/// }
/// ```
pub trait ModelHandler<M: Model>: Send + Sync + 'static {
    /// The store holding `M`.
    fn store(&self) -> &Store;

    /// The rows this connection may see and change (default: all). Every action looks rows
    /// up within it, so rows outside give 404.
    fn queryset(&self, ctx: &Ctx) -> impl Future<Output = Result<Query>> + Send {
        let _ = ctx;
        async { Ok(Query::all()) }
    }

    /// Default page size of paginated lists. Default 25.
    fn page_size(&self) -> u64 {
        25
    }

    /// Largest page size a client may ask for. Default 1000.
    fn max_page_size(&self) -> u64 {
        1000
    }

    /// Adjusts the `data` of a `create`, `update` or `patch` (`mode` says which) before it is
    /// validated and written, as DRF's `perform_create` and `perform_update` do: set fields
    /// from the connection (the owner, say), or refuse with an error. A field set here counts
    /// as sent. Default: nothing.
    ///
    /// ```no_run
    /// # chanrest::model! { pub model Todo in "todos" (write TodoWrite, patch TodoPatch, filter TodoFilter) { #[pk(auto)] id: i64, #[query] owner: String, } }
    /// # use chanrest::generic::ModelHandler;
    /// # use chanrest::store::Store;
    /// # struct MyTodos { store: Store }
    /// # impl ModelHandler<Todo> for MyTodos {
    /// # fn store(&self) -> &Store { &self.store }
    /// /// Every todo a user writes is theirs.
    /// async fn prepare_write(
    ///     &self,
    ///     ctx: &chanrest::Ctx,
    ///     _mode: chanrest::model::WriteMode,
    ///     data: &mut serde_json::Map<String, serde_json::Value>,
    /// ) -> chanrest::Result<()> {
    ///     let user = ctx.user().ok_or(chanrest::ActionError::PermissionDenied)?;
    ///     data.insert("owner".into(), user.username.clone().into());
    ///     Ok(())
    /// }
    /// # }
    /// ```
    fn prepare_write(
        &self,
        ctx: &Ctx,
        mode: WriteMode,
        data: &mut Map<String, Value>,
    ) -> impl Future<Output = Result<()>> + Send {
        let _ = (ctx, mode, data);
        async { Ok(()) }
    }
}

/// Runs [`ModelHandler::prepare_write`] on a write's `data` (when it is an object; anything
/// else fails to decode anyway).
pub(crate) async fn prepare<M: Model, H: ModelHandler<M> + ?Sized, W>(
    h: &H,
    ctx: &Ctx,
    mode: WriteMode,
    data: &mut Data<W>,
) -> Result<()> {
    match data.fields_mut() {
        Some(fields) => h.prepare_write(ctx, mode, fields).await,
        None => Ok(()),
    }
}

fn filter_values<F: serde::Serialize>(filter: &F) -> Result<Map<String, Value>> {
    match serde_json::to_value(filter).map_err(ActionError::internal)? {
        Value::Object(map) => Ok(map),
        _ => Ok(Map::new()),
    }
}

/// `list`: the rows matching the filters, all of them.
pub async fn list<M: Model, H: ModelHandler<M> + ?Sized>(
    h: &H,
    ctx: &Ctx,
    args: ListArgs<M::Filter>,
) -> Result<Vec<M>> {
    let scope = h.queryset(ctx).await?.matching(&args.filter);
    h.store().list::<M>(&scope, None, 0).await
}

fn page_bounds<M: Model, H: ModelHandler<M> + ?Sized>(
    h: &H,
    args: &PageArgs<M::Filter>,
) -> (u64, u64) {
    // A handler's page sizes of 0 would stream empty pages forever: at least one row.
    let limit = match args.limit.0 {
        Some(limit) if limit > 0 => limit.min(h.max_page_size()),
        _ => h.page_size(),
    }
    .max(1);
    (limit, args.offset.0.unwrap_or(0))
}

async fn page<M: Model, H: ModelHandler<M> + ?Sized>(
    h: &H,
    scope: &Query,
    limit: u64,
    offset: u64,
) -> Result<Page<M>> {
    let store = h.store();
    let (scope2, scope3) = (scope.clone(), scope.clone());
    let (count, results) = store
        .read(move |tx| {
            Box::pin(async move {
                let count = tx.count::<M>(&scope2).await?;
                let results = if offset >= count {
                    Vec::new()
                } else {
                    tx.list::<M>(&scope3, Some(limit), offset).await?
                };
                Ok((count, results))
            })
        })
        .await?;
    Ok(Page {
        count,
        results,
        limit,
        offset,
    })
}

/// `list` with DCRF's limit/offset pagination.
pub async fn paginated_list<M: Model, H: ModelHandler<M> + ?Sized>(
    h: &H,
    ctx: &Ctx,
    args: PageArgs<M::Filter>,
) -> Result<Page<M>> {
    let (limit, offset) = page_bounds(h, &args);
    let scope = h.queryset(ctx).await?.matching(&args.filter);
    page(h, &scope, limit, offset).await
}

/// `list` streamed: one reply per page, all with the request's id, from `offset` to the end;
/// the last page is the action's own reply. Runs detached; `list_cancel` stops it.
pub async fn streamed_list<M: Model, H: ModelHandler<M> + ?Sized>(
    h: &H,
    ctx: &Ctx,
    args: PageArgs<M::Filter>,
) -> Result<Page<M>> {
    let (limit, mut offset) = page_bounds(h, &args);
    let scope = h.queryset(ctx).await?.matching(&args.filter);
    let generation = ctx.generation("list");
    loop {
        let current = page(h, &scope, limit, offset).await?;
        // `offset` is the client's, up to u64::MAX: past the end is the last page.
        if current.count == 0 || offset.saturating_add(limit) >= current.count {
            return Ok(current);
        }
        if ctx.generation("list") != generation || !ctx.reply(200, &current)? {
            return Err(ActionError::ListCancelled);
        }
        offset = offset.saturating_add(limit);
        tokio::task::yield_now().await;
    }
}

/// `list_cancel`: stops every streamed list in flight on this consumer.
pub async fn list_cancel<M: Model, H: ModelHandler<M> + ?Sized>(
    _h: &H,
    ctx: &Ctx,
    _args: NoArgs,
) -> Result<()> {
    ctx.next_generation("list");
    Ok(())
}

/// `retrieve`: one row.
pub async fn retrieve<M: Model, H: ModelHandler<M> + ?Sized>(
    h: &H,
    ctx: &Ctx,
    args: Lookup,
) -> Result<M> {
    let scope = h.queryset(ctx).await?;
    h.store().get::<M>(&scope, &args.pk.0).await
}

/// `create` (201).
pub async fn create<M: Model, H: ModelHandler<M> + ?Sized>(
    h: &H,
    ctx: &Ctx,
    mut args: CreateArgs<M::Write>,
) -> Result<M> {
    prepare(h, ctx, WriteMode::Create, &mut args.data).await?;
    h.store()
        .create::<M>(&args.data.decode_for::<M>(WriteMode::Create)?)
        .await
}

/// `update`: the required fields and any others sent (omitted ones with a default keep their
/// value, as in DRF).
pub async fn update<M: Model, H: ModelHandler<M> + ?Sized>(
    h: &H,
    ctx: &Ctx,
    mut args: UpdateArgs<M::Write>,
) -> Result<M> {
    let scope = h.queryset(ctx).await?;
    prepare(h, ctx, WriteMode::Update, &mut args.data).await?;
    h.store()
        .update_sent::<M>(
            &scope,
            &args.pk.0,
            &args.data.decode_for::<M>(WriteMode::Update)?,
            args.data.sent(),
        )
        .await
}

/// `patch`: only the fields sent.
pub async fn patch<M: Model, H: ModelHandler<M> + ?Sized>(
    h: &H,
    ctx: &Ctx,
    mut args: UpdateArgs<M::Patch>,
) -> Result<M> {
    let scope = h.queryset(ctx).await?;
    prepare(h, ctx, WriteMode::Patch, &mut args.data).await?;
    h.store()
        .patch::<M>(
            &scope,
            &args.pk.0,
            &args.data.decode_for::<M>(WriteMode::Patch)?,
        )
        .await
}

/// `delete` (204, `data: null`).
pub async fn delete<M: Model, H: ModelHandler<M> + ?Sized>(
    h: &H,
    ctx: &Ctx,
    args: Lookup,
) -> Result<()> {
    let scope = h.queryset(ctx).await?;
    h.store().delete::<M>(&scope, &args.pk.0).await
}

/// `subscribe_instance` (201): this request id receives `update` (200, the row) and `delete`
/// (204, `{"pk": ...}`) pushes for the row, after each commit. 404 for a row this connection
/// cannot see; 400 without a request id.
pub async fn subscribe_instance<M: Model, H: ModelHandler<M> + ?Sized>(
    h: &H,
    ctx: &Ctx,
    args: Lookup,
) -> Result<()> {
    let scope = h.queryset(ctx).await?;
    let row: M = h.store().get::<M>(&scope, &args.pk.0).await?;
    let pk =
        serde_json::to_value(&row).map_err(ActionError::internal)?[M::primary_key().name].clone();
    ctx.subscribe(&instance_group::<M>(&pk)).await
}

/// `unsubscribe_instance` (204): this request id stops receiving pushes, from every
/// subscription it made; an unknown id is not an error (and, unlike DCRF, the row need not
/// exist any more). Sent without a request id, as DCRF has it, every subscription of this
/// connection to the row ends.
pub async fn unsubscribe_instance<M: Model, H: ModelHandler<M> + ?Sized>(
    h: &H,
    ctx: &Ctx,
    args: Lookup,
) -> Result<()> {
    if !ctx.request_id().is_none() {
        return ctx.unsubscribe_all().await;
    }
    // The group is named by the key as the row serializes it (`2.0` for a float key sent as
    // `2`); a row that is gone leaves the key as sent.
    let pk = match h.store().get::<M>(&Query::all(), &args.pk.0).await {
        Ok(row) => serde_json::to_value(&row).map_err(ActionError::internal)?
            [M::primary_key().name]
            .clone(),
        Err(ActionError::NotFound) => args.pk.0.clone(),
        Err(other) => return Err(other),
    };
    ctx.drop_subscriptions(&instance_group::<M>(&pk)).await
}

/// `subscribe_list` (201): this request id receives `create` (201), `update` (200) and
/// `delete` (204, `{"pk": ...}`) pushes as rows enter, change within, or leave the set the
/// filters (and the handler's queryset) select. Both may filter only on query fields.
pub async fn subscribe_list<M: Model, H: ModelHandler<M> + ?Sized>(
    h: &H,
    ctx: &Ctx,
    args: ListArgs<M::Filter>,
) -> Result<()> {
    let mut filter = filter_values(&args.filter)?;
    for (field, value) in h.queryset(ctx).await?.filters() {
        if !M::fields().iter().any(|f| f.name == field && f.query) {
            return Err(ActionError::UnsubscribableQueryset(field.clone()));
        }
        if filter.get(field).is_some_and(|v| v != value) {
            // The client asks for rows the connection cannot see: nothing will ever match.
            return Err(ActionError::PermissionDenied);
        }
        filter.insert(field.clone(), value.clone());
    }
    ctx.subscribe(&query_group::<M>(&filter)).await
}

/// `unsubscribe_list` (204): this request id stops receiving pushes.
pub async fn unsubscribe_list<M: Model, H: ModelHandler<M> + ?Sized>(
    _h: &H,
    ctx: &Ctx,
    _args: ListArgs<M::Filter>,
) -> Result<()> {
    ctx.unsubscribe_all().await
}
