//! Generated files: write them, or compare them with what is on disk.

use std::io;
use std::path::{Path, PathBuf};

/// A set of generated files, by path relative to the output directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Files {
    files: Vec<(String, String)>,
}

/// A generated file that differs from the one on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// The file's path on disk.
    pub path: PathBuf,
    /// True when the file does not exist.
    pub missing: bool,
}

impl Files {
    pub(crate) fn add(&mut self, path: &str, contents: String) {
        self.files.push((path.to_owned(), contents));
    }

    /// The files, in generation order: (relative path with `/`, contents).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(p, c)| (p.as_str(), c.as_str()))
    }

    /// The contents of the file at `path`.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.iter().find(|(p, _)| *p == path).map(|(_, c)| c)
    }

    /// Writes every file under `dir`, creating folders; files whose contents are already
    /// right are left untouched.
    pub fn write_to(&self, dir: &Path) -> io::Result<()> {
        for (path, contents) in self.iter() {
            let target = dir.join(path);
            if std::fs::read_to_string(&target).ok().as_deref() == Some(contents) {
                continue;
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&target, contents)?;
        }
        Ok(())
    }

    /// The files under `dir` that differ from these (missing or different contents).
    pub fn stale(&self, dir: &Path) -> Vec<Stale> {
        self.iter()
            .filter_map(|(path, contents)| {
                let target = dir.join(path);
                match std::fs::read_to_string(&target) {
                    Ok(existing) if existing == contents => None,
                    Ok(_) => Some(Stale {
                        path: target,
                        missing: false,
                    }),
                    Err(_) => Some(Stale {
                        path: target,
                        missing: true,
                    }),
                }
            })
            .collect()
    }
}
