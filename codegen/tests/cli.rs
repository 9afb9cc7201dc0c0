//! The `chanrest-codegen` command: generates, checks freshness, and reports bad manifests
//! with the place of the problem.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chanrest-codegen"))
        .args(args)
        .output()
        .expect("the CLI runs")
}

fn fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/shop.json")
        .display()
        .to_string()
}

/// A fresh directory under the target dir (no temp-dir crate needed).
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("codegen-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn generates_then_checks() {
    let dir = scratch("generate");
    let rust = dir.join("rust");
    let ts = dir.join("ts");
    let (rust_arg, ts_arg) = (rust.display().to_string(), ts.display().to_string());
    let out = run(&[
        "--manifest",
        &fixture(),
        "--rust",
        &rust_arg,
        "--typescript",
        &ts_arg,
        "--rust-crate",
        "shop-client",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cargo = std::fs::read_to_string(rust.join("Cargo.toml")).unwrap();
    assert!(cargo.contains("name = \"shop-client\""), "{cargo}");
    // Outside this repository the runtime comes from the registry, at the generator's version.
    let runtime = format!(
        "\nchanrest-client-runtime = \"{}\"\n",
        env!("CARGO_PKG_VERSION")
    );
    assert!(cargo.contains(&runtime), "{cargo}");
    assert!(!rust.join("src/runtime.rs").exists());
    assert!(ts.join("src/api.ts").exists());

    let check = |args: &[&str]| {
        let mut all = vec!["--manifest".to_owned(), fixture()];
        all.extend(args.iter().map(|a| a.to_string()));
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        run(&all)
    };
    let fresh = check(&[
        "--rust",
        &rust_arg,
        "--rust-crate",
        "shop-client",
        "--typescript",
        &ts_arg,
        "--check",
    ]);
    assert!(
        fresh.status.success(),
        "{}",
        String::from_utf8_lossy(&fresh.stderr)
    );

    std::fs::write(ts.join("src/api.ts"), "// edited by hand\n").unwrap();
    let stale = check(&["--typescript", &ts_arg, "--check"]);
    assert_eq!(stale.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(stderr.contains("api.ts: out of date"), "{stderr}");
    // --check wrote nothing.
    assert_eq!(
        std::fs::read_to_string(ts.join("src/api.ts")).unwrap(),
        "// edited by hand\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn runtime_path_makes_a_path_dependency() {
    let dir = scratch("runtime-path");
    let rust = dir.join("rust");
    let rust_arg = rust.display().to_string();
    let generate = |extra: &[&str]| {
        let mut args = vec!["--manifest".to_owned(), fixture(), "--rust".to_owned()];
        args.push(rust_arg.clone());
        args.extend(extra.iter().map(|a| a.to_string()));
        run(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let out = generate(&["--runtime-path", "../../codegen/runtime"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cargo = std::fs::read_to_string(rust.join("Cargo.toml")).unwrap();
    assert!(
        cargo.contains("\nchanrest-client-runtime = { path = \"../../codegen/runtime\" }\n"),
        "{cargo}"
    );
    // The dependency is part of what --check compares.
    let fresh = generate(&["--runtime-path=../../codegen/runtime", "--check"]);
    assert!(
        fresh.status.success(),
        "{}",
        String::from_utf8_lossy(&fresh.stderr)
    );
    let other = generate(&["--check"]);
    assert_eq!(other.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&other.stderr).contains("Cargo.toml: out of date"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_manifest_is_reported_with_its_location() {
    let dir = scratch("bad");
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(fixture())
        .unwrap()
        .replace("\"minItems\": 1", "\"contains\": {\"type\": \"object\"}");
    let manifest = dir.join("bad.json");
    std::fs::write(&manifest, text).unwrap();
    let out = run(&[
        "--manifest",
        &manifest.display().to_string(),
        "--rust",
        &dir.join("out").display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("consumer `Orders`, action `place`, arguments, field `lines`"),
        "{stderr}"
    );
    assert!(stderr.contains("`contains`"), "{stderr}");
    assert!(
        !dir.join("out").exists(),
        "nothing is written for a bad manifest"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_exit_2() {
    let out = run(&["--manifest", &fixture()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to do"));
    let out = run(&["--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["--manifest", &fixture(), "--rust", "x", "--runtime-path"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--runtime-path needs a value"));
}

/// A one-request HTTP server on 127.0.0.1 answering `answer` to the first request, which it
/// returns through the join handle.
fn serve_once(answer: String) -> (String, std::thread::JoinHandle<String>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/manifest.json", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut request = Vec::new();
        let mut byte = [0u8; 1];
        while !request.ends_with(b"\r\n\r\n") {
            socket.read_exact(&mut byte).unwrap();
            request.push(byte[0]);
        }
        socket.write_all(answer.as_bytes()).unwrap();
        String::from_utf8(request).unwrap()
    });
    (url, handle)
}

#[test]
fn reads_a_running_servers_manifest_and_prints_what_it_wrote() {
    let manifest = std::fs::read_to_string(fixture()).unwrap();
    // Chunked, as a server that streams its answer sends it.
    let (head, tail) = manifest.split_at(manifest.len() / 2);
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{head}\r\n{:x}\r\n{tail}\r\n0\r\n\r\n",
        head.len(),
        tail.len()
    );
    let (url, server) = serve_once(answer);
    let dir = scratch("url");
    let ts = dir.join("ts");
    let ts_arg = ts.display().to_string();
    let out = run(&["--manifest", &url, "--typescript", &ts_arg]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let request = server.join().unwrap();
    assert!(
        request.starts_with("GET /manifest.json HTTP/1.1\r\n"),
        "{request}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with(&format!(
            "TypeScript package `chanrest-client` in {ts_arg}: 12 files, 12 written, 0 unchanged\n"
        )),
        "{stdout}"
    );
    for file in [
        "package.json",
        "src/api.ts",
        "dist/index.js",
        "dist/api.d.ts",
    ] {
        assert!(
            stdout.contains(&format!("  created {}\n", ts.join(file).display())),
            "{file} in {stdout}"
        );
    }
    // The same again from the file: nothing to write, and it says so.
    let again = run(&["--manifest", &fixture(), "--typescript", &ts_arg]);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert_eq!(
        stdout,
        format!(
            "TypeScript package `chanrest-client` in {ts_arg}: 12 files, 0 written, 12 unchanged\n"
        )
    );
    let quiet = run(&["--manifest", &fixture(), "--typescript", &ts_arg, "-q"]);
    assert!(quiet.status.success());
    assert!(quiet.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_server_without_a_manifest_is_reported() {
    let (url, server) =
        serve_once("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n".to_owned());
    let out = run(&["--manifest", &url, "--rust", "unused"]);
    server.join().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("404 Not Found"), "{stderr}");
    assert!(stderr.contains("App::serve_manifest"), "{stderr}");

    // Nothing listens on a port just released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = run(&[
        "--manifest",
        &format!("http://127.0.0.1:{port}/manifest.json"),
        "--rust",
        "unused",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot connect"));
    assert!(!std::path::Path::new("unused").exists());
}

#[test]
fn a_crate_without_a_manifest_is_reported() {
    let dir = scratch("crate");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    // Its own workspace: the scratch folder is inside this repository's target dir.
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"plain\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), "").unwrap();
    let out = run(&[
        "--crate",
        &dir.display().to_string(),
        "--rust",
        &dir.join("out").display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("writes a manifest: its build.rs calls chanrest::build::write_manifest"),
        "{stderr}"
    );
    let both = run(&["--crate", ".", "--manifest", &fixture(), "--rust", "x"]);
    assert_eq!(both.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
