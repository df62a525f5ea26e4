import { fireEvent, render, screen } from '@testing-library/react'
import TicketPage from '../../src/pages/ticket'
import { initialTicketsState, useTicketsStore } from '../../src/stores/tickets'
import { request, resetTaroStub, setRouterParams, showModal } from '../support/taro'
import type { TicketView } from '../../cloud/src/api/models'

const ticket: TicketView = {
  id: 'tabc',
  code: '123456789012345674',
  status: 'active',
  eventId: 'ev1',
  eventTitle: '城市博物馆夜场开放',
  venue: '城市博物馆',
  session: { id: 's1', name: '第一场', place: '一号门', startsAt: '2026-12-01T11:00:00Z', endsAt: '2026-12-01T13:00:00Z' },
  attendee: { name: '张三', phone: '13812345678', hasIdNumber: false },
  createdAt: '2026-11-29T00:00:00Z',
  cancelledAt: null,
  cancellable: true,
  cardPack: 'unavailable',
}

beforeEach(() => {
  resetTaroStub()
  setRouterParams({ ticketId: 'tabc' })
  useTicketsStore.setState(initialTicketsState)
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

    showModal.mockResolvedValueOnce({ confirm: true, cancel: false })
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: { ...ticket, status: 'cancelled', cancellable: false } } })
    fireEvent.click(screen.getByText('取消预约'))
    expect(await screen.findByText('已取消')).toBeTruthy()
    expect(request.mock.calls[1][0].data).toEqual({ action: 'tickets.cancel', payload: { ticketId: 'tabc' } })
    expect(screen.queryByText('取消预约')).toBeNull()
  })

  it('says so when the ticket is not the caller’s or does not exist', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: false, error: { code: 'NOT_FOUND', message: 'no ticket' } } })
    render(<TicketPage />)
    expect(await screen.findByText('没有找到相关内容')).toBeTruthy()
  })
})
