//! The demo's web page (`web/`): a live todo list on the generated TypeScript client, and the
//! API's AsyncAPI document (served by the app: `App::serve_asyncapi`). Everything is embedded
//! in the binary: serving it needs no Node.js and no network.
//!
//! `web/dist/` is built from `web/src/` by `tsc` (`npm run build` in `web/`) and committed;
//! `.ci/test` rebuilds it and fails if the committed files differ.

use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Reply};

/// The AsyncAPI 3.0 document of the demo API (generated from the manifest by
/// chanrest-codegen; `tests/clients_fresh.rs` keeps it fresh).
pub const ASYNCAPI_JSON: &str = include_str!("../clients/asyncapi.json");

const HTML: &str = "text/html; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

/// The page's files: (URL path, content type, contents).
pub const ASSETS: &[(&str, &str, &str)] = &[
    ("/", HTML, include_str!("../web/index.html")),
    ("/style.css", CSS, include_str!("../web/style.css")),
    (
        "/dist/web/src/app.js",
        JS,
        include_str!("../web/dist/web/src/app.js"),
    ),
    (
        "/dist/clients/typescript/src/index.js",
        JS,
        include_str!("../web/dist/clients/typescript/src/index.js"),
    ),
    (
        "/dist/clients/typescript/src/api.js",
        JS,
        include_str!("../web/dist/clients/typescript/src/api.js"),
    ),
    (
        "/dist/clients/typescript/src/runtime.js",
        JS,
        include_str!("../web/dist/clients/typescript/src/runtime.js"),
    ),
];

/// `GET` (and `HEAD`) of every file of [`ASSETS`]; other paths, and WebSocket handshakes
/// (refused with 404 at any path the API does not serve), are left to the other routes.
pub fn routes() -> BoxedFilter<(Response,)> {
    warp::get()
        .or(warp::head())
        .unify()
        .and(warp::path::full())
        .and(warp::header::optional::<String>("upgrade"))
        .and_then(
            |path: warp::path::FullPath, upgrade: Option<String>| async move {
                match ASSETS.iter().find(|(at, _, _)| *at == path.as_str()) {
                    Some((_, content_type, body)) if upgrade.is_none() => {
                        Ok(asset(content_type, body))
                    }
                    _ => Err(warp::reject::not_found()),
                }
            },
        )
        .boxed()
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let reply = warp::reply::with_header(body, "content-type", content_type);
    // The files change with the binary only: revalidate rather than cache blindly.
    warp::reply::with_header(reply, "cache-control", "no-cache").into_response()
}
