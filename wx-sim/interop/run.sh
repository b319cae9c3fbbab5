#!/usr/bin/env bash
# Proof of fidelity: runs itchat 1.3.10 (unchanged, from PyPI) through a whole session
# against a wx-sim process: QR login, contact paging, a text from a friend and from a group,
# replies, an image download, logout. Exits non-zero on any failure.
#
#   WX_SIM_BIN=path/to/wx-sim   use this binary instead of `cargo build -p wx-sim --release`
#   WX_INTEROP_VENV=dir         where to install itchat (default: $TMPDIR/wx-sim-interop-venv)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

bin="${WX_SIM_BIN:-}"
if [ -z "$bin" ]; then
  (cd "$root" && cargo build -q -p wx-sim --release --bin wx-sim)
  bin="${CARGO_TARGET_DIR:-$root/target}/release/wx-sim"
fi
[ -x "$bin" ] || { echo "interop: no wx-sim binary at $bin" >&2; exit 1; }

venv="${WX_INTEROP_VENV:-${TMPDIR:-/tmp}/wx-sim-interop-venv}"
py=""
if python3 -m venv "$venv" >/dev/null 2>&1 && [ -x "$venv/bin/python" ]; then
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "itchat==1.3.10"
  py="$venv/bin/python"
else
  # No venv module: install into a private directory instead.
  python3 -m pip install -q --disable-pip-version-check --target "$venv/site" "itchat==1.3.10"
  export PYTHONPATH="$venv/site${PYTHONPATH:+:$PYTHONPATH}"
  py="python3"
fi

work="$(mktemp -d)"
log="$work/wx-sim.log"
"$bin" --port 0 --contacts 240 --page 50 --groups 3 --members 6 > "$log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

base=""
for _ in $(seq 1 100); do
  base="$(sed -n 's/^wx-sim listening on //p' "$log")"
  [ -n "$base" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "interop: wx-sim exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$base" ] || { cat "$log" >&2; echo "interop: wx-sim did not start" >&2; exit 1; }
echo "interop: wx-sim at $base"

# itchat writes its QR picture and pickles into the working directory: keep them out of the repo.
cd "$work"
timeout 240 "$py" "$here/itchat_driver.py" "$base" 180
