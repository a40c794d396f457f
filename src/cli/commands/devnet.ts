/**
 * `chainwire devnet`: a local network of N nodes on 127.0.0.1, each a
 * separate process with its own data dir, found through bootstrap and the
 * DHT (not multicast). Prints a table and keeps running until Ctrl-C.
 */
import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { NODE_V8_FLAGS, SHUTDOWN_TIMEOUT_MS } from '../../config/constants.ts'
import { DEVNET_INBOUND_TRICKLE_MS, DEVNET_OUTBOUND_TRICKLE_MS } from '../../protocols/tx-relay/constants.ts'
import { loadIdentity } from '../../host/identity.ts'
import { UsageError, parse } from '../args.ts'
import { table } from './client.ts'
import type { ChildProcess } from 'node:child_process'
import type { Command } from '../main.ts'

/** Devnet defaults; the devnet trades realism for a fast, self-contained start. */
export const DEVNET_DEFAULT_NODES = 4
export const DEVNET_MAX_NODES = 32
export const DEVNET_DEFAULT_DIR = '.chainwire/devnet'
export const DEVNET_NETWORK = 'devnet'
/** File in the devnet dir recording ports and pids, read by tests and tools. */
export const DEVNET_FILE = 'devnet.json'
/** How long nodes get to come up before the devnet gives up. */
const STARTUP_TIMEOUT_MS = 60_000
/** How often the status line refreshes. */
const REFRESH_MS = 2_000

const HELP = `Usage: chainwire devnet [options]

Run a local network of nodes on 127.0.0.1, each in its own process with its
own data dir, until Ctrl-C. Node 0 mines; the others find each other through
node 0 (bootstrap) and the DHT.

Options:
  --nodes <n>        number of nodes (default ${DEVNET_DEFAULT_NODES}, max ${DEVNET_MAX_NODES})
  --data-dir <dir>   devnet directory (default ${DEVNET_DEFAULT_DIR})
  --fresh            delete the devnet directory first (new identities and chain)
  --no-mine          do not mine on node 0
  --log-level <lvl>  log level of the nodes (logs go to <dir>/node-N/node.log)
  -h, --help         show this help
`

export interface DevnetNodeInfo {
  name: string
  peerId: string
  dir: string
  tcpPort: number
  wsPort: number
  apiPort: number
  apiUrl: string
  listen: string[]
  pid?: number
}

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => { resolve(port) })
    })
  })
}

async function portFree (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => { resolve(false) })
    s.listen(port, '127.0.0.1', () => { s.close(() => { resolve(true) }) })
  })
}

/** Reuse the previous run's ports when they are still free, so remembered peer addresses stay valid. */
async function assignPorts (dir: string, n: number): Promise<Array<{ tcp: number, ws: number, api: number }>> {
  let previous: DevnetNodeInfo[] = []
  try {
    previous = JSON.parse(await readFile(join(dir, DEVNET_FILE), 'utf8')).nodes ?? []
  } catch { // absent or unreadable: fall through
  }
  const taken = new Set<number>()
  const pick = async (want?: number): Promise<number> => {
    if (want != null && !taken.has(want) && await portFree(want)) {
      taken.add(want)
      return want
    }
    for (;;) {
      const p = await freePort()
      if (!taken.has(p)) {
        taken.add(p)
        return p
      }
    }
  }
  const out = []
  for (let i = 0; i < n; i++) {
    const prev = previous[i]
    out.push({ tcp: await pick(prev?.tcpPort), ws: await pick(prev?.wsPort), api: await pick(prev?.apiPort) })
  }
  return out
}

