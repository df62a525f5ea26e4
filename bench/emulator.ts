/**
 * Emulator benchmark: `npx tsx bench/emulator.ts`.
 *
 * 1. Insert and get-by-_id throughput of the emulator (its own process, as `npm run serve` runs it)
 *    through (a) raw HTTP carrying the SDK's exact body shape and signature over keep-alive connections and
 *    (b) the real wx-server-sdk (which, in SCF mode, opens a connection per call and signs every
 *    request), against raw better-sqlite3 doing the same work on the same documents, in the same
 *    run: same table shape and index, WAL + synchronous=NORMAL, one transaction per insert.
 * 2. An equality query on an indexed field at 100,000 documents: its time, SQLite's plan, and the
 *    same query on an unindexed field holding the same distribution.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import Database from 'better-sqlite3'
import { EJSON } from 'bson'
import { startEmulator } from '../cloud/local/emulator'
import type { EmulatorCredentials } from '../cloud/local/emulator/credentials'
import { credentialsFileOf, readCredentialsFile } from '../cloud/local/emulator/credentialsFile'
import { signedHeaders } from '../test/support/signedRequest'

const root = path.resolve(__dirname, '..')
const CONCURRENCY = 16
const PHASE_MS = 2_500
const COLLECTION = 'bench'
const ENV = 'bench-env'
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-bench-'))
const indexesFile = path.join(work, 'indexes.json')
fs.writeFileSync(indexesFile, JSON.stringify({ [COLLECTION]: [{ name: 'category', keys: { category: 1 } }] }))

interface BenchDoc {
  _id: string
  code: string
  category: string
  bucket: string
  n: number
  createdAt: Date
  tags: string[]
  note: string
}

function makeDoc(i: number, prefix: string): BenchDoc {
  return {
    _id: `${prefix}-${i}`,
    code: `${1_000_000_000_000_000 + i}`,
    category: `c-${i % 1000}`,
    bucket: `b-${i % 1000}`,
    n: i,
    createdAt: new Date(1_700_000_000_000 + i * 1000),
    tags: ['vip', `t${i % 7}`],
    note: 'x'.repeat(120),
  }
}

// ---- the emulator as a process ----

/** Where raw requests go and what they are signed with. */
interface Target {
  port: number
  credentials: EmulatorCredentials
}

function startMain(dataFile: string): Promise<{ child: ChildProcess; target: Target }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'cloud/local/emulator/main.ts')], {
    cwd: root,
    env: { ...process.env, EMULATOR_PORT: '0', EMULATOR_DATA: dataFile, EMULATOR_INDEXES: indexesFile },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', (line) => {
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(line)
      // main.ts leaves its credentials beside the data file, as for admin commands.
      const credentials = readCredentialsFile(credentialsFileOf(dataFile))
      if (match && credentials) resolve({ child, target: { port: Number(match[1]), credentials } })
      else reject(new Error(`unexpected output, or no key file: ${line}`))
    })
    child.once('exit', (code) => reject(new Error(`emulator exited (${code})`)))
  })
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY })

function post(target: Target, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const body = JSON.stringify(params)
  const route = `/admin?env=${ENV}&seqId=1`
  const headers = { ...signedHeaders(`http://127.0.0.1:${target.port}${route}`, params, target.credentials), 'content-length': String(Buffer.byteLength(body)) }
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: target.port, path: route, method: 'POST', agent, headers },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const reply = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>
          if (reply.code) reject(new Error(`${String(reply.code)}: ${String(reply.message)}`))
          else resolve(reply)
        })
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** The body wx-server-sdk sends for add(): the document as canonical EJSON. */
const insertBody = (doc: BenchDoc) => ({ collectionName: COLLECTION, data: [EJSON.stringify(doc, { relaxed: false })], action: 'database.insertDocument', envName: ENV })
/** The body wx-server-sdk sends for doc(id).get(). */
const getBody = (id: string) => ({ collectionName: COLLECTION, query: EJSON.stringify({ _id: id }, { relaxed: false }), queryType: 'DOC', multi: false, action: 'database.getDocument', envName: ENV })

/** Runs `op(i)` from CONCURRENCY loops for about PHASE_MS; returns operations per second. */
async function throughput(op: (i: number) => Promise<unknown>, durationMs = PHASE_MS): Promise<number> {
  let next = 0
  const started = performance.now()
  const deadline = started + durationMs
  const loop = async () => {
    while (performance.now() < deadline) await op(next++)
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, loop))
  return next / ((performance.now() - started) / 1000)
}

// ---- the baseline: better-sqlite3 directly ----

function openBaseline(file: string): Database.Database {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(`CREATE TABLE docs (seq INTEGER PRIMARY KEY, _id NOT NULL UNIQUE, body TEXT NOT NULL, version INTEGER NOT NULL);
    CREATE INDEX docs_category ON docs (coalesce(json_extract(body, '$."category"'), X''));`)
  return db
}

function baselineRate(run: (i: number) => void, durationMs = 1_000): number {
  let i = 0
  const started = performance.now()
  while (performance.now() - started < durationMs) for (let k = 0; k < 100; k++) run(i++)
  return i / ((performance.now() - started) / 1000)
}

// ---- the real SDK, in this process ----

type Cloud = typeof import('wx-server-sdk')

async function loadSdk(target: Target): Promise<ReturnType<Cloud['database']>> {
  Object.assign(process.env, {
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: `http://127.0.0.1:${target.port}/admin` }),
    TENCENTCLOUD_SECRETID: target.credentials.secretId,
    TENCENTCLOUD_SECRETKEY: target.credentials.secretKey,
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    SCF_NAMESPACE: ENV,
    SILENCE: 'true',
  })
  const loaded = (await import('wx-server-sdk')) as Cloud & { default?: Cloud }
  const cloud = loaded.default ?? loaded // tsx hands a CommonJS module over as `default`
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })
  return cloud.database()
}

