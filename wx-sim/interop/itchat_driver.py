"""Drive itchat (unchanged, from PyPI) through a whole session against a running wx-sim.

    itchat_driver.py BASE SECONDS [basic]

`basic` stops after the first phase (login, texts received and answered, an image): the run
of itchat-uos 1.4.1, which provides the same `itchat` module in UOS mode (empty Skey,
its DeviceID as pass_ticket, credentials from the wxsid/wxuin cookies).

Only itchat's base URL is changed, at run time (itchat.config.BASE_URL); everything after
the login follows the redirect_uri the simulator returns. Exit status 0 means: logged in,
contacts loaded, a text from a friend and one from a group received and answered, an image
downloaded, logged out.
"""
import json
import os
import sys
import threading
import time
import urllib.request

BASE = sys.argv[1].rstrip('/')
DEADLINE = time.time() + float(sys.argv[2] if len(sys.argv) > 2 else 90)
MODE = sys.argv[3] if len(sys.argv) > 3 else 'full'


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
# Likewise Thread.setDaemon, deprecated since 3.10 and due to go: keep it callable.
if not hasattr(threading.Thread, 'setDaemon'):
    threading.Thread.setDaemon = lambda self, daemonic: setattr(self, 'daemon', daemonic)

import itchat  # noqa: E402
from itchat.content import ATTACHMENT, FRIENDS, PICTURE, TEXT  # noqa: E402

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


@itchat.msg_register(ATTACHMENT, isFriendChat=True)
def on_attachment(msg):
    # The echo of our own file send comes back too (as from the phone): not the friend's.
    if msg['FromUserName'] == seen.get('me'):
        return
    seen['attachment'] = (msg['FileName'], msg.download(None))


@itchat.msg_register(FRIENDS)
def on_friend_request(msg):
    seen['request'] = msg['RecommendInfo']['UserName']
    msg.user.verify()  # itchat's accept: webwxverifyuser Opcode 3, then batchgetcontact
    seen['accepted'] = True


itchat.auto_login(hotReload=False, qrCallback=on_qr, loginCallback=lambda: None,
                  exitCallback=lambda: seen.setdefault('exited', True))
if 'uuid' not in seen:
    fail('no QR was shown')
me = itchat.search_friends()
seen['me'] = me['UserName']
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


def finish():
    itchat.logout()
    state = json.loads(ctl('state'))
    if any(s['live'] for s in state['sessions']):
        fail('a session is still live after logout')
    print('interop: logged out; %d requests served: %s' % (state['served'], json.dumps(state['served_by'])),
          flush=True)
    print('interop: PASS', flush=True)
    sys.exit(0)


if MODE == 'basic':
    finish()

# Phase 2: files, images, video (chunked multipart uploads), revoke, remark, groups, a friend
# request and an attachment download, each checked on the simulator's side.
friend = world['friends'][1]['user_name']
big = os.path.abspath('big.bin')
with open(big, 'wb') as f:
    f.write(bytes(range(256)) * 2400)  # 614400 bytes: two 512 KiB chunks
with open('pic.jpg', 'wb') as f:
    f.write(seen['picture'])
with open('clip.mp4', 'wb') as f:
    f.write(b'\x00\x00\x00\x18ftypmp42' + bytes(5000))
for what, r in (('send_file', itchat.send_file(big, toUserName=friend)),
                ('send_image', itchat.send_image('pic.jpg', toUserName=friend)),
                ('send_video', itchat.send_video('clip.mp4', toUserName=friend))):
    if not r:
        fail('%s: %s' % (what, r))
oops = itchat.send('to be recalled', toUserName=friend)
if not oops or not itchat.revoke(oops['MsgID'], friend, oops['LocalID']):
    fail('send then revoke')
for what, r in (('set_alias', itchat.set_alias(friend, '老同学')),):
    if not r:
        fail('%s: %s' % (what, r))
room = itchat.create_chatroom([{'UserName': world['friends'][2]['user_name']},
                               {'UserName': world['friends'][3]['user_name']}], topic='')
if not room or not room['ChatRoomName'].startswith('@@'):
    fail('create_chatroom: %s' % room)
if not itchat.set_chatroom_name(room['ChatRoomName'], 'wx-sim 群'):
    fail('set_chatroom_name')
if not itchat.add_member_into_chatroom(room['ChatRoomName'], [{'UserName': world['friends'][4]['user_name']}]):
    fail('add_member_into_chatroom')
ctl('push', {'body': {'kind': 'friend_request', 'nick': '新朋友', 'greeting': '你好'}})
ctl('push', {'from': '0', 'body': {'kind': 'file', 'name': 'report.pdf', 'size': 70000}})
wait_for('the friend request to be accepted', lambda: seen.get('accepted'))
wait_for('the attachment', lambda: seen.get('attachment'))
name, data = seen['attachment']
if name != 'report.pdf' or len(data) != 70000:
    fail('attachment %s of %d bytes' % (name, len(data)))
sent = json.loads(ctl('sent'))
by_endpoint = {}
for s_ in sent:
    by_endpoint.setdefault(s_['endpoint'], []).append(s_)
for ep in ('webwxsendappmsg', 'webwxsendmsgimg', 'webwxsendvideomsg'):
    if ep not in by_endpoint:
        fail('no %s reached the simulator' % ep)
if '<totallen>614400</totallen>' not in by_endpoint['webwxsendappmsg'][0]['content']:
    fail('the file appmsg does not carry the size')
if not any(s_['revoked'] for s_ in by_endpoint['webwxsendmsg']):
    fail('the revoke did not reach the simulator')
world2 = json.loads(ctl('world'))
if world2['contacts'] != world['contacts'] + 2:
    fail('expected the new group and the new friend: %d -> %d' % (world['contacts'], world2['contacts']))
print('interop: sent a 2-chunk file, an image and a video, revoked, set a remark, made and renamed a group, '
      'added a member, accepted a friend request, downloaded an attachment', flush=True)

finish()
