import { spawn } from 'node:child_process'
import path from 'node:path'

const root = path.resolve(__dirname, '..', '..')

/**
 * Runs one of the project's scripts (`scripts/<name>.ts`) as its own process, asynchronously:
 * the emulator a test started lives in the test's own event loop, which must keep turning.
 */
export function runScript(name: string, args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', `${name}.ts`), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('close', (status) => resolve({ status, stdout, stderr }))
  })
}
