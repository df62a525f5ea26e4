import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import EventDetailPage from '../../src/pages/event-detail'
import EventPage from '../../src/pages/event'
import { REQUEST_TIMEOUT_MS } from '../../src/services/api'
import { initialEventsState, useEventsStore } from '../../src/stores/events'
import { navigateTo, request, resetTaroStub, setRouterParams, switchTab } from '../support/taro'
import { sampleEvent } from './fixtures'
import type { EventView } from '../../cloud/src/api/models'

// The frozen test clock is 2026-11-30 08:00 UTC: sessions on 12-01 are ahead, the 07:00 one has begun.
const event: EventView = sampleEvent({
  venue: '城市博物馆 一号门',
  description: '免费预约，凭票入场',
  sessions: [
    { id: 's-open', eventId: 'ev1', name: '第一场', place: '一号门', startsAt: '2026-12-01T11:00:00Z', endsAt: '2026-12-01T13:00:00Z', capacity: 100, remaining: 37 },
    { id: 's-full', eventId: 'ev1', name: '第二场', place: '一号门', startsAt: '2026-12-01T13:00:00Z', endsAt: '2026-12-01T15:00:00Z', capacity: 100, remaining: 0 },
    { id: 's-begun', eventId: 'ev1', name: '早场', place: '一号门', startsAt: '2026-11-30T07:00:00Z', endsAt: '2026-11-30T09:00:00Z', capacity: 100, remaining: 12 },
  ],
})
const second: EventView = sampleEvent({ id: 'ev2', title: '古籍修复公开课', venue: '市图书馆', sessions: [{ id: 's2', eventId: 'ev2', name: '上午场', place: '', startsAt: '2026-12-05T01:00:00Z', endsAt: '2026-12-05T03:00:00Z', capacity: 30, remaining: 0 }] })
const upcoming: EventView = sampleEvent({ id: 'ev3', title: '冬至音乐会', reservationOpensAt: '2026-12-10T02:00:00Z' })

const listAnswer = (events: EventView[]) => ({ statusCode: 200, data: { ok: true, data: { events } } })

beforeEach(() => {
  resetTaroStub()
  useEventsStore.setState(initialEventsState)
})

describe('the events tab with one event', () => {
  it('shows the event and its sessions with a badge each: seats left, sold out, begun', async () => {
    request.mockResolvedValueOnce(listAnswer([event]))
    render(<EventPage />)

    expect(await screen.findByText('城市博物馆夜场开放')).toBeTruthy()
    expect(screen.getByText('余 37 张').className).toContain('badge--positive')
    expect(screen.getByText('已约满').className).toContain('badge--muted')
    expect(screen.getByText('已开始').className).toContain('badge--muted')
    expect(screen.getByText('12月1日 周二 19:00–21:00')).toBeTruthy()
  })

  it('opens the reservation form for an open session only', async () => {
    request.mockResolvedValueOnce(listAnswer([event]))
    render(<EventPage />)

    fireEvent.click(await screen.findByText('第二场'))
    fireEvent.click(screen.getByText('早场'))
    expect(navigateTo).not.toHaveBeenCalled()

    fireEvent.click(screen.getByText('第一场'))
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/reserve/index?sessionId=s-open' })
  })
})

describe('the events tab with several events', () => {
  it('lists them with a status badge each and opens one on its own page', async () => {
    request.mockResolvedValueOnce(listAnswer([event, second, upcoming]))
    render(<EventPage />)

    const rows = await screen.findAllByTestId('event-row')
    expect(rows.map((row) => row.textContent)).toEqual([
      expect.stringContaining('城市博物馆夜场开放可预约'),
      expect.stringContaining('古籍修复公开课已约满'),
      expect.stringContaining('冬至音乐会即将开放'),
    ])
    expect(screen.getByText('共 3 个活动')).toBeTruthy()
    fireEvent.click(screen.getByText('古籍修复公开课'))
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/event-detail/index?eventId=ev2' })
  })
})

