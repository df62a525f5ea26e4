import { CONTROL_METHODS, type SimulatorControl } from './control'
import { CONTROL_PREFIX } from './controlHttp'

/** The control API of a simulator in another process: each method answers a promise. */
export type RemoteSimulatorControl = {
  [K in keyof SimulatorControl]: (...args: Parameters<SimulatorControl[K]>) => Promise<ReturnType<SimulatorControl[K]>>
}

/** Connects to `baseUrl`'s `/__sim/*` control API (e.g. http://127.0.0.1:9302). */
export function connectSimulatorControl(baseUrl: string): RemoteSimulatorControl {
  const root = baseUrl.replace(/\/+$/, '')
  const entries = CONTROL_METHODS.map((method) => [
    method,
    async (input?: unknown) => {
      const res = await fetch(`${root}${CONTROL_PREFIX}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: input === undefined ? '' : JSON.stringify(input),
      })
      const answer = (await res.json()) as { ok: boolean; result?: unknown; error?: string }
      if (!answer.ok) throw new Error(`simulator control ${method}: ${answer.error ?? `HTTP ${res.status}`}`)
      return answer.result
    },
  ])
  return Object.fromEntries(entries) as RemoteSimulatorControl
}
