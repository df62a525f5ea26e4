import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import TicketPage from '../../src/pages/ticket'
import { initialEventsState, useEventsStore } from '../../src/stores/events'
import { initialTicketsState, useTicketsStore } from '../../src/stores/tickets'
import { sampleEvent, sampleTicket } from './fixtures'
import { request, resetTaroStub, setRouterParams, showModal, showToast, switchTab } from '../support/taro'
import type { TicketView } from '../../cloud/src/api/models'

const ticket: TicketView = sampleTicket()

beforeEach(() => {
  resetTaroStub()
  setRouterParams({ ticketId: 'tabc' })
  useTicketsStore.setState(initialTicketsState)
  // The events tab was read already (the ticket page reads the list only when nobody has).
  useEventsStore.setState({ ...initialEventsState, status: 'ready', events: [sampleEvent()] })
})

describe('ticket detail', () => {
  it('shows a scannable QR of the ticket code, the session and the full phone to its owner', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: ticket } })
    render(<TicketPage />)
    const qr = await screen.findByTestId('ticket-qr')
    expect(qr.getAttribute('data-code')).toBe('123456789012345674')
    expect(screen.getByText('123456 789012 345674')).toBeTruthy()
    expect(screen.getByText('13812345678')).toBeTruthy()
    expect(screen.getByText('有效')).toBeTruthy()
    expect(screen.getByText('当前平台不支持微信卡包，请出示页面内二维码入场')).toBeTruthy()
  })

  it('cancels only after confirmation, then shows the ticket as cancelled', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: ticket } })
    render(<TicketPage />)
    showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
    fireEvent.click(await screen.findByText('取消预约'))
    await Promise.resolve()
    expect(request).toHaveBeenCalledTimes(1)

    // The dialog names the action: a destructive answer is never a bare 确定.
    expect(showModal.mock.calls[0][0]).toMatchObject({ title: '取消这张票？', cancelText: '保留', confirmText: '取消预约', confirmColor: '#b91c1c' })

    showModal.mockResolvedValueOnce({ confirm: true, cancel: false })
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: { ...ticket, status: 'cancelled', cancellable: false } } })
    fireEvent.click(screen.getByText('取消预约'))
    expect(await screen.findByText('已取消')).toBeTruthy()
    expect(document.querySelector('.ticket--inactive')).not.toBeNull()
    expect(request.mock.calls[1][0].data).toEqual({ action: 'tickets.cancel', payload: { ticketId: 'tabc' } })
    expect(screen.queryByText('取消预约')).toBeNull()
  })

  it('says so when the ticket is not the caller’s or does not exist, with the ways on', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: false, error: { code: 'NOT_FOUND', message: 'no ticket' } } })
    render(<TicketPage />)
    expect((await screen.findByTestId('not-found')).textContent).toContain('找不到这张票')
    fireEvent.click(screen.getByText('我的票'))
    expect(switchTab).toHaveBeenCalledWith({ url: '/pages/tickets/index' })
    fireEvent.click(screen.getByText('查看全部活动'))
    expect(switchTab).toHaveBeenCalledWith({ url: '/pages/event/index' })
  })

  it('opened without a ticket id, says so in its own words (not a form error) and asks nothing', async () => {
    setRouterParams({})
    render(<TicketPage />)
    const message = screen.getByTestId('not-found')
    expect(message.textContent).toContain('没有指定票券')
    expect(message.textContent).not.toContain('填写的信息有误')
    expect(request).not.toHaveBeenCalled()
  })

  it('shows loading while the ticket is asked for, then an error with a retry that recovers', async () => {
    let answer: (value: { statusCode: number; data: unknown }) => void = () => undefined
    request.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)))
    render(<TicketPage />)
    expect(screen.getByTestId('loading')).toBeTruthy()
    await waitFor(() => expect(request).toHaveBeenCalled())
    // A failed connection is retried once by itself; the second failure reaches the page.
    request.mockRejectedValueOnce(new Error('request:fail'))
    await act(async () => answer({ statusCode: 503, data: null }))
    expect((await screen.findByTestId('load-error')).textContent).toContain('网络不给力')

    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: ticket } })
    fireEvent.click(screen.getByText('重试'))
    expect(await screen.findByTestId('ticket-qr')).toBeTruthy()
    expect(screen.queryByTestId('load-error')).toBeNull()
  })

  it('keeps showing a ticket it has, marked stale, when the refresh fails; a retry clears the mark', async () => {
    useTicketsStore.getState().remember(ticket)
    request.mockRejectedValue(new Error('request:fail'))
    render(<TicketPage />)
    expect(screen.getByTestId('ticket-qr')).toBeTruthy()
    const stale = await screen.findByTestId('stale-notice')
    // When the shown data arrived, in China time (the frozen test clock: 08:00 UTC).
    expect(stale.textContent).toContain('16:00:00')

    request.mockReset()
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: { ...ticket, entries: { used: 1, firstAt: '2026-11-30T07:59:00Z', lastAt: '2026-11-30T07:59:00Z' } } } })
    fireEvent.click(screen.getByText('重试'))
    await waitFor(() => expect(screen.queryByTestId('stale-notice')).toBeNull())
    expect(screen.getByTestId('ticket-status').textContent).toBe('已入场')
  })
})

