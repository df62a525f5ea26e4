/**
 * The simulator as a process (`tsx cloud/local/wechat/main.ts`), as scripts/stack.ts starts it:
 * the ready line, the account from the environment, clean shutdown on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import readline from 'node:readline'

const MAIN = path.resolve(__dirname, '..', '..', '..', 'cloud', 'local', 'wechat', 'main.ts')

function start(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve)
    child.once('exit', (code) => reject(new Error(`exited (${code}) before printing`)))
  })
}

const exitOf = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

describe('main.ts', () => {
  it('prints the ready line, serves the account from the environment, and exits 0 on SIGTERM', async () => {
    const child = start({ WECHAT_SIM_PORT: '0', WECHAT_SIM_APPID: 'wx0000000000dev0a1', WECHAT_SIM_SECRET: 'devofficialaccountsecret00000001' })
    try {
      const line = await firstLine(child)
      const match = /^wechat listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)
      expect(match).not.toBeNull()
      const base = match![1]
      const token = await (
        await fetch(`${base}/cgi-bin/stable_token`, {
          method: 'POST',
          body: JSON.stringify({ grant_type: 'client_credential', appid: 'wx0000000000dev0a1', secret: 'devofficialaccountsecret00000001' }),
        })
      ).json()
      expect(token).toEqual({ access_token: expect.any(String), expires_in: 7200 })
      const exited = exitOf(child)
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }, 20_000)

  it('refuses a bad port with exit code 2 and a message naming the variable', async () => {
    const child = start({ WECHAT_SIM_PORT: 'ninety' })
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    expect(await exitOf(child)).toBe(2)
    expect(stderr).toMatch(/WECHAT_SIM_PORT must be a TCP port number/)
  }, 20_000)
})
