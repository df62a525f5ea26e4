import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import ReservePage from '../../src/pages/reserve'
import { initialEventsState, useEventsStore } from '../../src/stores/events'
import { initialReservationState, useReservationStore } from '../../src/stores/reservation'
import { initialTicketsState, useTicketsStore } from '../../src/stores/tickets'
import { navigateTo, redirectTo, request, resetTaroStub, setRouterParams, switchTab } from '../support/taro'
import { sampleEvent, sampleTicket } from './fixtures'
import type { EventView, TicketView } from '../../cloud/src/api/models'
import { PRIVACY_NOTICE_VERSION } from '../../cloud/src/api/privacy'

const event: EventView = sampleEvent()

const ticket: TicketView = sampleTicket()

function type(label: string, value: string) {
  const input = document.querySelector(`input[name="${label}"]`) as HTMLInputElement
  fireEvent.input(input, { target: { value } })
}

function agree() {
  fireEvent.click(screen.getByText('我已阅读并同意《个人信息处理说明》'))
}

type Answer = { statusCode: number; data: unknown }

/**
 * The page reads the events again on every visit (fresh seat counts): that read answers the events
 * in the store; every other call takes the next scripted answer, in order.
 */
const scripted: (Answer | Error | (() => Promise<Answer>))[] = []
const answerNext = (answer: Answer | Error | (() => Promise<Answer>)) => scripted.push(answer)
const sentCalls = () => request.mock.calls.map((call) => call[0]).filter((options) => (options.data as { action: string }).action !== 'events.list')

beforeEach(() => {
  resetTaroStub()
  scripted.length = 0
  request.mockImplementation(async (options) => {
    if ((options.data as { action: string }).action === 'events.list') return { statusCode: 200, data: { ok: true, data: { events: useEventsStore.getState().events } } }
    const next = scripted.shift()
    if (!next) throw new Error('request not scripted in this test')
    if (next instanceof Error) throw next
    return typeof next === 'function' ? next() : next
  })
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
    expect(sentCalls()).toHaveLength(0)
  })

  it('submits once however often the button is pressed, and shows the result', async () => {
    let answer: (value: { statusCode: number; data: unknown }) => void = () => undefined
    answerNext(() => new Promise((resolve) => (answer = resolve)))
    render(<ReservePage />)
    type('name', '张三')
    type('phone', '13812345678')
    agree()

    fireEvent.click(screen.getByText('提交预约'))
    fireEvent.click(screen.getByText('提交中…'))
    fireEvent.click(screen.getByText('提交中…'))
    // The request leaves once the request id is drawn (asynchronously, from the host's randomness).
    await waitFor(() => expect(sentCalls()).toHaveLength(1))
    expect(sentCalls()).toHaveLength(1)
    const sent = sentCalls()[0].data as { action: string; payload: { requestId: string; attendee: unknown; consent: unknown } }
    expect(sent.action).toBe('reservation.reserve')
    expect(sent.payload.attendee).toEqual({ name: '张三', phone: '13812345678' })
    expect(sent.payload.consent).toEqual({ noticeVersion: PRIVACY_NOTICE_VERSION })

    await act(async () => answer({ statusCode: 200, data: { ok: true, data: ticket } }))
    expect(await screen.findByText('预约成功')).toBeTruthy()
    expect(useTicketsStore.getState().byId.tabc).toEqual(ticket)
  })

  it('retries a failed submit with the same request id, so the server cannot make two tickets', async () => {
    answerNext(new Error('request:fail timeout'))
    answerNext({ statusCode: 200, data: { ok: true, data: ticket } })
    render(<ReservePage />)
    type('name', '张三')
    type('phone', '13812345678')
    agree()

    fireEvent.click(screen.getByText('提交预约'))
    expect(await screen.findByText('网络不给力，请检查网络后重试')).toBeTruthy()
    fireEvent.click(screen.getByText('提交预约'))
    expect(await screen.findByText('预约成功')).toBeTruthy()

    const [first, second] = sentCalls().map((c) => (c.data as { payload: { requestId: string } }).payload.requestId)
    expect(first).toBe(second)
  })

  it('maps a refusal from the server to its message', async () => {
    answerNext({ statusCode: 200, data: { ok: false, error: { code: 'SOLD_OUT', message: 'no seats' } } })
    render(<ReservePage />)
    type('name', '张三')
    type('phone', '13812345678')
    agree()
    fireEvent.click(screen.getByText('提交预约'))
    expect(await screen.findByText('该场次已约满')).toBeTruthy()
  })
})

