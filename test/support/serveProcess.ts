import { spawn } from 'node:child_process'
import path from 'node:path'

const root = path.resolve(__dirname, '..', '..')

/** `npm run serve` as a child process (what a developer or another client starts), with its output. */
export function serve(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/serve.ts')], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, exited, out: () => stdout, err: () => stderr }
}

/** Polls `check` every 100 ms until it holds, or fails after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Ports below Linux's ephemeral range (32768+), where ports other suites open at random could collide. */
export function servePorts(): { base: number; env: Record<string, string> } {
  const base = 20000 + Math.floor(Math.random() * 12000)
  return { base, env: { EMULATOR_PORT: String(base), WECHAT_SIM_PORT: String(base + 1), GATEWAY_PORT: String(base + 2) } }
}
