/**
 * The organizer's desk (staff/desk) against a scripted backend: figures per session and in all,
 * the fill chart, the refresh every 10 seconds while open, staff added and removed (after a
 * confirmation), the export (full phone numbers only after a confirmation), FORBIDDEN, and the
 * ID-number refusals.
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import type { EventStats, IdRefusalView, StaffMember } from '../../cloud/src/api/models'
import DeskPage, { STATS_REFRESH_MS } from '../../src/staff/desk'
import { initialOrganizerState, useOrganizerStore } from '../../src/stores/organizer'
import { request, resetTaroStub, setRouterParams, showModal, showToast } from '../support/taro'


const mockHandOver = jest.fn(async (_file: { filename: string; content: string }) => ({ outcome: 'done' as const }))
jest.mock('../../src/platform', () => ({
  ...jest.requireActual('../../src/platform'),
  fileExport: { kind: 'download', handOver: (file: { filename: string; content: string }) => mockHandOver(file) },
}))

const stats: EventStats = {
  eventId: 'ev1',
  title: '城市博物馆夜场开放',
  at: '2026-12-01T11:05:08Z',
  sessions: [
    { sessionId: 's1', name: '第一场', startsAt: '2026-12-01T11:00:00Z', endsAt: '2026-12-01T13:00:00Z', capacity: 200, reserved: 150, cancelled: 7, checkedIn: 60, remaining: 50 },
    { sessionId: 's2', name: '第二场', startsAt: '2026-12-01T13:00:00Z', endsAt: '2026-12-01T15:00:00Z', capacity: 0, reserved: 0, cancelled: 0, checkedIn: 0, remaining: 0 },
  ],
  totals: { capacity: 200, reserved: 150, cancelled: 7, checkedIn: 60, remaining: 50 },
}

const refusal: IdRefusalView = {
  id: 'r1',
  at: '2026-11-30T01:30:00Z',
  sessionId: 's1',
  sessionName: '第一场',
  idType: 'mainland',
  maskedIdNumber: '**************002X',
  maskedName: '张*',
  attempts: 2,
  releasedAt: null,
}

type Answer = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } }

/** The backend as a function of the action, so the page's calls may come in any order. */
function backend(answers: Record<string, (payload: Record<string, unknown>) => Answer>) {
  request.mockImplementation(async (options) => {
    const { action, payload } = options.data as { action: string; payload: Record<string, unknown> }
    const answer = answers[action]
    if (!answer) throw new Error(`unexpected action ${action}`)
    return { statusCode: 200, data: answer(payload) }
  })
}

const calls = (action: string) => request.mock.calls.map((c) => c[0].data as { action: string; payload: unknown }).filter((d) => d.action === action)

/** A desk whose every section answers, with what the test overrides. */
function deskBackend(overrides: Record<string, (payload: Record<string, unknown>) => Answer> = {}) {
  backend({
    'organizer.stats': () => ({ ok: true, data: stats }),
    'staff.list': () => ({ ok: true, data: { staff: [] } }),
    'organizer.idRefusals': () => ({ ok: true, data: { refusals: [] } }),
    ...overrides,
  })
}

beforeEach(() => {
  resetTaroStub()
  mockHandOver.mockClear()
  setRouterParams({ eventId: 'ev1' })
  useOrganizerStore.setState(initialOrganizerState())
})

afterEach(() => {
  jest.useRealTimers()
})

