import type { EventView, TicketView } from '../../cloud/src/api/models'

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

/** The owner's active ticket for the sample event's session, as the backend answers it; tests override what they need. */
export function sampleTicket(overrides: Partial<TicketView> = {}): TicketView {
  const event = sampleEvent()
  const session = event.sessions[0]
  return {
    id: 'tabc',
    code: '123456789012345674',
    status: 'active',
    eventId: event.id,
    eventTitle: event.title,
    venue: event.venue,
    session: { id: session.id, name: session.name, place: session.place, startsAt: session.startsAt, endsAt: session.endsAt },
    attendee: { name: '张三', phone: '13812345678', hasIdNumber: false },
    erasedAt: null,
    erasable: false,
    entries: { used: 0, firstAt: null, lastAt: null },
    createdAt: '2026-11-29T00:00:00Z',
    cancelledAt: null,
    cancellable: true,
    cardPack: 'unavailable',
    reminders: { state: 'unasked', accepted: [], decidedAt: null },
    ...overrides,
  }
}