// ---- report ----

const rows: string[][] = []
const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)))
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n')
}

async function main(): Promise<void> {
  const totalStart = performance.now()
  console.log(`emulator benchmark: node ${process.version}, ${os.cpus().length} CPUs, client concurrency ${CONCURRENCY}, ${PHASE_MS / 1000} s per phase`)

  // Baseline first, on its own file, so the numbers below share the machine state.
  const baseline = openBaseline(path.join(work, 'baseline.sqlite'))
  const baseInsert = baseline.prepare('INSERT INTO docs (_id, body, version) VALUES (?, ?, ?)')
  const baseGet = baseline.prepare('SELECT body FROM docs WHERE _id = ?').pluck()
  const baseInsertRate = baselineRate((i) => {
    const doc = makeDoc(i, 'base')
    baseInsert.run(doc._id, JSON.stringify(doc), i)
  })
  const baseCount = (baseline.prepare('SELECT count(*) FROM docs').pluck().get() as number) || 1
  const baseGetRate = baselineRate((i) => {
    JSON.parse(baseGet.get(`base-${i % baseCount}`) as string)
  })
  baseline.close()

  const { child, target } = await startMain(path.join(work, 'emulator.sqlite'))
  try {
    const httpInsert = await throughput((i) => post(target, insertBody(makeDoc(i, 'http'))))
    const db = await loadSdk(target)
    const sdkInsert = await throughput((i) => db.collection(COLLECTION).add({ data: makeDoc(i, 'sdk') }) as Promise<unknown>)
    const inserted = Math.floor((httpInsert * PHASE_MS) / 1000)
    const httpGet = await throughput((i) => post(target, getBody(`http-${i % inserted}`)))
    const sdkGet = await throughput((i) => db.collection(COLLECTION).doc(`http-${i % inserted}`).get() as Promise<unknown>)
    rows.push(['insert one document', 'raw HTTP, SDK body shape', fmt(httpInsert), fmt(baseInsertRate), (httpInsert / baseInsertRate).toFixed(3)])
    rows.push(['insert one document', 'real wx-server-sdk', fmt(sdkInsert), fmt(baseInsertRate), (sdkInsert / baseInsertRate).toFixed(3)])
    rows.push(['get by _id', 'raw HTTP, SDK body shape', fmt(httpGet), fmt(baseGetRate), (httpGet / baseGetRate).toFixed(3)])
    rows.push(['get by _id', 'real wx-server-sdk', fmt(sdkGet), fmt(baseGetRate), (sdkGet / baseGetRate).toFixed(3)])
  } finally {
    child.kill('SIGTERM')
    agent.destroy()
  }
  console.log()
  console.log(table(['operation', 'emulator path', 'emulator ops/s', 'better-sqlite3 ops/s', 'ratio'], rows))

  // Indexed query at 100,000 documents (in process: the admin handle shows SQLite's plan).
  const emulator = await startEmulator({ indexesFile, dataFile: path.join(work, 'large.sqlite') })
  try {
    const loadStart = performance.now()
    const inProcess: Target = { port: emulator.port, credentials: emulator.credentials }
    for (let start = 0; start < 100_000; start += 1000) {
      const data = Array.from({ length: 1000 }, (_, k) => EJSON.stringify(makeDoc(start + k, 'big'), { relaxed: false }))
      await post(inProcess, { collectionName: COLLECTION, data, action: 'database.insertDocument', envName: ENV })
    }
    const loadMs = performance.now() - loadStart
    const queryBody = (field: string, value: string) =>
      ({ collectionName: COLLECTION, queryType: 'WHERE', query: JSON.stringify({ [field]: value }), limit: 1000, action: 'database.getDocument', envName: ENV })
    const time = async (field: string, runs: number) => {
      const samples: number[] = []
      let matched = 0
      for (let r = 0; r < runs; r++) {
        const value = `${field === 'category' ? 'c' : 'b'}-${(r * 37) % 1000}`
        const t = performance.now()
        const reply = await post(inProcess, queryBody(field, value))
        samples.push(performance.now() - t)
        matched = (reply.data as { list: unknown[] }).list.length
      }
      return { ms: median(samples), matched }
    }
    const indexed = await time('category', 200)
    const unindexed = await time('bucket', 10)
    const indexedPlan = emulator.db.explain(COLLECTION, { category: 'c-1' }).plan.join('; ')
    const scanPlan = emulator.db.explain(COLLECTION, { bucket: 'b-1' }).plan.join('; ')
    console.log()
    console.log(`equality query at ${fmt(emulator.db.count(COLLECTION))} documents (loaded in ${(loadMs / 1000).toFixed(1)} s, 1000 per request; raw HTTP, median latency)`)
    console.log(
      table(
        ['query', 'matches', 'median ms', 'SQLite plan'],
        [
          ["where({category}) indexed", String(indexed.matched), indexed.ms.toFixed(2), indexedPlan],
          ["where({bucket}) unindexed", String(unindexed.matched), unindexed.ms.toFixed(2), scanPlan],
        ],
      ),
    )
    console.log(`indexed is ${(unindexed.ms / indexed.ms).toFixed(0)}× faster than the scan of the same distribution`)
  } finally {
    await emulator.close()
  }
  fs.rmSync(work, { recursive: true, force: true })
  console.log(`\ntotal ${((performance.now() - totalStart) / 1000).toFixed(1)} s`)
}

main().catch((err: unknown) => {
  console.error(err)
  fs.rmSync(work, { recursive: true, force: true })
  process.exit(1)
})
