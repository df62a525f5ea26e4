/**
 * The subscribe-message templates of the development configuration: the WeChat simulator registers
 * them at start (and after reset), and the functions' development configuration imports this file
 * to know their ids. It is bundled into functions, so it must stay free of imports.
 *
 * The ids have the shape of real ones (43 characters of [A-Za-z0-9_-]) so code that checks the
 * shape of a template id accepts them; a `tcDev` prefix makes them recognisable in logs.
 */

/** A keyword type as WeChat's template library defines it (see subscribeRules.ts for the rules). */
export type DevKeywordType =
  | 'thing'
  | 'number'
  | 'letter'
  | 'symbol'
  | 'character_string'
  | 'time'
  | 'date'
  | 'amount'
  | 'phone_number'
  | 'car_number'
  | 'name'
  | 'phrase'

/** What the application uses a template for. */
export type DevTemplateKind = 'confirmation' | 'reminder'

export interface DevSubscribeTemplate {
  readonly id: string
  readonly kind: DevTemplateKind
  readonly title: string
  /** Keyword key (`thing1` …) → its type; the key is the type followed by its position. */
  readonly keywords: Readonly<Record<string, DevKeywordType>>
}

const BOOKING_KEYWORDS = { thing1: 'thing', time2: 'time', thing3: 'thing', character_string4: 'character_string' } as const

export const DEV_SUBSCRIBE_TEMPLATES: readonly DevSubscribeTemplate[] = [
  { id: 'tcDevBookingConfirmed0000000000000000000001', kind: 'confirmation', title: '预约成功通知', keywords: BOOKING_KEYWORDS },
  { id: 'tcDevSessionReminder00000000000000000000002', kind: 'reminder', title: '活动开始提醒', keywords: BOOKING_KEYWORDS },
]
