/**
 * One function instance: a child process that loads the function module once (module state
 * survives warm invocations, as on CloudBase) and serves one invocation at a time. The caller's
 * identity is put in this process's environment before each call, where wx-server-sdk reads it.
 */
import { CONTEXT_ENV, type InstanceMessage, type InvokeMessage, type SerializedError } from './protocol'

interface FunctionModule {
  main: (event: unknown, context: Record<string, unknown>) => unknown
}

const entry = process.env.TICKETCARD_FUNCTION_ENTRY
const functionName = process.env.TICKETCARD_FUNCTION_NAME ?? 'unknown'
const timeLimitMs = Number(process.env.TICKETCARD_FUNCTION_TIMEOUT_MS ?? 3000)

function send(message: InstanceMessage): void {
  process.send?.(message)
}

function serialize(err: unknown): SerializedError {
  if (err instanceof Error) {
    const withCode = err as Error & { errCode?: number; errMsg?: string }
    return { message: err.message, stack: err.stack, errCode: withCode.errCode, errMsg: withCode.errMsg }
  }
  return { message: String(err) }
}

function applyIdentity(message: InvokeMessage): void {
  for (const [field, envName] of Object.entries(CONTEXT_ENV) as Array<[keyof typeof CONTEXT_ENV, string]>) {
    const value = message.identity[field]
    if (value) process.env[envName] = value
    else delete process.env[envName]
  }
  // Always the full list: getWXContext returns {} (no ENV, no SOURCE) when the list is empty, and
  // skips names whose variable is unset, which is how a timer call ends up without OPENID.
  process.env.WX_CONTEXT_KEYS = Object.values(CONTEXT_ENV).join(',')
  process.env.TCB_SOURCE = message.identity.source
}

function load(): FunctionModule | null {
  try {
    if (!entry) throw new Error('TICKETCARD_FUNCTION_ENTRY is not set')
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const loaded = require(entry) as Partial<FunctionModule> & { default?: Partial<FunctionModule> }
    const main = loaded.main ?? loaded.default?.main
    if (typeof main !== 'function') throw new Error(`${entry} exports no main(event, context)`)
    return { main }
  } catch (err) {
    send({ type: 'load-failed', error: serialize(err) })
    return null
  }
}

// The runtime died (even by SIGKILL): an instance never outlives it.
process.on('disconnect', () => process.exit(0))

const fn = load()
if (fn) {
  process.on('message', (raw: InvokeMessage) => {
    if (raw.type !== 'invoke') return
    applyIdentity(raw)
    const context = {
      request_id: raw.requestId,
      function_name: functionName,
      namespace: process.env.SCF_NAMESPACE,
      time_limit_in_ms: timeLimitMs,
      memory_limit_in_mb: 256,
    }
    Promise.resolve()
      .then(() => fn.main(raw.event, context))
      .then(
        (value) => send({ type: 'result', id: raw.id, ok: true, value: value === undefined ? null : value }),
        (err: unknown) => send({ type: 'result', id: raw.id, ok: false, error: serialize(err) }),
      )
  })
  send({ type: 'ready' })
}