describe('consent on the reservation form', () => {
  it('says what is collected, why, for how long and who sees it, with the agreement unticked', () => {
    render(<ReservePage />)
    const consent = screen.getByTestId('consent')
    expect(consent.textContent).toContain('姓名、手机号、证件号码（选填）')
    expect(consent.textContent).toContain('出票和入场核验，执行每人限约')
    expect(consent.textContent).toContain('场次结束 30 天后自动删除')
    expect(consent.textContent).toContain('本活动主办方；现场检票人员只看到打码后的姓名')
    expect(screen.getByTestId('consent-checkbox').getAttribute('aria-checked')).toBe('false')
  })

  it('names only what this event asks for, and the retention the backend configured', () => {
    useEventsStore.setState({ ...initialEventsState, status: 'ready', events: [{ ...event, idNumber: 'off', dataRetentionDays: 7 }] })
    render(<ReservePage />)
    const consent = screen.getByTestId('consent')
    expect(consent.textContent).toContain('姓名、手机号')
    expect(consent.textContent).not.toContain('证件')
    expect(consent.textContent).toContain('场次结束 7 天后自动删除')
  })

  it('sends nothing until the agreement is ticked, and says why', async () => {
    render(<ReservePage />)
    type('name', '张三')
    type('phone', '13812345678')
    fireEvent.click(screen.getByText('提交预约'))
    expect(await screen.findByText('请阅读并同意个人信息处理说明')).toBeTruthy()
    expect(sentCalls()).toHaveLength(0)

    answerNext({ statusCode: 200, data: { ok: true, data: ticket } })
    agree()
    expect(screen.getByTestId('consent-checkbox').getAttribute('aria-checked')).toBe('true')
    expect(screen.queryByText('请阅读并同意个人信息处理说明')).toBeNull()
    fireEvent.click(screen.getByText('提交预约'))
    expect(await screen.findByText('预约成功')).toBeTruthy()
    const sent = sentCalls()[0].data as { payload: { consent: unknown } }
    expect(sent.payload.consent).toEqual({ noticeVersion: PRIVACY_NOTICE_VERSION })
  })

  it('unticking takes the agreement back', async () => {
    render(<ReservePage />)
    type('name', '张三')
    type('phone', '13812345678')
    agree()
    agree()
    fireEvent.click(screen.getByText('提交预约'))
    expect(await screen.findByText('请阅读并同意个人信息处理说明')).toBeTruthy()
    expect(sentCalls()).toHaveLength(0)
  })

  it('shows the server’s refusal of the agreement (an older notice) next to it', async () => {
    answerNext({
      statusCode: 200,
      data: { ok: false, error: { code: 'INVALID_INPUT', message: 'consent', fields: { consent: 'CONSENT_REQUIRED' } } },
    })
    render(<ReservePage />)
    type('name', '张三')
    type('phone', '13812345678')
    agree()
    fireEvent.click(screen.getByText('提交预约'))
    expect(await screen.findByTestId('error-consent')).toBeTruthy()
    expect(screen.getByText('请阅读并同意个人信息处理说明')).toBeTruthy()
  })

  it('opens the full notice for this event', () => {
    render(<ReservePage />)
    fireEvent.click(screen.getByText('查看完整的个人信息处理说明'))
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/privacy/index?eventId=ev1' })
  })
})

describe('the form’s own states', () => {
  it('opened by a link to a session that is not there, says so with the way to every event', async () => {
    setRouterParams({ sessionId: 'nope' })
    render(<ReservePage />)
    expect((await screen.findByTestId('not-found')).textContent).toContain('找不到这个场次')
    fireEvent.click(screen.getByText('查看全部活动'))
    expect(switchTab).toHaveBeenCalledWith({ url: '/pages/event/index' })
  })

  it('opened by a reload, loads the session itself; a failed load offers a retry, never “not found”', async () => {
    useEventsStore.setState(initialEventsState)
    request.mockImplementation(async () => {
      throw new Error('request:fail')
    })
    render(<ReservePage />)
    expect(screen.getByTestId('loading')).toBeTruthy()
    expect((await screen.findByTestId('load-error')).textContent).toContain('网络不给力')
    expect(screen.queryByTestId('not-found')).toBeNull()

    request.mockImplementation(async () => ({ statusCode: 200, data: { ok: true, data: { events: [event] } } }))
    fireEvent.click(screen.getByText('重试'))
    expect(await screen.findByText('预约信息')).toBeTruthy()
  })

  it('says the seat counts may be old when the refresh fails, and keeps the form usable', async () => {
    request.mockImplementation(async () => {
      throw new Error('request:fail')
    })
    render(<ReservePage />)
    expect(await screen.findByTestId('stale-notice')).toBeTruthy()
    expect(screen.getByText('预约信息')).toBeTruthy()
  })

  it('a session that filled up says so and leads to the event’s other sessions instead of a form', async () => {
    useEventsStore.setState({ ...initialEventsState, status: 'ready', events: [sampleEvent({ sessions: [{ ...event.sessions[0], remaining: 0 }] })] })
    render(<ReservePage />)
    expect((await screen.findByTestId('session-unavailable')).textContent).toContain('这个场次已约满')
    expect(screen.queryByText('提交预约')).toBeNull()
    fireEvent.click(screen.getByText('查看其他场次'))
    expect(redirectTo).toHaveBeenCalledWith({ url: '/pages/event-detail/index?eventId=ev1' })
  })

  it('while submitting, the button looks and reads differently and cannot be pressed', async () => {
    answerNext(() => new Promise(() => undefined))
    render(<ReservePage />)
    type('name', '张三')
    type('phone', '13812345678')
    agree()
    fireEvent.click(screen.getByText('提交预约'))
    const busy = (await screen.findByText('提交中…')).closest('.button-primary') as HTMLElement
    expect(busy.className).toContain('button-primary--busy')
    expect(busy.hasAttribute('disabled')).toBe(true)
    fireEvent.click(busy)
    expect(sentCalls()).toHaveLength(1)
  })
})
