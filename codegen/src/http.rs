//! `GET http://HOST:PORT/PATH` over a plain TCP socket: all the CLI needs to read a running
//! server's `/manifest.json` (HTTP/1.1, `Connection: close`, a `Content-Length` or chunked
//! body). No TLS: a server on another machine is read with any HTTP tool into a file first.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(30);
/// A manifest is a few hundred kilobytes at most; anything far larger is not one.
const MAX_BODY: usize = 64 << 20;

/// The body of a `200` answer to `GET url`.
pub(crate) fn get(url: &str) -> Result<String, String> {
    let Some(rest) = url.strip_prefix("http://") else {
        return Err(
            "only http:// URLs are read directly; save the manifest to a file first (e.g. curl -o manifest.json URL)"
                .to_owned(),
        );
    };
    let (authority, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    if authority.is_empty() {
        return Err("the URL names no host".to_owned());
    }
    let with_port = if authority.rsplit_once(':').is_some_and(|(host, port)| {
        !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) && !host.ends_with(':')
    }) {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    let addresses: Vec<_> = with_port
        .to_socket_addrs()
        .map_err(|err| format!("cannot resolve {authority}: {err}"))?
        .collect();
    let mut last = None;
    let mut stream = None;
    for address in addresses {
        match TcpStream::connect_timeout(&address, TIMEOUT) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(err) => last = Some(format!("cannot connect to {address}: {err}")),
        }
    }
    let mut stream =
        stream.ok_or_else(|| last.unwrap_or_else(|| format!("no address for {authority}")))?;
    stream
        .set_read_timeout(Some(TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(TIMEOUT)))
        .map_err(|err| err.to_string())?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nAccept: application/json\r\n\
         User-Agent: chanrest-codegen/{}\r\nConnection: close\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|err| format!("sending the request: {err}"))?;
    let mut response = Vec::new();
    stream
        .take(MAX_BODY as u64 + 64 * 1024)
        .read_to_end(&mut response)
        .map_err(|err| format!("reading the response: {err}"))?;
    parse(&response)
}

/// The body of a complete HTTP/1.1 response, which must be a `200`.
fn parse(response: &[u8]) -> Result<String, String> {
    let end = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("the server's answer is not HTTP")?;
    let head =
        std::str::from_utf8(&response[..end]).map_err(|_| "the answer's head is not text")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let (version, status) = (parts.next(), parts.next());
    if !version.is_some_and(|v| v.starts_with("HTTP/1.")) {
        return Err(format!(
            "the server's answer is not HTTP/1: {status_line:?}"
        ));
    }
    let headers: Vec<(String, &str)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim()))
        .collect();
    let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
    if status != Some("200") {
        let location = header("location")
            .map(|l| format!(" (to {l})"))
            .unwrap_or_default();
        return Err(format!(
            "the server answered {status_line}{location}; is the manifest served there (App::serve_manifest)?"
        ));
    }
    let raw = &response[end + 4..];
    let body = if header("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
        dechunk(raw)?
    } else if let Some(length) = header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| format!("bad Content-Length {length:?}"))?;
        if raw.len() < length {
            return Err(format!(
                "the answer ended after {} of its {length} bytes",
                raw.len()
            ));
        }
        raw[..length].to_vec()
    } else {
        raw.to_vec()
    };
    String::from_utf8(body).map_err(|_| "the manifest is not UTF-8".to_owned())
}

/// A chunked body, decoded.
fn dechunk(mut raw: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line_end = raw
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("a chunk has no size line")?;
        let size_text = std::str::from_utf8(&raw[..line_end]).map_err(|_| "bad chunk size")?;
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        if raw.len() < size + 2 || body.len() + size > MAX_BODY {
            return Err("the answer ended inside a chunk".to_owned());
        }
        body.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_sized_body() {
        let answer =
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(parse(answer).unwrap(), "{}");
    }

    #[test]
    fn reads_a_chunked_body() {
        let answer =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4;x=y\r\n\": 1\r\n1\r\n}\r\n0\r\n\r\n";
        assert_eq!(parse(answer).unwrap(), "{\"a\": 1}");
    }

    #[test]
    fn another_status_is_an_error_naming_it() {
        let err = parse(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n").unwrap_err();
        assert!(err.contains("404 Not Found"), "{err}");
        assert!(err.contains("App::serve_manifest"), "{err}");
        let err = parse(b"HTTP/1.1 301 Moved\r\nLocation: /m.json\r\n\r\n").unwrap_err();
        assert!(err.contains("to /m.json"), "{err}");
    }

    #[test]
    fn a_short_body_is_an_error() {
        let err = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}").unwrap_err();
        assert!(err.contains("2 of its 10 bytes"), "{err}");
        assert!(parse(b"garbage").is_err());
    }

    #[test]
    fn https_is_refused_with_a_way_out() {
        let err = get("https://example.invalid/manifest.json").unwrap_err();
        assert!(err.contains("curl -o manifest.json"), "{err}");
    }
}
