//! Which browser origins may open a socket: cross-site WebSocket hijacking is refused by
//! default. A browser sends the page's `Origin` with every handshake (and its cookies); a
//! handshake from a page of another site must not act with the user's credentials. Like
//! Django Channels' `AllowedHostsOriginValidator`, the default accepts an origin whose host
//! (and port) is the one the request was sent to (`Host`), and handshakes without an
//! `Origin` (clients that are not browsers).

/// The origins an [`App`](crate::App) accepts browser handshakes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum OriginPolicy {
    /// The default: an `Origin` whose host and port are the request's `Host`.
    #[default]
    SameHost,
    /// The same host, and these origins: exact (`https://app.example.com`,
    /// `http://localhost:3000`) or a subdomain pattern (`https://*.example.com`, which does
    /// not match `example.com` itself).
    List(Vec<String>),
    /// Any origin: unsafe when the app authenticates with cookies. Opt-in only.
    Any,
}

/// An origin or `Host` value split into its parts, lower-cased.
#[derive(Debug, PartialEq, Eq)]
struct Authority<'a> {
    scheme: Option<&'a str>,
    host: String,
    port: Option<u16>,
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    }
}

/// Splits `host[:port]` (an IPv6 address in brackets keeps its colons).
fn host_and_port(text: &str) -> Option<(String, Option<u16>)> {
    let (host, port) = match text.rfind(':') {
        Some(at) if !text[at..].contains(']') => (&text[..at], Some(text[at + 1..].parse().ok()?)),
        _ => (text, None),
    };
    if host.is_empty() {
        return None;
    }
    Some((host.to_ascii_lowercase(), port))
}

/// An `Origin` value (`scheme://host[:port]`); `None` for `null` and anything malformed.
fn parse_origin(origin: &str) -> Option<Authority<'_>> {
    let (scheme, rest) = origin.split_once("://")?;
    if rest.contains(['/', '?', '#', '@']) || scheme.is_empty() {
        return None;
    }
    let (host, port) = host_and_port(rest)?;
    Some(Authority {
        scheme: Some(scheme),
        host,
        port,
    })
}

impl OriginPolicy {
    /// True when a handshake with `origin` (the `Origin` header, if any) sent to `host` (the
    /// `Host` header, if any) may go on.
    pub(crate) fn allows(&self, origin: Option<&[u8]>, host: Option<&[u8]>) -> bool {
        let Some(origin) = origin else {
            // Not a browser: it sends no page's cookies on the user's behalf.
            return true;
        };
        let Ok(origin_text) = std::str::from_utf8(origin) else {
            return false;
        };
        let origin_text = origin_text.trim();
        match self {
            OriginPolicy::Any => true,
            OriginPolicy::SameHost => same_host(origin_text, host),
            OriginPolicy::List(allowed) => {
                let Some(parsed) = parse_origin(origin_text) else {
                    return false;
                };
                same_host(origin_text, host)
                    || allowed.iter().any(|pattern| matches(pattern, &parsed))
            }
        }
    }
}

/// Whether `origin` names the host (and port) the request was sent to.
fn same_host(origin: &str, host: Option<&[u8]>) -> bool {
    let (Some(origin), Some(host)) = (
        parse_origin(origin),
        host.and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| host_and_port(h.trim())),
    ) else {
        return false;
    };
    let scheme_port = origin.scheme.and_then(default_port);
    let origin_port = origin.port.or(scheme_port);
    // A `Host` without a port means the scheme's default, whichever it was.
    let host_port = host.1.or(scheme_port);
    origin.host == host.0 && origin_port == host_port
}

/// Whether `origin` matches an allowed-origin `pattern`.
fn matches(pattern: &str, origin: &Authority<'_>) -> bool {
    let Some((scheme, rest)) = pattern.trim().split_once("://") else {
        return false;
    };
    if !origin
        .scheme
        .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
    {
        return false;
    }
    let Some((host, port)) = host_and_port(rest.trim_end_matches('/')) else {
        return false;
    };
    let default = default_port(&scheme.to_ascii_lowercase());
    if port.or(default) != origin.port.or(default) {
        return false;
    }
    match host.strip_prefix("*.") {
        Some(domain) => origin
            .host
            .strip_suffix(domain)
            .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.')),
        None => origin.host == host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(origin: &str, host: &str) -> bool {
        OriginPolicy::SameHost.allows(Some(origin.as_bytes()), Some(host.as_bytes()))
    }

    #[test]
    fn the_default_accepts_the_same_host_only() {
        assert!(same("http://127.0.0.1:8000", "127.0.0.1:8000"));
        assert!(same("https://App.Example.com", "app.example.com"));
        assert!(same("https://app.example.com", "app.example.com:443"));
        assert!(same("http://[::1]:8000", "[::1]:8000"));
        assert!(!same("https://evil.example", "app.example.com"));
        assert!(!same("http://127.0.0.1:9000", "127.0.0.1:8000"));
        assert!(!same("http://app.example.com:8080", "app.example.com"));
        assert!(!same("null", "app.example.com"));
        assert!(!same("", "app.example.com"));
        assert!(!same("http://app.example.com/path", "app.example.com"));
        assert!(!OriginPolicy::SameHost.allows(Some(b"http://a"), None));
        // No Origin: not a browser.
        assert!(OriginPolicy::SameHost.allows(None, Some(b"app.example.com")));
    }

    #[test]
    fn listed_origins_and_subdomain_patterns() {
        let policy = OriginPolicy::List(vec![
            "https://app.example.com".to_owned(),
            "https://*.example.org".to_owned(),
            "http://localhost:3000".to_owned(),
        ]);
        let allows = |origin: &str| policy.allows(Some(origin.as_bytes()), Some(b"x"));
        // The same host stays allowed beside the list.
        assert!(policy.allows(Some(b"http://x"), Some(b"x")));
        assert!(allows("https://app.example.com"));
        assert!(allows("https://app.example.com:443"));
        assert!(!allows("http://app.example.com"));
        assert!(!allows("https://app.example.com.evil.io"));
        assert!(allows("https://a.example.org"));
        assert!(allows("https://a.b.example.org"));
        assert!(!allows("https://example.org"));
        assert!(!allows("https://badexample.org"));
        assert!(allows("http://localhost:3000"));
        assert!(!allows("http://localhost:3001"));
        assert!(!allows("null"));
        assert!(policy.allows(None, None));
    }

    #[test]
    fn any_is_any() {
        assert!(OriginPolicy::Any.allows(Some(b"null"), None));
        assert!(OriginPolicy::Any.allows(Some(b"https://evil.example"), Some(b"a")));
    }
}
