/**
 * Network namespaces for multi-host tests. Each test creates its own, with
 * names unique to the process, and removes them afterwards. Traffic stays
 * inside the namespaces: nothing leaves the machine.
 */
import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import type { ChildProcess } from 'node:child_process'

const run = promisify(execFile)

async function ip (...args: string[]): Promise<string> {
  const { stdout } = await run('ip', args)
  return stdout
}

/** A set of namespaces and links, removed by `destroy()`. */
export interface Lab {
  /** Create a namespace with loopback up. Returns its full name. */
  ns (name: string): Promise<string>
  /** Link two namespaces with a veth pair and address both ends (CIDR notation). */
  link (a: string, addrA: string, b: string, addrB: string, options?: { multicast?: boolean }): Promise<void>
  /** Add an address to a namespace's loopback device (a non-loopback IP for servers). */
  addLoopbackAddr (ns: string, cidr: string): Promise<void>
  /** Run a command inside a namespace. */
  exec (ns: string, cmd: string, args: string[], env?: Record<string, string>): ChildProcess
  destroy (): Promise<void>
}

let counter = 0

/** Start a lab; names are prefixed with `cw<pid>` so parallel test files never collide. */
export function createLab (): Lab {
  const tag = `cw${process.pid % 100000}${(counter++).toString(36)}`
  const namespaces: string[] = []
  const children: ChildProcess[] = []
  let links = 0
  return {
    async ns (name) {
      const full = `${tag}-${name}`
      await ip('netns', 'add', full)
      namespaces.push(full)
      await ip('-n', full, 'link', 'set', 'lo', 'up')
      return full
    },
    async link (a, addrA, b, addrB, options = {}) {
      const i = links++
      const ea = `${tag}a${i}`.slice(0, 15)
      const eb = `${tag}b${i}`.slice(0, 15)
      await ip('link', 'add', ea, 'type', 'veth', 'peer', 'name', eb)
      await ip('link', 'set', ea, 'netns', a)
      await ip('link', 'set', eb, 'netns', b)
      await ip('-n', a, 'addr', 'add', addrA, 'dev', ea)
      await ip('-n', b, 'addr', 'add', addrB, 'dev', eb)
      await ip('-n', a, 'link', 'set', ea, 'up')
      await ip('-n', b, 'link', 'set', eb, 'up')
      if (options.multicast === true) {
        await ip('-n', a, 'route', 'add', '224.0.0.0/4', 'dev', ea)
        await ip('-n', b, 'route', 'add', '224.0.0.0/4', 'dev', eb)
      }
    },
    async addLoopbackAddr (ns, cidr) {
      await ip('-n', ns, 'addr', 'add', cidr, 'dev', 'lo')
    },
    exec (ns, cmd, args, env = {}) {
      const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
      children.push(child)
      return child
    },
    async destroy () {
      for (const c of children) if (c.exitCode == null && c.signalCode == null) c.kill('SIGKILL')
      await Promise.all(children.map(async c => c.exitCode == null && c.signalCode == null ? await new Promise(resolve => c.once('exit', resolve)) : undefined))
      // deleting a namespace deletes the veth ends inside it
      for (const ns of namespaces) await ip('netns', 'del', ns).catch(() => {})
    }
  }
}

/** Collect a child's stdout lines as parsed JSON objects. */
export function jsonLines (child: ChildProcess): { lines: any[], text: () => string } {
  const lines: any[] = []
  let buf = ''
  let all = ''
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString()
    all += d.toString()
    let i
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i)
      buf = buf.slice(i + 1)
      try { lines.push(JSON.parse(line)) } catch { /* not JSON */ }
    }
  })
  child.stderr?.on('data', (d: Buffer) => { all += d.toString() })
  return { lines, text: () => all }
}
