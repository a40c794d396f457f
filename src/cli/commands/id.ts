import { loadIdentity } from '../../host/identity.ts'
import { loadConfig } from '../../config/load.ts'
import { fieldHelp, fieldOptions, parse, pick } from '../args.ts'
import type { Command } from '../main.ts'

const FIELDS = pick(['dataDir'])

const HELP = `Usage: chainwire id [options]

Show the node's peer id, creating the Ed25519 identity key on first use.

Options:
${fieldHelp(FIELDS)}
  --no-create             fail instead of creating a key
  --json                  print JSON
  -h, --help              show this help
`

export const idCommand: Command = {
  summary: 'show or create the node identity',
  async run (argv) {
    const { values } = parse(argv, { ...fieldOptions(FIELDS), create: { type: 'boolean' }, json: { type: 'boolean' } })
    if (values.help === true) {
      process.stdout.write(HELP)
      return 0
    }
    const cfg = await loadConfig({ env: process.env, flags: values })
    const id = await loadIdentity(cfg.dataDir, { create: values.create !== false })
    if (values.json === true) {
      process.stdout.write(JSON.stringify({ peerId: id.peerId.toString(), path: id.path, created: id.created }) + '\n')
    } else {
      process.stdout.write(`${id.peerId.toString()}\n`)
      if (id.created) process.stderr.write(`created ${id.path}\n`)
    }
    return 0
  }
}
