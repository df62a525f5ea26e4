/**
 * `npm run dev`: the local full stack for a developer: the backend (see scripts/stack.ts) and the
 * H5 dev server wired to its gateway. Ctrl-C stops everything.
 */
import path from 'node:path'
import { importEvent } from '../cloud/src/domain/eventImport'
import { adminContext } from './adminDatabase'
import { demoEvent } from './demoEvent'
import { startBackend, stackPorts, startService } from './stack'

const taroBin = path.resolve(__dirname, '..', 'node_modules', '@tarojs', 'cli', 'bin', 'taro')

async function main(): Promise<void> {
  const ports = stackPorts()
  const credentials = await startBackend(ports)
  const seeded = await importEvent(adminContext(`http://127.0.0.1:${ports.emulator}/admin`, credentials), demoEvent())
  console.log(`demo event "${seeded.eventId}" ready (${seeded.created.length + seeded.updated.length} sessions)`)
  console.log(`h5 building… (about 20 s on first start)`)
  await startService(
    'h5',
    [taroBin, 'build', '--type', 'h5', '--watch'],
    { NODE_ENV: 'development', H5_PORT: String(ports.h5), GATEWAY_PORT: String(ports.gateway), WECHAT_SIM_PORT: String(ports.wechat) },
    /Loopback: http:\/\/127\.0\.0\.1/,
  )
  console.log(`h5 listening on http://127.0.0.1:${ports.h5}`)
}

void main()
