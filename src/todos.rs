//! Handlers of the todo consumers, and the observer behind `subscribe_todos`.

use crate::api::{Todo, TodosHandler, TodosPagedHandler, TodosStreamedHandler};
use chanrest::generic::ModelHandler;
use chanrest::store::{observer_group, ModelObserver, Store};

/// The model observer `Plain.subscribe_todos` subscribes to.
pub const ALL_TODOS: &str = "all";

/// The group of [`ALL_TODOS`].
pub fn all_todos_group() -> String {
    observer_group::<Todo>(ALL_TODOS, "")
}

/// Prepares `store` for the demo: the table and the observers.
pub async fn prepare(store: &Store) -> Result<(), chanrest::store::StoreError> {
    store.migrate::<Todo>().await?;
    store.observe(ModelObserver::<Todo>::new(ALL_TODOS));
    Ok(())
}

/// Handles `/ws/todos/` (every action comes from `model_consumer!`).
#[derive(Debug, Clone)]
pub struct TodosApi {
    /// Where todos live.
    pub store: Store,
}

impl ModelHandler<Todo> for TodosApi {
    fn store(&self) -> &Store {
        &self.store
    }
}

impl TodosHandler for TodosApi {}

/// Handles `/ws/todos-paged/` and `/ws/todos-streamed/`: pages of 2 by default.
#[derive(Debug, Clone)]
pub struct PagedTodosApi {
    /// Where todos live.
    pub store: Store,
}

impl ModelHandler<Todo> for PagedTodosApi {
    fn store(&self) -> &Store {
        &self.store
    }

    fn page_size(&self) -> u64 {
        2
    }
}

impl TodosPagedHandler for PagedTodosApi {}

impl TodosStreamedHandler for PagedTodosApi {}
