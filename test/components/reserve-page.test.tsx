import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import ReservePage from '../../src/pages/reserve'
import { initialEventsState, useEventsStore } from '../../src/stores/events'
import { initialReservationState, useReservationStore } from '../../src/stores/reservation'
import { initialTicketsState, useTicketsStore } from '../../src/stores/tickets'
import { request, resetTaroStub, setRouterParams } from '../support/taro'
import type { EventView, TicketView } from '../../cloud/src/api/models'

const event: EventView = {
  id: 'ev1',
  title: '城市博物馆夜场开放',
  venue: '城市博物馆',
  description: '',
  reservationOpensAt: '2026-11-01T00:00:00Z',
  reservationClosesAt: '2026-12-30T00:00:00Z',
  limits: { perSession: 1, perEvent: 2 },
  idNumber: 'optional',
  sessions: [{ id: 's1', eventId: 'ev1', name: '第一场', place: '一号门', startsAt: '2026-12-01T11:00:00Z', endsAt: '2026-12-01T13:00:00Z', capacity: 10, remaining: 3 }],
}

const ticket: TicketView = {
  id: 'tabc',
  code: '123456789012345674',
  status: 'active',
  eventId: 'ev1',
  eventTitle: event.title,
  venue: event.venue,
  session: { id: 's1', name: '第一场', place: '一号门', startsAt: event.sessions[0].startsAt, endsAt: event.sessions[0].endsAt },
  attendee: { name: '张三', phone: '13812345678', hasIdNumber: false },
  createdAt: '2026-11-29T00:00:00Z',
  cancelledAt: null,
  cancellable: true,
  cardPack: 'unavailable',
}

function type(label: string, value: string) {
  const input = document.querySelector(`input[name="${label}"]`) as HTMLInputElement
  fireEvent.input(input, { target: { value } })
}

beforeEach(() => {
  resetTaroStub()
  setRouterParams({ sessionId: 's1' })
  useEventsStore.setState({ ...initialEventsState, status: 'ready', events: [event] })
  useReservationStore.setState(initialReservationState())
  useTicketsStore.setState(initialTicketsState)
})

describe('reservation form', () => {
  it('shows Chinese messages next to the fields and sends nothing while the input is invalid', async () => {
    render(<ReservePage />)
    type('name', '张三')
    type('phone', '1381234')
    type('idNumber', '110105194912310021')
    fireEvent.click(screen.getByText('提交预约'))

    expect(await screen.findByText('请输入正确的 11 位手机号')).toBeTruthy()
    expect(screen.getByText('证件号码格式不正确')).toBeTruthy()
    expect(request).not.toHaveBeenCalled()
  })

  it('submits once however often the button is pressed, and shows the result', async () => {
    let answer: (value: { statusCode: number; data: unknown }) => void = () => undefined
    request.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)))
    render(<ReservePage />)
    type('name', '张三')
    type('phone', '13812345678')

    fireEvent.click(screen.getByText('提交预约'))
    fireEvent.click(screen.getByText('提交中…'))
    fireEvent.click(screen.getByText('提交中…'))
    // The request leaves once the request id is drawn (asynchronously, from the host's randomness).
    await waitFor(() => expect(request).toHaveBeenCalled())
    expect(request).toHaveBeenCalledTimes(1)
    const sent = request.mock.calls[0][0].data as { action: string; payload: { requestId: string; attendee: unknown } }
    expect(sent.action).toBe('reservation.reserve')
    expect(sent.payload.attendee).toEqual({ name: '张三', phone: '13812345678' })

    await act(async () => answer({ statusCode: 200, data: { ok: true, data: ticket } }))
    expect(await screen.findByText('预约成功')).toBeTruthy()
    expect(useTicketsStore.getState().byId.tabc).toEqual(ticket)
  })

  it('retries a failed submit with the same request id, so the server cannot make two tickets', async () => {
    request.mockRejectedValueOnce(new Error('request:fail timeout'))
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: ticket } })
    render(<ReservePage />)
    type('name', '张三')
    type('phone', '13812345678')

    fireEvent.click(screen.getByText('提交预约'))
    expect(await screen.findByText('网络不给力，请检查网络后重试')).toBeTruthy()
    fireEvent.click(screen.getByText('提交预约'))
    expect(await screen.findByText('预约成功')).toBeTruthy()

    const [first, second] = request.mock.calls.map((c) => (c[0].data as { payload: { requestId: string } }).payload.requestId)
    expect(first).toBe(second)
  })

  it('maps a refusal from the server to its message', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: false, error: { code: 'SOLD_OUT', message: 'no seats' } } })
    render(<ReservePage />)
    type('name', '张三')
    type('phone', '13812345678')
    fireEvent.click(screen.getByText('提交预约'))
    expect(await screen.findByText('该场次已约满')).toBeTruthy()
  })
})
