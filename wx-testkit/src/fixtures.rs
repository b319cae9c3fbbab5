//! Where the real-server samples are, for the tests that read them: `$WX_SHARED_FIXTURES`,
//! else `../shared/fixtures` beside the checkout. They are third-party data kept outside
//! the repository, so a fresh clone has none: the tests that need them are then skipped,
//! with one line per test binary naming the directory and the variable, unless
//! `WX_REQUIRE_FIXTURES=1` (CI) makes their absence a failure.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Once;

/// The variable naming the samples' directory.
pub const DIR_VAR: &str = "WX_SHARED_FIXTURES";
/// Set to `1`, a missing directory fails the tests instead of skipping them.
pub const REQUIRE_VAR: &str = "WX_REQUIRE_FIXTURES";

/// The directory the samples are looked for in (present or not).
pub fn shared_path() -> PathBuf {
    match std::env::var_os(DIR_VAR) {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures"),
    }
}

/// The samples' directory, or `None` when it is missing (say so once, then skip). Panics
/// when missing and `WX_REQUIRE_FIXTURES=1`.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = shared_path();
    if dir.join("SOURCES.md").is_file() {
        return Some(dir);
    }
    let required = std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1");
    assert!(
        !required,
        "the shared real-server fixtures are missing at {} ({REQUIRE_VAR}=1; set {DIR_VAR})",
        dir.display()
    );
    static SAID: Once = Once::new();
    SAID.call_once(|| {
        // Straight to stderr: the test harness captures `eprintln!` of passing tests.
        let _ = writeln!(
            std::io::stderr(),
            "skipped: the real-server sample tests (no fixtures at {}; set {DIR_VAR}, or {REQUIRE_VAR}=1 to fail)",
            dir.display()
        );
    });
    None
}
