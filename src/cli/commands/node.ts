import { writeFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { FIELDS } from '../../config/options.ts'
import { loadConfig } from '../../config/load.ts'
import { createNode } from '../../node/index.ts'
import { createApi } from '../../api/index.ts'
import type { ApiServer } from '../../api/index.ts'
import { fieldHelp, fieldOptions, parse } from '../args.ts'
import { onShutdownSignals } from '../lifecycle.ts'
import { showSyncProgress } from '../progress.ts'
import { isSyncService } from '../../protocols/sync/index.ts'
import type { Command } from '../main.ts'

/** File in the data dir where a running node records its API address, for the client commands. */
export const API_FILE = 'api.json'

const HELP = `Usage: chainwire node [options]

Run a node until SIGINT or SIGTERM (a second signal forces exit).

Options:
  --config <file>  JSON config file (keys as in the table below, camelCase)
${fieldHelp(FIELDS)}
  -h, --help       show this help

Precedence: defaults < --config file < environment < flags.
`

export const nodeCommand: Command = {
  summary: 'run a node',
  async run (argv) {
    const { values } = parse(argv, { config: { type: 'string' }, ...fieldOptions(FIELDS) })
    if (values.help === true) {
      process.stdout.write(HELP)
      return 0
    }
    const cfg = await loadConfig({ file: values.config as string | undefined, env: process.env, flags: values })
    const node = await createNode(cfg)
    const apiFile = join(cfg.dataDir, API_FILE)
    let api: ApiServer | undefined
    let stopProgress: (() => void) | undefined

    const shutdown = async (): Promise<void> => {
      stopProgress?.()
      await api?.stop()
      await rm(apiFile, { force: true })
      await node.stop()
    }
    const done = onShutdownSignals(shutdown, (sig) => {
      process.stderr.write(`received ${sig}, stopping (send it again to force exit)\n`)
    })

    await node.start()
    if (cfg.api !== '') {
      api = createApi(node)
      await api.start()
      await writeFile(apiFile, JSON.stringify({ url: api.url, pid: process.pid }) + '\n', { mode: 0o600 })
    }

    const st = node.status()
    process.stdout.write(`peer id   ${st.peerId}\nnetwork   ${st.network}\n${st.addrs.map(a => `listen    ${a}`).join('\n')}\napi       ${api?.url ?? 'disabled'}\n`)
    // a live bar on a terminal, periodic lines otherwise
    const sync = node.protocols.get('sync')
    if (isSyncService(sync)) stopProgress = showSyncProgress(sync, process.stdout)

    await done
    return 0
  }
}
