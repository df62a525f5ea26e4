import type { ScanAnswer, TicketView } from '../../../cloud/src/api/models'
import type { ApiResult } from '../../../cloud/src/api/envelope'
import { doorEvent, seedEvent, type Db } from '../../support/adminDb'
import { CONSENT } from '../../support/consent'
import type { LocalStack } from '../../support/localStack'

let counter = 0

/** Seeds `doorEvent` (see test/support/adminDb.ts) with these entry rules and times. */
export async function seedDoorEvent(db: Db, id: string, entry: Record<string, unknown>, startsInMinutes = 30, minutes = 120, capacity = 50) {
  const file = doorEvent(id, { entry, startsInMinutes, minutes, capacity })
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
