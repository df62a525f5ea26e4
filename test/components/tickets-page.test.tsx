import { render, screen } from '@testing-library/react'
import TicketsPage from '../../src/pages/tickets'
import { initialTicketsState, useTicketsStore } from '../../src/stores/tickets'
import { request, resetTaroStub } from '../support/taro'
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
}

beforeEach(() => {
  resetTaroStub()
  useTicketsStore.setState(initialTicketsState)
})

test('my tickets lists a ticket whose personal data was erased, saying so', async () => {
  request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: { tickets: [erased] } } })
  render(<TicketsPage />)
  expect(await screen.findByText('城市博物馆夜场开放')).toBeTruthy()
  expect(screen.getByText('已取消 · 个人信息已删除')).toBeTruthy()
})
