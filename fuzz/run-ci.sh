#!/usr/bin/env bash
# CI: install cargo-fuzz if missing, build every target, and run each one briefly from the
# seeds (no sanitizer, so it works on the stable toolchain).
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_PER_TARGET="${FUZZ_SECONDS:-15}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
./seed-corpus.sh
cargo fuzz build --sanitizer none
for target in $(cargo fuzz list); do
  echo "--- fuzz $target (${SECONDS_PER_TARGET}s)"
  cargo fuzz run --sanitizer none "$target" "corpus/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 2>&1 | grep -E 'stat::number_of_executed_units|Done|ERROR|panicked' || true
  # A crash leaves an artifact and a non-zero status; check for artifacts explicitly.
  if ls "artifacts/$target"/crash-* >/dev/null 2>&1; then
    echo "error: fuzz target $target crashed:" >&2; ls "artifacts/$target" >&2; exit 1
  fi
done
