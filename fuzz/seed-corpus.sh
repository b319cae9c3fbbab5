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
cp seeds/h1/* corpus/h1/
