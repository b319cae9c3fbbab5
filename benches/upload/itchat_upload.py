"""One file sent through itchat 1.3.10 (unchanged, from PyPI) to a wx-sim process, for the upload
benchmark (benches/upload/run.sh, measured by measure.py): the counterpart of wx-benches'
`upload_client`.

Logs in to a wx-sim started with --auto-confirm (only itchat's base URL is changed, at run time,
as wx-sim/interop does), lets itchat's receive thread idle for IDLE_MS, reads its own resident
set (/proc/self/status), resets the peak (/proc/self/clear_refs, "5"), calls
`itchat.send_file(FILE, toUserName=<first friend>)` (itchat reads the whole file into memory for
its MD5, then posts it in 512 KiB chunks; it has no webwxcheckupload) and prints one JSON line
with the same fields as upload_client.

    python3 itchat_upload.py BASE_URL FILE [IDLE_MS] [TIMEOUT_S]
"""
import html
import html.parser
import json
import os
import sys
import threading
import time

BASE = sys.argv[1].rstrip('/')
PATH = sys.argv[2]
IDLE_MS = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
TIMEOUT = float(sys.argv[4]) if len(sys.argv) > 4 else 600

# The same two standard-library shims as wx-sim/interop/itchat_driver.py: Python >= 3.9 removed
# HTMLParser.unescape, which itchat 1.3.10 still calls, and Thread.setDaemon is deprecated.
if not hasattr(html.parser.HTMLParser, 'unescape'):
    html.parser.HTMLParser.unescape = lambda self, s: html.unescape(s)
if not hasattr(threading.Thread, 'setDaemon'):
    threading.Thread.setDaemon = lambda self, daemonic: setattr(self, 'daemon', daemonic)

import itchat  # noqa: E402

itchat.config.BASE_URL = BASE


def status_kib(field):
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1])
    return 0


def reset_hwm():
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
        return True
    except OSError:
        return False


def out(**fields):
    print(json.dumps(dict(client='itchat', **fields)), flush=True)


def watchdog():
    time.sleep(TIMEOUT)
    out(ok=False, error='timeout')
    os._exit(1)


threading.Thread(target=watchdog, daemon=True).start()

# The simulator confirms the login by itself (--auto-confirm): the QR callback has nothing to do.
itchat.auto_login(hotReload=False, qrCallback=lambda **_: None, loginCallback=lambda: None,
                  exitCallback=lambda: None)
time.sleep(IDLE_MS / 1000)
idle_rss, idle_hwm = status_kib('VmRSS'), status_kib('VmHWM')
hwm_reset = reset_hwm()
friends = itchat.get_friends()  # [0] is the account itself
to = friends[1]['UserName']
size = os.path.getsize(PATH)

t0 = time.perf_counter()
r = itchat.send_file(PATH, toUserName=to)
secs = time.perf_counter() - t0
peak_hwm, after_rss = status_kib('VmHWM'), status_kib('VmRSS')
base = r.get('BaseResponse', {}) if hasattr(r, 'get') else {}
ok = base.get('Ret') == 0
fields = dict(ok=ok, bytes=size, secs=round(secs, 6), idle_rss_kib=idle_rss, idle_hwm_kib=idle_hwm,
              peak_hwm_kib=peak_hwm, after_rss_kib=after_rss, hwm_reset=hwm_reset, to=to)
if ok:
    fields['msg_id'] = str(r.get('MsgID', ''))
else:
    fields['error'] = 'Ret %s %s' % (base.get('Ret'), base.get('ErrMsg', ''))
out(**fields)
os._exit(0 if ok else 1)
