import type { EventView } from '../../cloud/src/api/models'

/** One published event with one session, as `events.list` answers it; tests override what they need. */
export function sampleEvent(overrides: Partial<EventView> = {}): EventView {
  return {
    id: 'ev1',
    title: '城市博物馆夜场开放',
    venue: '城市博物馆',
    description: '',
    reservationOpensAt: '2026-11-01T00:00:00Z',
    reservationClosesAt: '2026-12-30T00:00:00Z',
    limits: { perSession: 1, perEvent: 2 },
    idNumber: 'optional',
    dataRetentionDays: 30,
    entry: { mode: 'single', maxEntries: null, perDay: null, minMinutesBetween: null, opensMinutesBefore: 60, closesMinutesAfter: 0 },
    sessions: [{ id: 's1', eventId: 'ev1', name: '第一场', place: '一号门', startsAt: '2026-12-01T11:00:00Z', endsAt: '2026-12-01T13:00:00Z', capacity: 10, remaining: 3 }],
    ...overrides,
  }
}
