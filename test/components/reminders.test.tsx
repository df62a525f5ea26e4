/**
 * Reminders by subscribe message: asked right after reserving, from the person's tap, with the
 * templates the backend configured; the answer (a no too) recorded on the ticket; the ticket page
 * saying whether reminders are on and offering to ask again. A host that gives no answer loses
 * nothing, and a host without subscribe messages skips the step.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import ReservePage from '../../src/pages/reserve'
import TicketPage from '../../src/pages/ticket'
import type { SubscribeOutcome, SubscribeTemplate } from '../../src/platform'
import { initialEventsState, useEventsStore } from '../../src/stores/events'
import { initialRemindersState, useRemindersStore } from '../../src/stores/reminders'
import { initialReservationState, useReservationStore } from '../../src/stores/reservation'
import { initialTicketsState, useTicketsStore } from '../../src/stores/tickets'
import { redirectTo, request, resetTaroStub, setRouterParams, showToast } from '../support/taro'
import { sampleEvent, sampleTicket } from './fixtures'
import type { ReminderTemplateView, TicketRemindersView, TicketView } from '../../cloud/src/api/models'

/**
 * The host's subscribe messages, per test: a jest.fn standing in for WeChat's sheet, or none at all
 * (Alipay, ByteDance, production H5). Read through getters, so a test can take the host away.
 */
const mockHost: { current: { request: jest.Mock<Promise<SubscribeOutcome>, [readonly SubscribeTemplate[]]> } | null } = { current: null }

jest.mock('../../src/platform', () => {
  const actual = jest.requireActual('../../src/platform')
  return {
    ...actual,
    get subscribeMessages() {
      return mockHost.current
    },
    capabilities: {
      ...actual.capabilities,
      get subscribeMessage() {
        return mockHost.current !== null
      },
    },
  }
})

const event = sampleEvent()

const TEMPLATES: ReminderTemplateView[] = [
  { id: 'tpl-confirmation-1', kind: 'confirmation' },
  { id: 'tpl-reminder-1', kind: 'reminder' },
]

function ticketWith(reminders: TicketRemindersView, overrides: Partial<TicketView> = {}): TicketView {
  return sampleTicket({
    eventTitle: event.title,
    venue: event.venue,
    session: { id: 's1', name: '第一场', place: '一号门', startsAt: event.sessions[0].startsAt, endsAt: event.sessions[0].endsAt },
    createdAt: '2026-11-30T07:59:00Z',
    reminders,
    ...overrides,
  })
}

const UNASKED: TicketRemindersView = { state: 'unasked', accepted: [], decidedAt: null }
const decided = (accepted: string[]): TicketRemindersView => ({
  state: accepted.includes('tpl-reminder-1') ? 'on' : 'off',
  accepted,
  decidedAt: '2026-11-30T08:00:00Z',
})

type Answer = { statusCode: number; data: unknown }
type Handler = (payload: Record<string, unknown>) => Answer

/** The backend, by action: each test says what its actions answer; anything else fails the test. */
let backend: Record<string, Handler> = {}
const ok = (data: unknown): Answer => ({ statusCode: 200, data: { ok: true, data } })
const refused = (code: string): Answer => ({ statusCode: 200, data: { ok: false, error: { code, message: code } } })

const sent = (action: string) =>
  request.mock.calls.map((call) => call[0].data as { action: string; payload: Record<string, unknown> }).filter((data) => data.action === action)

/** What the backend records for `reminders.consent`: the ticket with the answer on it. */
const recordConsent: Handler = (payload) => ok(ticketWith(decided(payload.accepted as string[])))

beforeEach(() => {
  resetTaroStub()
  mockHost.current = { request: jest.fn() }
  backend = {
    'events.list': () => ok({ events: [event] }),
    'reminders.templates': () => ok({ templates: TEMPLATES }),
    'reservation.reserve': () => ok(ticketWith(UNASKED)),
    'reminders.consent': recordConsent,
  }
  request.mockImplementation(async (options) => {
    const { action, payload } = options.data as { action: string; payload: Record<string, unknown> }
    const handler = backend[action]
    if (!handler) throw new Error(`${action} not scripted in this test`)
    return handler(payload)
  })
  useEventsStore.setState({ ...initialEventsState, status: 'ready', events: [event] })
  useReservationStore.setState(initialReservationState())
  useTicketsStore.setState(initialTicketsState)
  useRemindersStore.setState(initialRemindersState())
})

