/**
 * Chain endpoints of the control API.
 *
 * | method | path                  | body                        | returns |
 * |--------|-----------------------|-----------------------------|---------|
 * | GET    | /tip                  |                             | `{ height, hash, work }` |
 * | GET    | /mempool              |                             | `{ size, minFeeRate }` |
 * | POST   | /tx                   | `{ tx }` (hex)              | the mempool's verdict |
 * | GET    | /tx/:id               |                             | the transaction, in the mempool or a block |
 * | GET    | /blocks/:hashOrHeight |                             | the block |
 * | GET    | /wallet               |                             | `{ address, balance }` |
 * | POST   | /wallet/send          | `{ to, amount, fee? }`      | `{ txid, fee, status }` |
 *
 * Amounts are decimal strings of base units (bigints do not fit JSON numbers).
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.ts'
import { balanceJson } from '../devchain/index.ts'
import { HttpError } from './server.ts'
import { decodeData, objectBody, stringField } from './routes.ts'
import type { ApiServer } from './server.ts'
import type { ChainwireNode } from '../node/index.ts'
import type { MempoolAddResult } from '../chain/index.ts'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** A mempool verdict as JSON. */
export function addResultJson (r: MempoolAddResult): Record<string, unknown> {
  switch (r.status) {
    case 'accepted':
    case 'duplicate':
      return { status: r.status, txid: hex(r.txid) }
    case 'orphan':
      return { status: r.status, txid: hex(r.txid), missing: r.missing.map(hex) }
    case 'conflict':
    case 'fee-too-low':
      return { status: r.status, txid: hex(r.txid), reason: r.reason }
    case 'invalid':
      return { status: r.status, txid: r.txid != null ? hex(r.txid) : undefined, error: r.error.name, reason: r.error.message }
  }
}

function amountField (body: Record<string, unknown>, name: string, required: boolean): bigint | undefined {
  const v = body[name]
  if (v == null && !required) return undefined
  if ((typeof v === 'string' && /^\d{1,20}$/.test(v)) || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) return BigInt(v)
  throw new InvalidArgumentError(`${name} must be a non-negative integer amount in base units (a number or a decimal string), got ${JSON.stringify(v) ?? 'nothing'}`)
}

/** Register the chain endpoints (if the node serves a chain). */
export function chainRoutes (api: ApiServer, node: ChainwireNode): void {
  const chain = node.chain
  if (chain == null) return

  api.route('GET', '/tip', () => {
    const t = chain.tip()
    return { height: t.height, hash: hex(t.hash), work: t.work.toString() }
  })

  api.route('GET', '/mempool', () => ({ size: chain.mempool.size(), minFeeRate: chain.mempool.minFeeRate() }))

  api.route('POST', '/tx', async (req) => {
    const body = objectBody(req.body)
    const tx = decodeData(stringField(body, 'tx', 4 * 1024 * 1024), 'hex', 'tx')
    const r = await chain.mempool.add(tx)
    const json = addResultJson(r)
    if (r.status === 'invalid') return { raw: JSON.stringify(json), contentType: 'application/json', status: 422 }
    return json
  })

  const devchain = node.devchain
  if (devchain == null) return

  api.route('GET', '/tx/:id', async (req) => {
    if (!/^[0-9a-f]{64}$/.test(req.params.id)) throw new InvalidArgumentError(`txid must be 64 lowercase hex digits, got ${JSON.stringify(req.params.id)}`)
    const tx = await devchain.getTx(req.params.id)
    if (tx == null) throw new HttpError(404, `no transaction ${req.params.id}`)
    return tx
  })

  api.route('GET', '/blocks/:id', async (req) => {
    const id = req.params.id
    let key: string | number
    if (/^\d{1,10}$/.test(id)) key = Number(id)
    else if (/^[0-9a-f]{64}$/.test(id)) key = id
    else throw new InvalidArgumentError(`block id must be a height or a 64-hex-digit hash, got ${JSON.stringify(id)}`)
    const block = await devchain.getBlock(key)
    if (block == null) throw new HttpError(404, `no block ${id}`)
    return block
  })

  const wallet = node.wallet
  if (wallet == null) return

  api.route('GET', '/wallet', async () => ({ address: wallet.address, balance: balanceJson(await wallet.balance()) }))

  api.route('POST', '/wallet/send', async (req) => {
    const body = objectBody(req.body)
    const to = stringField(body, 'to', 256)
    const amount = amountField(body, 'amount', true) ?? 0n
    if (amount === 0n) throw new InvalidArgumentError('amount must be greater than 0')
    const fee = amountField(body, 'fee', false)
    const sent = await wallet.send({ to, amount, fee })
    const json = { txid: sent.txid, fee: sent.fee.toString(), change: sent.change.toString(), ...addResultJson(sent.result) }
    if (sent.result.status !== 'accepted') return { raw: JSON.stringify(json), contentType: 'application/json', status: 422 }
    return json
  })
}
