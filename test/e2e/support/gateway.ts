import { startGateway, type Gateway } from '../../../cloud/local/runtime/gateway'
import type { Runtime } from '../../../cloud/local/runtime/runtime'

/**
 * Stops and restarts a local stack's HTTP gateway for real, on the same port, while the function
 * runtime and the database stay up: the browser (through the H5 server's proxy) and `stack.call`
 * see connections refused, then the same backend with the same data again.
 *
 * This is the way to test "the backend went away mid-session": use `H5Server.outage('hang')` only
 * for a backend that accepts and never answers, which a stopped process can't show.
 *
 *   const gateway = controlGateway(stack)
 *   await gateway.stop()    // in-flight calls are cut, new ones refused (502 through the proxy)
 *   await gateway.start()   // same port, same runtime and data
 *   ...
 *   afterAll: await gateway.close() before stack.close()
 */
export interface GatewayControl {
  readonly running: boolean
  /** Closes the port and every open connection, as a killed process would. */
  stop(): Promise<void>
  /** Listens again on the port the stack's gateway had, in front of the same runtime. */
  start(): Promise<void>
  /** Closes a gateway `start()` opened (the stack's own close() only knows its first one). */
  close(): Promise<void>
}

export function controlGateway(stack: { gateway: Gateway; runtime: Runtime }): GatewayControl {
  const { port } = stack.gateway
  let current: Gateway | null = stack.gateway
  let restarted: Gateway | null = null
  return {
    get running() {
      return current !== null
    },
    async stop() {
      if (!current) return
      const closing = current
      current = null
      await closing.close()
    },
    async start() {
      if (current) return
      // The port was ours a moment ago; listening sockets are opened with SO_REUSEADDR, so the
      // connections it left in TIME_WAIT don't keep it busy.
      restarted = await startGateway(stack.runtime, { port, log: () => undefined })
      current = restarted
    },
    async close() {
      const last = restarted
      restarted = null
      if (current === last) current = null
      await last?.close()
    },
  }
}
