/**
 * The web dashboard: one self-contained page served at `GET /`, which polls
 * the node's own JSON endpoints. No build step, no external assets (the page
 * must work on a machine with no internet access), no inline event handlers.
 *
 * @module
 */
import type { ApiServer } from './server.ts'

/** How often the page refreshes, ms. */
export const DASHBOARD_REFRESH_MS = 2000

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>chainwire</title>
<style>
  :root { color-scheme: light dark; --muted: #888; --ok: #2a7; --bad: #c33; }
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; max-width: 70rem; }
  h1 { font-size: 1.3rem; margin: 0 0 .25rem; }
  h2 { font-size: 1rem; margin: 1.5rem 0 .5rem; }
  .muted { color: var(--muted); }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: .75rem; }
  .card { border: 1px solid #8884; border-radius: .4rem; padding: .6rem .8rem; }
  .card b { display: block; font-size: 1.3rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #8883; font-variant-numeric: tabular-nums; }
  code { font-size: .85em; word-break: break-all; }
  #error { color: var(--bad); }
</style>
</head>
<body>
<h1>chainwire <span id="network" class="muted"></span></h1>
<div><code id="peerId"></code></div>
<div id="error" role="alert"></div>
<h2>Node</h2>
<div class="grid">
  <div class="card">peers<b id="peers">–</b></div>
  <div class="card">height<b id="height">–</b></div>
  <div class="card">sync<b id="sync">–</b></div>
  <div class="card">mempool<b id="mempool">–</b></div>
  <div class="card">uptime<b id="uptime">–</b></div>
  <div class="card">version<b id="version">–</b></div>
</div>
<h2>Addresses</h2>
<ul id="addrs"></ul>
<h2>Peers</h2>
<table><thead><tr><th>peer</th><th>dir</th><th>latency</th><th>streams</th><th>score</th><th>address</th></tr></thead><tbody id="peerRows"></tbody></table>
<h2>Bans</h2>
<table><thead><tr><th>target</th><th>kind</th><th>expires</th><th>reason</th></tr></thead><tbody id="banRows"></tbody></table>
<script type="module">
const $ = (id) => document.getElementById(id)
const text = (id, v) => { $(id).textContent = v }
function row (cells) {
  const tr = document.createElement('tr')
  for (const c of cells) { const td = document.createElement('td'); td.textContent = c; tr.append(td) }
  return tr
}
async function get (path) {
  const r = await fetch(path, { cache: 'no-store' })
  if (r.status === 404) return undefined
  if (!r.ok) throw new Error(path + ': ' + r.status)
  return await r.json()
}
async function refresh () {
  try {
    const [st, peers, tip, sync, mempool, bans] = await Promise.all(['/status', '/peers', '/tip', '/sync', '/mempool', '/bans'].map(get))
    text('network', st.network); text('peerId', st.peerId); text('peers', st.peers)
    text('uptime', st.uptime + ' s'); text('version', st.version)
    text('height', tip ? tip.height : 'no chain')
    text('sync', sync ? sync.state : '–')
    text('mempool', mempool ? mempool.size + ' txs' : '–')
    $('addrs').replaceChildren(...st.addrs.map(a => { const li = document.createElement('li'); const c = document.createElement('code'); c.textContent = a; li.append(c); return li }))
    $('peerRows').replaceChildren(...peers.map(p => row([p.id, p.direction, p.latency == null ? '–' : p.latency + ' ms', String(p.streams), p.score == null ? '–' : Number(p.score).toFixed(1), p.addrs[0] || ''])))
    $('banRows').replaceChildren(...(bans || []).map(b => row([b.target, b.kind, new Date(b.expires).toISOString(), b.reason])))
    text('error', '')
    document.body.dataset.ready = 'true'
  } catch (err) {
    text('error', 'cannot reach the node: ' + err.message)
  }
}
refresh()
setInterval(refresh, ${DASHBOARD_REFRESH_MS})
</script>
</body>
</html>
`

/** Register `GET /` (the dashboard). */
export function dashboardRoutes (api: ApiServer): void {
  api.route('GET', '/', () => ({ raw: PAGE, contentType: 'text/html; charset=utf-8' }))
}
