import { decideEntry, entryDay } from '../../cloud/src/domain/checkin'
import { releasedHolds } from '../../cloud/src/domain/holds'
import type { EntryPolicy, SessionRecord, TicketRecord } from '../../cloud/src/domain/records'

const MIN = 60_000
const start = new Date('2026-12-09T11:00:00Z') // 19:00 in China
const session = { _id: 's', eventId: 'e', name: '第一场', place: '', startsAt: start, endsAt: new Date(start.getTime() + 120 * MIN), capacity: 1, seatBlocks: 1, updatedAt: start } as SessionRecord
const single: EntryPolicy = { mode: 'single', maxEntries: null, perDay: null, minMinutesBetween: null, opensMinutesBefore: 60, closesMinutesAfter: 0, consumeCard: false }
const multiple = (limits: Partial<EntryPolicy>): EntryPolicy => ({ ...single, mode: 'multiple', ...limits })
const at = (minutesFromStart: number) => new Date(start.getTime() + minutesFromStart * MIN)

function ticket(entryMinutes: number[], status: TicketRecord['status'] = 'active'): TicketRecord {
  const times = entryMinutes.map(at)
  const byDay: Record<string, number> = {}
  for (const t of times) byDay[entryDay(t)] = (byDay[entryDay(t)] ?? 0) + 1
  return {
    _id: 't', code: '1', eventId: 'e', sessionId: 's', _openid: 'o', attendee: { name: '张三', phone: '' }, status, holds: releasedHolds('t'), request: 'k', rateSlot: 'r1', requestId: 'r', createdAt: start,
    ...(times.length ? { entries: { count: times.length, firstAt: times[0], lastAt: times[times.length - 1], byDay } } : {}),
  }
}

const RULES: Array<[string, TicketRecord, EntryPolicy, number, string]> = [
  ['first entry at the start', ticket([]), single, 0, 'ADMITTED'],
  ['first entry 59 minutes early (the default margin is an hour)', ticket([]), single, -59, 'ADMITTED'],
  ['61 minutes early', ticket([]), single, -61, 'DENIED WRONG_SESSION_TIME'],
  ['a configured margin of three hours', ticket([]), { ...single, opensMinutesBefore: 180 }, -170, 'ADMITTED'],
  ['after the end', ticket([]), single, 121, 'DENIED WRONG_SESSION_TIME'],
  ['after the end, inside a configured closing margin', ticket([]), { ...single, closesMinutesAfter: 30 }, 140, 'ADMITTED'],
  ['a cancelled ticket, even in time', ticket([], 'cancelled'), single, 0, 'DENIED CANCELLED'],
  ['a cancelled ticket outside the window is still CANCELLED first', ticket([], 'cancelled'), single, -500, 'DENIED CANCELLED'],
  ['single entry, second scan', ticket([0]), single, 5, 'ALREADY_ADMITTED'],
  ['multiple without limits, third entry', ticket([0, 1]), multiple({}), 2, 'ADMITTED'],
  ['multiple, maxEntries 2 reached', ticket([0, 10]), multiple({ maxEntries: 2 }), 20, 'DENIED LIMIT_REACHED'],
  ['multiple, perDay 1 reached the same day', ticket([0]), multiple({ perDay: 1 }), 60, 'DENIED LIMIT_REACHED'],
  ['multiple, perDay 1, a day later', ticket([-1440]), multiple({ perDay: 1, opensMinutesBefore: 2000 }), 0, 'ADMITTED'],
  ['multiple, 30 minutes between, after 10', ticket([0]), multiple({ minMinutesBetween: 30 }), 10, 'DENIED TOO_SOON'],
  ['multiple, 30 minutes between, after 30', ticket([0]), multiple({ minMinutesBetween: 30 }), 30, 'ADMITTED'],
  ['maxEntries is checked before spacing', ticket([0]), multiple({ maxEntries: 1, minMinutesBetween: 30 }), 10, 'DENIED LIMIT_REACHED'],
]

it.each(RULES)('%s', (_label, t, policy, minutes, expected) => {
  const decision = decideEntry(t, session, policy, at(minutes))
  expect([decision.result, decision.reason].filter(Boolean).join(' ')).toBe(expected)
})

it('counts days in China time: 23:30 and 00:30 there are two days', () => {
  expect(entryDay(new Date('2026-12-09T15:30:00Z'))).toBe('20261209')
  expect(entryDay(new Date('2026-12-09T16:30:00Z'))).toBe('20261210')
})
