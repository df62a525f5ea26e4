/**
 * Cloud calls: `cloud.openapi.subscribeMessage.send` made with the real wx-server-sdk travels as
 * a multipart `wx.openApi` request to the emulator, which forwards it to the WeChat simulator's
 * cloud-call entry and relays WeChat's answer as CloudBase does (CommOpenApiResp). Checked from a
 * function in the local runtime (emulator and simulator in one process), and from the emulator
 * process `main.ts` reaching the simulator through WECHAT_SIM_URL.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { type Emulator, startEmulator } from '../../../cloud/local/emulator'
import { credentialsFileOf, readCredentialsFile } from '../../../cloud/local/emulator/credentialsFile'
import { defineFunctionAt } from '../../../cloud/local/runtime/functions'
import { type Gateway, startGateway } from '../../../cloud/local/runtime/gateway'
import { Runtime } from '../../../cloud/local/runtime/runtime'
import { startWechatSimulator, type WechatSimulator } from '../../../cloud/local/wechat'
import { DEV_SUBSCRIBE_TEMPLATES } from '../../../cloud/local/wechat/devTemplates'
import { call, failure, loadSdk, pointSdkAt, TEST_INDEXES } from './sdk'

// Functions and main.ts start through tsx: seconds each on a loaded machine.
jest.setTimeout(60_000)

const ENDPOINT = '/cgi-bin/message/subscribe/send'
const reminder = DEV_SUBSCRIBE_TEMPLATES[1]
/** What function code passes: camelCase, as the SDK's documentation shows. */
const params = {
  touser: 'oAttendee0001',
  templateId: reminder.id,
  page: 'pages/ticket/index?id=t1',
  miniprogramState: 'developer',
  data: { thing1: { value: '新年音乐会' }, time2: { value: '2025年1月1日 19:30' }, thing3: { value: '城市音乐厅' }, character_string4: { value: '0001' } },
}

interface Outcome {
  ok: boolean
  result?: Record<string, unknown>
  errCode?: number
  errMsg?: string
  isError?: boolean
}

let wechat: WechatSimulator

beforeAll(async () => {
  wechat = await startWechatSimulator({ log: () => undefined })
})

afterAll(async () => {
  await wechat.close()
})