describe('live figures', () => {
  it('shows reserved, cancelled, checked in and remaining per session and in all, with when they were read', async () => {
    deskBackend()
    render(<DeskPage />)
    const first = await screen.findByTestId('figures-s1')
    expect(first.textContent).toBe('150已预约7已取消60已入场50余票')
    expect(screen.getByTestId('totals').textContent).toBe('150已预约7已取消60已入场50余票')
    expect(screen.getByText('全部场次 · 总名额 200')).toBeTruthy()
    expect(screen.getByTestId('stats-at').textContent).toBe('更新于 19:05:08 · 每 10 秒自动刷新')
    expect(calls('organizer.stats')).toEqual([{ action: 'organizer.stats', payload: { eventId: 'ev1' } }])
  })

  it('draws each session’s fill as bars: checked in, reserved but not in, the rest of the capacity', async () => {
    deskBackend()
    render(<DeskPage />)
    const rows = await screen.findAllByTestId('fill-row')
    expect(rows).toHaveLength(2)
    const bars = (row: HTMLElement) => Array.from(row.querySelectorAll('.fill-chart__bar')).map((bar) => (bar as HTMLElement).style.width)
    // 60 of 200 in, 90 of 200 reserved and waiting; 50 left.
    expect(bars(rows[0])).toEqual(['30%', '45%'])
    expect(rows[0].textContent).toContain('已约 75% · 入场 60/150')
    // A session without seats draws empty bars, not NaN.
    expect(bars(rows[1])).toEqual(['0%', '0%'])
    expect(rows[1].textContent).toContain('已约 0% · 入场 0/0')
  })

  it('reads the figures again every 10 seconds while open, and stops once the page is gone', async () => {
    jest.useFakeTimers()
    let checkedIn = 60
    deskBackend({ 'organizer.stats': () => ({ ok: true, data: { ...stats, sessions: [{ ...stats.sessions[0], checkedIn }], totals: { ...stats.totals, checkedIn } } }) })
    const page = render(<DeskPage />)
    expect((await screen.findByTestId('figures-s1')).textContent).toContain('60已入场')

    checkedIn = 61
    await act(async () => {
      jest.advanceTimersByTime(STATS_REFRESH_MS)
    })
    await waitFor(() => expect(screen.getByTestId('figures-s1').textContent).toContain('61已入场'))
    expect(calls('organizer.stats')).toHaveLength(2)

    page.unmount()
    await act(async () => {
      jest.advanceTimersByTime(STATS_REFRESH_MS * 3)
    })
    expect(calls('organizer.stats')).toHaveLength(2)
  })

  it('keeps the last figures when a refresh fails, marked as possibly out of date, with a retry', async () => {
    jest.useFakeTimers()
    let failing = false
    deskBackend({ 'organizer.stats': () => (failing ? { ok: false, error: { code: 'INTERNAL', message: 'boom', retryable: true } } : { ok: true, data: stats }) })
    render(<DeskPage />)
    expect((await screen.findByTestId('figures-s1')).textContent).toContain('60已入场')

    failing = true
    await act(async () => {
      jest.advanceTimersByTime(STATS_REFRESH_MS)
    })
    const stale = await screen.findByTestId('stale-notice')
    expect(stale.textContent).toContain('系统开小差了')
    expect(stale.textContent).toContain('下面是 19:05:08 的信息')
    expect(screen.getByTestId('figures-s1').textContent).toContain('60已入场')

    failing = false
    fireEvent.click(screen.getByText('重试'))
    await waitFor(() => expect(screen.queryByTestId('stale-notice')).toBeNull())
  })

  it('tells someone who does not organize the event, and asks no more', async () => {
    jest.useFakeTimers()
    deskBackend({
      'organizer.stats': () => ({ ok: false, error: { code: 'FORBIDDEN', message: 'not an organizer' } }),
      'staff.list': () => ({ ok: false, error: { code: 'FORBIDDEN', message: 'not an organizer' } }),
      'organizer.idRefusals': () => ({ ok: false, error: { code: 'FORBIDDEN', message: 'not an organizer' } }),
    })
    render(<DeskPage />)
    expect((await screen.findByTestId('desk-forbidden')).textContent).toBe('你不是这个活动的主办方，无法查看数据。')
    expect(screen.queryByText('没有权限执行此操作')).toBeNull()
    expect(screen.queryByText('工作人员')).toBeNull()
    await act(async () => {
      jest.advanceTimersByTime(STATS_REFRESH_MS * 2)
    })
    expect(calls('organizer.stats')).toHaveLength(1)
  })
})

