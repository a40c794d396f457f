/**
 * Devchain benchmarks: `npm run bench -- devchain`.
 *
 * 1. Primitives side by side: SHA-256 (Node `crypto.hash`, Node `createHash`,
 *    `@noble/hashes`) and Ed25519 sign/verify (Node `crypto`, `@noble/curves`).
 * 2. Headers validated per second (`validateHeaders` on 2000-header runs).
 * 3. Blocks of 1,000 transactions connected per second: the blocks are built
 *    in a child process (`--build`), so this process connects them with cold
 *    caches (5,000 distinct keys, more than the key cache holds).
 * 4. Signatures verified per second, and what the miner does on devnet.
 *
 * Writes bench/results/devchain.json and bench/results/devchain.md.
 */
import { spawnSync } from 'node:child_process'
import { createHash, hash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { ed25519 } from '@noble/curves/ed25519.js'
import { buildChain, createDevchain, keyPairFromSeed, DEVNET } from '../src/devchain/index.ts'
import type { Devchain } from '../src/devchain/index.ts'
import { sha256d, signMessage, verifySignature } from '../src/devchain/crypto.ts'
import { encodeHeader, headerHash } from '../src/devchain/header.ts'
import { hashMeetsTarget, targetInfo, workForTarget, bitsToTarget } from '../src/devchain/pow.ts'
import { searchNonce } from '../src/devchain/miner.ts'
import { signTx } from '../src/devchain/tx.ts'
import type { DecodedTx } from '../src/devchain/tx.ts'
import { mineHeader } from '../src/devchain/miner.ts'
import { toHex } from '../src/devchain/codec.ts'

const HERE = fileURLToPath(new URL('.', import.meta.url))
const BLOCKS = 5
const TXS_PER_BLOCK = 1000

/** Run `fn` repeatedly for about `ms`; return operations per second. */
function rate (fn: () => void, ms = 700): number {
  for (let i = 0; i < 200; i++) fn()
  let n = 0
  const start = performance.now()
  let now = start
  while (now - start < ms) {
    for (let i = 0; i < 50; i++) fn()
    n += 50
    now = performance.now()
  }
  return Math.round(n / (now - start) * 1000)
}

// ---------------------------------------------------------------- child: build the 1000-tx blocks

async function build (outFile: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chainwire-bench-build-'))
  const chain = await createDevchain({ dataDir: dir, network: 'regtest' })
  try {
    const funder = await buildChain(chain, 12)
    const keys = Array.from({ length: BLOCKS + 1 }, (_, b) => Array.from({ length: TXS_PER_BLOCK }, (_, i) => {
      const seed = new Uint8Array(32)
      new DataView(seed.buffer).setUint32(0, b * TXS_PER_BLOCK + i + 1)
      return keyPairFromSeed(seed)
    }))
    const coin = (await chain.listUnspent(funder.key.pkh)).sort((a, b) => a.height - b.height)[0]
    const each = (coin.amount - 100_000n) / BigInt(TXS_PER_BLOCK)
    const fanout = signTx({
      version: 1,
      inputs: [{ prevTxid: coin.txid, vout: coin.vout, unlock: new Uint8Array(0) }],
      outputs: keys[0].map(k => ({ amount: each, pkh: k.pkh }))
    }, [funder.key], chain.genesisHash)
    const blocks: Uint8Array[] = (await chain.getBlocksByRange(1, 12))
    const submit = async (txs: DecodedTx[]): Promise<void> => {
      const tpl = await chain.createBlockTemplate({ pkh: funder.key.pkh, txs })
      const bytes = await chain.mineBlock(tpl) as Uint8Array
      const r = await chain.submitBlock(bytes)
      if (r.status !== 'accepted') throw new Error(`build: ${r.status}`)
      blocks.push(bytes)
    }
    await submit([fanout])
    let prev: Array<{ txid: Uint8Array, vout: number, amount: bigint }> = keys[0].map((_, i) => ({ txid: fanout.txid, vout: i, amount: each }))
    for (let b = 1; b <= BLOCKS; b++) {
      const txs = prev.map((o, i) => signTx({
        version: 1,
        inputs: [{ prevTxid: o.txid, vout: o.vout, unlock: new Uint8Array(0) }],
        outputs: [{ amount: o.amount - 200n, pkh: keys[b][i].pkh }]
      }, [keys[b - 1][i]], chain.genesisHash))
      await submit(txs)
      prev = txs.map(tx => ({ txid: tx.txid, vout: 0, amount: tx.outputs[0].amount }))
    }
    const parts: Buffer[] = []
    for (const b of blocks) {
      const len = Buffer.alloc(4)
      len.writeUInt32LE(b.length)
      parts.push(len, Buffer.from(b))
    }
    writeFileSync(outFile, Buffer.concat(parts))
  } finally {
    await chain.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------- parent: measure

function primitives (): Record<string, Record<string, number>> {
  const header = new Uint8Array(84).fill(7)
  const tx = new Uint8Array(200).fill(9)
  const seed = new Uint8Array(32).fill(3)
  const key = keyPairFromSeed(seed)
  const msg = sha256d(new Uint8Array([1, 2, 3]))
  const sig = signMessage(key, msg)
  const nobleSig = ed25519.sign(msg, seed)
  if (toHex(nobleSig) !== toHex(sig)) throw new Error('node and noble disagree on an Ed25519 signature')
  // distinct keys so the verifier's key cache cannot help
  const many = Array.from({ length: 5000 }, (_, i) => {
    const s = new Uint8Array(32)
    new DataView(s.buffer).setUint32(0, i + 1)
    const k = keyPairFromSeed(s)
    return { pub: k.pubkey, sig: signMessage(k, msg) }
  })
  let j = 0
  return {
    'sha256d, 84-byte header (ops/s)': {
      'node crypto.hash': rate(() => { hash('sha256', hash('sha256', header, 'buffer'), 'buffer') }),
      'node createHash': rate(() => { createHash('sha256').update(createHash('sha256').update(header).digest()).digest() }),
      '@noble/hashes': rate(() => { nobleSha256(nobleSha256(header)) })
    },
    'sha256, 200-byte tx (ops/s)': {
      'node crypto.hash': rate(() => { hash('sha256', tx, 'buffer') }),
      'node createHash': rate(() => { createHash('sha256').update(tx).digest() }),
      '@noble/hashes': rate(() => { nobleSha256(tx) })
    },
    'ed25519 sign (ops/s)': {
      'node crypto': rate(() => { signMessage(key, msg) }),
      '@noble/curves': rate(() => { ed25519.sign(msg, seed) }, 400)
    },
    'ed25519 verify (ops/s)': {
      'node crypto, key cached': rate(() => { verifySignature(key.pubkey, msg, sig) }),
      'node crypto, new key each time': rate(() => { const m = many[j++ % many.length]; verifySignature(m.pub, msg, m.sig) }),
      '@noble/curves': rate(() => { ed25519.verify(nobleSig, msg, key.pubkey) }, 400)
    }
  }
}

async function headersPerSecond (chain: Devchain): Promise<number> {
  const g = await chain.getHeaderInfo(chain.genesisHash)
  if (g === undefined) throw new Error('no genesis')
  const target = targetInfo(0x207fffff)
  if (target === undefined) throw new Error('bits')
  const headers: Uint8Array[] = []
  let prev = g.hash
  const base = Math.floor(Date.now() / 1000) - 10_000
  for (let i = 0; i < 2000; i++) {
    for (let nonce = 0; ; nonce++) {
      const bytes = encodeHeader({ version: 1, prevHash: prev, merkleRoot: new Uint8Array(32), time: base + i, bits: 0x207fffff, nonce, height: i + 1 })
      const h = headerHash(bytes)
      if (hashMeetsTarget(h, target.bytes)) {
        headers.push(bytes)
        prev = h
        break
      }
    }
  }
  await chain.validateHeaders(headers, g)
  let n = 0
  const start = performance.now()
  while (performance.now() - start < 1500) {
    await chain.validateHeaders(headers, g)
    n += headers.length
  }
  return Math.round(n / (performance.now() - start) * 1000)
}

async function connectBlocks (): Promise<{ blocksPerSec: number, msPerBlock: number, txsPerSec: number }> {
  const file = join(mkdtempSync(join(tmpdir(), 'chainwire-bench-')), 'blocks.bin')
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--build', file], { stdio: 'inherit' })
  if (r.status !== 0) throw new Error('block builder failed')
  const data = readFileSync(file)
  const blocks: Uint8Array[] = []
  for (let o = 0; o < data.length;) {
    const len = data.readUInt32LE(o)
    blocks.push(new Uint8Array(data.subarray(o + 4, o + 4 + len)))
    o += 4 + len
  }
  rmSync(join(file, '..'), { recursive: true, force: true })
  const dir = mkdtempSync(join(tmpdir(), 'chainwire-bench-connect-'))
  const chain = await createDevchain({ dataDir: dir, network: 'regtest' })
  try {
    const setup = blocks.slice(0, blocks.length - BLOCKS)
    for (const b of setup) if ((await chain.submitBlock(b)).status !== 'accepted') throw new Error('setup block rejected')
    const start = performance.now()
    for (const b of blocks.slice(-BLOCKS)) {
      const res = await chain.submitBlock(b)
      if (res.status !== 'accepted' || !res.tip) throw new Error(`bench block ${res.status}`)
    }
    const ms = performance.now() - start
    return { blocksPerSec: +(BLOCKS / ms * 1000).toFixed(2), msPerBlock: +(ms / BLOCKS).toFixed(1), txsPerSec: Math.round(BLOCKS * TXS_PER_BLOCK / ms * 1000) }
  } finally {
    await chain.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function devnetMining (): Promise<{ hashRate: number, expectedSecondsPerBlock: number, measuredSeconds: number[] }> {
  const header = new Uint8Array(84).fill(1)
  const never = new Uint8Array(32) // an all-zero target: search the whole batch
  const start = performance.now()
  let n = 0
  while (performance.now() - start < 1500) {
    searchNonce(header, never, n, 4096)
    n += 4096
  }
  const hashRate = Math.round(n / (performance.now() - start) * 1000)
  const expected = Number(workForTarget(bitsToTarget(DEVNET.genesisBits) as bigint)) / hashRate
  // three real devnet blocks at genesis difficulty, through the batched, yielding miner
  const measuredSeconds: number[] = []
  let prevHash: Uint8Array = new Uint8Array(32)
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    const solved = await mineHeader({ version: 1, prevHash, merkleRoot: new Uint8Array(32).fill(i), time: DEVNET.genesisTime + i, bits: DEVNET.genesisBits, nonce: 0, height: i + 1 })
    if (solved === undefined) throw new Error('mining aborted')
    measuredSeconds.push(+((performance.now() - t) / 1000).toFixed(2))
    prevHash = headerHash(encodeHeader(solved))
  }
  return { hashRate, expectedSecondsPerBlock: +expected.toFixed(2), measuredSeconds }
}

async function buildChainSpeed (): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'chainwire-bench-5000-'))
  const chain = await createDevchain({ dataDir: dir, network: 'regtest' })
  try {
    const start = performance.now()
    await buildChain(chain, 5000)
    return Math.round(performance.now() - start)
  } finally {
    await chain.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function main (): Promise<void> {
  console.log('primitives…')
  const prims = primitives()
  console.log('headers…')
  const dir = mkdtempSync(join(tmpdir(), 'chainwire-bench-hdr-'))
  const chain = await createDevchain({ dataDir: dir, network: 'regtest' })
  const headers = await headersPerSecond(chain)
  await chain.close()
  rmSync(dir, { recursive: true, force: true })
  console.log('blocks of 1000 transactions…')
  const connect = await connectBlocks()
  console.log('devnet mining…')
  const mining = await devnetMining()
  console.log('buildChain(5000)…')
  const build5000 = await buildChainSpeed()

  const verify = prims['ed25519 verify (ops/s)']
  const result = {
    name: 'devchain',
    date: new Date().toISOString(),
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    picked: 'node:crypto (OpenSSL) for SHA-256 and Ed25519',
    primitives: prims,
    headersValidatedPerSec: headers,
    blocksOf1000TxsConnectedPerSec: connect.blocksPerSec,
    msPerBlockOf1000Txs: connect.msPerBlock,
    txsConnectedPerSec: connect.txsPerSec,
    signaturesVerifiedPerSec: verify['node crypto, new key each time'],
    signaturesVerifiedPerSecCachedKey: verify['node crypto, key cached'],
    devnet: mining,
    buildChain5000EmptyBlocksMs: build5000
  }
  mkdirSync(join(HERE, 'results'), { recursive: true })
  writeFileSync(join(HERE, 'results', 'devchain.json'), JSON.stringify(result, null, 2) + '\n')
  const lines = [
    '# devchain benchmark',
    '',
    `${result.date}, Node ${result.node}, ${result.cpu}. Command: \`npm run bench -- devchain\`.`,
    '',
    '## Primitives, side by side (higher is better)',
    ''
  ]
  for (const [what, row] of Object.entries(prims)) {
    lines.push(`**${what}**`, '', '| implementation | ops/s | vs slowest |', '|---|---:|---:|')
    const min = Math.min(...Object.values(row))
    for (const [impl, v] of Object.entries(row)) lines.push(`| ${impl} | ${v.toLocaleString('en-US')} | ${(v / min).toFixed(1)}× |`)
    lines.push('')
  }
  lines.push(
    `Picked: **${result.picked}** — fastest on every row (see \`src/devchain/crypto.ts\`).`,
    '',
    '## Chain',
    '',
    '| measure | value |',
    '|---|---:|',
    `| headers validated per second (validateHeaders, 2000-header runs) | ${headers.toLocaleString('en-US')} |`,
    `| blocks of 1,000 transactions connected per second (cold key cache, all signatures checked) | ${connect.blocksPerSec} (${connect.msPerBlock} ms/block) |`,
    `| transactions connected per second | ${connect.txsPerSec.toLocaleString('en-US')} |`,
    `| Ed25519 signatures verified per second (distinct keys) | ${result.signaturesVerifiedPerSec.toLocaleString('en-US')} |`,
    `| Ed25519 signatures verified per second (cached key) | ${result.signaturesVerifiedPerSecCachedKey.toLocaleString('en-US')} |`,
    `| devnet hash rate, one core (double SHA-256 of headers) | ${mining.hashRate.toLocaleString('en-US')} H/s |`,
    `| devnet expected seconds per block at genesis difficulty (2^18 hashes) | ${mining.expectedSecondsPerBlock} |`,
    `| devnet blocks mined by the yielding miner at genesis difficulty (s) | ${mining.measuredSeconds.join(', ')} |`,
    `| buildChain of 5,000 empty regtest blocks | ${build5000} ms |`,
    ''
  )
  writeFileSync(join(HERE, 'results', 'devchain.md'), lines.join('\n'))
  console.log(lines.join('\n'))
}

if (process.argv[2] === '--build') await build(process.argv[3])
else await main()
