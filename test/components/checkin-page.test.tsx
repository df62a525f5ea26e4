/**
 * The staff check-in page (staff/checkin) against a scripted backend: each answer's colour and
 * words, the reason of a denial in Chinese, one tap to the next scan, the gate asked once and
 * remembered, a lost answer retried with the same nonce, manual entry of the 18 digits.
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import type { MyRoles, ScanAnswer } from '../../cloud/src/api/models'
import CheckinPage from '../../src/staff/checkin'
import { initialCheckinState, useCheckinStore } from '../../src/stores/checkin'
import { initialRolesState, useRolesStore } from '../../src/stores/roles'
import { getStorageSync, queueScan, request, resetTaroStub, scanCode, setRouterParams, setStorageSync } from '../support/taro'


const CODE = '123456789012345674'
const SESSION = { id: 's1', name: '第一场', startsAt: '2026-12-01T11:00:00Z', endsAt: '2026-12-01T13:00:00Z' }
const staffRoles: MyRoles = { openid: 'o_staff', events: [{ id: 'ev1', title: '城市博物馆夜场开放', role: 'staff' }] }

type Answer = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string; retryable?: boolean } }
type Handler = (payload: Record<string, unknown>) => Answer | 'network-failure'

/** The backend by action; 'network-failure' is an answer that never arrives (the request fails). */
function backend(answers: Record<string, Handler>) {
  request.mockImplementation(async (options) => {
    const { action, payload } = options.data as { action: string; payload: Record<string, unknown> }
    const handler = answers[action]
    if (!handler) throw new Error(`unexpected action ${action}`)
    const answer = handler(payload)
    if (answer === 'network-failure') throw new Error('request:fail timeout')
    return { statusCode: 200, data: answer }
  })
}

const scans = () =>
  request.mock.calls
    .map((call) => call[0].data as { action: string; payload: { code: string; nonce: string; gate: string } })
    .filter((data) => data.action === 'checkin.scan')
    .map((data) => data.payload)

const admitted = (overrides: Partial<ScanAnswer> = {}): Answer => ({
  ok: true,
  data: { result: 'ADMITTED', entriesUsed: 1, attendee: { maskedName: '张*' }, session: SESSION, ...overrides },
})

beforeEach(() => {
  resetTaroStub()
  setRouterParams({ eventId: 'ev1' })
  useCheckinStore.setState(initialCheckinState())
  useRolesStore.setState(initialRolesState)
  setStorageSync('ticketcard.gate', '东门')
})

async function typeCode(code: string) {
  const input = await screen.findByPlaceholderText('输入 18 位票号')
  fireEvent.input(input, { target: { value: code }, detail: { value: code } })
  fireEvent.click(screen.getByText('核验'))
}

describe('the answer fills the screen', () => {
  it('green for ADMITTED: masked name, session, entries used', async () => {
    backend({ 'roles.mine': () => ({ ok: true, data: staffRoles }), 'checkin.scan': () => admitted() })
    render(<CheckinPage />)
    await typeCode(CODE)
    const result = await screen.findByTestId('scan-result')
    expect(result.className).toContain('scan-result--admitted')
    expect(result.textContent).toContain('可以入场')
    expect(result.textContent).toContain('张*')
    expect(result.textContent).toContain('第一场 · 12月1日 周二 19:00–21:00')
    expect(result.textContent).toContain('已入场 1 次')
    expect(scans()).toEqual([{ code: CODE, nonce: expect.stringMatching(/^[0-9a-f]{32}$/), gate: '东门' }])
  })

  it('amber for ALREADY_ADMITTED, with the first entry time', async () => {
    backend({
      'roles.mine': () => ({ ok: true, data: staffRoles }),
      'checkin.scan': () => ({ ok: true, data: { result: 'ALREADY_ADMITTED', entriesUsed: 1, firstEntryAt: '2026-12-01T10:42:00Z', attendee: { maskedName: '张*' }, session: SESSION } }),
    })
    render(<CheckinPage />)
    await typeCode(CODE)
    const result = await screen.findByTestId('scan-result')
    expect(result.className).toContain('scan-result--already')
    expect(result.textContent).toContain('已入场过')
    expect(result.textContent).toContain('首次入场12月1日 18:42')
  })

  it.each([
    ['UNKNOWN_CODE', '无效票码：系统中没有这张票'],
    ['CANCELLED', '这张票已取消'],
    ['WRONG_SESSION_TIME', '不在本场次的入场时间内'],
    ['TOO_SOON', '距上次入场时间太短，请稍后再来'],
    ['LIMIT_REACHED', '入场次数已用完'],
  ])('red for DENIED %s, saying why in Chinese', async (reason, words) => {
    const unknown = reason === 'UNKNOWN_CODE'
    backend({
      'roles.mine': () => ({ ok: true, data: staffRoles }),
      'checkin.scan': () => ({
        ok: true,
        data: { result: 'DENIED', reason, entriesUsed: unknown ? 0 : 2, attendee: { maskedName: unknown ? '' : '李*' }, ...(unknown ? {} : { session: SESSION }) },
      }),
    })
    render(<CheckinPage />)
    await typeCode(CODE)
    const result = await screen.findByTestId('scan-result')
    expect(result.className).toContain('scan-result--denied')
    expect(result.textContent).toContain('不能入场')
    expect(result.textContent).toContain(words)
    if (unknown) expect(result.textContent).toContain('持票人—')
    else expect(result.textContent).toContain('李*')
  })
})

