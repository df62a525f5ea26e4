/**
 * `npm run dev`: the local full stack for a developer. Starts every service, prints where each
 * listens, and stops them all on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'

const root = path.resolve(__dirname, '..')
const h5Port = process.env.H5_PORT ?? '10086'
const children: ChildProcess[] = []

function start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] })
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} stopped (${signal ?? `exit ${code}`}); stopping the rest`)
      void stopAll(1)
    }
  })
  children.push(child)
  return child
}

let stopping = false
async function stopAll(exitCode: number): Promise<void> {
  if (stopping) return
  stopping = true
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null)))
  process.exit(exitCode)
}

process.on('SIGINT', () => void stopAll(0))
process.on('SIGTERM', () => void stopAll(0))

console.log(`h5 app will be served on http://127.0.0.1:${h5Port} (first build takes about 20 s)`)
start('h5', 'npx', ['taro', 'build', '--type', 'h5', '--watch'], { NODE_ENV: 'development', H5_PORT: h5Port })
