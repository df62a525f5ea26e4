import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import OrganizerPage from '../../src/pages/organizer'
import { initialEventsState, useEventsStore } from '../../src/stores/events'
import { initialOrganizerState, useOrganizerStore } from '../../src/stores/organizer'
import { request, resetTaroStub, showModal, showToast } from '../support/taro'
import { sampleEvent } from './fixtures'
import type { EventView, IdRefusalView } from '../../cloud/src/api/models'

const event: EventView = sampleEvent({ idNumber: 'required' })

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

beforeEach(() => {
  resetTaroStub()
  useEventsStore.setState(initialEventsState)
  useOrganizerStore.setState(initialOrganizerState())
})

describe('organizer page: ID-number refusals', () => {
  it('lists each event’s refusals masked, and releases one only after confirmation', async () => {
    let released = false
    backend({
      'events.list': () => ({ ok: true, data: { events: [event] } }),
      'organizer.idRefusals': () => ({ ok: true, data: { refusals: [{ ...refusal, releasedAt: released ? '2026-11-30T02:00:00Z' : null }] } }),
      'organizer.releaseIdHold': () => {
        released = true
        return { ok: true, data: { releasedTickets: 1 } }
      },
    })
    render(<OrganizerPage />)

    expect(await screen.findByText('11月30日 09:30 · 第一场')).toBeTruthy()
    expect(screen.getByText('居民身份证 **************002X · 张*')).toBeTruthy()
    expect(screen.getByText('尝试 2 次')).toBeTruthy()
    expect(calls('organizer.idRefusals')).toEqual([{ action: 'organizer.idRefusals', payload: { eventId: 'ev1' } }])

    showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
    fireEvent.click(screen.getByText('核验证件后释放'))
    await waitFor(() => expect(showModal).toHaveBeenCalledTimes(1))
    expect(showModal.mock.calls[0][0]).toMatchObject({ title: '释放这个证件号？' })
    await Promise.resolve()
    expect(calls('organizer.releaseIdHold')).toEqual([])

    showModal.mockResolvedValueOnce({ confirm: true, cancel: false })
    fireEvent.click(screen.getByText('核验证件后释放'))
    expect(await screen.findByText('已于 11月30日 10:00 释放')).toBeTruthy()
    expect(calls('organizer.releaseIdHold')).toEqual([{ action: 'organizer.releaseIdHold', payload: { eventId: 'ev1', refusalId: 'r1' } }])
    expect(screen.queryByText('核验证件后释放')).toBeNull()
    expect(showToast).toHaveBeenCalledWith({ title: '已释放，涉及 1 张票', icon: 'success' })
  })

  it('shows “仅主办方可见” to someone who does not organize, not an error', async () => {
    backend({
      'events.list': () => ({ ok: true, data: { events: [event] } }),
      'organizer.idRefusals': () => ({ ok: false, error: { code: 'FORBIDDEN', message: 'not an organizer' } }),
    })
    render(<OrganizerPage />)
    expect(await screen.findByText('仅主办方可见')).toBeTruthy()
    expect(screen.queryByText('没有权限执行此操作')).toBeNull()
    expect(screen.queryByText('核验证件后释放')).toBeNull()
    // Check-in stays reachable.
    expect(screen.getByText('进入现场检票')).toBeTruthy()
  })

  it('leaves out the events the caller does not organize, and lists the one they do', async () => {
    const other: EventView = { ...event, id: 'ev2', title: '别人的活动' }
    backend({
      'events.list': () => ({ ok: true, data: { events: [other, event] } }),
      'organizer.idRefusals': ({ eventId }) =>
        eventId === 'ev1' ? { ok: true, data: { refusals: [refusal] } } : { ok: false, error: { code: 'FORBIDDEN', message: 'not an organizer' } },
    })
    render(<OrganizerPage />)
    expect(await screen.findByText('居民身份证 **************002X · 张*')).toBeTruthy()
    await waitFor(() => expect(calls('organizer.idRefusals')).toHaveLength(2))
    await waitFor(() => expect(screen.queryByText('别人的活动')).toBeNull())
    expect(screen.queryByText('仅主办方可见')).toBeNull()
    expect(screen.getByText('城市博物馆夜场开放')).toBeTruthy()
  })

  it('says when an event has no refusals', async () => {
    backend({
      'events.list': () => ({ ok: true, data: { events: [event] } }),
      'organizer.idRefusals': () => ({ ok: true, data: { refusals: [] } }),
    })
    render(<OrganizerPage />)
    expect(await screen.findByText('暂无记录')).toBeTruthy()
  })
})