describe('staff', () => {
  const member: StaffMember = { openid: 'o_gate_keeper', addedBy: 'o_org', addedAt: '2026-11-30T02:00:00Z' }

  it('adds a staff member by their id, then lists them', async () => {
    deskBackend({ 'staff.add': ({ openid }) => ({ ok: true, data: { staff: [{ ...member, openid: String(openid) }] } }) })
    render(<DeskPage />)
    expect(await screen.findByText('还没有工作人员')).toBeTruthy()
    fireEvent.click(screen.getByText('添加'))
    expect(await screen.findByText('请填写工作人员编号')).toBeTruthy()
    expect(calls('staff.add')).toEqual([])

    fireEvent.input(screen.getByPlaceholderText('工作人员编号'), { target: { value: ' o_gate_keeper ' }, detail: { value: ' o_gate_keeper ' } })
    fireEvent.click(screen.getByText('添加'))
    expect(await screen.findByText('o_gate_keeper')).toBeTruthy()
    expect(screen.getByText('11月30日 10:00 添加')).toBeTruthy()
    expect(calls('staff.add')).toEqual([{ action: 'staff.add', payload: { eventId: 'ev1', openid: 'o_gate_keeper' } }])
    expect(showToast).toHaveBeenCalledWith({ title: '已添加', icon: 'success' })
  })

  it('says why an add was refused', async () => {
    deskBackend({ 'staff.add': () => ({ ok: false, error: { code: 'INVALID_INPUT', message: 'bad openid' } }) })
    render(<DeskPage />)
    fireEvent.input(await screen.findByPlaceholderText('工作人员编号'), { target: { value: 'bad id!' }, detail: { value: 'bad id!' } })
    fireEvent.click(screen.getByText('添加'))
    expect(await screen.findByText('填写的信息有误，请检查后重试')).toBeTruthy()
  })

  it('removes a staff member only after confirmation', async () => {
    deskBackend({
      'staff.list': () => ({ ok: true, data: { staff: [member] } }),
      'staff.remove': () => ({ ok: true, data: { staff: [] } }),
    })
    render(<DeskPage />)
    showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
    fireEvent.click(await screen.findByText('移除'))
    await waitFor(() => expect(showModal).toHaveBeenCalledTimes(1))
    expect(showModal.mock.calls[0][0]).toMatchObject({ title: '移除这位工作人员？', content: '移除后，o_gate_keeper 不能再为本活动检票。' })
    await act(async () => undefined)
    expect(calls('staff.remove')).toEqual([])
    expect(screen.getByText('o_gate_keeper')).toBeTruthy()

    showModal.mockResolvedValueOnce({ confirm: true, cancel: false })
    fireEvent.click(screen.getByText('移除'))
    expect(await screen.findByText('还没有工作人员')).toBeTruthy()
    expect(calls('staff.remove')).toEqual([{ action: 'staff.remove', payload: { eventId: 'ev1', openid: 'o_gate_keeper' } }])
    expect(showToast).toHaveBeenCalledWith({ title: '已移除', icon: 'success' })
  })
})

