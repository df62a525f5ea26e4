/**
 * The staff and organizer tools through the built weapp bundle and the real backend: the 工作台 tab
 * (main package) links into the `staff` subpackage, which WeChat loads only then. A staff member
 * names the gate once, taps 扫码检票, `wx.scanCode` reads an attendee's ticket and the screen turns
 * green; the next scan (one tap) of the same ticket turns amber. The organizer's desk shows the
 * figures and the fill chart, and sends the CSV export to a chat (file written to the user data
 * folder, `wx.shareFileMessage` from the tap). Someone who is nobody's staff sees their own id.
 */
import type { TicketView } from '../../cloud/src/api/models'
import { doorEvent, seedEvent } from '../support/adminDb'
import { CONSENT } from '../support/consent'
import type { MiniProgram, PageHandle } from './harness'
import { announceTarget, startMiniProgramStack, type MiniProgramStack } from './support'

const ORGANIZER = 'o_harness_desk_organizer'
const STAFF = 'o_harness_gate_staff'
const ATTENDEE = 'o_harness_door_attendee'
const EVENT_ID = 'mp-door'
let env: MiniProgramStack
let ticket: TicketView

beforeAll(async () => {
  announceTarget('weapp', 'staff check-in and the organizer desk')
  env = await startMiniProgramStack({ functionEnv: { TICKETCARD_ORGANIZERS: ORGANIZER } })
  // One session starting in 30 minutes: inside the default entry window (60 minutes before).
  await seedEvent(env.db, doorEvent(EVENT_ID, { capacity: 40, limits: { perSession: 1, perEvent: 1 } }))
  const reserved = await env.stack.call<TicketView>(
    'attendee',
    'reservation.reserve',
    { sessionId: 'mp-door-s', requestId: 'req-mp-door-1', attendee: { name: '王小明', phone: '13700001111' }, consent: CONSENT },
    ATTENDEE,
  )
  if (!reserved.ok) throw new Error(JSON.stringify(reserved.error))
  ticket = reserved.data
  const added = await env.stack.call('organizer', 'staff.add', { eventId: EVENT_ID, openid: STAFF }, ORGANIZER)
  expect(added).toMatchObject({ ok: true })
})

afterAll(async () => {
  await env?.close()
})

async function openWorkbench(mp: MiniProgram, eventTitle: string): Promise<PageHandle> {
  const tab = await mp.launch('/pages/organizer/index')
  await tab.waitForText(eventTitle)
  return tab
}

const resultClass = (page: PageHandle) => page.find({ className: 'scan-result' }).classes.find((name) => name.startsWith('scan-result--'))

test('a staff member names the gate once, scans a ticket: green; the next scan of it: amber with the first entry time', async () => {
  const mp = env.open('weapp', STAFF)
  const tab = await openWorkbench(mp, '江边音乐会')
  expect(mp.loadedSubPackages()).toEqual([])
  expect(tab.has('数据与管理')).toBe(false)

  await tab.tap('现场检票')
  const checkin = mp.current()
  expect(checkin.route).toBe('staff/checkin/index')
  expect(mp.loadedSubPackages()).toEqual(['staff'])
  await checkin.waitForText('你在哪个检票口？')
  await checkin.input('检票口名称，如：东门', '东门')
  await checkin.tap('开始检票')
  await checkin.waitForText('扫码检票')

  mp.state.scanQueue.push(ticket.code)
  await checkin.tap('扫码检票')
  await checkin.waitForText('可以入场')
  expect(resultClass(checkin)).toBe('scan-result--admitted')
  const green = checkin.find({ className: 'scan-result' }).text
  expect(green).toContain('王**')
  expect(green).toContain('晚场')
  expect(green).toContain('已入场 1 次')
  expect(green).not.toContain('王小明')
  expect(mp.state.calledWith('scanCode')).toEqual([{ onlyFromCamera: true, scanType: ['qrCode', 'barCode'] }])
  const [scanCall] = mp.state.calledWith('cloud.callFunction').filter((call) => (call as { name: string }).name === 'checkin') as {
    data: { action: string; payload: { code: string; nonce: string; gate: string } }
  }[]
  expect(scanCall.data).toEqual({ action: 'checkin.scan', payload: { code: ticket.code, nonce: expect.stringMatching(/^[0-9a-f]{32}$/), gate: '东门' } })

  // One tap: the camera opens again straight from the result.
  mp.state.scanQueue.push(ticket.code)
  await checkin.tap('继续检票')
  await checkin.waitForText('已入场过')
  expect(resultClass(checkin)).toBe('scan-result--already')
  expect(checkin.find({ className: 'scan-result' }).text).toMatch(/首次入场\s*\d+月\d+日 \d\d:\d\d/)
  expect(mp.state.calledWith('scanCode')).toHaveLength(2)

  // The gate is remembered on this phone.
  expect(mp.state.storage.get('ticketcard.gate')).toBe('"东门"')
  expect(mp.errors).toEqual([])
})

test('the organizer’s desk shows the figures and the fill chart, and sends the export to a chat', async () => {
  const mp = env.open('weapp', ORGANIZER)
  const tab = await openWorkbench(mp, '江边音乐会')
  await tab.tap('数据与管理')
  const desk = mp.current()
  expect(desk.route).toBe('staff/desk/index')
  await desk.waitForText('每 10 秒自动刷新')

  const session = desk.find({ className: 'desk__session' }).text
  expect(session).toContain('晚场')
  expect(session.replace(/\s+/g, ' ')).toContain('1 已预约 0 已取消 1 已入场 39 余票')
  const row = desk.find({ className: 'fill-chart__row' })
  expect(row.text).toContain('已约 3% · 入场 1/1')
  const bars = desk.findAll({ className: 'fill-chart__bar' }).map((bar) => String(bar.attribute('style')))
  expect(bars).toEqual([expect.stringMatching(/width:\s*2\.5%/), expect.stringMatching(/width:\s*0%/)])

  await desk.tap('生成导出文件')
  await desk.waitForText('入场记录')
  // The first row is the reservation list.
  await desk.tap('发送到聊天')
  expect(mp.state.sharedFiles).toHaveLength(1)
  const [shared] = mp.state.sharedFiles
  expect(shared.filePath).toBe(`wxfile://usr/${shared.fileName}`)
  expect(shared.content).toContain('王小明')
  expect(shared.content).toContain('137****1111')
  expect(shared.content).not.toContain('13700001111')
  expect(mp.state.toasts.map((toast) => toast.title)).toContain('已导出')
  expect(mp.errors).toEqual([])
})

test('someone who is nobody’s staff sees no tools, and their own id to send to an organizer', async () => {
  const mp = env.open('weapp', ATTENDEE)
  const tab = await mp.launch('/pages/organizer/index')
  await tab.waitForText('你还不是工作人员')
  expect(tab.text()).toContain(ATTENDEE)
  expect(tab.has({ tag: 'button', text: '现场检票' })).toBe(false)
  await tab.tap('复制编号')
  expect(mp.state.clipboard).toBe(ATTENDEE)
  expect(mp.loadedSubPackages()).toEqual([])
  expect(mp.errors).toEqual([])
})
