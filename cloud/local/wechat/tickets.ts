import { randomBytes } from 'node:crypto'
import { chinaDay } from './clock'
import { WxError } from './errors'
import { TOKEN_LIFETIME_MS, WindowCounter, type SimulatorLimits } from './limits'

/** `wx_card` signs cardExt; `jsapi` signs wx.config. Different tickets: mixing them up is a classic bug. */
export type TicketType = 'wx_card' | 'jsapi'

export interface TicketRecord {
  ticket: string
  appid: string
  type: TicketType
  /** Counts tickets of this (appid, type) from 1: which one signed a cardExt shows in error hints. */
  generation: number
  issuedAt: number
  expiresAt: number
}

const HISTORY = 5

/**
 * api_tickets per (AppID, type): the same ticket for every request during its 7200 s life, a new
 * one only once it is gone. A few past tickets are kept so a signature made with a stale one can
 * be named as such.
 */
export class ApiTickets {
  private readonly history = new Map<string, TicketRecord[]>()
  private readonly daily = new WindowCounter()

  constructor(private readonly limits: () => SimulatorLimits) {}

  /** GET /cgi-bin/ticket/getticket for the AppID the access_token belongs to. */
  fetch(appid: string, type: TicketType, now: number): { ticket: string; expires_in: number } {
    if (this.daily.hit(`${appid}|${type}`, chinaDay(now)) > this.limits().ticketDaily) throw new WxError(45009)
    const record = this.current(appid, type, now) ?? this.issue(appid, type, now)
    // WeChat states 7200 even for a ticket it hands out again: a client must not trust it as remaining life.
    return { ticket: record.ticket, expires_in: TOKEN_LIFETIME_MS / 1000 }
  }

  /** The ticket valid now, if any (none once it expired and nobody fetched a new one). */
  current(appid: string, type: TicketType, now: number): TicketRecord | null {
    const list = this.history.get(`${appid}|${type}`)
    const latest = list?.[list.length - 1]
    return latest && latest.expiresAt > now ? latest : null
  }

  /** Recent tickets, newest first (the current one included). */
  recent(appid: string, type: TicketType): TicketRecord[] {
    return [...(this.history.get(`${appid}|${type}`) ?? [])].reverse()
  }

  /** Ends the current ticket now, as if its life ran out: the next getticket issues a new one. */
  expire(appid: string, type: TicketType, now: number): boolean {
    const current = this.current(appid, type, now)
    if (current) current.expiresAt = now
    return current !== null
  }

  /** Every (AppID, type)'s recent tickets, oldest first. */
  dump(): TicketRecord[] {
    return [...this.history.values()].flat().map((record) => ({ ...record }))
  }

  restore(records: TicketRecord[]): void {
    this.reset()
    for (const record of [...records].sort((a, b) => a.issuedAt - b.issuedAt || a.generation - b.generation)) {
      const key = `${record.appid}|${record.type}`
      const list = this.history.get(key) ?? []
      list.push({ ...record })
      if (list.length > HISTORY) list.shift()
      this.history.set(key, list)
    }
  }

  reset(): void {
    this.history.clear()
    this.daily.reset()
  }

  private issue(appid: string, type: TicketType, now: number): TicketRecord {
    const key = `${appid}|${type}`
    const list = this.history.get(key) ?? []
    const record: TicketRecord = {
      // Mixed case, digits, '-' and '_': a ticket that exposes wrong sort orders when signing.
      ticket: randomBytes(64).toString('base64url'),
      appid,
      type,
      generation: (list[list.length - 1]?.generation ?? 0) + 1,
      issuedAt: now,
      expiresAt: now + TOKEN_LIFETIME_MS,
    }
    list.push(record)
    if (list.length > HISTORY) list.shift()
    this.history.set(key, list)
    return record
  }
}
