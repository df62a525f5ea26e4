import { maskPhone } from '../api/identity'
import type { ExportFile } from '../api/models'
import { EXPORT_TEXT } from '../i18n/zh-CN'
import { findAll, findAllInOrder } from '../shared/db'
import type { CallContext } from '../shared/handler'
import { COLLECTIONS, type CheckinRecord, type EventRecord, type FreeSeatRecord, type SessionRecord, type TicketRecord } from './records'
import { ticketsOnly } from './seats'

type Cell = string | number | null | undefined

/** China time, as organizers read it: 2026-12-09 19:00. */
function cst(value: Date | string | undefined | null): string {
  if (!value) return ''
  return new Date(new Date(value).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')
}

/**
 * What a spreadsheet may skip before it reads a formula: control characters (NUL, tab, line
 * breaks), format and default-ignorable characters (zero-width space, BOM, bidi marks, soft
 * hyphen, the Hangul fillers), spaces of every width, BRAILLE PATTERN BLANK, KHITAN SMALL SCRIPT FILLER.
 */
const INVISIBLE_START = /^[\p{Cc}\p{Cf}\p{Z}\p{Default_Ignorable_Code_Point}\s\u115F\u1160\u2800\u3164\uFFA0\u{16FE4}]*/u
/** = + - @ start a formula (also their fullwidth forms, which some spreadsheets accept); OWASP adds tab and CR. */
const FORMULA_START = /^[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/

/** Whether a spreadsheet could read the cell as a formula: its first visible character starts one. */
function startsFormula(text: string): boolean {
  if (/^[\t\r]/.test(text)) return true
  return FORMULA_START.test(text.replace(INVISIBLE_START, ''))
}

/**
 * One CSV cell: quoted when it holds a separator, a quote or a line break; a cell whose first
 * visible character is = + - @ (or that starts with a tab or CR) is defused with a leading
 * apostrophe so a spreadsheet never runs it as a formula (gate names and names are free text).
 */
function cell(value: Cell): string {
  let text = value === null || value === undefined ? '' : String(value)
  if (startsFormula(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** UTF-8 with a byte-order mark and CRLF lines: what spreadsheet apps in China open correctly. */
export function toCsv(header: string[], rows: Cell[][]): string {
  return `\ufeff${[header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`
}

export interface ExportOptions {
  /** Full phone numbers instead of 138****5678; every such export is logged. */
  fullPhone: boolean
  /** Who exports: an organizer's openid, or the operator's command. */
  by: string
  via: 'app' | 'command'
}

export interface EventExport {
  reservations: ExportFile
  checkins: ExportFile
}

/**
 * The organizer's lists for an event: every ticket with its entries, and every gate scan. Each
 * export is recorded (who, when, with full phone numbers or not) in `exports`.
 */
export async function exportEvent(ctx: Pick<CallContext, 'db' | 'now'>, event: EventRecord, options: ExportOptions): Promise<EventExport> {
  const [sessions, tickets, scans] = await Promise.all([
    findAll<SessionRecord>(ctx.db, COLLECTIONS.sessions, { eventId: event._id }, ['startsAt', 'asc']),
    // Tickets have a creation time and free seats none: the (eventId, createdAt) index reaches the
    // tickets alone, however many seats the event has (ticketsOnly is the belt to those braces).
    findAllInOrder<TicketRecord | FreeSeatRecord>(ctx.db, COLLECTIONS.tickets, { eventId: event._id }, 'createdAt').then(ticketsOnly),
    findAllInOrder<CheckinRecord>(ctx.db, COLLECTIONS.checkins, { eventId: event._id }, 'at'),
  ])
  const sessionName = (id: string | undefined) => sessions.find((s) => s._id === id)?.name ?? ''
  const sessionOrder = (id: string) => sessions.findIndex((s) => s._id === id)
  const byTicket = new Map(tickets.map((t) => [t._id, t]))

  const reservationRows = [...tickets]
    .sort((a, b) => sessionOrder(a.sessionId) - sessionOrder(b.sessionId))
    .map((t): Cell[] => {
      const session = sessions.find((s) => s._id === t.sessionId)
      const phone = t.erasedAt ? EXPORT_TEXT.erased : options.fullPhone ? t.attendee.phone : maskPhone(t.attendee.phone)
      return [
        t.code,
        session?.name,
        cst(session?.startsAt),
        t.erasedAt ? EXPORT_TEXT.erased : t.attendee.name,
        phone,
        t.attendee.idHash ? EXPORT_TEXT.idNumber.given : EXPORT_TEXT.idNumber.none,
        EXPORT_TEXT.status[t.status],
        cst(t.createdAt),
        cst(t.cancelledAt),
        t.entries?.count ?? 0,
        cst(t.entries?.firstAt),
        cst(t.entries?.lastAt),
      ]
    })
  const checkinRows = scans.map((scan): Cell[] => [
    cst(scan.at),
    scan.ticketId ? byTicket.get(scan.ticketId)?.code : '',
    sessionName(scan.sessionId),
    scan.maskedName,
    scan.gate,
    scan.staff,
    EXPORT_TEXT.result[scan.result],
    scan.reason ? EXPORT_TEXT.reason[scan.reason] : '',
    scan.entriesUsed,
  ])

  const now = ctx.now()
  const day = cst(now).slice(0, 10).replace(/-/g, '')
  await ctx.db.collection(COLLECTIONS.exports).add({
    data: { eventId: event._id, by: options.by, via: options.via, fullPhone: options.fullPhone, at: now, reservations: reservationRows.length, checkins: checkinRows.length },
  })
  return {
    reservations: { filename: `${event._id}-reservations-${day}.csv`, csv: toCsv(EXPORT_TEXT.reservationColumns, reservationRows), rows: reservationRows.length },
    checkins: { filename: `${event._id}-checkins-${day}.csv`, csv: toCsv(EXPORT_TEXT.checkinColumns, checkinRows), rows: checkinRows.length },
  }
}
