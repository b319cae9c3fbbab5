#!/usr/bin/env bash
# The upload benchmark (issue 14): a file of pseudo-random bytes sent as an attachment through
# wx-tokio (wx-benches' upload_client, release) and through itchat 1.3.10 (PyPI), each against
# its own fresh wx-sim process on loopback, K runs each. Prints wall time, MB/s and the client
# process's resident memory idle after login and at its peak during the upload; checks the
# uploaded file's length and MD5 through the simulator's control API. Writes
# benches/results/upload.txt (raw, one JSON line per run) and benches/results/upload.md (the
# table). Measuring is done by measure.py.
#
#   UPLOAD_SIZES_MIB="48 24"   file sizes (MiB); 24 is under the 25 MiB webwxcheckupload line,
#                              which itchat 1.3.10 does not know
#   UPLOAD_RUNS=3              runs per client and size (K); the table shows medians
#   UPLOAD_TIMEOUT=300         seconds a client gets for login and upload
#   UPLOAD_CLIENTS="wx-tokio itchat"
#   WX_INTEROP_DIR=dir         where itchat gets installed (shared with wx-sim/interop, peers)
#   CARGO_TARGET_DIR           as usual (the release binaries are taken from it)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
sizes="${UPLOAD_SIZES_MIB:-48 24}"
runs="${UPLOAD_RUNS:-3}"
timeout_s="${UPLOAD_TIMEOUT:-300}"
clients="${UPLOAD_CLIENTS:-wx-tokio itchat}"
dir="${WX_INTEROP_DIR:-${TMPDIR:-/tmp}/wx-sim-interop}"
target="${CARGO_TARGET_DIR:-$root/target}"
mkdir -p "$dir" "$root/benches/results"

# Built once, release, each package on its own.
(cd "$root" && cargo build -q --release -p wx-sim --bin wx-sim)
(cd "$root" && cargo build -q --release -p wx-benches --bin upload_client)

work="$(mktemp -d "${TMPDIR:-/tmp}/wx-upload.XXXXXX")"
mpid=""
trap 'rm -rf "$work"' EXIT
trap 'if [ -n "$mpid" ]; then kill -TERM "$mpid" 2>/dev/null; wait "$mpid"; fi; exit 143' TERM INT HUP

specs=()
for c in $clients; do
  case "$c" in
    wx-tokio)
      specs+=("wx-tokio=$target/release/upload_client {base} {file} 1000 {timeout}") ;;
    itchat)
      # The install of wx-sim/interop/run.sh and benches/peers/run.sh: a venv, or --target.
      venv="$dir/itchat-venv"
      if python3 -m venv "$venv" >/dev/null 2>&1 && [ -x "$venv/bin/python" ]; then
        "$venv/bin/python" -m pip install -q --disable-pip-version-check "itchat==1.3.10"
        py="$venv/bin/python"
      else
        python3 -m pip install -q --disable-pip-version-check --target "$dir/itchat-site" "itchat==1.3.10"
        export PYTHONPATH="$dir/itchat-site${PYTHONPATH:+:$PYTHONPATH}"
        py="$(command -v python3)"
      fi
      specs+=("itchat=$py $here/itchat_upload.py {base} {file} 1000 {timeout}") ;;
    *) echo "upload: unknown client $c" >&2; exit 2 ;;
  esac
done

# The files: pseudo-random bytes from a fixed seed (the same MD5 every time), in the temp dir.
files=()
for s in $sizes; do
  f="$work/upload-${s}MiB.bin"
  python3 - "$f" "$s" <<'PY'
import random, sys
rng, left = random.Random(14), int(sys.argv[2]) * 1048576
with open(sys.argv[1], 'wb') as f:
    while left:
        n = min(left, 1 << 20)
        f.write(rng.randbytes(n))
        left -= n
PY
  files+=(--file "$f")
done

# itchat writes its QR picture into the working directory: the clients run in $work.
python3 "$here/measure.py" --sim "$target/release/wx-sim" --runs "$runs" --timeout "$timeout_s" \
  --workdir "$work" --out-raw "$root/benches/results/upload.txt" \
  --out-md "$root/benches/results/upload.md" "${files[@]}" "${specs[@]}" &
mpid=$!
rc=0
wait "$mpid" || rc=$?
exit "$rc"
