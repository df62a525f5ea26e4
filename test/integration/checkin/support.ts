import type { ScanAnswer, TicketView } from '../../../cloud/src/api/models'
import type { ApiResult } from '../../../cloud/src/api/envelope'
import { seedEvent, type Db } from '../../support/adminDb'
import { CONSENT } from '../../support/consent'
import type { LocalStack } from '../../support/localStack'

const MIN = 60_000
let counter = 0

/**
 * An event open for reservation now whose one session starts `startsInMinutes` from now and lasts
 * `minutes`, with the given entry rules.
 */
export async function seedDoorEvent(db: Db, id: string, entry: Record<string, unknown>, startsInMinutes = 30, minutes = 120, capacity = 50) {
  const now = Date.now()
  const file = {
    id,
    title: '检票测试',
    venue: '测试场馆',
    description: '',
    reservation: { opensAt: new Date(now - 60 * MIN).toISOString(), closesAt: new Date(now + 1440 * MIN).toISOString() },
    limits: { perSession: 5, perEvent: 5 },
    idNumber: 'off',
    entry,
    sessions: [{ id: `${id}-s`, name: '第一场', startsAt: new Date(now + startsInMinutes * MIN).toISOString(), endsAt: new Date(now + (startsInMinutes + minutes) * MIN).toISOString(), capacity }],
  }
  await seedEvent(db, file)
  return file
}

export async function reserveTicket(stack: LocalStack, sessionId: string, openid: string, name = '王小明'): Promise<TicketView> {
  counter += 1
  const answer = await stack.call<TicketView>('attendee', 'reservation.reserve', { sessionId, requestId: `req-door-${counter}-${Date.now()}`, attendee: { name, phone: '13700001111' }, consent: CONSENT }, openid)
  if (!answer.ok) throw new Error(JSON.stringify(answer.error))
  return answer.data
}

export function scan(stack: LocalStack, staff: string | undefined, code: string, nonce = `n${(counter += 1)}x${Date.now()}`, gate = '东门'): Promise<ApiResult<ScanAnswer>> {
  return stack.call<ScanAnswer>('checkin', 'checkin.scan', { code, nonce, gate }, staff)
}

/** The scan's outcome in one word, e.g. "ADMITTED" or "DENIED TOO_SOON"; errors by their code. */
export function outcome(answer: ApiResult<ScanAnswer>): string {
  if (!answer.ok) return `ERROR ${answer.error.code}`
  return [answer.data.result, answer.data.reason].filter(Boolean).join(' ')
}