describe('export', () => {
  const files = (fullPhone: boolean) => ({
    reservations: { filename: 'ev1-reservations.csv', csv: `\uFEFF姓名,手机号\n张三,${fullPhone ? '13812345678' : '138****5678'}\n`, rows: 1 },
    checkins: { filename: 'ev1-checkins.csv', csv: '\uFEFF时间,检票口\n', rows: 0 },
  })

  it('fetches both CSV files with masked phones and hands each one over on its own tap', async () => {
    deskBackend({ 'organizer.export': (payload) => ({ ok: true, data: files(payload.fullPhone === true) }) })
    render(<DeskPage />)
    fireEvent.click(await screen.findByText('生成导出文件'))
    const rows = await screen.findAllByTestId('export-row')
    expect(rows.map((row) => row.textContent)).toEqual(['预约名单1 行 · ev1-reservations.csv下载', '入场记录0 行 · ev1-checkins.csv下载'])
    expect(calls('organizer.export')).toEqual([{ action: 'organizer.export', payload: { eventId: 'ev1' } }])
    expect(showModal).not.toHaveBeenCalled()

    fireEvent.click(screen.getAllByText('下载')[0])
    await waitFor(() => expect(mockHandOver).toHaveBeenCalledTimes(1))
    expect(mockHandOver).toHaveBeenCalledWith({ filename: 'ev1-reservations.csv', content: '\uFEFF姓名,手机号\n张三,138****5678\n' })
    fireEvent.click(screen.getAllByText('下载')[1])
    await waitFor(() => expect(mockHandOver).toHaveBeenCalledTimes(2))
    expect(mockHandOver.mock.calls[1][0].filename).toBe('ev1-checkins.csv')
    expect(showToast).toHaveBeenCalledWith({ title: '已导出', icon: 'success' })
  })

  it('asks before exporting full phone numbers, and sends fullPhone only when confirmed', async () => {
    deskBackend({ 'organizer.export': (payload) => ({ ok: true, data: files(payload.fullPhone === true) }) })
    render(<DeskPage />)
    fireEvent.click(await screen.findByText('含完整手机号'))
    showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
    fireEvent.click(screen.getByText('生成导出文件'))
    await waitFor(() => expect(showModal).toHaveBeenCalledTimes(1))
    expect(showModal.mock.calls[0][0]).toMatchObject({ title: '导出完整手机号？' })
    await act(async () => undefined)
    expect(calls('organizer.export')).toEqual([])

    showModal.mockResolvedValueOnce({ confirm: true, cancel: false })
    fireEvent.click(screen.getByText('生成导出文件'))
    await screen.findAllByTestId('export-row')
    expect(calls('organizer.export')).toEqual([{ action: 'organizer.export', payload: { eventId: 'ev1', fullPhone: true } }])
    fireEvent.click(screen.getAllByText('下载')[0])
    await waitFor(() => expect(mockHandOver).toHaveBeenCalledTimes(1))
    expect(mockHandOver.mock.calls[0][0].content).toContain('13812345678')
  })
})

describe('ID-number refusals', () => {
  it('lists the event’s refusals masked, and releases one only after confirmation', async () => {
    let released = false
    deskBackend({
      'organizer.idRefusals': () => ({ ok: true, data: { refusals: [{ ...refusal, releasedAt: released ? '2026-11-30T02:00:00Z' : null }] } }),
      'organizer.releaseIdHold': () => {
        released = true
        return { ok: true, data: { releasedTickets: 1 } }
      },
    })
    render(<DeskPage />)

    expect(await screen.findByText('11月30日 09:30 · 第一场')).toBeTruthy()
    expect(screen.getByText('居民身份证 **************002X · 张*')).toBeTruthy()
    expect(screen.getByText('尝试 2 次')).toBeTruthy()
    expect(calls('organizer.idRefusals')).toEqual([{ action: 'organizer.idRefusals', payload: { eventId: 'ev1' } }])

    showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
    fireEvent.click(screen.getByText('核验证件后释放'))
    await waitFor(() => expect(showModal).toHaveBeenCalledTimes(1))
    expect(showModal.mock.calls[0][0]).toMatchObject({ title: '释放这个证件号？' })
    await act(async () => undefined)
    expect(calls('organizer.releaseIdHold')).toEqual([])

    showModal.mockResolvedValueOnce({ confirm: true, cancel: false })
    fireEvent.click(screen.getByText('核验证件后释放'))
    expect(await screen.findByText('已于 11月30日 10:00 释放')).toBeTruthy()
    expect(calls('organizer.releaseIdHold')).toEqual([{ action: 'organizer.releaseIdHold', payload: { eventId: 'ev1', refusalId: 'r1' } }])
    expect(screen.queryByText('核验证件后释放')).toBeNull()
    expect(showToast).toHaveBeenCalledWith({ title: '已释放，涉及 1 张票', icon: 'success' })
  })

  it('says when the event has no refusals', async () => {
    deskBackend()
    render(<DeskPage />)
    expect(await screen.findByText('暂无记录')).toBeTruthy()
  })
})
