/**
 * The node's Ed25519 identity key, kept in the data dir.
 *
 * The key is created on first start and written with mode 0600 (atomically:
 * write to a temporary file, then rename). An existing file that cannot be
 * read or parsed is an {@link IdentityError}: a node never silently replaces
 * its identity, because its peer id is how other nodes remember it.
 *
 * @module
 */
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { IDENTITY_FILE } from '../config/constants.ts'
import { IdentityError } from '../errors.ts'
import type { PeerId, PrivateKey } from '@libp2p/interface'

/** The file format: the libp2p protobuf encoding of the private key, hex, one line. */
const ENCODING = 'hex'

/** A loaded identity. */
export interface Identity {
  privateKey: PrivateKey
  peerId: PeerId
  /** Path of the key file. */
  path: string
  /** True if this call created the key. */
  created: boolean
}

/** Options for {@link loadIdentity}. */
export interface LoadIdentityOptions {
  /** Create the key if the file does not exist. @default true */
  create?: boolean
}

/** Path of the identity key in a data dir. */
export function identityPath (dataDir: string): string {
  return join(dataDir, IDENTITY_FILE)
}

function decode (text: string, path: string): PrivateKey {
  const hex = text.trim()
  if (!/^([0-9a-f]{2})+$/.test(hex)) {
    throw new IdentityError(`identity key file ${path} is corrupt: expected one line of hex; move it away to create a new identity`)
  }
  let key: PrivateKey
  try {
    key = privateKeyFromProtobuf(Buffer.from(hex, ENCODING))
  } catch (err: any) {
    throw new IdentityError(`identity key file ${path} is corrupt: ${err.message}; move it away to create a new identity`, { cause: err })
  }
  if (key.type !== 'Ed25519') {
    throw new IdentityError(`identity key file ${path} holds a ${key.type} key; chainwire identities are Ed25519`)
  }
  return key
}

/**
 * Load the identity from `dataDir`, creating it on first start.
 *
 * @throws IdentityError if the file exists but is unreadable, corrupt or not Ed25519,
 *   or if it does not exist and `create` is false
 */
export async function loadIdentity (dataDir: string, options: LoadIdentityOptions = {}): Promise<Identity> {
  const path = identityPath(dataDir)
  let text: string | undefined
  try {
    text = await readFile(path, 'utf8')
  } catch (err: any) {
    if (err.code !== 'ENOENT') {
      throw new IdentityError(`cannot read identity key file ${path}: ${err.code ?? err.message}`, { cause: err })
    }
  }

  if (text != null) {
    const privateKey = decode(text, path)
    // the key is a secret: tighten permissions that were loosened by hand
    const st = await stat(path)
    if ((st.mode & 0o077) !== 0) await chmod(path, 0o600)
    return { privateKey, peerId: peerIdFromPrivateKey(privateKey), path, created: false }
  }

  if (options.create === false) {
    throw new IdentityError(`no identity key at ${path}; run \`chainwire id --data-dir ${dataDir}\` to create one`)
  }

  const privateKey = await generateKeyPair('Ed25519')
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const tmp = `${path}.${process.pid}.tmp`
  const fh = await open(tmp, 'wx', 0o600)
  try {
    await fh.writeFile(Buffer.from(privateKeyToProtobuf(privateKey)).toString(ENCODING) + '\n')
    await fh.sync()
  } finally {
    await fh.close()
  }
  try {
    // link-free "create if absent": rename would replace a key written concurrently,
    // so re-check first and keep whichever key is already there
    await stat(path)
    await unlink(tmp)
    return await loadIdentity(dataDir, options)
  } catch (err: any) {
    if (err.code !== 'ENOENT') throw err
  }
  await rename(tmp, path)
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey), path, created: true }
}
