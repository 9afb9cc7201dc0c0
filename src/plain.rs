//! Handlers of the `Plain` and `Bench` consumers.

use crate::api::{
    AddArgs, BenchEchoArgs, BenchHandler, BenchPublishArgs, Object, PlainHandler, Slept, SlowArgs,
};
use chanrest::{async_trait, ActionError, Ctx, NoArgs, Permission, Permissions, Push, Scope};
use serde_json::{Map, Value};
use std::time::Duration;

/// The longest `slow` may sleep, in seconds.
pub const MAX_SLOW_DELAY: f64 = 300.0;

/// Handles `/ws/plain/`.
#[derive(Debug, Default, Clone, Copy)]
pub struct PlainApi;

/// The demo's permission class: every action but `forbidden`.
struct DenyForbidden;

#[async_trait]
impl Permission for DenyForbidden {
    async fn has_permission(
        &self,
        _scope: &Scope,
        action: &str,
        _args: &Map<String, Value>,
    ) -> bool {
        action != "forbidden"
    }
}

impl PlainHandler for PlainApi {
    async fn echo(&self, _ctx: &Ctx, args: Object) -> chanrest::Result<Object> {
        Ok(args)
    }

    async fn add(&self, _ctx: &Ctx, args: AddArgs) -> chanrest::Result<i64> {
        args.a
            .checked_add(args.b)
            .ok_or_else(|| ActionError::field("b", "The sum does not fit in a 64-bit integer."))
    }

    async fn fail(&self, _ctx: &Ctx, _args: NoArgs) -> chanrest::Result<()> {
        Err(ActionError::internal("the demo's fail action always fails"))
    }

    async fn forbidden(&self, _ctx: &Ctx, _args: NoArgs) -> chanrest::Result<()> {
        // Never reached: the permission class refuses it first.
        Ok(())
    }

    async fn slow(&self, _ctx: &Ctx, args: SlowArgs) -> chanrest::Result<Slept> {
        // NaN is not a delay either.
        if args.delay.is_nan() || args.delay < 0.0 {
            return Err(ActionError::field(
                "delay",
                "Ensure this value is greater than or equal to 0.",
            ));
        }
        if args.delay > MAX_SLOW_DELAY {
            return Err(ActionError::field(
                "delay",
                format!("Ensure this value is less than or equal to {MAX_SLOW_DELAY}."),
            ));
        }
        tokio::time::sleep(Duration::from_secs_f64(args.delay)).await;
        Ok(Slept { slept: args.delay })
    }

    async fn subscribe_todos(&self, ctx: &Ctx, _args: NoArgs) -> chanrest::Result<()> {
        ctx.subscribe(&crate::todos::all_todos_group()).await
    }

    async fn unsubscribe_todos(&self, ctx: &Ctx, _args: NoArgs) -> chanrest::Result<()> {
        ctx.unsubscribe(&crate::todos::all_todos_group()).await
    }

    fn permissions(&self) -> Permissions {
        Permissions::new(DenyForbidden)
    }
}

/// Handles `/ws/bench/`.
#[derive(Debug, Default, Clone, Copy)]
pub struct BenchApi;

impl BenchHandler for BenchApi {
    async fn echo(&self, _ctx: &Ctx, args: BenchEchoArgs) -> chanrest::Result<Value> {
        Ok(args.data)
    }

    async fn subscribe(&self, ctx: &Ctx, _args: NoArgs) -> chanrest::Result<()> {
        ctx.subscribe(BENCH_FEED).await
    }

    async fn unsubscribe(&self, ctx: &Ctx, _args: NoArgs) -> chanrest::Result<()> {
        ctx.unsubscribe(BENCH_FEED).await
    }

    async fn join(&self, ctx: &Ctx, _args: NoArgs) -> chanrest::Result<()> {
        ctx.add_group(BENCH_FEED).await
    }

    async fn leave(&self, ctx: &Ctx, _args: NoArgs) -> chanrest::Result<()> {
        ctx.remove_group(BENCH_FEED).await
    }

    async fn publish(&self, ctx: &Ctx, args: BenchPublishArgs) -> chanrest::Result<()> {
        ctx.group_send(BENCH_FEED, Push::new("message", &args.data)?)
            .await
    }
}

/// The group behind `/ws/bench/`'s `subscribe` and `publish`.
pub const BENCH_FEED: &str = "bench.feed";