/** Fills the form for session s1 and reserves: the page is left on its success state. */
async function reserve(): Promise<void> {
  setRouterParams({ sessionId: 's1' })
  render(<ReservePage />)
  fireEvent.input(document.querySelector('input[name="name"]') as HTMLInputElement, { target: { value: '张三' } })
  fireEvent.input(document.querySelector('input[name="phone"]') as HTMLInputElement, { target: { value: '13812345678' } })
  fireEvent.click(screen.getByText('我已阅读并同意《个人信息处理说明》'))
  fireEvent.click(screen.getByText('提交预约'))
  await screen.findByText('预约成功')
}

/** The host's sheet answers once, as the person chose. */
const sheetAnswers = (outcome: SubscribeOutcome) => mockHost.current?.request.mockResolvedValueOnce(outcome)

describe('after reserving, on a host with subscribe messages', () => {
  it('reads the templates when the form opens, before anyone taps', async () => {
    setRouterParams({ sessionId: 's1' })
    render(<ReservePage />)
    await waitFor(() => expect(sent('reminders.templates')).toHaveLength(1))
    expect(useRemindersStore.getState().templates).toEqual(TEMPLATES)
    expect(mockHost.current?.request).not.toHaveBeenCalled()
  })

  it('the tap asks the host for exactly the configured templates, within the tap; the accepted ids are recorded and the ticket opens', async () => {
    await reserve()
    expect(screen.getByText('开启后，微信会发来预约确认，并在开场前提醒你')).toBeTruthy()
    // 查看票券 stays, as the secondary way on.
    expect(screen.getByText('查看票券').closest('.button-secondary')).not.toBeNull()
    sheetAnswers({ outcome: 'answered', accepted: ['tpl-confirmation-1', 'tpl-reminder-1'] })

    fireEvent.click(screen.getByText('开启开场提醒'))
    // Nothing awaited before the host's call: WeChat refuses its sheet once the tap is over.
    expect(mockHost.current?.request).toHaveBeenCalledTimes(1)
    expect(mockHost.current?.request).toHaveBeenCalledWith(TEMPLATES)

    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/pages/ticket/index?ticketId=tabc' }))
    expect(sent('reminders.consent').map((call) => call.payload)).toEqual([{ ticketId: 'tabc', accepted: ['tpl-confirmation-1', 'tpl-reminder-1'] }])
    expect(useTicketsStore.getState().byId.tabc.reminders.state).toBe('on')
  })

  it('asks for at most 3 templates in one request, as WeChat allows', async () => {
    const many: ReminderTemplateView[] = [...TEMPLATES, { id: 'tpl-reminder-2', kind: 'reminder' }, { id: 'tpl-reminder-3', kind: 'reminder' }]
    backend['reminders.templates'] = () => ok({ templates: many })
    await reserve()
    sheetAnswers({ outcome: 'answered', accepted: [] })
    fireEvent.click(screen.getByText('开启开场提醒'))
    expect(mockHost.current?.request).toHaveBeenCalledWith(many.slice(0, 3))
    await waitFor(() => expect(redirectTo).toHaveBeenCalled())
  })

  it('records a decline as no templates accepted, and the ticket page then offers to ask again, which turns reminders on', async () => {
    await reserve()
    sheetAnswers({ outcome: 'answered', accepted: [] })
    fireEvent.click(screen.getByText('开启开场提醒'))
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/pages/ticket/index?ticketId=tabc' }))
    expect(sent('reminders.consent').map((call) => call.payload)).toEqual([{ ticketId: 'tabc', accepted: [] }])
    expect(useTicketsStore.getState().byId.tabc.reminders.state).toBe('off')

    // The redirect: the ticket page, reading the ticket as the backend now has it.
    cleanup()
    backend['tickets.get'] = () => ok(ticketWith(decided([])))
    setRouterParams({ ticketId: 'tabc' })
    render(<TicketPage />)
    await screen.findByTestId('ticket-qr')
    expect(screen.getByTestId('ticket-reminders').textContent).toBe('未开启')

    sheetAnswers({ outcome: 'answered', accepted: ['tpl-confirmation-1', 'tpl-reminder-1'] })
    fireEvent.click(screen.getByText('开启提醒'))
    expect(mockHost.current?.request).toHaveBeenCalledTimes(2)
    expect(mockHost.current?.request).toHaveBeenLastCalledWith(TEMPLATES)
    await waitFor(() => expect(screen.getByTestId('ticket-reminders').textContent).toBe('已开启'))
    expect(sent('reminders.consent').at(-1)?.payload).toEqual({ ticketId: 'tabc', accepted: ['tpl-confirmation-1', 'tpl-reminder-1'] })
    expect(screen.queryByText('开启提醒')).toBeNull()
    expect(showToast).toHaveBeenCalledWith({ title: '已开启开场提醒', icon: 'success' })
  })

  it('says in Chinese when the host gives no answer, records nothing and keeps the ticket and both ways on', async () => {
    await reserve()
    sheetAnswers({ outcome: 'failed', reason: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.' })
    fireEvent.click(screen.getByText('开启开场提醒'))
    const problem = await screen.findByTestId('reminder-problem')
    expect(problem.textContent).toBe('提醒没有开启：微信没有完成订阅，可能是在微信设置中关闭了订阅消息。票券不受影响，可以稍后再试')
    expect(problem.getAttribute('role')).toBe('alert')
    expect(sent('reminders.consent')).toEqual([])
    expect(redirectTo).not.toHaveBeenCalled()
    expect(useTicketsStore.getState().byId.tabc.reminders.state).toBe('unasked')

    // The ticket is one tap away, and the ticket page would offer to ask again (unasked).
    fireEvent.click(screen.getByText('查看票券'))
    expect(redirectTo).toHaveBeenCalledWith({ url: '/pages/ticket/index?ticketId=tabc' })
    expect(screen.getByText('开启开场提醒')).toBeTruthy()
  })

  it('says so when the backend does not record the answer, and a second tap asks again', async () => {
    backend['reminders.consent'] = () => refused('INTERNAL')
    await reserve()
    sheetAnswers({ outcome: 'answered', accepted: ['tpl-confirmation-1', 'tpl-reminder-1'] })
    fireEvent.click(screen.getByText('开启开场提醒'))
    expect((await screen.findByTestId('reminder-problem')).textContent).toBe('系统开小差了，请稍后重试。提醒设置没有保存，票券不受影响')
    expect(redirectTo).not.toHaveBeenCalled()

    backend['reminders.consent'] = recordConsent
    sheetAnswers({ outcome: 'answered', accepted: ['tpl-confirmation-1', 'tpl-reminder-1'] })
    fireEvent.click(screen.getByText('开启开场提醒'))
    await waitFor(() => expect(redirectTo).toHaveBeenCalled())
    expect(screen.queryByTestId('reminder-problem')).toBeNull()
  })

  it('asks once however often the button is pressed while the answer is out', async () => {
    await reserve()
    let answer: (outcome: SubscribeOutcome) => void = () => undefined
    mockHost.current?.request.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)))
    fireEvent.click(screen.getByText('开启开场提醒'))
    const busy = (await screen.findByText('正在开启…')).closest('.button-primary') as HTMLElement
    expect(busy.hasAttribute('disabled')).toBe(true)
    fireEvent.click(busy)
    expect(mockHost.current?.request).toHaveBeenCalledTimes(1)
    await act(async () => answer({ outcome: 'answered', accepted: [] }))
    await waitFor(() => expect(redirectTo).toHaveBeenCalled())
    expect(sent('reminders.consent')).toHaveLength(1)
  })

  it('reads the templates again after reserving when the first read failed, and then offers the reminders', async () => {
    let reads = 0
    backend['reminders.templates'] = () => (++reads === 1 ? refused('INTERNAL') : ok({ templates: TEMPLATES }))
    await reserve()
    expect(await screen.findByText('开启开场提醒')).toBeTruthy()
    expect(sent('reminders.templates')).toHaveLength(2)
  })

  it('with no templates configured, offers only the ticket', async () => {
    backend['reminders.templates'] = () => ok({ templates: [] })
    await reserve()
    expect(screen.queryByText('开启开场提醒')).toBeNull()
    expect(screen.getByText('查看票券').closest('.button-primary')).not.toBeNull()
  })
})

