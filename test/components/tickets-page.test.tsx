import { fireEvent, render, screen } from '@testing-library/react'
import TicketsPage from '../../src/pages/tickets'
import { initialTicketsState, useTicketsStore } from '../../src/stores/tickets'
import { navigateTo, request, resetTaroStub, switchTab } from '../support/taro'
import type { TicketView } from '../../cloud/src/api/models'

const erased: TicketView = {
  id: 'terased',
  code: '123456789012345674',
  status: 'cancelled',
  eventId: 'ev1',
  eventTitle: '城市博物馆夜场开放',
  venue: '城市博物馆',
  session: { id: 's1', name: '第一场', place: '一号门', startsAt: '2026-12-01T11:00:00Z', endsAt: '2026-12-01T13:00:00Z' },
  attendee: { name: '', phone: '', hasIdNumber: false },
  erasedAt: '2026-11-30T02:05:00Z',
  erasable: false,
  entries: { used: 0, firstAt: null, lastAt: null },
  createdAt: '2026-11-29T00:00:00Z',
  cancelledAt: '2026-11-30T00:00:00Z',
  cancellable: false,
  cardPack: 'unavailable',
  reminders: { state: 'unasked', accepted: [], decidedAt: null },
}

beforeEach(() => {
  resetTaroStub()
  useTicketsStore.setState(initialTicketsState)
})

const active: TicketView = {
  ...erased,
  id: 'tactive',
  status: 'active',
  eventTitle: '古籍修复公开课',
  session: { id: 's2', name: '上午场', place: '', startsAt: '2026-12-05T01:00:00Z', endsAt: '2026-12-05T03:00:00Z' },
  attendee: { name: '张三', phone: '13812345678', hasIdNumber: false },
  erasedAt: null,
  cancelledAt: null,
  cancellable: true,
}
const entered: TicketView = { ...active, id: 'tentered', eventTitle: '冬至音乐会', entries: { used: 1, firstAt: '2026-11-30T07:50:00Z', lastAt: '2026-11-30T07:50:00Z' } }
const past: TicketView = { ...active, id: 'tpast', eventTitle: '秋季讲座', session: { ...active.session, startsAt: '2026-11-20T01:00:00Z', endsAt: '2026-11-20T03:00:00Z' } }
const mine = (tickets: TicketView[]) => ({ statusCode: 200, data: { ok: true, data: { tickets } } })

test('my tickets lists a ticket whose personal data was erased, saying so apart from its status', async () => {
  request.mockResolvedValueOnce(mine([erased]))
  render(<TicketsPage />)
  expect(await screen.findByText('城市博物馆夜场开放')).toBeTruthy()
  expect(screen.getByTestId('ticket-badge').textContent).toBe('已取消')
  expect(screen.getByText('个人信息已删除')).toBeTruthy()
})

test('each ticket carries its status as a badge, set apart from the time; cancelled and past ones are muted', async () => {
  request.mockResolvedValueOnce(mine([active, entered, past, erased]))
  render(<TicketsPage />)
  const rows = await screen.findAllByTestId('ticket-row')
  expect(rows.map((row) => row.querySelector('[data-testid="ticket-badge"]')?.textContent)).toEqual(['有效', '已入场', '已结束', '已取消'])
  expect(rows.map((row) => row.classList.contains('ticket-row--muted'))).toEqual([false, false, true, true])
  // The time is its own line: never "…21:00有效".
  expect(screen.getAllByText('12月5日 周六 09:00–11:00', { selector: '.ticket-row__line' })).toHaveLength(2)
  fireEvent.click(screen.getByText('冬至音乐会'))
  expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/ticket/index?ticketId=tentered' })
})

test('an empty list says so and leads to the events', async () => {
  request.mockResolvedValueOnce(mine([]))
  render(<TicketsPage />)
  expect((await screen.findByTestId('empty')).textContent).toContain('还没有票，去活动页预约吧')
  fireEvent.click(screen.getByText('去看看活动'))
  expect(switchTab).toHaveBeenCalledWith({ url: '/pages/event/index' })
})

test('a failed first load shows the error with a retry that recovers', async () => {
  request.mockRejectedValueOnce(new Error('request:fail'))
  request.mockRejectedValueOnce(new Error('request:fail'))
  render(<TicketsPage />)
  expect((await screen.findByTestId('load-error')).textContent).toContain('网络不给力')
  request.mockResolvedValueOnce(mine([active]))
  fireEvent.click(screen.getByText('重试'))
  expect(await screen.findByText('古籍修复公开课')).toBeTruthy()
})

test('a failed refresh keeps the tickets on screen, marked as possibly out of date', async () => {
  request.mockResolvedValueOnce(mine([active]))
  const first = render(<TicketsPage />)
  expect(await screen.findByText('古籍修复公开课')).toBeTruthy()
  first.unmount()

  request.mockRejectedValue(new Error('request:fail'))
  render(<TicketsPage />)
  expect((await screen.findByTestId('stale-notice')).textContent).toContain('下面是 16:00:00 的信息')
  expect(screen.getByText('古籍修复公开课')).toBeTruthy()
})
