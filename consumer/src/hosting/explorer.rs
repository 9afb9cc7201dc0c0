//! The API explorer: an opt-in web page, served from the binary, that reads the server's own
//! manifest and lets a person try every action (forms built from the argument schemas, the
//! frames sent and received, subscriptions and their pushes, replies checked against their
//! response schemas).
//!
//! The page is `web/explorer.html`, `web/explorer.css` and `web/src/explorer.ts`, compiled by
//! `tsc` with the generated TypeScript runtime into the committed `web/dist/` (CI checks that
//! it is fresh). It needs no Node.js and no network at run time: every file is embedded here.

use std::borrow::Cow;
use std::sync::Arc;
use warp::filters::BoxedFilter;
use warp::http::{header, StatusCode};
use warp::reply::Response;
use warp::{Filter, Reply};

const PAGE: &str = include_str!("../../../web/explorer.html");
const STYLE: &str = include_str!("../../../web/explorer.css");
const SCRIPT: &str = include_str!("../../../web/dist/web/src/explorer.js");
const RUNTIME: &str = include_str!("../../../web/dist/clients/typescript/src/runtime.js");

const HTML: &str = "text/html; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const JSON: &str = "application/json";

/// The API explorer, served under one path prefix:
///
/// ```no_run
/// # use chanrest::{App, Explorer};
/// # use warp::Filter;
/// # fn routes(app: App) -> impl warp::Filter<Extract = (warp::reply::Response,)> + Clone {
/// let explorer = Explorer::new("/explore/").manifest("/manifest.json");
/// app.filter()
///     .map(warp::Reply::into_response)
///     .or(explorer.filter())
///     .unify()
/// # }
/// ```
///
/// The page fetches the manifest from [`manifest`](Explorer::manifest) (default
/// `/manifest.json`, which the app must serve), and opens sockets to the paths it lists on
/// the page's own host, so the default origin policy lets them through. A token typed into
/// the page is sent the way [`TokenAuth`](crate::TokenAuth) reads it: as the query parameter
/// or the cookie named here (both `token` by default, as `TokenAuth`'s).
#[derive(Debug, Clone)]
pub struct Explorer {
    at: String,
    manifest: String,
    token_query: String,
    token_cookie: String,
}

impl Explorer {
    /// The explorer at `at` (`/explore/`; a missing leading or trailing `/` is added). A
    /// request for the path without its trailing `/` is redirected to it.
    pub fn new(at: &str) -> Self {
        let trimmed = at.trim_matches('/');
        let at = if trimmed.is_empty() {
            "/".to_owned()
        } else {
            format!("/{trimmed}/")
        };
        Explorer {
            at,
            manifest: "/manifest.json".to_owned(),
            token_query: "token".to_owned(),
            token_cookie: "token".to_owned(),
        }
    }

    /// Where the page reads the manifest (a URL on the same host; default `/manifest.json`).
    pub fn manifest(mut self, url: impl Into<String>) -> Self {
        self.manifest = url.into();
        self
    }

    /// The query parameter a token is sent in (default `token`).
    pub fn token_query(mut self, name: impl Into<String>) -> Self {
        self.token_query = name.into();
        self
    }

    /// The cookie a token is sent in (default `token`).
    pub fn token_cookie(mut self, name: impl Into<String>) -> Self {
        self.token_cookie = name.into();
        self
    }

    /// The path the page is served at.
    pub fn path(&self) -> &str {
        &self.at
    }

    /// What the page reads at start: where the manifest is and how a token travels.
    fn config(&self) -> String {
        serde_json::json!({
            "manifest": self.manifest,
            "token": { "query": self.token_query, "cookie": self.token_cookie },
        })
        .to_string()
    }

