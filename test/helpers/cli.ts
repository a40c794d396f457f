import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'

/** The CLI entry point. */
export const CLI = fileURLToPath(new URL('../../bin/chainwire.js', import.meta.url))

/** Run the CLI to completion; resolves with exit code and output. */
export async function runCli (args: string[], options: { env?: Record<string, string>, timeoutMs?: number, cwd?: string } = {}): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...options.env }, cwd: options.cwd })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => { stdout += d })
  child.stderr.on('data', (d) => { stderr += d })
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
  const code = await new Promise<number | null>(resolve => child.on('exit', (c) => { resolve(c) }))
  clearTimeout(timer)
  return { code, stdout, stderr }
}

/** Start the CLI in the background. */
export function spawnCli (args: string[], options: { env?: Record<string, string>, detached?: boolean } = {}): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...options.env }, detached: options.detached }) as ChildProcess & { output: () => string }
  let out = ''
  child.stdout?.on('data', (d) => { out += d })
  child.stderr?.on('data', (d) => { out += d })
  child.output = () => out
  return child
}

/** True if a process with this pid exists. */
export function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err: any) {
    return err.code === 'EPERM'
  }
}
