import { fireEvent, render, screen } from '@testing-library/react'
import EventPage from '../../src/pages/event'
import { initialEventsState, useEventsStore } from '../../src/stores/events'
import { navigateTo, request, resetTaroStub } from '../support/taro'
import type { EventView } from '../../cloud/src/api/models'

const event: EventView = {
  id: 'ev1',
  title: '城市博物馆夜场开放',
  venue: '城市博物馆 一号门',
  description: '免费预约，凭票入场',
  reservationOpensAt: '2026-11-01T00:00:00Z',
  reservationClosesAt: '2026-12-30T00:00:00Z',
  limits: { perSession: 1, perEvent: 2 },
  idNumber: 'optional',
  dataRetentionDays: 30,
  entry: { mode: 'single', maxEntries: null, perDay: null, minMinutesBetween: null, opensMinutesBefore: 60, closesMinutesAfter: 0 },
  sessions: [
    { id: 's-open', eventId: 'ev1', name: '第一场', place: '一号门', startsAt: '2026-12-01T11:00:00Z', endsAt: '2026-12-01T13:00:00Z', capacity: 100, remaining: 37 },
    { id: 's-full', eventId: 'ev1', name: '第二场', place: '一号门', startsAt: '2026-12-01T13:00:00Z', endsAt: '2026-12-01T15:00:00Z', capacity: 100, remaining: 0 },
  ],
}

beforeEach(() => {
  resetTaroStub()
  useEventsStore.setState(initialEventsState)
})

describe('event page', () => {
  it('shows sessions with live remaining seats and sold-out sessions as such', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: { events: [event] } } })
    render(<EventPage />)

    expect(await screen.findByText('城市博物馆夜场开放')).toBeTruthy()
    expect(screen.getByText('余 37 张')).toBeTruthy()
    expect(screen.getByText('已约满')).toBeTruthy()
    expect(screen.getByText('12月1日 周二 19:00–21:00')).toBeTruthy()
  })

  it('opens the reservation form for an open session and not for a sold-out one', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: { events: [event] } } })
    render(<EventPage />)

    fireEvent.click(await screen.findByText('第二场'))
    expect(navigateTo).not.toHaveBeenCalled()

    fireEvent.click(screen.getByText('第一场'))
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/reserve/index?sessionId=s-open' })
  })

  it('explains a failed load in Chinese and retries on request', async () => {
    request.mockRejectedValueOnce(new Error('request:fail'))
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: { events: [event] } } })
    render(<EventPage />)

    expect(await screen.findByText('网络不给力，请检查网络后重试')).toBeTruthy()
    fireEvent.click(screen.getByText('重试'))
    expect(await screen.findByText('城市博物馆夜场开放')).toBeTruthy()
  })
})

describe('event page with nothing to show', () => {
  beforeEach(() => {
    resetTaroStub()
    useEventsStore.setState(initialEventsState)
  })

  it('says there is no event open instead of loading forever', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: { events: [] } } })
    render(<EventPage />)
    expect(await screen.findByText('暂时没有开放预约的活动')).toBeTruthy()
    expect(screen.queryByText('加载中…')).toBeNull()
  })
})
