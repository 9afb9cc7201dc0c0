//! The crate's folders are its architecture (docs/ARCHITECTURE.md): each module uses only
//! modules above it in `LAYERS`, so the message path reads one way. This test reads every
//! source file's `crate::` paths and fails on one that points down the list.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The top-level modules of `consumer/src`, in the order a message meets them; a module may
/// use the ones before it.
const LAYERS: &[&str] = &[
    "dialect", "error", "protocol", "contract", "auth", "groups", "session", "dispatch", "hosting",
    "models", "testkit",
];

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source folder") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The top-level module a source file belongs to (`None` for lib.rs, which re-exports all).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib").then(|| name.to_owned())
}

/// The top-level modules a file names through `crate::` (in code, not in comments or docs).
fn uses(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let before = &rest[..at];
            rest = &rest[at + "crate::".len()..];
            // `$crate::` is a macro's path, resolved in the user's crate.
            if before.ends_with('$') {
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if rest[name.len()..].starts_with("::") || rest[name.len()..].starts_with(['{', ';']) {
                found.insert(name);
            }
        }
    }
    found
}

#[test]
fn every_module_uses_only_the_modules_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let rank = |module: &str| LAYERS.iter().position(|m| *m == module);
    let mut wrong = Vec::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        let own = rank(&module).unwrap_or_else(|| {
            panic!(
                "{module} (from {}) is not in LAYERS: place it",
                file.display()
            )
        });
        let text = std::fs::read_to_string(file).expect("readable source");
        for used in uses(&text) {
            match rank(&used) {
                Some(theirs) if theirs > own => wrong.push(format!(
                    "{} uses crate::{used}, which is below {module}",
                    file.strip_prefix(&src).unwrap_or(file).display()
                )),
                Some(_) => {}
                // Root re-exports (crate::Ctx) hide where a name lives; name the module.
                None => wrong.push(format!(
                    "{} uses crate::{used}: name the module it lives in",
                    file.strip_prefix(&src).unwrap_or(file).display()
                )),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_checker_sees_an_upward_use() {
    let found = uses("use crate::hosting::App;\nlet x = crate::error::messages::NULL; // crate::models::x\n$crate::Ctx");
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        ["error".to_owned(), "hosting".to_owned()]
    );
}
