/**
 * Commands that talk to a running node through its control API.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { defaultConfig } from '../../config/options.ts'
import { UsageError, parse } from '../args.ts'
import { API_FILE } from './node.ts'
import type { Command } from '../main.ts'

const COMMON_HELP = `  --api <url|host:port>  the node's API (default: read from <data-dir>/${API_FILE})
  --data-dir <dir>       the node's data dir (default ${defaultConfig().dataDir}; env CHAINWIRE_DATA_DIR)
  --api-token <token>    bearer token (env CHAINWIRE_API_TOKEN)
  --json                 print raw JSON
  -h, --help             show this help`

const COMMON_OPTIONS = {
  api: { type: 'string' as const },
  'data-dir': { type: 'string' as const },
  'api-token': { type: 'string' as const },
  json: { type: 'boolean' as const }
}

/** Where to reach the node's API, from flags, env or the node's api.json. */
async function apiUrl (values: Record<string, unknown>): Promise<string> {
  const given = (values.api as string | undefined) ?? process.env.CHAINWIRE_API_URL
  if (given != null) return given.startsWith('http') ? given : `http://${given}`
  const dataDir = (values['data-dir'] as string | undefined) ?? process.env.CHAINWIRE_DATA_DIR ?? defaultConfig().dataDir
  try {
    const info = JSON.parse(await readFile(join(dataDir, API_FILE), 'utf8'))
    if (typeof info.url === 'string') return info.url
  } catch { // absent or unreadable: fall through
  }
  throw new UsageError(`no running node found in ${dataDir} (no ${API_FILE}); pass --api HOST:PORT or --data-dir`)
}

/** Call the API; throws with the server's message on a non-2xx answer. */
export async function callApi (values: Record<string, unknown>, method: string, path: string, body?: unknown): Promise<any> {
  const url = await apiUrl(values)
  const token = (values['api-token'] as string | undefined) ?? process.env.CHAINWIRE_API_TOKEN
  let res: Response
  try {
    res = await fetch(url + path, {
      method,
      headers: { ...(body != null ? { 'content-type': 'application/json' } : {}), ...(token != null && token !== '' ? { authorization: `Bearer ${token}` } : {}) },
      body: body != null ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(60_000)
    })
  } catch (err: any) {
    throw new Error(`cannot reach the node API at ${url}: ${err.cause?.code ?? err.message}`)
  }
  const text = await res.text()
  let json: any
  try { json = JSON.parse(text) } catch { json = text }
  if (!res.ok) throw new Error(`${method} ${path} failed (${res.status}): ${json?.message ?? text}`)
  return json
}

/** Render rows as an aligned text table. */
export function table (head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)))
  const line = (r: string[]): string => r.map((c, i) => (c ?? '').padEnd(w[i])).join('  ').trimEnd()
  return [line(head), ...rows.map(line)].join('\n') + '\n'
}

/** A client command with the common options plus its own. */
export function clientCommand (summary: string, usage: string, extra: Record<string, { type: 'string' | 'boolean' }>, run: (values: Record<string, unknown>, positionals: string[]) => Promise<void>): Command {
  return {
    summary,
    async run (argv) {
      const { values, positionals } = parse(argv, { ...COMMON_OPTIONS, ...extra }, true)
      if (values.help === true) {
        process.stdout.write(`${usage}\n\nOptions:\n${COMMON_HELP}\n`)
        return 0
      }
      await run(values, positionals)
      return 0
    }
  }
}

const statusCommand = clientCommand('show a running node\'s status', 'Usage: chainwire status [options]', {}, async (values, positionals) => {
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`)
  const st = await callApi(values, 'GET', '/status')
  if (values.json === true) {
    process.stdout.write(JSON.stringify(st, null, 2) + '\n')
    return
  }
  process.stdout.write(`peer id   ${st.peerId}\nnetwork   ${st.network}\nversion   ${st.version}\nuptime    ${st.uptime} s\npeers     ${st.peers}\n${(st.addrs as string[]).map(a => `addr      ${a}`).join('\n')}\n`)
})

const peersCommand = clientCommand('list a running node\'s peers', 'Usage: chainwire peers [options]', {}, async (values, positionals) => {
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`)
  const peers = await callApi(values, 'GET', '/peers') as any[]
  if (values.json === true) {
    process.stdout.write(JSON.stringify(peers, null, 2) + '\n')
    return
  }
  process.stdout.write(table(['peer', 'dir', 'latency', 'streams', 'score', 'address'], peers.map(p => [
    p.id, p.direction, p.latency == null ? '-' : `${p.latency} ms`, String(p.streams), p.score == null ? '-' : Number(p.score).toFixed(1), p.addrs[0] ?? ''
  ])))
})

const bansCommand = clientCommand('list bans', 'Usage: chainwire bans [options]', {}, async (values, positionals) => {
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`)
  const bans = await callApi(values, 'GET', '/bans') as any[]
  if (values.json === true) {
    process.stdout.write(JSON.stringify(bans, null, 2) + '\n')
    return
  }
  process.stdout.write(table(['id', 'kind', 'source', 'expires', 'reason'], bans.map(b => [b.id, b.kind, b.source, new Date(b.expires).toISOString(), b.reason])))
})

const banCommand = clientCommand('ban a peer id, IP or CIDR subnet', `Usage: chainwire ban <peer-id|ip|cidr> --reason <text> [--duration 24h]

  --reason <text>        why (required; shown in \`chainwire bans\`)
  --duration <d>         seconds, or 90s / 30m / 24h / 7d (default 24h)`, { reason: { type: 'string' }, duration: { type: 'string' } }, async (values, positionals) => {
  if (positionals.length !== 1) throw new UsageError('give exactly one peer id, IP or CIDR to ban')
  if (typeof values.reason !== 'string') throw new UsageError('--reason is required')
  const target = positionals[0]
  const key = target.includes('/') ? 'cidr' : /^[0-9a-fA-F.:]+$/.test(target) ? 'ip' : 'peer'
  const duration = values.duration == null ? undefined : /^\d+$/.test(String(values.duration)) ? Number(values.duration) : values.duration
  const ban = await callApi(values, 'POST', '/bans', { [key]: target, reason: values.reason, duration })
  process.stdout.write(values.json === true ? JSON.stringify(ban, null, 2) + '\n' : `banned ${ban.id} until ${new Date(ban.expires).toISOString()}\n`)
})

const unbanCommand = clientCommand('remove a ban', 'Usage: chainwire unban <id>', {}, async (values, positionals) => {
  if (positionals.length !== 1) throw new UsageError('give exactly one ban id (see `chainwire bans`)')
  const ban = await callApi(values, 'DELETE', `/bans/${encodeURIComponent(positionals[0])}`)
  process.stdout.write(values.json === true ? JSON.stringify(ban, null, 2) + '\n' : `unbanned ${ban.id}\n`)
})

export const clientCommands: Record<string, Command> = {
  status: statusCommand,
  peers: peersCommand,
  bans: bansCommand,
  ban: banCommand,
  unban: unbanCommand
}