describe('entries and the entry rules', () => {
  it('says the ticket has not entered yet, and the event’s rules in plain words', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: ticket } })
    render(<TicketPage />)
    expect((await screen.findByTestId('ticket-entries')).textContent).toBe('尚未入场')
    expect(screen.getByTestId('ticket-entry-policy').textContent).toBe('单次入场；开场前 60 分钟起可入场')
  })

  it('counts the entries used, with the first one’s time, under a multiple-entry policy', async () => {
    useEventsStore.setState({
      events: [sampleEvent({ entry: { mode: 'multiple', maxEntries: null, perDay: 2, minMinutesBetween: 30, opensMinutesBefore: 60, closesMinutesAfter: 0 } })],
    })
    request.mockResolvedValueOnce({
      statusCode: 200,
      data: { ok: true, data: { ...ticket, entries: { used: 2, firstAt: '2026-12-01T10:12:00Z', lastAt: '2026-12-01T11:40:00Z' } } },
    })
    render(<TicketPage />)
    expect((await screen.findByTestId('ticket-entries')).textContent).toBe('已入场 2 次，首次 12月1日 18:12')
    expect(screen.getByTestId('ticket-entry-policy').textContent).toBe('可多次入场，每天最多 2 次，两次间隔至少 30 分钟；开场前 60 分钟起可入场')
  })

  it('reads the events list when no page has, to find the rules', async () => {
    useEventsStore.setState(initialEventsState)
    request.mockImplementation(async (options: { data?: unknown }) => {
      const { action } = options.data as { action: string }
      const data = action === 'tickets.get' ? ticket : { events: [sampleEvent({ entry: { mode: 'multiple', maxEntries: 5, perDay: null, minMinutesBetween: null, opensMinutesBefore: 0, closesMinutesAfter: 30 } })] }
      return { statusCode: 200, data: { ok: true, data } }
    })
    render(<TicketPage />)
    expect((await screen.findByTestId('ticket-entry-policy')).textContent).toBe('可多次入场，最多 5 次；开场后可入场，散场后 30 分钟内仍可入场')
  })
})

describe('erasing the personal data on a ticket', () => {
  const cancelled: TicketView = { ...ticket, status: 'cancelled', cancelledAt: '2026-11-30T00:00:00Z', cancellable: false, erasable: true }
  const erased: TicketView = { ...cancelled, attendee: { name: '', phone: '', hasIdNumber: false }, erasedAt: '2026-11-30T02:05:00Z', erasable: false }

  it('is offered only when the backend says the ticket may be erased', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: ticket } })
    render(<TicketPage />)
    await screen.findByText('取消预约')
    expect(screen.queryByText('删除我的个人信息')).toBeNull()
  })

  it('asks first, naming the action, and keeps everything when the person keeps it', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: cancelled } })
    render(<TicketPage />)
    showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
    fireEvent.click(await screen.findByText('删除我的个人信息'))
    await waitFor(() => expect(showModal).toHaveBeenCalledTimes(1))
    expect(showModal.mock.calls[0][0]).toMatchObject({ title: '删除这张票上的个人信息？', confirmText: '删除', cancelText: '保留', confirmColor: '#b91c1c' })
    await Promise.resolve()
    expect(request).toHaveBeenCalledTimes(1)
    expect(screen.getByText('张三')).toBeTruthy()
  })

  it('erases after confirmation and then says the data was deleted instead of showing blank fields', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: cancelled } })
    render(<TicketPage />)
    showModal.mockResolvedValueOnce({ confirm: true, cancel: false })
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: erased } })
    fireEvent.click(await screen.findByText('删除我的个人信息'))

    expect(await screen.findByTestId('ticket-erased')).toBeTruthy()
    expect(request.mock.calls[1][0].data).toEqual({ action: 'tickets.erase', payload: { ticketId: 'tabc' } })
    expect(screen.getByTestId('ticket-erased').textContent).toBe('这张票上的姓名、手机号和证件信息已于 11月30日 10:05 删除')
    expect(screen.getAllByText('已删除')).toHaveLength(2)
    expect(screen.queryByText('张三')).toBeNull()
    expect(screen.queryByText('删除我的个人信息')).toBeNull()
    expect(showToast).toHaveBeenCalledWith({ title: '个人信息已删除', icon: 'success' })
  })

  it('explains a refusal from the backend', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: cancelled } })
    render(<TicketPage />)
    showModal.mockResolvedValueOnce({ confirm: true, cancel: false })
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: false, error: { code: 'ERASE_NOT_ALLOWED', message: 'active' } } })
    fireEvent.click(await screen.findByText('删除我的个人信息'))
    expect(await screen.findByText('票券取消或活动结束后才能删除个人信息')).toBeTruthy()
    expect(screen.getByText('张三')).toBeTruthy()
  })
})
