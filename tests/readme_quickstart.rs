//! The README's "Your own API" quick start shows the files of `examples/quickstart/` verbatim:
//! each snippet preceded by `<!-- quickstart: PATH -->` must equal that file, and every file
//! there must be shown. `tests/quickstart/outside.sh` (run by `.ci/test`) builds and runs
//! those files outside the workspace, so a snippet that compiles and works here cannot drift
//! from one that a reader copies.

use std::path::{Path, PathBuf};

const MARKER: &str = "<!-- quickstart: ";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// (path, snippet) for every marked snippet of the README, in order.
fn snippets(readme: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(rest) = line.strip_prefix(MARKER) else {
            continue;
        };
        let path = rest
            .strip_suffix(" -->")
            .unwrap_or_else(|| panic!("a marker ends with ` -->`: {line}"))
            .to_owned();
        let fence = lines.next().unwrap_or_default();
        assert!(
            fence.starts_with("```"),
            "the line after {line} opens a code block, not {fence:?}"
        );
        let mut snippet = String::new();
        for line in lines.by_ref() {
            if line == "```" {
                break;
            }
            snippet.push_str(line);
            snippet.push('\n');
        }
        found.push((path, snippet));
    }
    found
}

fn files(dir: &Path, base: &Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("a readable folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            files(&path, base, found);
        } else {
            let relative = path.strip_prefix(base).expect("under the base");
            found.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn every_quickstart_snippet_is_its_file_verbatim() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let snippets = snippets(&readme);
    let quickstart: PathBuf = root().join("examples/quickstart");
    let mut shown = Vec::new();
    for (path, snippet) in &snippets {
        let file = std::fs::read_to_string(quickstart.join(path))
            .unwrap_or_else(|err| panic!("the README shows examples/quickstart/{path}: {err}"));
        assert!(
            *snippet == file,
            "the README's examples/quickstart/{path} differs from the file; copy the file into \
             the README (the file is what CI builds)"
        );
        shown.push(path.clone());
    }
    let mut all = Vec::new();
    files(&quickstart, &quickstart, &mut all);
    all.sort();
    for file in &all {
        assert!(
            shown.contains(file),
            "examples/quickstart/{file} is not shown in the README's quick start"
        );
    }
    assert!(all.len() >= 7, "{all:?}");
}

#[test]
fn snippets_are_found_exactly() {
    let readme = "text\n<!-- quickstart: a/b.rs -->\n```rust\nfn main() {}\n\n```\nmore\n";
    assert_eq!(
        snippets(readme),
        [("a/b.rs".to_owned(), "fn main() {}\n\n".to_owned())]
    );
}
