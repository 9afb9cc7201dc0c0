//! The chanrest demo server: the API of the README, used by the tests, the benchmarks and the
//! generated clients.

/// The demo API's contracts (also compiled by build.rs for the manifest).
pub mod api;
pub mod plain;
pub mod rfc;
pub mod todos;
pub mod view;
pub mod web;

use chanrest::store::Store;
use chanrest::{App, ChannelLayer, InMemoryChannelLayer, Multiplexer, RedisChannelLayer};
use std::sync::Arc;
use warp::Filter;

/// The manifest written by build.rs (`chanrest::build::write_manifest`).
pub const MANIFEST_JSON: &str = chanrest::include_manifest!();

/// Where the demo serves the API explorer (linked from its todo page).
pub const EXPLORER: &str = "/explore/";

/// Where the demo serves its Prometheus metrics.
pub const METRICS: &str = "/metrics";

/// The database used when none is given: a fresh in-memory SQLite database.
pub const DEFAULT_DATABASE: &str = "sqlite::memory:";

/// Settings of a demo server.
#[derive(Debug, Clone)]
pub struct Config {
    /// Resource limits (defaults when `None`).
    pub limits: Option<chanrest::Limits>,
    /// Database URL: `sqlite::memory:`, `sqlite:path.db` or `postgres://...`.
    pub database: String,
    /// Redis URL for the channel layer; `None` keeps groups in this process.
    pub redis: Option<String>,
    /// Prefix of the Redis channels (processes of one deployment share it).
    pub redis_prefix: String,
    /// Browser origins served besides pages of the server's own host
    /// (`App::allowed_origins`).
    pub allowed_origins: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            limits: None,
            database: DEFAULT_DATABASE.to_owned(),
            redis: None,
            redis_prefix: "chanrest:".to_owned(),
            allowed_origins: Vec::new(),
        }
    }
}

/// Why a demo could not start.
pub type StartError = Box<dyn std::error::Error + Send + Sync>;

/// A demo server's parts, ready to serve.
#[derive(Clone, Debug)]
pub struct Demo {
    /// The store (shared by every consumer).
    pub store: Store,
    /// The channel layer (shared by the app and the store).
    pub layer: Arc<dyn ChannelLayer>,
    config: Config,
}

impl Demo {
    /// Connects the channel layer, opens the database, creates the tables and registers the
    /// observers.
    pub async fn start(config: &Config) -> Result<Demo, StartError> {
        let layer: Arc<dyn ChannelLayer> = match &config.redis {
            Some(url) => {
                Arc::new(RedisChannelLayer::connect_with_prefix(url, &config.redis_prefix).await?)
            }
            None => Arc::new(InMemoryChannelLayer::new()),
        };
        let store = Store::connect(&config.database, layer.clone()).await?;
        todos::prepare(&store).await?;
        Ok(Demo {
            store,
            layer,
            config: config.clone(),
        })
    }

    /// The demo's WebSocket API.
    pub fn app(&self) -> App {
        let todos = || {
            api::Todos(todos::TodosApi {
                store: self.store.clone(),
            })
        };
        let app = App::new()
            .serve_metrics(METRICS)
            .channel_layer(self.layer.clone())
            .consumer(api::paths::PLAIN, api::Plain(plain::PlainApi))
            .consumer(api::paths::BENCH, api::Bench(plain::BenchApi))
            .consumer(api::paths::TODOS, todos())
            .consumer(
                api::paths::TODOS_PAGED,
                api::TodosPaged(todos::PagedTodosApi {
                    store: self.store.clone(),
                }),
            )
            .consumer(
                api::paths::TODOS_STREAMED,
                api::TodosStreamed(todos::PagedTodosApi {
                    store: self.store.clone(),
                }),
            )
            .multiplexer(
                api::paths::MULTIPLEXER,
                Multiplexer::new()
                    .stream(api::streams::TODOS, todos())
                    .stream(api::streams::PLAIN, api::Plain(plain::PlainApi)),
            )
            .consumer(api::routes::PATH, rfc::consumer(&self.store))
            .consumer(api::routes::VIEW, view::consumer(&self.store))
            .serve_manifest(MANIFEST_JSON)
            .serve_asyncapi(web::ASYNCAPI_JSON);
        let app = match &self.config.limits {
            Some(limits) => app.limits(limits.clone()),
            None => app,
        };
        match self.config.allowed_origins.as_slice() {
            [] => app,
            origins => app.allowed_origins(origins.iter().cloned()),
        }
    }

    /// Every route of the demo server: the WebSocket API with `GET /manifest.json` and
    /// `GET /asyncapi.json` (the app serves them), the HTTP todo endpoint under `/api/todos/`,
    /// the web page at `/` and the API explorer at [`EXPLORER`].
    pub fn routes(&self) -> warp::filters::BoxedFilter<(warp::reply::Response,)> {
        self.routes_with_shutdown().0
    }

    /// [`Demo::routes`], and the handle that shuts their WebSocket connections down
    /// gracefully.
    pub fn routes_with_shutdown(
        &self,
    ) -> (
        warp::filters::BoxedFilter<(warp::reply::Response,)>,
        chanrest::Shutdown,
    ) {
        let served = self.served();
        (served.routes, served.shutdown)
    }

    /// What serving the demo takes: [`Demo::routes`], the handle that shuts their WebSocket
    /// connections down, and the app's connection limit, in which `chanrest::serve_with_limit`
    /// counts every TCP connection (HTTP ones too) toward `Limits::max_connections`.
    pub fn served(&self) -> Served {
        use warp::Reply;
        let app = self.app();
        let shutdown = app.shutdown_handle();
        let connections = app.connection_limit();
        let routes = app
            .filter()
            .map(Reply::into_response)
            .or(view::routes(self.store.clone()))
            .unify()
            .or(web::routes())
            .unify()
            .or(chanrest::Explorer::new(EXPLORER).filter())
            .unify()
            .boxed();
        Served {
            routes,
            shutdown,
            connections,
        }
    }
}

/// The parts of a served demo (see [`Demo::served`]).
#[derive(Debug)]
pub struct Served {
    /// Every route of the demo server.
    pub routes: warp::filters::BoxedFilter<(warp::reply::Response,)>,
    /// Shuts the WebSocket connections down gracefully.
    pub shutdown: chanrest::Shutdown,
    /// The app's bound on open connections, for `chanrest::serve_with_limit`.
    pub connections: chanrest::ConnectionLimit,
}

/// Starts a demo with `config` and returns its routes.
pub async fn routes(
    config: &Config,
) -> Result<warp::filters::BoxedFilter<(warp::reply::Response,)>, StartError> {
    Ok(Demo::start(config).await?.routes())
}
