/**
 * The event pushes WeChat would send to the Official Account's server (user_get_card,
 * user_consume_card, card_pass_check, card_not_pass_check ...). The simulator does not push
 * them; it records them with WeChat's field names so tests can read what reconciliation would see.
 */
export interface CardEvent {
  ToUserName: string
  FromUserName: string
  /** Unix seconds. */
  CreateTime: number
  MsgType: 'event'
  Event: string
  CardId: string
  [field: string]: string | number
}

export class EventLog {
  private events: CardEvent[] = []

  record(appid: string, fromUser: string, now: number, event: string, cardId: string, extra: Record<string, string | number> = {}): void {
    this.events.push({ ToUserName: appid, FromUserName: fromUser, CreateTime: Math.floor(now / 1000), MsgType: 'event', Event: event, CardId: cardId, ...extra })
  }

  list(filter: { event?: string; cardId?: string } = {}): CardEvent[] {
    return this.events.filter((e) => (filter.event === undefined || e.Event === filter.event) && (filter.cardId === undefined || e.CardId === filter.cardId))
  }

  dump(): CardEvent[] {
    return this.events.map((e) => ({ ...e }))
  }

  restore(events: CardEvent[]): void {
    this.events = events.map((e) => ({ ...e }))
  }

  reset(): void {
    this.events = []
  }
}
