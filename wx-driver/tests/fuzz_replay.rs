//! Replays the committed seeds of the `h1` fuzz target (`fuzz/seeds/h1/`) and any crash
//! reproducers (`fuzz/regressions/h1/`) through the entry point the target calls, so a
//! plain `cargo test` guards them.
#![allow(clippy::unwrap_used)]

use std::path::Path;

#[test]
fn the_h1_seeds_and_regressions_hold_the_property() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut replayed = 0;
    for dir in ["seeds/h1", "regressions/h1"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(dir)) else {
            continue;
        };
        for entry in entries {
            let data = std::fs::read(entry.unwrap().path()).unwrap();
            wx_driver::h1::fuzzing::response(&data);
            replayed += 1;
        }
    }
    assert!(replayed >= 5, "only {replayed} inputs replayed");
}