describe('the events tab when the backend does not answer', () => {
  it('shows loading at once, then after a failed load and the automatic retry an error with a retry that recovers', async () => {
    let answer: (value: { statusCode: number; data: unknown }) => void = () => undefined
    request.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)))
    request.mockRejectedValueOnce(new Error('request:fail'))
    render(<EventPage />)
    expect(screen.getByTestId('loading').textContent).toBe('加载中…')
    await waitFor(() => expect(request).toHaveBeenCalledTimes(1))
    await act(async () => answer({ statusCode: 502, data: { code: 'NETWORK_ERROR' } }))

    const error = await screen.findByTestId('load-error')
    expect(error.textContent).toContain('网络不给力，请检查网络后重试')
    expect(request).toHaveBeenCalledTimes(2)

    request.mockResolvedValueOnce(listAnswer([event]))
    fireEvent.click(screen.getByText('重试'))
    expect(await screen.findByText('城市博物馆夜场开放')).toBeTruthy()
  })

  it('retries a failed connection once by itself before bothering the person', async () => {
    request.mockRejectedValueOnce(new Error('request:fail'))
    request.mockResolvedValueOnce(listAnswer([event]))
    render(<EventPage />)
    expect(await screen.findByText('城市博物馆夜场开放')).toBeTruthy()
    expect(screen.queryByTestId('load-error')).toBeNull()
  })

  it('gives up on a request that hangs, and says the server did not answer', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-30T08:00:00Z') })
    request.mockImplementation(() => new Promise(() => undefined))
    render(<EventPage />)
    await act(async () => {
      await jest.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS - 1)
    })
    expect(screen.getByTestId('loading')).toBeTruthy()
    await act(async () => {
      await jest.advanceTimersByTimeAsync(1)
    })
    expect(screen.getByTestId('load-error').textContent).toContain('服务器没有及时响应，请稍后重试')
  })

  it('keeps the last list after a failed refresh, says since when it is, and clears that once a retry succeeds', async () => {
    request.mockResolvedValueOnce(listAnswer([event]))
    const page = render(<EventPage />)
    expect(await screen.findByText('余 37 张')).toBeTruthy()
    page.unmount()

    // The tab shown again with the backend gone: the seats on screen are from 16:00 China time.
    request.mockRejectedValue(new Error('request:fail'))
    render(<EventPage />)
    const stale = await screen.findByTestId('stale-notice')
    expect(stale.textContent).toContain('网络不给力')
    expect(stale.textContent).toContain('下面是 16:00:00 的信息，可能不是最新的')
    expect(screen.getByText('余 37 张')).toBeTruthy()

    request.mockReset()
    request.mockResolvedValueOnce(listAnswer([{ ...event, sessions: [{ ...event.sessions[0], remaining: 36 }] }]))
    fireEvent.click(screen.getByText('重试'))
    expect(await screen.findByText('余 36 张')).toBeTruthy()
    expect(screen.queryByTestId('stale-notice')).toBeNull()
  })

  it('says there is no event open instead of loading forever', async () => {
    request.mockResolvedValueOnce(listAnswer([]))
    render(<EventPage />)
    expect((await screen.findByTestId('empty')).textContent).toBe('暂时没有开放预约的活动')
    expect(screen.queryByText('加载中…')).toBeNull()
  })
})

describe('one event’s own page (a link or a reload)', () => {
  it('loads the list itself and shows the event', async () => {
    setRouterParams({ eventId: 'ev2' })
    request.mockResolvedValueOnce(listAnswer([event, second]))
    render(<EventDetailPage />)
    expect(screen.getByTestId('loading')).toBeTruthy()
    expect(await screen.findByText('古籍修复公开课')).toBeTruthy()
    expect(screen.getByText('已约满')).toBeTruthy()
  })

  it('says an unknown event is not there, with the way to every event', async () => {
    setRouterParams({ eventId: 'gone' })
    request.mockResolvedValueOnce(listAnswer([event, second]))
    render(<EventDetailPage />)
    expect((await screen.findByTestId('not-found')).textContent).toContain('找不到这个活动')
    fireEvent.click(screen.getByText('查看全部活动'))
    expect(switchTab).toHaveBeenCalledWith({ url: '/pages/event/index' })
  })

  it('does not call an event missing when the list could not be read: it offers a retry', async () => {
    setRouterParams({ eventId: 'ev2' })
    request.mockRejectedValue(new Error('request:fail'))
    render(<EventDetailPage />)
    expect(await screen.findByTestId('load-error')).toBeTruthy()
    expect(screen.queryByTestId('not-found')).toBeNull()
  })

  it('says when reservations open for an event not open yet, and opens no form', async () => {
    setRouterParams({ eventId: 'ev3' })
    request.mockResolvedValueOnce(listAnswer([event, upcoming]))
    render(<EventDetailPage />)
    expect(await screen.findByText('12月10日 10:00 开放预约')).toBeTruthy()
    fireEvent.click(screen.getByText('第一场'))
    expect(navigateTo).not.toHaveBeenCalled()
  })
})
