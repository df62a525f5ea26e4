import { CONTROL_METHODS, ControlError, type ControlMethod, type SimulatorControl } from './control'
import { isObject } from './fields'

export const CONTROL_PREFIX = '/__sim'

export interface ControlReply {
  status: number
  body: unknown
}

/**
 * The control API over HTTP, for tests that run the simulator in another process:
 * `POST /__sim/<method>` with the method's argument as the JSON body (empty for none) answers
 * `{ok: true, result}`; `GET /__sim/<method>` calls it without an argument; `GET /__sim` lists
 * the methods. Bad input answers 400 `{ok: false, error}`.
 */
export function handleControl(control: SimulatorControl, method: string, path: string, body: Buffer): ControlReply {
  const name = path.slice(CONTROL_PREFIX.length + 1)
  if (name === '') return { status: 200, body: { ok: true, methods: CONTROL_METHODS } }
  if (!(CONTROL_METHODS as readonly string[]).includes(name)) {
    return { status: 404, body: { ok: false, error: `no control method "${name}"; methods: ${CONTROL_METHODS.join(', ')}` } }
  }
  if (method !== 'GET' && method !== 'POST') return { status: 405, body: { ok: false, error: 'use GET or POST' } }
  let input: unknown
  if (method === 'POST' && body.length > 0) {
    try {
      input = JSON.parse(body.toString('utf8'))
    } catch (err) {
      return { status: 400, body: { ok: false, error: `body is not valid JSON: ${(err as Error).message}` } }
    }
    if (input !== null && !isObject(input)) return { status: 400, body: { ok: false, error: 'body must be a JSON object (the method argument)' } }
  }
  try {
    const call = control[name as ControlMethod] as (arg?: unknown) => unknown
    return { status: 200, body: { ok: true, result: call(input ?? undefined) ?? null } }
  } catch (err) {
    if (err instanceof ControlError) return { status: 400, body: { ok: false, error: err.message } }
    throw err
  }
}
