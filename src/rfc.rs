//! Handlers of the routed todo API (`/ws/rfc/`, the rest-framework-channels dialect).

use crate::api::{RfcTodosHandler, Todo, TodoDetailHandler, TodoListHandler, TodoPatch};
use chanrest::generic::ModelHandler;
use chanrest::model::Omittable;
use chanrest::rfc::{get_object, RouteLookup, RoutedModelHandler};
use chanrest::store::Store;
use chanrest::{Ctx, NoArgs, RoutedConsumer};

/// The owner whose todos can be read but not changed (the demo's object permission).
pub const LOCKED_OWNER: &str = "locked";

/// Handles the routed consumer's own actions.
#[derive(Debug, Clone, Copy)]
pub struct RfcTodosApi;

impl RfcTodosHandler for RfcTodosApi {
    async fn ping(&self, _ctx: &Ctx, _args: NoArgs) -> chanrest::Result<String> {
        Ok("pong".to_owned())
    }
}

/// Handles the routes `todos/` and `todos/<pk>/`.
#[derive(Debug, Clone)]
pub struct TodoRoutesApi {
    /// Where todos live.
    pub store: Store,
}

impl ModelHandler<Todo> for TodoRoutesApi {
    fn store(&self) -> &Store {
        &self.store
    }

    fn page_size(&self) -> u64 {
        2
    }
}

impl RoutedModelHandler<Todo> for TodoRoutesApi {
    async fn has_object_permission(&self, _ctx: &Ctx, action: &str, todo: &Todo) -> bool {
        action == "retrieve" || todo.owner != LOCKED_OWNER
    }
}

impl TodoListHandler for TodoRoutesApi {}

impl TodoDetailHandler for TodoRoutesApi {
    async fn toggle(&self, ctx: &Ctx, args: RouteLookup<i64>) -> chanrest::Result<Todo> {
        let (scope, pk, todo) = get_object::<Todo, _, _>(self, ctx, &args.pk).await?;
        let patch = TodoPatch {
            done: Omittable::Set(!todo.done),
            ..TodoPatch::default()
        };
        self.store.patch::<Todo>(&scope, &pk, &patch).await
    }
}

/// The routed consumer mounted at `/ws/rfc/`.
pub fn consumer(store: &Store) -> RoutedConsumer {
    use crate::api::routes;
    let todos = TodoRoutesApi {
        store: store.clone(),
    };
    RoutedConsumer::new(crate::api::RfcTodos(RfcTodosApi))
        .route(routes::TODO_DETAIL, crate::api::TodoDetail(todos.clone()))
        .route(routes::TODO_LIST, crate::api::TodoList(todos))
}