    /// `GET` (and `HEAD`) of the page's files under the explorer's path; anything else,
    /// WebSocket handshakes included, is left to the other routes.
    pub fn filter(&self) -> BoxedFilter<(Response,)> {
        let at = self.at.clone();
        let config: Arc<str> = self.config().into();
        warp::get()
            .or(warp::head())
            .unify()
            .and(warp::path::full())
            .and(warp::header::optional::<String>("upgrade"))
            .and_then(move |path: warp::path::FullPath, upgrade: Option<String>| {
                let found = match upgrade {
                    Some(_) => None,
                    None => serve(&at, path.as_str(), &config),
                };
                async move { found.ok_or_else(warp::reject::not_found) }
            })
            .boxed()
    }
}

/// The reply for `path` under the explorer at `at`, if it is one of its files.
fn serve(at: &str, path: &str, config: &str) -> Option<Response> {
    if at.len() > 1 && path == &at[..at.len() - 1] {
        let mut reply = warp::reply().into_response();
        *reply.status_mut() = StatusCode::PERMANENT_REDIRECT;
        reply
            .headers_mut()
            .insert(header::LOCATION, header::HeaderValue::from_str(at).ok()?);
        return Some(reply);
    }
    let (content_type, body) = match path.strip_prefix(at)? {
        "" => (HTML, Cow::Borrowed(PAGE)),
        "explorer.css" => (CSS, Cow::Borrowed(STYLE)),
        "config.json" => (JSON, Cow::Owned(config.to_owned())),
        "dist/web/src/explorer.js" => (JS, Cow::Borrowed(SCRIPT)),
        "dist/clients/typescript/src/runtime.js" => (JS, Cow::Borrowed(RUNTIME)),
        _ => return None,
    };
    let reply = warp::reply::with_header(body, "content-type", content_type);
    // The files change with the binary only: revalidate rather than cache blindly.
    Some(warp::reply::with_header(reply, "cache-control", "no-cache").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    fn get(explorer: &Explorer, path: &str) -> Option<Response> {
        serve(explorer.path(), path, &explorer.config())
    }

    async fn body(response: Response) -> String {
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn serves_the_page_and_its_files_under_its_path() {
        let explorer = Explorer::new("explore");
        assert_eq!(explorer.path(), "/explore/");
        let page = get(&explorer, "/explore/").expect("the page");
        assert_eq!(page.status(), StatusCode::OK);
        assert_eq!(page.headers()["content-type"], HTML);
        assert!(body(page).await.contains("dist/web/src/explorer.js"));
        for file in [
            "/explore/explorer.css",
            "/explore/dist/web/src/explorer.js",
            "/explore/dist/clients/typescript/src/runtime.js",
        ] {
            let found = get(&explorer, file).unwrap_or_else(|| panic!("{file}"));
            assert_eq!(found.status(), StatusCode::OK, "{file}");
        }
        let redirect = get(&explorer, "/explore").expect("a redirect");
        assert_eq!(redirect.status(), StatusCode::PERMANENT_REDIRECT);
        assert_eq!(redirect.headers()["location"], "/explore/");
        assert!(get(&explorer, "/explore/nothing").is_none());
        assert!(get(&explorer, "/").is_none());
        assert!(get(&explorer, "/manifest.json").is_none());
    }

    #[tokio::test]
    async fn the_config_names_the_manifest_and_the_token_parameters() {
        let explorer = Explorer::new("/api/explore/")
            .manifest("/api/manifest.json")
            .token_query("auth")
            .token_cookie("session");
        let config = get(&explorer, "/api/explore/config.json").expect("the config");
        assert_eq!(config.headers()["content-type"], JSON);
        let value: serde_json::Value = serde_json::from_str(&body(config).await).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "manifest": "/api/manifest.json",
                "token": { "query": "auth", "cookie": "session" },
            })
        );
    }

    #[test]
    fn a_root_explorer_has_no_redirect() {
        let explorer = Explorer::new("/");
        assert_eq!(explorer.path(), "/");
        assert!(get(&explorer, "/").is_some());
        assert!(get(&explorer, "").is_none());
    }
}
