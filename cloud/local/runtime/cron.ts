/**
 * CloudBase timer triggers use a seven-field cron expression: second minute hour day-of-month
 * month day-of-week year, evaluated in China Standard Time (UTC+8). This parses that dialect and
 * finds the next firing time; it is small and CloudBase-specific, so it is ours.
 */

const CST_OFFSET_MS = 8 * 60 * 60 * 1000

interface FieldSpec {
  name: string
  min: number
  max: number
}

const FIELDS: FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day-of-week', min: 0, max: 6 },
  { name: 'year', min: 1970, max: 2199 },
]

export interface CronSchedule {
  expression: string
  fields: Array<Set<number>>
  /** Whether day-of-month / day-of-week were restricted (cron ORs them when both are). */
  dayOfMonthRestricted: boolean
  dayOfWeekRestricted: boolean
}

export class CronSyntaxError extends Error {
  constructor(expression: string, detail: string) {
    super(`invalid timer trigger "${expression}": ${detail}`)
    this.name = 'CronSyntaxError'
  }
}

function parseField(text: string, spec: FieldSpec, expression: string): Set<number> {
  const values = new Set<number>()
  for (const part of text.split(',')) {
    const [rangeText, stepText] = part.split('/')
    const step = stepText === undefined ? 1 : Number(stepText)
    if (!Number.isInteger(step) || step < 1) throw new CronSyntaxError(expression, `bad step in ${spec.name} "${part}"`)
    let from = spec.min
    let to = spec.max
    if (rangeText !== '*' && rangeText !== '?') {
      const [a, b] = rangeText.split('-')
      from = Number(a)
      to = b === undefined ? (stepText === undefined ? from : spec.max) : Number(b)
    }
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < spec.min || to > spec.max || from > to) {
      throw new CronSyntaxError(expression, `${spec.name} "${part}" is outside ${spec.min}-${spec.max}`)
    }
    for (let v = from; v <= to; v += step) values.add(v)
  }
  return values
}

export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/)
  if (parts.length !== 7) throw new CronSyntaxError(expression, `expected 7 fields, found ${parts.length}`)
  return {
    expression,
    fields: parts.map((part, i) => parseField(part, FIELDS[i], expression)),
    dayOfMonthRestricted: parts[3] !== '*' && parts[3] !== '?',
    dayOfWeekRestricted: parts[5] !== '*' && parts[5] !== '?',
  }
}

function dayMatches(schedule: CronSchedule, cst: Date): boolean {
  const dom = schedule.fields[3].has(cst.getUTCDate())
  const dow = schedule.fields[5].has(cst.getUTCDay())
  if (schedule.dayOfMonthRestricted && schedule.dayOfWeekRestricted) return dom || dow
  return dom && dow
}

/** The first firing time strictly after `afterMs` (epoch ms), or null when none within ~5 years. */
export function nextFireTime(schedule: CronSchedule, afterMs: number): number | null {
  const [seconds, minutes, hours, , months, , years] = schedule.fields
  // Work in CST wall-clock time represented as a UTC Date.
  const t = new Date(Math.floor(afterMs / 1000) * 1000 + 1000 + CST_OFFSET_MS)
  const limit = t.getTime() + 5 * 366 * 24 * 3600 * 1000
  while (t.getTime() < limit) {
    if (!years.has(t.getUTCFullYear())) {
      t.setUTCFullYear(t.getUTCFullYear() + 1, 0, 1)
      t.setUTCHours(0, 0, 0, 0)
      continue
    }
    if (!months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1)
      t.setUTCHours(0, 0, 0, 0)
      continue
    }
    if (!dayMatches(schedule, t)) {
      t.setUTCDate(t.getUTCDate() + 1)
      t.setUTCHours(0, 0, 0, 0)
      continue
    }
    if (!hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0)
      continue
    }
    if (!minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0)
      continue
    }
    if (!seconds.has(t.getUTCSeconds())) {
      t.setUTCSeconds(t.getUTCSeconds() + 1, 0)
      continue
    }
    return t.getTime() - CST_OFFSET_MS
  }
  return null
}
