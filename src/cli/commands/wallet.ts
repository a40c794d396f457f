/**
 * `chainwire wallet new|address|balance` and `chainwire tx send`.
 * The key lives in the node's data dir; balance and sends go through the
 * running node's API, because the node holds the chain database.
 */
import { createWalletKey, walletAddress } from '../../devchain/index.ts'
import { defaultConfig } from '../../config/options.ts'
import { UsageError } from '../args.ts'
import { callApi, clientCommand } from './client.ts'
import type { Command } from '../main.ts'

const dataDirOf = (values: Record<string, unknown>): string => (values['data-dir'] as string | undefined) ?? process.env.CHAINWIRE_DATA_DIR ?? defaultConfig().dataDir
const networkOf = (values: Record<string, unknown>): string => (values.network as string | undefined) ?? process.env.CHAINWIRE_NETWORK ?? defaultConfig().network

const walletCommand = clientCommand('devchain wallet: new | address | balance', `Usage: chainwire wallet <new|address|balance> [options]

  new        create a key in <data-dir>/wallet.key (refuses to overwrite one)
  address    print the wallet address (--network, default ${defaultConfig().network})
  balance    ask the running node for the balance`, { network: { type: 'string' } }, async (values, positionals) => {
  const [sub, ...rest] = positionals
  if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`)
  switch (sub) {
    case 'new': {
      await createWalletKey(dataDirOf(values))
      process.stdout.write(`${await walletAddress(dataDirOf(values), networkOf(values))}\n`)
      return
    }
    case 'address':
      process.stdout.write(`${await walletAddress(dataDirOf(values), networkOf(values))}\n`)
      return
    case 'balance': {
      const w = await callApi(values, 'GET', '/wallet')
      if (values.json === true) {
        process.stdout.write(JSON.stringify(w, null, 2) + '\n')
        return
      }
      process.stdout.write(`address    ${w.address}\n${Object.entries(w.balance).map(([k, v]) => `${k.padEnd(10)} ${String(v)}`).join('\n')}\n`)
      return
    }
    default:
      throw new UsageError(`wallet needs a subcommand: new, address or balance${sub != null ? ` (got ${JSON.stringify(sub)})` : ''}`)
  }
})

const txCommand = clientCommand('send a devchain transaction: tx send --to --amount [--fee]', `Usage: chainwire tx send --to <address> --amount <base units> [--fee <base units>]

  --to <address>      recipient address
  --amount <n>        amount in base units
  --fee <n>           absolute fee (default: the mempool's minimum fee rate times the size)`, { to: { type: 'string' }, amount: { type: 'string' }, fee: { type: 'string' } }, async (values, positionals) => {
  if (positionals[0] !== 'send' || positionals.length !== 1) throw new UsageError('usage: chainwire tx send --to <address> --amount <n> [--fee <n>]')
  if (typeof values.to !== 'string') throw new UsageError('--to is required')
  if (typeof values.amount !== 'string' || !/^\d+$/.test(values.amount)) throw new UsageError('--amount must be a positive integer number of base units')
  if (values.fee != null && !/^\d+$/.test(String(values.fee))) throw new UsageError('--fee must be a non-negative integer number of base units')
  const r = await callApi(values, 'POST', '/wallet/send', { to: values.to, amount: values.amount, fee: values.fee })
  process.stdout.write(values.json === true ? JSON.stringify(r, null, 2) + '\n' : `${r.txid} ${r.status} (fee ${r.fee})\n`)
})

const tipCommand = clientCommand('show a running node\'s chain tip', 'Usage: chainwire tip [options]', {}, async (values, positionals) => {
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`)
  const t = await callApi(values, 'GET', '/tip')
  process.stdout.write(values.json === true ? JSON.stringify(t, null, 2) + '\n' : `height ${t.height}\nhash   ${t.hash}\nwork   ${t.work}\n`)
})

export const walletCommands: Record<string, Command> = {
  wallet: walletCommand,
  tx: txCommand,
  tip: tipCommand
}