describe('the ticket page, on a host with subscribe messages', () => {
  const openTicket = async (ticket: TicketView) => {
    backend['tickets.get'] = () => ok(ticket)
    setRouterParams({ ticketId: ticket.id })
    render(<TicketPage />)
    await screen.findByTestId('ticket-qr')
    await waitFor(() => expect(useRemindersStore.getState().status).toBe('ready'))
  }

  it('says reminders are on, with nothing to ask', async () => {
    await openTicket(ticketWith(decided(['tpl-confirmation-1', 'tpl-reminder-1'])))
    expect(screen.getByText('开场提醒')).toBeTruthy()
    expect(screen.getByTestId('ticket-reminders').textContent).toBe('已开启')
    expect(screen.queryByText('开启提醒')).toBeNull()
  })

  it('says reminders are off when never asked, and offers to ask', async () => {
    await openTicket(ticketWith(UNASKED))
    expect(screen.getByTestId('ticket-reminders').textContent).toBe('未开启')
    expect(screen.getByText('开启提醒')).toBeTruthy()
  })

  it('a failure on the ticket page is said there, and the offer stays', async () => {
    await openTicket(ticketWith(decided([])))
    sheetAnswers({ outcome: 'failed', reason: 'requestSubscribeMessage:fail: tpl-reminder-1 ban' })
    fireEvent.click(screen.getByText('开启提醒'))
    expect((await screen.findByTestId('reminder-problem')).textContent).toContain('提醒没有开启')
    expect(screen.getByTestId('ticket-reminders').textContent).toBe('未开启')
    expect(screen.getByText('开启提醒')).toBeTruthy()
    expect(sent('reminders.consent')).toEqual([])
  })

  it('says nothing of reminders when the deployment sends none (no templates configured)', async () => {
    backend['reminders.templates'] = () => ok({ templates: [] })
    await openTicket(ticketWith(UNASKED))
    expect(screen.queryByText('开场提醒')).toBeNull()
    expect(screen.queryByText('开启提醒')).toBeNull()
  })

  it('shows nothing of reminders on a cancelled ticket', async () => {
    await openTicket(ticketWith(decided([]), { status: 'cancelled', cancelledAt: '2026-11-30T07:59:30Z', cancellable: false }))
    expect(screen.getByTestId('ticket-status').textContent).toBe('已取消')
    expect(screen.queryByText('开场提醒')).toBeNull()
    expect(screen.queryByText('开启提醒')).toBeNull()
  })

  it('no longer offers to ask once the session has started', async () => {
    const started = { ...ticketWith(UNASKED).session, startsAt: '2026-11-30T07:00:00Z', endsAt: '2026-11-30T10:00:00Z' }
    await openTicket(ticketWith(UNASKED, { session: started, cancellable: false }))
    expect(screen.getByTestId('ticket-reminders').textContent).toBe('未开启')
    expect(screen.queryByText('开启提醒')).toBeNull()
  })
})

describe('a host without subscribe messages (Alipay, ByteDance, production H5)', () => {
  beforeEach(() => {
    mockHost.current = null
  })

  it('reads no templates and goes from the success state straight to the ticket', async () => {
    await reserve()
    expect(screen.queryByText('开启开场提醒')).toBeNull()
    expect(screen.getByText('查看票券').closest('.button-primary')).not.toBeNull()
    fireEvent.click(screen.getByText('查看票券'))
    expect(redirectTo).toHaveBeenCalledWith({ url: '/pages/ticket/index?ticketId=tabc' })
    expect(sent('reminders.templates')).toEqual([])
  })

  it('shows no reminder row or button on the ticket page', async () => {
    backend['tickets.get'] = () => ok(ticketWith(UNASKED))
    setRouterParams({ ticketId: 'tabc' })
    render(<TicketPage />)
    await screen.findByTestId('ticket-qr')
    expect(screen.queryByText('开场提醒')).toBeNull()
    expect(screen.queryByText('开启提醒')).toBeNull()
    expect(sent('reminders.templates')).toEqual([])
  })
})
