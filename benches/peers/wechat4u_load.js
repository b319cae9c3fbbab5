// One account under a message load through wechat4u 0.7.14 (unchanged, from npm), for the peers
// benchmark (benches/peers/run.sh). Logs in to a wx-sim started with --auto-confirm (only the
// base URL changes: every URL wechat4u's getCONF() builds points at the simulator, as in
// wx-sim/interop), prints `ready <unix time>` once the contacts are loaded and the sync loop
// runs, counts the texts that start with "load " in an ordinary 'message' handler, prints
// `done <count> <unix time>` at the COUNT-th, then stays alive (idle) for HOLD seconds so the
// script can read its peak memory, and exits. Prints `timeout <count>` after TIMEOUT seconds.
//
//   NODE_PATH=.../node_modules node wechat4u_load.js BASE_URL [COUNT] [HOLD_S] [TIMEOUT_S] [PREFIX]
//
// PREFIX (default "load ") selects the texts counted: "steady " for the simulator's --rate-ms
// load. The `ready` line ends with `seen <n>`, the count so far.
'use strict'
const BASE = process.argv[2].replace(/\/$/, '')
const WANT = +(process.argv[3] || 5000)
const HOLD = +(process.argv[4] || 60)
const TIMEOUT = +(process.argv[5] || 600)
const PREFIX = process.argv[6] || 'load '
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

function world () {
  return new Promise((resolve, reject) => {
    http.get(BASE + '/__sim/world', res => {
      let data = ''
      res.on('data', d => { data += d })
      res.on('end', () => resolve(JSON.parse(data)))
    }).on('error', reject)
  })
}

let count = 0
const watchdog = setTimeout(() => {
  console.log('timeout ' + count)
  process.exit(1)
}, TIMEOUT * 1000)

const bot = new Wechat()
// The simulator confirms the login by itself (--auto-confirm): nothing to do with the uuid.
bot.on('error', err => { console.error('wechat4u error event: ' + (err && err.message)) })
bot.on('login', async () => {
  const w = await world()
  // wechat4u pages webwxgetcontact in the background: ready once it has them all.
  for (let i = 0; i < 300 && Object.keys(bot.contacts).length < w.contacts; i++) {
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  console.log('ready ' + (Date.now() / 1000).toFixed(6) + ' ' + Object.keys(bot.contacts).length + ' contacts seen ' + count)
})
bot.on('message', msg => {
  if (msg.MsgType !== bot.CONF.MSGTYPE_TEXT || !msg.Content.startsWith(PREFIX)) return
  count += 1
  if (count === WANT) {
    console.log('done ' + count + ' ' + (Date.now() / 1000).toFixed(6))
    clearTimeout(watchdog)
    setTimeout(() => process.exit(0), HOLD * 1000)
  }
})
bot.start()
