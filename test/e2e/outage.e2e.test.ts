/**
 * The outage switches the browser tests use, checked at the HTTP level (no browser): the local
 * stack's gateway really stopped and restarted on its port, and the H5 server's proxy faking a
 * refused ('down') or silent ('hang') backend. What the pages show then is for the page tests.
 */
import { adminDb, openEvent, seedEvent } from '../support/adminDb'
import { startLocalStack, type LocalStack } from '../support/localStack'
import { controlGateway, type GatewayControl } from './support/gateway'
import { serveH5, type H5Server } from './support/h5Server'

let stack: LocalStack
let gateway: GatewayControl
let h5: H5Server

beforeAll(async () => {
  stack = await startLocalStack({ maxInstances: 1 })
  await seedEvent(adminDb(stack.adminUrl), { ...openEvent('outage', [{ id: 'outage-s1', capacity: 3 }]), title: '断网演练' })
  gateway = controlGateway(stack)
  h5 = await serveH5({ gatewayUrl: stack.gateway.url })
})

afterAll(async () => {
  await h5?.close()
  await gateway?.close()
  await stack?.close()
})

afterEach(async () => {
  h5.outage(null)
  await gateway.start()
})

/** What the app's transport sends for the events tab, through the H5 server as the browser does. */
const listEvents = (signal?: AbortSignal) =>
  fetch(`${h5.url}/api/attendee`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': 'dev_outage_visitor' },
    body: JSON.stringify({ action: 'events.list', payload: {} }),
    signal,
  })

async function expectEvents(answer: Response): Promise<void> {
  expect(answer.status).toBe(200)
  expect(JSON.stringify(await answer.json())).toContain('断网演练')
}

async function expectRefused(answer: Response): Promise<void> {
  expect(answer.status).toBe(502)
  expect(await answer.json()).toMatchObject({ code: 'NETWORK_ERROR', message: expect.stringContaining('ECONNREFUSED') })
}

/** Whether the request is still unanswered after a while. */
const stillPending = (request: Promise<unknown>, ms = 300) =>
  Promise.race([request.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), ms))])

test('the gateway stops and comes back on the same port, with the same data', async () => {
  const { port } = stack.gateway
  await expectEvents(await listEvents())
  await gateway.stop()
  expect(gateway.running).toBe(false)
  await expectRefused(await listEvents())
  await expect(stack.call('attendee', 'events.list', {})).rejects.toThrow()

  await gateway.start()
  expect(gateway.running).toBe(true)
  expect(stack.gateway.url).toBe(`http://127.0.0.1:${port}`)
  await expectEvents(await listEvents())
  expect((await stack.call('attendee', 'events.list', {})).ok).toBe(true)
})

test("the proxy's 'down' answers at once as a stopped gateway does", async () => {
  h5.outage('down')
  await expectRefused(await listEvents())
  h5.outage(null)
  await expectEvents(await listEvents())
})

test("the proxy's 'hang' holds requests; they go through when it ends", async () => {
  h5.outage('hang')
  const held = listEvents()
  expect(await stillPending(held)).toBe(true)
  h5.outage(null)
  await expectEvents(await held)
})

test("a request held by 'hang' is refused when the outage turns to 'down', and a client may give up", async () => {
  h5.outage('hang')
  const held = listEvents()
  const abandoned = new AbortController()
  const given = listEvents(abandoned.signal)
  expect(await stillPending(held)).toBe(true)
  abandoned.abort()
  await expect(given).rejects.toThrow()
  h5.outage('down')
  await expectRefused(await held)
})
