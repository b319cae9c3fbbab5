"""Drive itchat (unchanged, from PyPI) through a whole session against a running wx-sim.

Only itchat's base URL is changed, at run time (itchat.config.BASE_URL); everything after
the login follows the redirect_uri the simulator returns. Exit status 0 means: logged in,
contacts loaded, a text from a friend and one from a group received and answered, an image
downloaded, logged out.
"""
import json
import sys
import threading
import time
import urllib.request

BASE = sys.argv[1].rstrip('/')
DEADLINE = time.time() + float(sys.argv[2] if len(sys.argv) > 2 else 90)


def ctl(path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + '/__sim/' + path, data=data,
                                 method='GET' if body is None and not path.startswith(('login', 'end')) else 'POST')
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.read().decode()


def fail(why):
    print('interop: FAIL: ' + why, flush=True)
    sys.exit(1)


def wait_for(what, pred):
    while time.time() < DEADLINE:
        v = pred()
        if v:
            return v
        time.sleep(0.2)
    fail('timed out waiting for ' + what)


# Python >= 3.9 removed HTMLParser.unescape, which itchat 1.3.10 (2017) still calls. This
# restores the standard-library function under its old name; it touches no protocol code.
import html  # noqa: E402
import html.parser  # noqa: E402

if not hasattr(html.parser.HTMLParser, 'unescape'):
    html.parser.HTMLParser.unescape = lambda self, s: html.unescape(s)

import itchat  # noqa: E402
from itchat.content import PICTURE, TEXT  # noqa: E402

itchat.config.BASE_URL = BASE
seen = {}


def on_qr(uuid=None, status=None, qrcode=None):
    if status == '0':
        if not qrcode.startswith(b'\x89PNG'):
            fail('itchat made no QR image')
        seen['uuid'] = uuid
        ctl('login?uuid=' + uuid)  # the phone scans and confirms


@itchat.msg_register(TEXT, isFriendChat=True)
def on_friend_text(msg):
    if msg.text == 'ping from a friend':
        seen['friend'] = msg['FromUserName']
        return 'pong to a friend'


@itchat.msg_register(TEXT, isGroupChat=True)
def on_group_text(msg):
    if msg.text == 'ping from a group':
        seen['group'] = msg['FromUserName']
        seen['group_sender'] = msg['ActualUserName']
        return 'pong to a group'


@itchat.msg_register(PICTURE, isFriendChat=True)
def on_picture(msg):
    seen['picture'] = msg.download(None)


itchat.auto_login(hotReload=False, qrCallback=on_qr, loginCallback=lambda: None,
                  exitCallback=lambda: seen.setdefault('exited', True))
if 'uuid' not in seen:
    fail('no QR was shown')
me = itchat.search_friends()
print('interop: logged in as %s' % me['NickName'], flush=True)
world = json.loads(ctl('world'))
friends = itchat.get_friends()
rooms = itchat.get_chatrooms()
if len(friends) < world['contacts'] // 2:
    fail('itchat loaded %d friends of %d contacts' % (len(friends), world['contacts']))
if not rooms:
    fail('itchat loaded no groups')
print('interop: %d friends, %d groups loaded' % (len(friends), len(rooms)), flush=True)

threading.Thread(target=lambda: itchat.run(debug=False, blockThread=True), daemon=True).start()
ctl('push', {'from': '0', 'body': {'kind': 'text', 'text': 'ping from a friend'}})
ctl('push', {'group': '0', 'body': {'kind': 'text', 'text': 'ping from a group'}})
ctl('push', {'from': '0', 'body': {'kind': 'image'}})


def replies():
    sent = json.loads(ctl('sent'))
    texts = {(s['to'], s['content']) for s in sent}
    want = {(seen.get('friend'), 'pong to a friend'), (seen.get('group'), 'pong to a group')}
    return want <= texts


wait_for('both replies', replies)
if seen.get('friend') != world['friends'][0]['user_name']:
    fail('the friend text came from an unexpected user')
if seen.get('group') != world['groups'][0]['user_name']:
    fail('the group text came from an unexpected group')
wait_for('the picture', lambda: seen.get('picture'))
if not seen['picture'].startswith(b'\xff\xd8'):
    fail('the downloaded picture is not a JPEG')
print('interop: received from a friend and a group, replied, downloaded an image', flush=True)

itchat.logout()
state = json.loads(ctl('state'))
if any(s['live'] for s in state['sessions']):
    fail('a session is still live after logout')
print('interop: logged out; %d requests served: %s' % (state['served'], json.dumps(state['served_by'])), flush=True)
print('interop: PASS', flush=True)