describe('scanning', () => {
  it('sends what the camera read, and one tap on 继续检票 opens the camera for the next ticket', async () => {
    backend({ 'roles.mine': () => ({ ok: true, data: staffRoles }), 'checkin.scan': () => admitted() })
    render(<CheckinPage />)
    queueScan(CODE)
    fireEvent.click(await screen.findByText('扫码检票'))
    expect(await screen.findByTestId('scan-result')).toBeTruthy()
    expect(scanCode.mock.calls[0][0]).toMatchObject({ onlyFromCamera: true })

    queueScan('223456789012345679')
    fireEvent.click(screen.getByText('继续检票'))
    await waitFor(() => expect(scans()).toHaveLength(2))
    expect(scanCode).toHaveBeenCalledTimes(2)
    expect(scans()[1].code).toBe('223456789012345679')
    expect(scans()[1].nonce).not.toBe(scans()[0].nonce)
    expect(await screen.findByTestId('scan-result')).toBeTruthy()
  })

  it('closing the camera sends nothing; a code that is not a ticket is not sent either', async () => {
    backend({ 'roles.mine': () => ({ ok: true, data: staffRoles }), 'checkin.scan': () => admitted() })
    render(<CheckinPage />)
    queueScan(null)
    fireEvent.click(await screen.findByText('扫码检票'))
    await waitFor(() => expect(scanCode).toHaveBeenCalledTimes(1))
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10))
    })
    expect(scans()).toEqual([])

    await typeCode('12345')
    expect(await screen.findByText('票号是 18 位数字，请核对')).toBeTruthy()
    expect(scans()).toEqual([])
  })

  it('reads a code with stray spaces or a line break as the code itself', async () => {
    backend({ 'roles.mine': () => ({ ok: true, data: staffRoles }), 'checkin.scan': () => admitted() })
    render(<CheckinPage />)
    queueScan(`123456 789012 345674\n`)
    fireEvent.click(await screen.findByText('扫码检票'))
    expect(await screen.findByTestId('scan-result')).toBeTruthy()
    expect(scans()[0].code).toBe(CODE)
  })

  it('opened again later, the page waits for the next scan instead of showing the last answer', async () => {
    backend({ 'roles.mine': () => ({ ok: true, data: staffRoles }), 'checkin.scan': () => admitted() })
    const first = render(<CheckinPage />)
    await typeCode(CODE)
    await screen.findByTestId('scan-result')
    first.unmount()
    render(<CheckinPage />)
    expect(await screen.findByPlaceholderText('输入 18 位票号')).toBeTruthy()
    expect(screen.queryByTestId('scan-result')).toBeNull()
  })
})

describe('the gate', () => {
  it('is asked once, then remembered on this phone and sent with every scan', async () => {
    setStorageSync('ticketcard.gate', '')
    backend({ 'roles.mine': () => ({ ok: true, data: staffRoles }), 'checkin.scan': () => admitted() })
    const first = render(<CheckinPage />)
    expect(await screen.findByText('你在哪个检票口？')).toBeTruthy()
    fireEvent.click(screen.getByText('开始检票'))
    expect(await screen.findByText('请填写检票口名称')).toBeTruthy()
    fireEvent.input(screen.getByPlaceholderText('检票口名称，如：东门'), { target: { value: ' 北门 ' }, detail: { value: ' 北门 ' } })
    fireEvent.click(screen.getByText('开始检票'))
    expect((await screen.findByTestId('gate')).textContent).toBe('北门')
    expect(getStorageSync('ticketcard.gate')).toBe('北门')
    first.unmount()

    // The page opened again (the store forgets, the phone does not).
    useCheckinStore.setState(initialCheckinState())
    render(<CheckinPage />)
    expect((await screen.findByTestId('gate')).textContent).toBe('北门')
    expect(screen.queryByText('你在哪个检票口？')).toBeNull()
    await typeCode(CODE)
    await screen.findByTestId('scan-result')
    expect(scans()[0].gate).toBe('北门')
  })
})

