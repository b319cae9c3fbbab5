#!/usr/bin/env bash
# Proof of fidelity: real third-party clients of the real server, unchanged but for their base
# URL, run whole sessions against a wx-sim process. Exits non-zero on any failure.
#
#   itchat 1.3.10 (PyPI): QR login, contact paging, a text from a friend and from a group with
#     replies, an image download, chunked uploads (file, image, video), revoke, remark, group
#     create/rename/add, accepting a friend request, an attachment download, logout.
#   itchat-uos 1.4.1 (PyPI, its own venv: it provides the same `itchat` module): UOS-mode QR
#     login (empty Skey, its DeviceID as pass_ticket, wxsid/wxuin from the cookies), contact
#     paging, a text from a friend and from a group with replies, an image download, logout.
#   wechat4u 0.7.14 (npm): QR login (desktop/UOS variant), contact paging, a text from a friend
#     and from a group with replies (the group sender shown by its display name, from the
#     members wechat4u batch-fetches), logout.
#
#   WX_SIM_BIN=path/to/wx-sim    use this binary instead of `cargo build -p wx-sim --release`
#   WX_INTEROP_CLIENTS="itchat itchat-uos wechat4u"   which clients to run (default: all three)
#   WX_INTEROP_DIR=dir           where the clients get installed (default: $TMPDIR/wx-sim-interop)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
clients="${WX_INTEROP_CLIENTS:-itchat itchat-uos wechat4u}"
dir="${WX_INTEROP_DIR:-${TMPDIR:-/tmp}/wx-sim-interop}"
mkdir -p "$dir"

bin="${WX_SIM_BIN:-}"
if [ -z "$bin" ]; then
  (cd "$root" && cargo build -q -p wx-sim --release --bin wx-sim)
  bin="${CARGO_TARGET_DIR:-$root/target}/release/wx-sim"
fi
[ -x "$bin" ] || { echo "interop: no wx-sim binary at $bin" >&2; exit 1; }

work="$(mktemp -d "$dir/run.XXXXXX")"
pid=""
stop_sim() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    # A graceful stop gets 5 s; a simulator that hangs must not hang CI.
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
  fi
}
trap 'stop_sim; rm -rf "$work"' EXIT

# Starts a fresh simulator and sets $base.
start_sim() {
  local log="$work/wx-sim-$1.log"
  "$bin" --port 0 --contacts 240 --page 50 --groups 3 --members 6 > "$log" 2>&1 &
  pid=$!
  base=""
  for _ in $(seq 1 100); do
    base="$(sed -n 's/^wx-sim listening on //p' "$log")"
    [ -n "$base" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "interop: wx-sim exited" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$base" ] || { cat "$log" >&2; echo "interop: wx-sim did not start" >&2; exit 1; }
  echo "interop: wx-sim for $1 at $base"
}

# Installs `$2` into the venv `$dir/$1` (or a private directory without the venv module) and
# sets $py to run it.
python_with() {
  local venv="$dir/$1"
  if python3 -m venv "$venv" >/dev/null 2>&1 && [ -x "$venv/bin/python" ]; then
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "$2"
    py="$venv/bin/python"
  else
    python3 -m pip install -q --disable-pip-version-check --target "$dir/$1-site" "$2"
    export PYTHONPATH="$dir/$1-site"
    py="python3"
  fi
}

run_itchat() {
  local py
  python_with itchat-venv "itchat==1.3.10"
  start_sim itchat
  # itchat writes its QR picture into the working directory: keep it out of the repo.
  (cd "$work" && timeout 240 "$py" "$here/itchat_driver.py" "$base" 180)
  stop_sim
}

# itchat-uos provides the module `itchat` too: a venv of its own, never beside itchat.
run_itchat_uos() {
  local py
  python_with itchat-uos-venv "itchat-uos==1.4.1"
  start_sim itchat-uos
  (cd "$work" && timeout 150 "$py" "$here/itchat_driver.py" "$base" 120 basic)
  stop_sim
}

run_wechat4u() {
  local nd="$dir/wechat4u"
  mkdir -p "$nd"
  npm install -s --no-audit --no-fund --prefix "$nd" "wechat4u@0.7.14" > /dev/null
  start_sim wechat4u
  (cd "$work" && NODE_PATH="$nd/node_modules" timeout 150 node "$here/wechat4u_driver.js" "$base")
  stop_sim
}

for c in $clients; do
  case "$c" in
    itchat) run_itchat ;;
    itchat-uos) run_itchat_uos ;;
    wechat4u) run_wechat4u ;;
    *) echo "interop: unknown client $c" >&2; exit 2 ;;
  esac
done
echo "interop: all passed ($clients)"
