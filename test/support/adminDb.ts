/**
 * Direct database access for tests, through the real wx-server-sdk pointed at a local emulator:
 * seeding events and reading back what the functions wrote.
 */
import { importEvent, parseEventFile, type EventFile } from '../../cloud/src/domain/eventImport'
import type { FreeSeatRecord, SessionRecord, TicketRecord } from '../../cloud/src/domain/records'
import { adminContext, type AdminContext } from '../../scripts/adminDatabase'

export type Db = AdminContext['db']

export function adminDb(adminUrl: string): Db {
  return adminContext(adminUrl).db
}

export async function seedEvent(db: Db, file: unknown): Promise<EventFile> {
  const parsed = parseEventFile(file)
  await importEvent({ db, now: () => new Date() }, parsed)
  return parsed
}

/** Every document of a collection (the emulator caps one read at 1000, so page through). */
export async function allDocs<T>(db: Db, collection: string): Promise<T[]> {
  const out: T[] = []
  for (let skip = 0; ; skip += 1000) {
    const page = (await db.collection(collection).skip(skip).limit(1000).get()) as unknown as { data: T[] }
    out.push(...page.data)
    if (page.data.length < 1000) return out
  }
}

const isTicket = (doc: TicketRecord | FreeSeatRecord): doc is TicketRecord => doc.status !== 'free'

/** Every ticket someone holds or held (the free seats that live in the same collection left out). */
export async function allTickets(db: Db): Promise<TicketRecord[]> {
  return (await allDocs<TicketRecord | FreeSeatRecord>(db, 'tickets')).filter(isTicket)
}

function countFreeSeats(docs: Array<TicketRecord | FreeSeatRecord>): Map<string, number> {
  const remaining = new Map<string, number>()
  for (const doc of docs) if (!isTicket(doc)) remaining.set(doc.sessionId, (remaining.get(doc.sessionId) ?? 0) + 1)
  return remaining
}

/** Free seats of every session, as stored: its free-seat documents in `tickets`. */
export async function remainingSeats(db: Db): Promise<Map<string, number>> {
  return countFreeSeats(await allDocs<TicketRecord | FreeSeatRecord>(db, 'tickets'))
}

/** A session's capacity, free seats and active tickets, from one read of `tickets`. */
export async function sessionState(db: Db, sessionId: string): Promise<{ capacity: number; remaining: number; active: TicketRecord[] }> {
  const { data } = (await db.collection('sessions').doc(sessionId).get()) as unknown as { data: SessionRecord | SessionRecord[] }
  const session = Array.isArray(data) ? data[0] : data
  const docs = await allDocs<TicketRecord | FreeSeatRecord>(db, 'tickets')
  return {
    capacity: session.capacity,
    remaining: countFreeSeats(docs).get(sessionId) ?? 0,
    active: docs.filter(isTicket).filter((t) => t.sessionId === sessionId && t.status === 'active'),
  }
}

/** An event whose reservation window is open now and whose sessions start in a week. */
export function openEvent(id: string, sessions: Array<{ id: string; capacity: number }>, overrides: Record<string, unknown> = {}) {
  const hour = 3600_000
  const now = Date.now()
  return {
    id,
    title: '测试活动',
    venue: '测试场馆',
    description: '',
    reservation: { opensAt: new Date(now - hour).toISOString(), closesAt: new Date(now + 100 * hour).toISOString() },
    limits: { perSession: 1, perEvent: 2 },
    idNumber: 'optional',
    sessions: sessions.map((s, i) => ({
      id: s.id,
      name: `第${i + 1}场`,
      startsAt: new Date(now + (168 + i) * hour).toISOString(),
      endsAt: new Date(now + (169 + i) * hour).toISOString(),
      capacity: s.capacity,
    })),
    ...overrides,
  }
}

export interface DoorEventOptions {
  /** The event file's entry rules (default: single entry, the default window). */
  entry?: Record<string, unknown>
  /** When the one session starts, from now: 30 by default, inside the default entry window. */
  startsInMinutes?: number
  minutes?: number
  capacity?: number
  limits?: { perSession: number; perEvent: number }
}

/** An event open for reservation now whose one session, `<id>-s`, is about to start: the door's tests. */
export function doorEvent(id: string, options: DoorEventOptions = {}) {
  const minute = 60_000
  const now = Date.now()
  const startsAt = now + (options.startsInMinutes ?? 30) * minute
  return {
    id,
    title: '江边音乐会',
    venue: '滨江草坪',
    description: '',
    reservation: { opensAt: new Date(now - 60 * minute).toISOString(), closesAt: new Date(now + 1440 * minute).toISOString() },
    limits: options.limits ?? { perSession: 5, perEvent: 5 },
    idNumber: 'off',
    entry: options.entry ?? {},
    sessions: [{ id: `${id}-s`, name: '晚场', startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + (options.minutes ?? 120) * minute).toISOString(), capacity: options.capacity ?? 50 }],
  }
}
