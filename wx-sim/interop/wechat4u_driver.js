// Drive wechat4u (unchanged, from npm) through a session against a running wx-sim: QR login
// (wechat4u uses the desktop/UOS variant), contact paging, a text from a friend and one from a
// group, both answered, logout. Only the base URL changes: every URL that wechat4u's getCONF()
// builds is pointed at the simulator.
'use strict'
const BASE = process.argv[2].replace(/\/$/, '')
const http = require('http')

const conf = require('wechat4u/lib/util/conf')
const origGetCONF = conf.getCONF
conf.getCONF = host => {
  const c = origGetCONF(host)
  for (const k of Object.keys(c)) {
    if (typeof c[k] === 'string') c[k] = c[k].replace(/^https:\/\/[^/]+/, BASE)
  }
  return c
}
const Wechat = require('wechat4u')

function ctl (method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(BASE + '/__sim/' + path, { method }, res => {
      let data = ''
      res.on('data', d => { data += d })
      res.on('end', () => resolve(data))
    })
    req.on('error', reject)
    if (body) req.write(JSON.stringify(body))
    req.end()
  })
}
function fail (why) {
  console.log('interop(wechat4u): FAIL: ' + why)
  process.exit(1)
}
setTimeout(() => fail('timed out'), 90000).unref()

const seen = {}
const bot = new Wechat()
bot.on('uuid', uuid => { ctl('POST', 'login?uuid=' + encodeURIComponent(uuid)) })
bot.on('error', err => { console.log('interop(wechat4u): error event: ' + (err && err.message)) })
bot.on('login', async () => {
  const world = JSON.parse(await ctl('GET', 'world'))
  seen.world = world
  console.log('interop(wechat4u): logged in as ' + bot.user.NickName)
  // wechat4u pages webwxgetcontact (and batch-fetches groups) in the background: wait for it.
  for (let i = 0; i < 100 && Object.keys(bot.contacts).length < world.contacts; i++) {
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  if (Object.keys(bot.contacts).length < world.contacts) fail('contacts: ' + Object.keys(bot.contacts).length + ' of ' + world.contacts)
  await ctl('POST', 'push', { from: '0', body: { kind: 'text', text: 'ping from a friend' } })
  await ctl('POST', 'push', { group: '0', body: { kind: 'text', text: 'ping from a group' } })
})
bot.on('message', async msg => {
  if (msg.MsgType !== bot.CONF.MSGTYPE_TEXT) return
  const text = msg.Content
  if (text === 'ping from a friend' && !seen.friend) {
    seen.friend = msg.FromUserName
    await bot.sendMsg('pong to a friend', msg.FromUserName)
    seen.friendSent = true
  } else if (text.endsWith('ping from a group') && !seen.group) {
    seen.group = msg.FromUserName
    // wechat4u replaces the "@member:" prefix with the member's display name, from the
    // MemberList it batch-fetched (webwxgetcontact gives groups MemberCount 0).
    const sender = text.slice(0, text.length - 'ping from a group'.length).replace(/:\n$/, '')
    console.log('interop(wechat4u): group sender shown as ' + JSON.stringify(sender))
    const m = seen.world.groups[0].members[0]
    const want = m.display_name || m.nick_name
    if (sender !== want) fail('group sender shown as ' + JSON.stringify(sender) + ', not ' + JSON.stringify(want))
    if (sender.startsWith('@')) fail('group sender shown as a raw id: ' + sender)
    await bot.sendMsg('pong to a group', msg.FromUserName)
    seen.groupSent = true
  }
  // Both handlers await their send: check only once both sends have completed.
  if (seen.friendSent && seen.groupSent && !seen.done) {
    seen.done = true
    const sent = JSON.parse(await ctl('GET', 'sent'))
    const ok = ['friend', 'group'].every(k => sent.some(s => s.to === seen[k] && s.content === 'pong to a ' + k))
    if (!ok) fail('replies did not reach the simulator: ' + JSON.stringify(sent))
    if (seen.friend !== seen.world.friends[0].user_name) fail('unexpected friend')
    if (seen.group !== seen.world.groups[0].user_name) fail('unexpected group')
    const contacts = Object.keys(bot.contacts).length
    console.log('interop(wechat4u): ' + contacts + ' contacts known; received from a friend and a group, replied')
    bot.stop()
  }
})
bot.on('logout', async () => {
  // wechat4u emits 'logout' before its webwxlogout request completes: wait for it.
  let state
  for (let i = 0; i < 50; i++) {
    state = JSON.parse(await ctl('GET', 'state'))
    if (!state.sessions.some(s => s.live)) break
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  if (state.sessions.some(s => s.live)) fail('a session is still live after logout')
  if (!seen.done) fail('logged out before the exchange')
  console.log('interop(wechat4u): logged out; ' + JSON.stringify(state.served_by))
  console.log('interop(wechat4u): PASS')
  process.exit(0)
})
bot.start()