async function waitForApi (url: string, child: ChildProcess, signal: AbortSignal): Promise<any> {
  for (;;) {
    if (child.exitCode != null || child.signalCode != null) throw new Error(`node exited with ${child.exitCode ?? child.signalCode} during start-up`)
    if (signal.aborted) throw new Error(`node at ${url} did not come up within ${STARTUP_TIMEOUT_MS} ms`)
    try {
      const res = await fetch(`${url}/status`, { signal: AbortSignal.timeout(2000) })
      if (res.ok) return await res.json()
    } catch { // absent or unreadable: fall through
  }
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

async function poll (url: string, path: string): Promise<any> {
  try {
    const res = await fetch(url + path, { signal: AbortSignal.timeout(1500) })
    return res.ok ? await res.json() : undefined
  } catch {
    return undefined
  }
}

export const devnetCommand: Command = {
  summary: 'run a local devnet of N nodes on 127.0.0.1',
  async run (argv) {
    const { values } = parse(argv, {
      nodes: { type: 'string' },
      'data-dir': { type: 'string' },
      fresh: { type: 'boolean' },
      mine: { type: 'boolean' },
      'log-level': { type: 'string' }
    })
    if (values.help === true) {
      process.stdout.write(HELP)
      return 0
    }
    const nRaw = (values.nodes as string | undefined) ?? String(DEVNET_DEFAULT_NODES)
    const n = /^\d+$/.test(nRaw) ? Number(nRaw) : NaN
    if (!Number.isInteger(n) || n < 1 || n > DEVNET_MAX_NODES) throw new UsageError(`--nodes must be an integer between 1 and ${DEVNET_MAX_NODES}, got ${JSON.stringify(nRaw)}`)
    const dir = resolve((values['data-dir'] as string | undefined) ?? DEVNET_DEFAULT_DIR)
    if (values.fresh === true) await rm(dir, { recursive: true, force: true })
    await mkdir(dir, { recursive: true })

    const ports = await assignPorts(dir, n)
    const nodes: DevnetNodeInfo[] = []
    for (let i = 0; i < n; i++) {
      const nodeDir = join(dir, `node-${i}`)
      const id = await loadIdentity(nodeDir)
      const p = ports[i]
      nodes.push({
        name: `node-${i}`,
        peerId: id.peerId.toString(),
        dir: nodeDir,
        tcpPort: p.tcp,
        wsPort: p.ws,
        apiPort: p.api,
        apiUrl: `http://127.0.0.1:${p.api}`,
        listen: [`/ip4/127.0.0.1/tcp/${p.tcp}`, `/ip4/127.0.0.1/tcp/${p.ws}/ws`]
      })
    }
    const boot = `/ip4/127.0.0.1/tcp/${nodes[0].tcpPort}/p2p/${nodes[0].peerId}`
    const entry = process.argv[1]
    const children: ChildProcess[] = []
    const exited = new Set<ChildProcess>()

    const killAll = (signal: NodeJS.Signals): void => {
      for (const c of children) if (!exited.has(c)) c.kill(signal)
    }
    let stopping = false
    let forced = false
    const stopped = new Promise<void>((resolveStop) => {
      const begin = (sig: string): void => {
        if (stopping) {
          forced = true
          process.stderr.write(`\nreceived ${sig} again, killing nodes\n`)
          killAll('SIGKILL')
          return
        }
        stopping = true
        process.stderr.write(`\nreceived ${sig}, stopping ${n} nodes (again to force)\n`)
        killAll('SIGTERM')
        const t = setTimeout(() => { killAll('SIGKILL') }, SHUTDOWN_TIMEOUT_MS + 1000)
        const check = setInterval(() => {
          if (exited.size === children.length) {
            clearInterval(check)
            clearTimeout(t)
            resolveStop()
          }
        }, 50)
      }
      process.on('SIGINT', () => { begin('SIGINT') })
      process.on('SIGTERM', () => { begin('SIGTERM') })
    })

    for (let i = 0; i < n; i++) {
      const node = nodes[i]
      const args = [entry, 'node', '--network', DEVNET_NETWORK, '--data-dir', node.dir,
        ...node.listen.flatMap(a => ['--listen', a]),
        '--api', `127.0.0.1:${node.apiPort}`,
        '--tx-trickle-inbound', String(DEVNET_INBOUND_TRICKLE_MS), '--tx-trickle-outbound', String(DEVNET_OUTBOUND_TRICKLE_MS)]
      if (i > 0) args.push('--bootstrap', boot)
      if (i === 0 && values.mine !== false) args.push('--mine')
      if (values['log-level'] != null) args.push('--log-level', String(values['log-level']))
      const log = createWriteStream(join(node.dir, 'node.log'), { flags: 'a' })
      // own process group: a terminal's Ctrl-C reaches only the devnet, which stops the
      // nodes once; the IPC channel makes a node exit if the devnet dies without stopping it
      const child = spawn(process.execPath, [...NODE_V8_FLAGS, ...args], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: process.env, detached: true })
      child.stdout?.pipe(log, { end: false })
      child.stderr?.pipe(log, { end: false })
      child.on('exit', (code, sig) => {
        exited.add(child)
        log.end()
        if (!stopping) {
          process.stderr.write(`${node.name} exited unexpectedly (${code ?? sig}); see ${join(node.dir, 'node.log')}\n`)
          process.exitCode = 1
          process.emit('SIGTERM', 'SIGTERM')
        }
      })
      node.pid = child.pid
      children.push(child)
    }
    await writeFile(join(dir, DEVNET_FILE), JSON.stringify({ network: DEVNET_NETWORK, nodes }, null, 2) + '\n')

    try {
      const signal = AbortSignal.timeout(STARTUP_TIMEOUT_MS)
      await Promise.all(nodes.map(async (node, i) => await waitForApi(node.apiUrl, children[i], signal)))
    } catch (err: any) {
      if (!stopping) {
        process.stderr.write(`devnet failed to start: ${err.message}\n`)
        process.emit('SIGTERM', 'SIGTERM')
      }
      await stopped
      return 1
    }

    if (!stopping) {
      process.stdout.write(`devnet: ${n} nodes on network ${DEVNET_NETWORK}, data in ${dir}\n\n`)
      process.stdout.write(table(['node', 'peer id', 'listen', 'api'], nodes.map(x => [x.name, x.peerId, x.listen.join(' '), x.apiUrl])))
      process.stdout.write('\nCtrl-C to stop. Try: npx chainwire status --api ' + nodes[0].apiUrl + '\n\n')
    }

    let lastLine = ''
    const refresh = setInterval(() => {
      void Promise.all(nodes.map(async x => {
        const [st, tip] = await Promise.all([poll(x.apiUrl, '/status'), poll(x.apiUrl, '/tip')])
        return `${x.name}: ${st?.peers ?? '?'} peers${tip != null ? `, height ${tip.height}` : ''}`
      })).then((parts) => {
        const line = parts.join(' | ')
        if (stopping || line === lastLine) return
        lastLine = line
        process.stdout.write(process.stdout.isTTY ? `\r\x1b[2K${line}` : `${new Date().toISOString()} ${line}\n`)
      })
    }, REFRESH_MS)

    await stopped
    clearInterval(refresh)
    process.stdout.write('\ndevnet stopped\n')
    return forced ? 130 : (process.exitCode as number | undefined) ?? 0
  }
}
