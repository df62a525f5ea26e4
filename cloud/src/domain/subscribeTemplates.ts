/**
 * The subscribe-message templates the functions send (`TICKETCARD_SUBSCRIBE_TEMPLATES`) and when
 * reminders go (`TICKETCARD_REMINDER_OFFSETS_MINUTES`). The configuration is checked when it is
 * read (at `npm run serve` start, and in every function that sends) against WeChat's keyword rules,
 * so a template that WeChat would refuse is a start-up error naming the field, not a dead message.
 */
import { ConfigError } from '../shared/config'

export type TemplateKind = 'confirmation' | 'reminder'

/** What a template keyword can be filled with. */
export const FIELD_SOURCES = ['event.title', 'session.name', 'session.time', 'session.place', 'ticket.codeTail'] as const
export type FieldSource = (typeof FIELD_SOURCES)[number]

export interface SubscribeTemplate {
  id: string
  kind: TemplateKind
  /** Template keyword (`thing1`, `time2`...) → what fills it. */
  fields: Record<string, FieldSource>
}

export interface ReminderConfig {
  templates: SubscribeTemplate[]
  /** Minutes before a session when its reminder is due, largest first. */
  offsetsMinutes: number[]
  /** `miniprogram_state` of every message: which version of the app the message opens. */
  miniprogramState: 'developer' | 'trial' | 'formal'
}

const TEMPLATES_VAR = 'TICKETCARD_SUBSCRIBE_TEMPLATES'
const OFFSETS_VAR = 'TICKETCARD_REMINDER_OFFSETS_MINUTES'
const STATE_VAR = 'TICKETCARD_MINIPROGRAM_STATE'
export const DEFAULT_REMINDER_OFFSETS_MINUTES = [1440, 120]

/** WeChat asks for at most 3 templates in one `requestSubscribeMessage`. */
const MAX_TEMPLATES = 3
/** A one-time subscribe template has at most 5 keywords. */
const MAX_KEYWORDS = 5
const KEYWORD = /^(thing|number|letter|symbol|character_string|time|date|amount|phone_number|car_number|name|phrase)([1-9]\d?)$/

/** Which keyword types can carry which facts, under WeChat's rules for each type. */
const CARRIES: Record<string, readonly FieldSource[]> = {
  // thing: up to 20 characters of any text (longer text is cut, see fieldValue).
  thing: ['event.title', 'session.name', 'session.place'],
  // time: "2019年10月1日 15:01"; date: "2019年10月1日" optionally with the time.
  time: ['session.time'],
  date: ['session.time'],
  // character_string: up to 32 letters, digits, symbols; number: up to 32 digits.
  character_string: ['ticket.codeTail'],
  number: ['ticket.codeTail'],
}

function problem(path: string, message: string): never {
  throw new ConfigError(TEMPLATES_VAR, `${path}: ${message}`)
}

/** Parses and checks the templates; every error names the template and the field at fault. */
export function parseTemplates(raw: string): SubscribeTemplate[] {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch (err) {
    return problem('(whole value)', `is not JSON: ${(err as Error).message}`)
  }
  if (!Array.isArray(value)) return problem('(whole value)', 'must be a JSON array of {"id", "kind", "fields"}')
  if (value.length > MAX_TEMPLATES) problem('(whole value)', `lists ${value.length} templates; WeChat asks for at most ${MAX_TEMPLATES} at once`)
  const templates = value.map((entry, index) => parseTemplate(entry, `[${index}]`))
  for (const kind of ['confirmation', 'reminder'] as const) {
    if (templates.filter((t) => t.kind === kind).length > 1) problem('(whole value)', `has more than one "${kind}" template`)
  }
  const ids = templates.map((t) => t.id)
  if (new Set(ids).size !== ids.length) problem('(whole value)', 'lists a template id twice')
  return templates
}

