#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the repo's own fixtures (the committed seeds).
set -euo pipefail
cd "$(dirname "$0")"
fx=../fixtures
seed() { local target=$1; shift; mkdir -p "corpus/$target"; for d in "$@"; do
  if [ -d "$fx/$d" ]; then find "$fx/$d" -type f -exec cp {} "corpus/$target/" \; ; fi; done; }
seed js_assignment jslogin login
seed synccheck synccheck
seed login_page webwxnewloginpage
mkdir -p corpus/set_cookie
if [ -f "$fx/set-cookie/newloginpage.txt" ]; then
  i=0; while IFS= read -r line; do printf '%s' "$line" > "corpus/set_cookie/line$i"; i=$((i+1)); done < "$fx/set-cookie/newloginpage.txt"
fi
seed sync webwxsync addmsg
seed contacts webwxinit webwxgetcontact webwxbatchgetcontact
seed json_small webwxsendmsg webwxstatusnotify webwxuploadmedia webwxcheckupload webwxrevokemsg webwxoplog webwxupdatechatroom webwxcreatechatroom webwxverifyuser webwxpushloginurl
seed message addmsg
seed content content
mkdir -p corpus/media
printf '\x10\x00\x00report.pdf' > corpus/media/plain
printf '\x05\x00\x01a&b<c>\x27"\r\n--x.txt' > corpus/media/hostile
printf '\x00\x00\x00attachment; filename*=UTF-8\x27\x27%%E4%%BD%%A0.txt' > corpus/media/disposition
seed session synccheck
seed split webwxsync webwxinit webwxgetcontact webwxbatchgetcontact
mkdir -p corpus/h1
printf '\x00HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello' > corpus/h1/length
printf '\x04HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: 1\r\n\r\n' > corpus/h1/chunked
printf '\x08HTTP/1.0 200 OK\r\n\r\nuntil close' > corpus/h1/close
printf '\x03HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n' > corpus/h1/connect
