"""One account under a message load through itchat 1.3.10 (unchanged, from PyPI), for the peers
benchmark (benches/peers/run.sh).

Logs in to a wx-sim started with --auto-confirm (only itchat's base URL is changed, at run time,
as wx-sim/interop does), prints `ready <unix time>` once the contacts are loaded and itchat's
receive loop and reply loop run, counts the texts that start with "load " in an ordinary
@msg_register handler, prints `done <count> <unix time>` at the COUNT-th, then stays alive (idle)
for HOLD seconds so the script can read its peak memory, and exits. Prints `timeout <count>`
and exits after TIMEOUT seconds.

    python3 itchat_load.py BASE_URL [COUNT] [HOLD_S] [TIMEOUT_S] [PREFIX]

PREFIX (default "load ") selects the texts counted: "steady " for the simulator's --rate-ms
load. The `ready` line ends with `seen <n>`, the count so far.
"""
import html
import html.parser
import os
import sys
import threading
import time

BASE = sys.argv[1].rstrip('/')
WANT = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
HOLD = float(sys.argv[3]) if len(sys.argv) > 3 else 60
TIMEOUT = float(sys.argv[4]) if len(sys.argv) > 4 else 600
PREFIX = sys.argv[5] if len(sys.argv) > 5 else 'load '

# The same two standard-library shims as wx-sim/interop/itchat_driver.py: Python >= 3.9 removed
# HTMLParser.unescape, which itchat 1.3.10 still calls, and Thread.setDaemon is deprecated.
if not hasattr(html.parser.HTMLParser, 'unescape'):
    html.parser.HTMLParser.unescape = lambda self, s: html.unescape(s)
if not hasattr(threading.Thread, 'setDaemon'):
    threading.Thread.setDaemon = lambda self, daemonic: setattr(self, 'daemon', daemonic)

import itchat  # noqa: E402
from itchat.content import TEXT  # noqa: E402

itchat.config.BASE_URL = BASE
count = [0]
finished = threading.Event()


def watchdog():
    if not finished.wait(TIMEOUT):
        print('timeout %d' % count[0], flush=True)
        os._exit(1)


threading.Thread(target=watchdog, daemon=True).start()


@itchat.msg_register(TEXT, isFriendChat=True, isGroupChat=True)
def on_text(msg):
    if msg.text.startswith(PREFIX):
        count[0] += 1
        if count[0] == WANT:
            print('done %d %.6f' % (count[0], time.time()), flush=True)
            finished.set()


# The simulator confirms the login by itself (--auto-confirm): the QR callback has nothing to do.
itchat.auto_login(hotReload=False, qrCallback=lambda **_: None, loginCallback=lambda: None,
                  exitCallback=lambda: None)
threading.Thread(target=lambda: itchat.run(debug=False, blockThread=True), daemon=True).start()
print('ready %.6f %d friends %d groups seen %d' % (time.time(), len(itchat.get_friends()),
                                                  len(itchat.get_chatrooms()), count[0]),
      flush=True)
if not finished.wait(TIMEOUT):
    os._exit(1)
time.sleep(HOLD)
os._exit(0)
