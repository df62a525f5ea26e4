/**
 * Direct database access for tests, through the real wx-server-sdk pointed at a local emulator:
 * seeding events and reading back what the functions wrote.
 */
import { importEvent, parseEventFile, type EventFile } from '../../cloud/src/domain/eventImport'
import type { SessionRecord, TicketRecord } from '../../cloud/src/domain/records'
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

export async function sessionState(db: Db, sessionId: string): Promise<{ capacity: number; remaining: number; active: TicketRecord[] }> {
  const { data } = (await db.collection('sessions').doc(sessionId).get()) as unknown as { data: SessionRecord | SessionRecord[] }
  const session = Array.isArray(data) ? data[0] : data
  const tickets = await allDocs<TicketRecord>(db, 'tickets')
  return {
    capacity: session.capacity,
    remaining: session.remaining,
    active: tickets.filter((t) => t.sessionId === sessionId && t.status === 'active'),
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