describe('from a function in the local runtime', () => {
  let emulator: Emulator
  let runtime: Runtime
  let gateway: Gateway

  beforeAll(async () => {
    emulator = await startEmulator({ indexesFile: TEST_INDEXES, wechatSimulator: wechat })
    runtime = new Runtime({
      functions: [defineFunctionAt('remind', path.join(__dirname, 'fixtures', 'cloudCall.ts'), { timeout: 10 })],
      adminUrl: emulator.adminUrl,
      credentials: emulator.credentials,
      maxInstances: 1,
    })
    gateway = await startGateway(runtime, { log: () => undefined })
  })

  afterAll(async () => {
    await gateway.close()
    await runtime.close()
    await emulator.close()
  })

  beforeEach(() => {
    wechat.control.reset()
  })

  async function remind(event: { api?: string; params: Record<string, unknown> }): Promise<Outcome> {
    const res = await fetch(`${gateway.url}/api/remind`, { method: 'POST', body: JSON.stringify(event) })
    return (await res.json()) as Outcome
  }

  it('reaches the simulator, which records the message and counts the call; the SDK resolves as on CloudBase', async () => {
    const outcome = await remind({ params })
    expect(outcome).toEqual({ ok: true, result: { msgid: expect.any(Number), errMsg: 'openapi.subscribeMessage.send:ok', errCode: 0 } })
    expect(wechat.control.subscribeMessages()).toEqual([
      {
        msgid: outcome.result?.msgid,
        appid: expect.any(String),
        touser: 'oAttendee0001',
        template_id: reminder.id,
        page: 'pages/ticket/index?id=t1',
        data: params.data,
        miniprogram_state: 'developer',
        lang: 'zh_CN',
        sentAt: expect.any(Number),
      },
    ])
    expect(wechat.control.counters()[ENDPOINT]).toEqual({ calls: 1, ok: 1, errors: {} })
  })

  it('an injected fault comes back as the SDK\'s rejection with WeChat\'s errcode as errCode', async () => {
    wechat.control.scriptFaults({ endpoint: ENDPOINT, errcodes: [-1, 45011] })
    const busy = await remind({ params })
    expect(busy).toEqual({ ok: false, isError: true, errCode: -1, errMsg: expect.stringMatching(/^openapi\.subscribeMessage\.send:fail system error rid: \S+$/) })
    const quota = await remind({ params })
    expect(quota).toMatchObject({ ok: false, errCode: 45011, errMsg: expect.stringMatching(/^openapi\.subscribeMessage\.send:fail api minute-quota reach limit/) })

    wechat.control.setFault({ endpoint: ENDPOINT, errcode: 43101, rate: 1 })
    expect(await remind({ params })).toMatchObject({ ok: false, errCode: 43101, errMsg: expect.stringContaining('user refuse to accept the msg') })
    wechat.control.clearFaults({})
    expect(await remind({ params })).toMatchObject({ ok: true })

    expect(wechat.control.subscribeMessages()).toHaveLength(1)
    expect(wechat.control.counters()[ENDPOINT]).toEqual({ calls: 4, ok: 1, errors: { '-1': 1, 45011: 1, 43101: 1 } })
  })

  it('a field breaking its template is refused with 47003 naming it, and nothing is recorded', async () => {
    const tooLong = await remind({ params: { ...params, data: { ...params.data, thing3: { value: '一'.repeat(21) } } } })
    expect(tooLong).toMatchObject({ ok: false, errCode: 47003, errMsg: expect.stringMatching(/^openapi\.subscribeMessage\.send:fail argument invalid! data\.thing3\.value invalid hint: \[thing: at most 20 characters, got 21\]/) })
    const wrongKey = await remind({ params: { ...params, data: { ...params.data, thing5: { value: 'x' } } } })
    expect(wrongKey).toMatchObject({ ok: false, errCode: 47003, errMsg: expect.stringContaining(`data.thing5 is not a keyword of template ${reminder.id}`) })
    const badTime = await remind({ params: { ...params, data: { ...params.data, time2: { value: '2025-01-01 19:30' } } } })
    expect(badTime).toMatchObject({ ok: false, errCode: 47003, errMsg: expect.stringContaining('data.time2.value invalid') })
    const unknown = await remind({ params: { ...params, templateId: 'tcNoSuchTemplate000000000000000000000000000' } })
    expect(unknown).toMatchObject({ ok: false, errCode: 40037, errMsg: expect.stringContaining('invalid template_id') })
    expect(wechat.control.subscribeMessages()).toEqual([])
    expect(wechat.control.counters()[ENDPOINT]).toEqual({ calls: 4, ok: 0, errors: { 47003: 3, 40037: 1 } })
  })

  it('an API the simulator does not serve is refused clearly and never reaches it', async () => {
    const outcome = await remind({ api: 'subscribeMessage.getTemplateList', params: {} })
    expect(outcome).toEqual({
      ok: false,
      isError: true,
      errCode: -501007,
      errMsg:
        'openapi.subscribeMessage.getTemplateList:fail -501007 invalid parameters. [InvalidParameter] cloud.openapi.subscribeMessage.getTemplateList is not available locally: the WeChat simulator serves cloud.openapi.subscribeMessage.send',
    })
    expect(wechat.control.counters()).toEqual({})
  })
})

