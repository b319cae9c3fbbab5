//! Helpers shared by the fixture tests: where the fixtures are, reading them, JSONC comments.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

/// The real-server samples (third-party data, read in place): `$WX_SHARED_FIXTURES`, or
/// `../shared/fixtures` beside the checkout; `None` when missing (the tests that need them
/// skip, said once; `WX_REQUIRE_FIXTURES=1` panics instead): see `wx_testkit::fixtures`.
pub fn shared_dir() -> Option<PathBuf> {
    wx_testkit::fixtures::shared_dir()
}

/// The project's own samples (`fixtures/` at the workspace root).
pub fn own_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// Reads a fixture file; `.jsonc` files have their `//` comments removed first.
pub fn read(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if path.extension().is_some_and(|e| e == "jsonc") {
        strip_json_comments(&bytes)
    } else {
        bytes
    }
}

/// Removes `// …` comments that stand outside JSON strings.
pub fn strip_json_comments(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut in_string = false;
    let mut i = 0;
    while i < input.len() {
        let c = input[i];
        if in_string {
            out.push(c);
            if c == b'\\' && i + 1 < input.len() {
                out.push(input[i + 1]);
                i += 2;
                continue;
            }
            if c == b'"' {
                in_string = false;
            }
        } else if c == b'"' {
            in_string = true;
            out.push(c);
        } else if c == b'/' && input.get(i + 1) == Some(&b'/') {
            while i < input.len() && input[i] != b'\n' {
                i += 1;
            }
            continue;
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// Every file under `dir/<sub>`, sorted, skipping `SOURCES.md`.
pub fn files(dir: &Path, sub: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir.join(sub))
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.is_file());
    out.sort();
    out
}

/// Every (kind directory, file) pair under `dir`.
pub fn all_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut subs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    subs.sort();
    for sub in subs {
        let name = sub.file_name().unwrap().to_string_lossy().into_owned();
        for f in files(dir, &name) {
            out.push((name.clone(), f));
        }
    }
    out
}
