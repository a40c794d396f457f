/**
 * Loading and validating the node's configuration.
 *
 * Precedence, lowest to highest: built-in defaults, the JSON config file
 * (`--config`), environment variables (`CHAINWIRE_*`), command-line flags.
 * Every value is validated at start-up; an error names the field, the source
 * and the rule it broke.
 *
 * @module
 */
import { readFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { InvalidConfigError } from '../errors.ts'
import { FIELDS, defaultConfig } from './options.ts'
import type { FieldSpec, NodeConfig } from './options.ts'

/** Where a raw value came from; decides how the field is named in errors. */
export type ConfigSource = 'file' | 'env' | 'flag' | 'options'

/** Raw inputs: strings from env and flags, JSON values from the file. */
export interface ConfigInputs {
  /** Path of a JSON config file. */
  file?: string
  /** Environment (defaults to none; the CLI passes `process.env`). */
  env?: Record<string, string | undefined>
  /** Parsed CLI flags: flag name → string, boolean, or list of strings. */
  flags?: Record<string, string | boolean | string[] | undefined>
  /** Programmatic overrides, already typed; applied last. */
  overrides?: Partial<NodeConfig>
}

function fieldName (spec: FieldSpec, source: ConfigSource): string {
  switch (source) {
    case 'flag': return `--${spec.flag}`
    case 'env': return spec.env
    default: return spec.key
  }
}

function show (v: unknown): string {
  return JSON.stringify(v) ?? String(v)
}

/**
 * Parse and check one value. Strings (from env or flags) are converted;
 * JSON values (from the file) must already have the right type.
 */
export function parseField (spec: FieldSpec, raw: unknown, source: ConfigSource): unknown {
  const name = fieldName(spec, source)
  const fail = (rule: string): never => { throw new InvalidConfigError(spec.key, `${name} must be ${rule}, got ${show(raw)}`) }
  const fromText = source === 'env' || source === 'flag'
  const k = spec.kind
  switch (k.type) {
    case 'string': {
      if (typeof raw !== 'string') return fail('a string')
      if (raw === '' && k.allowEmpty !== true) return fail('a non-empty string')
      if (raw !== '' && k.pattern != null && !k.pattern.test(raw)) return fail(k.patternText ?? `a string matching ${k.pattern}`)
      return raw
    }
    case 'int': {
      let n: unknown = raw
      if (fromText && typeof raw === 'string') n = /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN
      const range = k.max != null ? `an integer between ${k.min} and ${k.max}` : `an integer ≥ ${k.min}`
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) return fail(range)
      if (n < k.min || (k.max != null && n > k.max)) return fail(range)
      return n
    }
    case 'bool': {
      if (typeof raw === 'boolean') return raw
      if (fromText && typeof raw === 'string') {
        const t = raw.trim().toLowerCase()
        if (['1', 'true', 'yes', 'on'].includes(t)) return true
        if (['0', 'false', 'no', 'off'].includes(t)) return false
      }
      return fail('true or false')
    }
    case 'enum': {
      if (typeof raw !== 'string' || !k.values.includes(raw)) return fail(`one of ${k.values.join(', ')}`)
      return raw
    }
    case 'list': {
      let items: unknown = raw
      if (fromText && typeof raw === 'string') items = raw.split(',').map(s => s.trim()).filter(s => s !== '')
      if (fromText && Array.isArray(raw)) items = raw.flatMap(s => String(s).split(',')).map(s => s.trim()).filter(s => s !== '')
      if (!Array.isArray(items) || items.some(i => typeof i !== 'string')) return fail('a list of strings')
      const list = items as string[]
      if (k.max != null && list.length > k.max) throw new InvalidConfigError(spec.key, `${name} must have at most ${k.max} entries, got ${list.length}`)
      for (const item of list) {
        if (k.item != null && !k.item.test(item)) throw new InvalidConfigError(spec.key, `${name} entries must be ${k.itemText ?? `strings matching ${k.item}`}, got ${show(item)}`)
      }
      return list
    }
    case 'hostport': {
      if (typeof raw !== 'string') return fail('HOST:PORT')
      if (raw === '' && k.allowEmpty) return raw
      const hp = splitHostPort(raw)
      if (hp == null) return fail('HOST:PORT with a port between 0 and 65535 (IPv6 as [::1]:PORT)')
      return raw
    }
  }
}

/** Split `HOST:PORT` (IPv6 as `[addr]:PORT`). Returns undefined if malformed. */
export function splitHostPort (s: string): { host: string, port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(s)
  if (m == null) return undefined
  const port = Number(m[3])
  if (port > 65535) return undefined
  const host = m[1] ?? m[2]
  if (m[1] != null && isIP(m[1]) !== 6) return undefined
  return { host, port }
}

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost (host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

/** Checks that involve more than one field. */
export function validateConfig (cfg: NodeConfig): NodeConfig {
  for (const spec of FIELDS) parseField(spec, cfg[spec.key], 'options')
  if (cfg.maxInbound + cfg.outboundTarget > cfg.maxConnections) {
    throw new InvalidConfigError('maxInbound', `maxInbound (${cfg.maxInbound}) + outboundTarget (${cfg.outboundTarget}) must not exceed maxConnections (${cfg.maxConnections})`)
  }
  if (cfg.api !== '') {
    const hp = splitHostPort(cfg.api)
    if (hp != null && !isLoopbackHost(hp.host) && cfg.apiToken === '') {
      throw new InvalidConfigError('apiToken', `apiToken is required when the API is bound to a non-loopback address (${cfg.api}); set --api-token or CHAINWIRE_API_TOKEN`)
    }
  }
  if (cfg.dialFrom !== '' && isIP(cfg.dialFrom) === 0) {
    throw new InvalidConfigError('dialFrom', `dialFrom must be an IP address, got ${show(cfg.dialFrom)}`)
  }
  return cfg
}

/** Read and parse the JSON config file. Unknown keys are errors (they are usually typos). */
export async function readConfigFile (path: string): Promise<Partial<NodeConfig>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err: any) {
    throw new InvalidConfigError('config', `cannot read config file ${path}: ${err.code ?? err.message}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err: any) {
    throw new InvalidConfigError('config', `config file ${path} is not valid JSON: ${err.message}`)
  }
  if (json == null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InvalidConfigError('config', `config file ${path} must hold a JSON object`)
  }
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(json)) {
    const spec = FIELDS.find(f => f.key === key)
    if (spec == null) {
      throw new InvalidConfigError(key, `unknown key ${show(key)} in config file ${path}; known keys: ${FIELDS.map(f => f.key).join(', ')}`)
    }
    out[key] = parseField(spec, value, 'file')
  }
  return out as Partial<NodeConfig>
}

/**
 * Build a validated config from defaults, file, environment and flags, in
 * that order of precedence (later wins).
 */
export async function loadConfig (inputs: ConfigInputs = {}): Promise<NodeConfig> {
  const cfg: Record<string, unknown> = { ...defaultConfig() }
  if (inputs.file != null) Object.assign(cfg, await readConfigFile(inputs.file))
  const env = inputs.env ?? {}
  for (const spec of FIELDS) {
    const v = env[spec.env]
    if (v !== undefined) cfg[spec.key] = parseField(spec, v, 'env')
  }
  const flags = inputs.flags ?? {}
  for (const spec of FIELDS) {
    const v = flags[spec.flag]
    if (v !== undefined) cfg[spec.key] = parseField(spec, v, 'flag')
  }
  Object.assign(cfg, inputs.overrides ?? {})
  return validateConfig(cfg as unknown as NodeConfig)
}