describe('the emulator\'s own failures', () => {
  let emulator: Emulator | undefined

  afterEach(async () => {
    await emulator?.close()
    emulator = undefined
    wechat.control.reset()
  })

  it('WeChat slower than the emulator waits: -604102 (open API timeout), while WeChat may still send it', async () => {
    emulator = await startEmulator({ indexesFile: TEST_INDEXES, wechatSimulator: wechat, openApiTimeoutMs: 200 })
    pointSdkAt(emulator)
    const cloud = await loadSdk()
    wechat.control.setLatency({ endpoint: ENDPOINT, ms: 600 })
    const error = await failure(cloud.openapi.subscribeMessage.send(params))
    expect(error).toEqual({ errCode: -604102, errMsg: 'system error: error code: -604102' })
    // The ambiguity a caller must live with: it heard of a failure, the message went out anyway.
    await new Promise((resolve) => setTimeout(resolve, 800))
    expect(wechat.control.subscribeMessages()).toHaveLength(1)
  })

  it('a simulator that does not answer fails with the URL it tried', async () => {
    const gone = await startWechatSimulator({ log: () => undefined })
    await gone.close()
    emulator = await startEmulator({ indexesFile: TEST_INDEXES, wechatSimulator: gone.baseUrl })
    pointSdkAt(emulator)
    const cloud = await loadSdk()
    const error = await failure(cloud.openapi.subscribeMessage.send(params))
    expect(error.errCode).toBe(-501001)
    expect(error.errMsg).toContain(`the WeChat simulator at ${gone.baseUrl} did not answer (ECONNREFUSED)`)
  })
})

describe('across processes: main.ts with WECHAT_SIM_URL', () => {
  const root = path.resolve(__dirname, '../../..')
  let dir: string
  let child: ChildProcess | undefined

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-openapi-'))
    const dataFile = path.join(dir, 'data.sqlite')
    child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'cloud/local/emulator/main.ts')], {
      cwd: root,
      env: { ...process.env, EMULATOR_PORT: '0', EMULATOR_DATA: dataFile, EMULATOR_INDEXES: TEST_INDEXES, WECHAT_SIM_URL: wechat.baseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const port = await new Promise<number>((resolve, reject) => {
      readline.createInterface({ input: child!.stdout! }).once('line', (line) => {
        const match = /^emulator listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(line)
        if (match) resolve(Number(match[1]))
        else reject(new Error(`unexpected line: ${line}`))
      })
      child!.once('exit', (code) => reject(new Error(`emulator exited (${code}): ${stderr}`)))
    })
    const credentials = readCredentialsFile(credentialsFileOf(dataFile))
    if (!credentials) throw new Error('no key file beside the data file')
    pointSdkAt({ adminUrl: `http://127.0.0.1:${port}/admin`, credentials })
  })

  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    fs.rmSync(dir, { recursive: true, force: true })
  })

  beforeEach(() => {
    wechat.control.reset()
  })

  it('forwards over the simulator\'s control HTTP API with the same answers, faults and refusals', async () => {
    const cloud = await loadSdk()
    const sent = await call(cloud.openapi.subscribeMessage.send(params))
    expect(sent).toEqual({ msgid: expect.any(Number), errMsg: 'openapi.subscribeMessage.send:ok', errCode: 0 })
    expect(wechat.control.subscribeMessages()).toEqual([expect.objectContaining({ msgid: sent.msgid, touser: 'oAttendee0001', template_id: reminder.id, data: params.data })])

    wechat.control.scriptFaults({ endpoint: ENDPOINT, errcodes: [47003] })
    expect(await failure(cloud.openapi.subscribeMessage.send(params))).toEqual({ errCode: 47003, errMsg: expect.stringMatching(/^openapi\.subscribeMessage\.send:fail argument invalid! rid: /) })
    const refused = await failure(cloud.openapi.subscribeMessage.send({ ...params, data: { ...params.data, character_string4: { value: '票号0001' } } }))
    expect(refused).toEqual({ errCode: 47003, errMsg: expect.stringContaining('data.character_string4.value invalid') })
    expect(wechat.control.counters()[ENDPOINT]).toEqual({ calls: 3, ok: 1, errors: { 47003: 2 } })

    const other = await failure(cloud.openapi.wxacode.getUnlimited({ scene: 'x' }))
    expect(other).toMatchObject({ errCode: -501007, errMsg: expect.stringContaining('cloud.openapi.wxacode.getUnlimited is not available locally') })
  })
})
