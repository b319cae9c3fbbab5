#!/usr/bin/env bash
# The peers benchmark (issue 8, item 5): one account, one wx-sim world (200 contacts, 3 groups),
# M texts pushed at once after login, driven through wx-tokio, wx-blocking, wx-smol, itchat 1.3.10 (PyPI)
# and wechat4u 0.7.14 (npm), K runs each on a fresh simulator. Prints messages per second and
# resident memory of each client process, writes benches/results/peers.txt (raw, one JSON line
# per run) and benches/results/peers.md (the table). Measuring is done by measure.py.
#
#   PEERS_MESSAGES=5000   texts per run (M)
#   PEERS_RUNS=3          runs per client (K); the table shows medians
#   PEERS_TIMEOUT=300     seconds a client gets to receive the M texts
#   PEERS_CLIENTS="wx-tokio wx-blocking wx-smol itchat wechat4u"   which clients (the first is the reference)
#   PEERS_STEADY_MS=1     then a steady load: the simulator's own --rate-ms (one text every N ms);
#                         0 skips it
#   PEERS_STEADY_MESSAGES=10000   texts each client counts under the steady load
#   WX_INTEROP_DIR=dir    where itchat and wechat4u get installed (shared with wx-sim/interop)
#   CARGO_TARGET_DIR      as usual (the release binaries are taken from it)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
messages="${PEERS_MESSAGES:-5000}"
runs="${PEERS_RUNS:-3}"
timeout_s="${PEERS_TIMEOUT:-300}"
clients="${PEERS_CLIENTS:-wx-tokio wx-blocking wx-smol itchat wechat4u}"
steady_ms="${PEERS_STEADY_MS:-1}"
steady_messages="${PEERS_STEADY_MESSAGES:-10000}"
dir="${WX_INTEROP_DIR:-${TMPDIR:-/tmp}/wx-sim-interop}"
target="${CARGO_TARGET_DIR:-$root/target}"
mkdir -p "$dir" "$root/benches/results"

# Built once, release, each package on its own (no shared output names).
(cd "$root" && cargo build -q --release -p wx-sim --bin wx-sim)
(cd "$root" && cargo build -q --release -p wx-tokio --example load_one)
(cd "$root" && cargo build -q --release -p wx-blocking --example load_one_blocking)
(cd "$root" && cargo build -q --release -p wx-smol --example load_one_smol)

work="$(mktemp -d "$dir/peers.XXXXXX")"
mpid=""
trap 'rm -rf "$work"' EXIT
# A stopped script stops measure.py, which stops its simulator and client (SIGTERM, then KILL).
trap 'if [ -n "$mpid" ]; then kill -TERM "$mpid" 2>/dev/null; wait "$mpid"; fi; exit 143' TERM INT HUP

specs=()
for c in $clients; do
  case "$c" in
    wx-tokio)
      specs+=("wx-tokio=$target/release/examples/load_one {base} {count} {hold} {timeout} {prefix}") ;;
    wx-blocking)
      specs+=("wx-blocking=$target/release/examples/load_one_blocking {base} {count} {hold} {timeout} {prefix}") ;;
    wx-smol)
      specs+=("wx-smol=$target/release/examples/load_one_smol {base} {count} {hold} {timeout} {prefix}") ;;
    itchat)
      # The install of wx-sim/interop/run.sh: a venv, or a private --target directory.
      venv="$dir/itchat-venv"
      if python3 -m venv "$venv" >/dev/null 2>&1 && [ -x "$venv/bin/python" ]; then
        "$venv/bin/python" -m pip install -q --disable-pip-version-check "itchat==1.3.10"
        py="$venv/bin/python"
      else
        python3 -m pip install -q --disable-pip-version-check --target "$dir/itchat-site" "itchat==1.3.10"
        export PYTHONPATH="$dir/itchat-site${PYTHONPATH:+:$PYTHONPATH}"
        py="$(command -v python3)"
      fi
      specs+=("itchat=$py $here/itchat_load.py {base} {count} {hold} {timeout} {prefix}") ;;
    wechat4u)
      mkdir -p "$dir/wechat4u"
      npm install -s --no-audit --no-fund --prefix "$dir/wechat4u" "wechat4u@0.7.14" > /dev/null
      export NODE_PATH="$dir/wechat4u/node_modules"
      specs+=("wechat4u=$(command -v node) $here/wechat4u_load.js {base} {count} {hold} {timeout} {prefix}") ;;
    *) echo "peers: unknown client $c" >&2; exit 2 ;;
  esac
done

# itchat writes its QR picture into the working directory: the clients run in $work.
measure() {
  # In the background and waited for, so that a signal to this script is handled at once.
  python3 "$here/measure.py" --sim "$target/release/wx-sim" --runs "$runs" \
    --timeout "$timeout_s" --workdir "$work" \
    --out-raw "$root/benches/results/peers.txt" --out-md "$root/benches/results/peers.md" \
    "$@" "${specs[@]}" &
  mpid=$!
  local rc=0
  wait "$mpid" || rc=$?
  mpid=""
  return "$rc"
}
rc=0
measure --messages "$messages" || rc=$?
if [ "$steady_ms" != 0 ]; then
  measure --append --steady-ms "$steady_ms" --messages "$steady_messages" || rc=$?
fi
exit "$rc"