describe('a lost answer', () => {
  it('is retried with the same nonce, and the staff member sees one answer', async () => {
    let attempts = 0
    backend({
      'roles.mine': () => ({ ok: true, data: staffRoles }),
      'checkin.scan': () => (++attempts === 1 ? 'network-failure' : admitted()),
    })
    render(<CheckinPage />)
    await typeCode(CODE)
    expect(await screen.findByTestId('scan-result', {}, { timeout: 4000 })).toBeTruthy()
    expect(scans()).toHaveLength(2)
    expect(scans()[1]).toEqual(scans()[0])
  })

  it('is kept when every attempt fails: 重试 sends it again with its nonce', async () => {
    let failing = true
    backend({
      'roles.mine': () => ({ ok: true, data: staffRoles }),
      'checkin.scan': () => (failing ? 'network-failure' : admitted()),
    })
    render(<CheckinPage />)
    await typeCode(CODE)
    expect(await screen.findByTestId('scan-unconfirmed', {}, { timeout: 6000 })).toBeTruthy()
    expect(screen.getByText(/重试不会重复计入入场次数/)).toBeTruthy()
    expect(scans()).toHaveLength(3)
    // Kept on the phone too, in case the app is closed now.
    expect(getStorageSync('ticketcard.pending-scan')).toMatchObject({ code: CODE, nonce: scans()[0].nonce })

    failing = false
    fireEvent.click(screen.getByText('重试'))
    expect(await screen.findByTestId('scan-result')).toBeTruthy()
    expect(new Set(scans().map((scan) => scan.nonce)).size).toBe(1)
    expect(getStorageSync('ticketcard.pending-scan')).toBe('')
  }, 15_000)

  it('left behind when the app closed is sent again, same nonce, when the page opens', async () => {
    setStorageSync('ticketcard.pending-scan', { code: CODE, nonce: 'aaaabbbbccccdddd', gate: '东门' })
    backend({ 'roles.mine': () => ({ ok: true, data: staffRoles }), 'checkin.scan': () => admitted() })
    render(<CheckinPage />)
    expect(await screen.findByTestId('scan-result')).toBeTruthy()
    expect(scans()).toEqual([{ code: CODE, nonce: 'aaaabbbbccccdddd', gate: '东门' }])
  })

  it('a refusal that is not the network is shown, not retried', async () => {
    backend({
      'roles.mine': () => ({ ok: true, data: staffRoles }),
      'checkin.scan': () => ({ ok: false, error: { code: 'FORBIDDEN', message: 'not staff' } }),
    })
    render(<CheckinPage />)
    await typeCode(CODE)
    expect((await screen.findByTestId('scan-error')).textContent).toContain('你还不是工作人员')
    expect(scans()).toHaveLength(1)
  })
})

describe('who may use the page', () => {
  it('someone who is nobody’s staff gets no scanner, only where to find their id', async () => {
    backend({ 'roles.mine': () => ({ ok: true, data: { openid: 'o_visitor', events: [] } }) })
    render(<CheckinPage />)
    expect(await screen.findByText(/你还不是工作人员/)).toBeTruthy()
    expect(screen.queryByText('扫码检票')).toBeNull()
    expect(screen.queryByPlaceholderText('输入 18 位票号')).toBeNull()
  })

  it('staff of several events pick the one they work; the scan carries no event', async () => {
    setRouterParams({})
    const roles: MyRoles = {
      openid: 'o_staff',
      events: [
        { id: 'ev1', title: '城市博物馆夜场开放', role: 'staff' },
        { id: 'ev2', title: '江边音乐会', role: 'organizer' },
      ],
    }
    backend({ 'roles.mine': () => ({ ok: true, data: roles }), 'checkin.scan': () => admitted() })
    render(<CheckinPage />)
    expect(await screen.findByText('选择你负责的活动')).toBeTruthy()
    fireEvent.click(screen.getByText('江边音乐会'))
    expect(await screen.findByText('切换活动')).toBeTruthy()
    expect(getStorageSync('ticketcard.checkin-event')).toBe('ev2')
    await typeCode(CODE)
    await screen.findByTestId('scan-result')
    expect(Object.keys(scans()[0]).sort()).toEqual(['code', 'gate', 'nonce'])
  })
})

describe('before the page knows what the person staffs', () => {
  it('shows loading, then a failure to learn the roles as an error with a retry that recovers', async () => {
    let rolesAnswer: Answer | 'network-failure' = 'network-failure'
    backend({ 'roles.mine': () => rolesAnswer })
    render(<CheckinPage />)
    expect(screen.getByTestId('loading')).toBeTruthy()
    expect((await screen.findByTestId('load-error')).textContent).toContain('网络不给力')
    expect(screen.queryByText('扫码检票')).toBeNull()

    rolesAnswer = { ok: true, data: staffRoles }
    fireEvent.click(screen.getByText('重试'))
    expect(await screen.findByText('城市博物馆夜场开放')).toBeTruthy()
  })
})
