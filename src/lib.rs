//! The chanrest demo server: the API of the README, used by the tests, the benchmarks and the
//! generated clients.

/// The demo API's contracts (also compiled by build.rs for the manifest).
pub mod api;
pub mod plain;

use chanrest::App;
use warp::Filter;

/// The manifest written by build.rs.
pub const MANIFEST_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/manifest.json"));

/// Settings of a demo server.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Resource limits (defaults when `None`).
    pub limits: Option<chanrest::Limits>,
}

/// The demo's WebSocket API.
pub fn app(config: &Config) -> App {
    let app = App::new()
        .consumer(api::paths::PLAIN, api::Plain(plain::PlainApi))
        .consumer(api::paths::BENCH, api::Bench(plain::BenchApi));
    match &config.limits {
        Some(limits) => app.limits(limits.clone()),
        None => app,
    }
}

/// Every route of the demo server: the WebSocket API and `GET /manifest.json`.
pub fn routes(config: &Config) -> warp::filters::BoxedFilter<(warp::reply::Response,)> {
    use warp::Reply;
    let manifest = warp::path!("manifest.json").and(warp::get()).map(|| {
        warp::reply::with_header(MANIFEST_JSON, "content-type", "application/json").into_response()
    });
    app(config)
        .filter()
        .map(Reply::into_response)
        .or(manifest)
        .unify()
        .boxed()
}