function parseTemplate(entry: unknown, path: string): SubscribeTemplate {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return problem(path, 'must be an object {"id", "kind", "fields"}')
  const { id, kind, fields, ...rest } = entry as Record<string, unknown>
  const unexpected = Object.keys(rest)
  if (unexpected.length > 0) problem(`${path}.${unexpected[0]}`, 'is not a template setting (id, kind, fields)')
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) problem(`${path}.id`, 'must be the template id from the mini-program console (letters, digits, - and _)')
  if (kind !== 'confirmation' && kind !== 'reminder') problem(`${path}.kind`, 'must be "confirmation" or "reminder"')
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return problem(`${path}.fields`, 'must map template keywords to facts, e.g. {"thing1": "event.title"}')
  const keywords = Object.entries(fields as Record<string, unknown>)
  if (keywords.length === 0) problem(`${path}.fields`, 'is empty')
  if (keywords.length > MAX_KEYWORDS) problem(`${path}.fields`, `has ${keywords.length} keywords; a template has at most ${MAX_KEYWORDS}`)
  const checked: Record<string, FieldSource> = {}
  for (const [keyword, source] of keywords) {
    const match = KEYWORD.exec(keyword)
    if (!match) problem(`${path}.fields.${keyword}`, 'is not a WeChat template keyword (thing1, time2, character_string3, ...)')
    if (!(FIELD_SOURCES as readonly string[]).includes(source as string)) problem(`${path}.fields.${keyword}`, `must be one of ${FIELD_SOURCES.join(', ')}`)
    const allowed = CARRIES[match[1]] ?? []
    if (!allowed.includes(source as FieldSource)) {
      problem(`${path}.fields.${keyword}`, `a ${match[1]} keyword cannot carry ${String(source)}${allowed.length > 0 ? ` (it can carry ${allowed.join(', ')})` : ' (no fact fits its rule)'}`)
    }
    checked[keyword] = source as FieldSource
  }
  return { id, kind, fields: checked }
}

export function parseOffsets(raw: string | undefined): number[] {
  if (raw === undefined || raw.trim() === '') return [...DEFAULT_REMINDER_OFFSETS_MINUTES]
  const values = raw.split(',').map((part) => Number(part.trim()))
  if (values.some((n) => !Number.isInteger(n) || n < 1 || n > 43_200)) {
    throw new ConfigError(OFFSETS_VAR, `must be whole minutes from 1 to 43200, comma-separated (got "${raw}")`)
  }
  if (new Set(values).size !== values.length) throw new ConfigError(OFFSETS_VAR, `lists an offset twice (got "${raw}")`)
  if (values.length > 5) throw new ConfigError(OFFSETS_VAR, 'lists more than 5 reminders')
  return values.sort((a, b) => b - a)
}

/** The reminder configuration; without templates (unset), reminders are simply off. */
export function reminderConfig(): ReminderConfig {
  const raw = process.env[TEMPLATES_VAR]
  const state = process.env[STATE_VAR] ?? 'formal'
  if (state !== 'developer' && state !== 'trial' && state !== 'formal') throw new ConfigError(STATE_VAR, `must be developer, trial or formal (got "${state}")`)
  return {
    templates: raw === undefined || raw.trim() === '' ? [] : parseTemplates(raw),
    offsetsMinutes: parseOffsets(process.env[OFFSETS_VAR]),
    miniprogramState: state,
  }
}

export const templateOfKind = (config: ReminderConfig, kind: TemplateKind): SubscribeTemplate | undefined => config.templates.find((t) => t.kind === kind)

/** What a message can say about a ticket. */
export interface MessageFacts {
  eventTitle: string
  sessionName: string
  startsAt: Date
  place: string
  code: string
}

const CST_OFFSET_MS = 8 * 3_600_000
const THING_LIMIT = 20

/** "2026年12月5日 19:00", in China Standard Time: WeChat's `time` format with its date. */
export function wechatTime(at: Date): string {
  const t = new Date(at.getTime() + CST_OFFSET_MS)
  const hh = String(t.getUTCHours()).padStart(2, '0')
  const mm = String(t.getUTCMinutes()).padStart(2, '0')
  return `${t.getUTCFullYear()}年${t.getUTCMonth() + 1}月${t.getUTCDate()}日 ${hh}:${mm}`
}

/** A `thing` holds 20 characters: a longer text is cut with an ellipsis rather than refused. */
function thing(text: string): string {
  const chars = Array.from(text.trim())
  return chars.length <= THING_LIMIT ? chars.join('') : `${chars.slice(0, THING_LIMIT - 1).join('')}…`
}

function fieldValue(source: FieldSource, facts: MessageFacts): string {
  switch (source) {
    case 'event.title':
      return thing(facts.eventTitle)
    case 'session.name':
      return thing(facts.sessionName)
    case 'session.place':
      return thing(facts.place)
    case 'session.time':
      return wechatTime(facts.startsAt)
    case 'ticket.codeTail':
      return facts.code.slice(-4)
  }
}

/** The `data` of a subscribe message: each keyword of the template, filled within its rule. */
export function messageData(template: SubscribeTemplate, facts: MessageFacts): Record<string, { value: string }> {
  return Object.fromEntries(Object.entries(template.fields).map(([keyword, source]) => [keyword, { value: fieldValue(source, facts) }]))
}
