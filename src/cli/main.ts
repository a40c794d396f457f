/**
 * The `chainwire` command. Thin: every command is a few calls into `node/`
 * and `api/`; defaults come from `config/constants.ts`.
 */
import { UsageError } from './args.ts'
import { VERSION } from '../version.ts'
import { nodeCommand } from './commands/node.ts'
import { devnetCommand } from './commands/devnet.ts'
import { idCommand } from './commands/id.ts'
import { clientCommands } from './commands/client.ts'
import { walletCommands } from './commands/wallet.ts'

/** A subcommand: its one-line summary and its entry point. */
export interface Command {
  summary: string
  run (argv: string[]): Promise<number | undefined>
}

const COMMANDS: Record<string, Command> = {
  node: nodeCommand,
  devnet: devnetCommand,
  id: idCommand,
  ...clientCommands,
  ...walletCommands
}

function usage (): string {
  const w = Math.max(...Object.keys(COMMANDS).map(k => k.length)) + 2
  return `chainwire ${VERSION}: a peer-to-peer networking layer for blockchain nodes

Usage: chainwire <command> [options]

Commands:
${Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(w)}${c.summary}`).join('\n')}

Run \`chainwire <command> --help\` for a command's options.
`
}

/** Run the CLI; sets `process.exitCode` (0 ok, 1 error, 2 usage error). */
export async function main (argv: string[]): Promise<void> {
  const [name, ...rest] = argv
  if (name == null || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage())
    process.exitCode = name == null ? 2 : 0
    return
  }
  if (name === '--version' || name === 'version') {
    process.stdout.write(`${VERSION}\n`)
    return
  }
  const cmd = COMMANDS[name]
  if (cmd == null) {
    process.stderr.write(`chainwire: unknown command ${JSON.stringify(name)}\n\n${usage()}`)
    process.exitCode = 2
    return
  }
  try {
    process.exitCode = (await cmd.run(rest)) ?? 0
  } catch (err: any) {
    process.stderr.write(`chainwire ${name}: ${err?.message ?? String(err)}\n`)
    if (err instanceof UsageError) process.stderr.write(`Run \`chainwire ${name} --help\` for usage.\n`)
    process.exitCode = err instanceof UsageError ? 2 : 1
  }
}
