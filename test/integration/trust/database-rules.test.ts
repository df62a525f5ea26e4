/**
 * The database is closed to clients: a rule per collection that denies every direct read and
 * write, checked against the collections that exist, and deployed with Tencent Cloud's API.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sign } from '@cloudbase/signature-nodejs'
import { loadRules, RULES_DIR } from '../../../scripts/db-rules'
import { runScript } from '../../support/runScript'

jest.setTimeout(60_000)

const INDEXES = path.resolve(__dirname, '..', '..', '..', 'cloud', 'indexes.json')
const collections = Object.keys(JSON.parse(readFileSync(INDEXES, 'utf8')) as Record<string, unknown>).sort()

it('every collection has a rule, and every rule denies all client reads and writes', () => {
  const rules = loadRules()
  expect(rules.map((r) => r.collection)).toEqual(collections)
  for (const { rule } of rules) expect(JSON.parse(rule)).toEqual({ read: false, write: false })
})

it('refuses to deploy with a collection left open or without a rule, naming it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rules-'))
  for (const collection of collections) writeFileSync(path.join(dir, `${collection}.json`), readFileSync(path.join(RULES_DIR, `${collection}.json`)))
  writeFileSync(path.join(dir, 'tickets.json'), JSON.stringify({ read: 'doc._openid == auth.openid', write: false }))
  writeFileSync(path.join(dir, 'reservation_terms.json'), JSON.stringify({ read: false }))
  writeFileSync(path.join(dir, 'stray.json'), JSON.stringify({ read: false, write: false }))
  expect(() => loadRules(dir, INDEXES)).toThrow(/tickets\.json: must deny[\s\S]*reservation_terms\.json: must deny|reservation_terms\.json: must deny[\s\S]*tickets\.json: must deny/)
  expect(() => loadRules(dir, INDEXES)).toThrow(/stray\.json: no collection/)
})

it('npm run db:rules -- deploy sets every rule with a signed ModifySafeRule call', async () => {
  const received: Array<{ headers: http.IncomingHttpHeaders; body: Record<string, string> }> = []
  const server = http.createServer((req, res) => {
    let text = ''
    req.on('data', (chunk: Buffer) => (text += chunk.toString()))
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(text) as Record<string, string> })
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ Response: { RequestId: `req-${received.length}` } }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const key = { secretId: 'AKIDtestdeploy0001', secretKey: 'test-deploy-secret-key-0001' }
  try {
    const run = await runScript('db-rules', ['deploy'], { TCB_ENV_ID: 'prod-env-1a2b', TENCENTCLOUD_SECRETID: key.secretId, TENCENTCLOUD_SECRETKEY: key.secretKey, TCB_API_ENDPOINT: endpoint })
    expect(run.status).toBe(0)
    expect(received.map((r) => r.body.CollectionName)).toEqual(collections)
    for (const { headers, body } of received) {
      expect(headers['x-tc-action']).toBe('ModifySafeRule')
      expect(headers['x-tc-version']).toBe('2018-06-08')
      expect(body).toEqual({ EnvId: 'prod-env-1a2b', CollectionName: body.CollectionName, AclTag: 'CUSTOM', Rule: '{"read":false,"write":false}' })
      // The signature is the one the key makes over exactly this request.
      const expected = sign({ ...key, method: 'POST', url: `${endpoint}/`, headers: { 'content-type': 'application/json', host: headers.host as string }, params: body, timestamp: Number(headers['x-tc-timestamp']), isCloudApi: true, service: 'tcb' })
      expect(headers.authorization).toBe(expected.authorization)
    }
  } finally {
    server.close()
  }
})
