/**
 * Command-line parsing for chainwire commands, generated from the config
 * table so flags, environment variables, the JSON file and the docs never
 * drift apart.
 */
import { parseArgs } from 'node:util'
import { FIELDS, defaultConfig } from '../config/options.ts'
import { ChainwireError, InvalidConfigError } from '../errors.ts'
import type { FieldSpec } from '../config/options.ts'

/** A usage error: bad flags or arguments. Exit code 2. */
export class UsageError extends ChainwireError {
  static override name = 'UsageError'
  constructor (message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

type OptionSpec = { type: 'string' | 'boolean', multiple?: boolean, short?: string }

/** parseArgs options for the given config fields. */
export function fieldOptions (fields: readonly FieldSpec[]): Record<string, OptionSpec> {
  const out: Record<string, OptionSpec> = {}
  for (const f of fields) {
    out[f.flag] = f.kind.type === 'bool' ? { type: 'boolean' } : f.kind.type === 'list' ? { type: 'string', multiple: true } : { type: 'string' }
  }
  return out
}

/** Parse argv against options; unknown flags and stray arguments are usage errors. */
export function parse (argv: string[], options: Record<string, OptionSpec>, allowPositionals = false): { values: Record<string, string | boolean | string[] | undefined>, positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals, allowNegative: true, strict: true })
    return { values: r.values as Record<string, string | boolean | string[] | undefined>, positionals: r.positionals }
  } catch (err: any) {
    throw new UsageError(err.message)
  }
}

function defaultText (f: FieldSpec): string {
  const v = defaultConfig()[f.key]
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.join(',')
  if (v === '') return 'none'
  return String(v)
}

/** Help lines for config flags: flag, env var, default, description. */
export function fieldHelp (fields: readonly FieldSpec[]): string {
  const rows = fields.map(f => {
    const arg = f.kind.type === 'bool' ? `--[no-]${f.flag}` : `--${f.flag} <${f.kind.type === 'int' ? 'n' : f.kind.type === 'list' ? 'a,b' : 'value'}>`
    return [arg, `${f.help} (default ${defaultText(f)}; env ${f.env})`]
  })
  const w = Math.max(...rows.map(r => r[0].length)) + 2
  return rows.map(([a, h]) => `  ${a.padEnd(w)}${h}`).join('\n')
}

/** The config fields a command accepts, by key. */
export function pick (keys: readonly string[]): FieldSpec[] {
  return keys.map(k => {
    const f = FIELDS.find(x => x.key === k)
    if (f == null) throw new InvalidConfigError(k, `unknown config field ${k}`)
    return f
  })
}
