/**
 * Event times are shown in China Standard Time whatever the device's zone, and without Intl:
 * mini-program JS engines ship partial ICU data, so Intl output differs between phones.
 */
const CST_OFFSET_MS = 8 * 60 * 60 * 1000
const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']

function cstParts(iso: string): { month: number; day: number; weekday: string; hhmm: string } {
  const shifted = new Date(new Date(iso).getTime() + CST_OFFSET_MS)
  const hh = String(shifted.getUTCHours()).padStart(2, '0')
  const mm = String(shifted.getUTCMinutes()).padStart(2, '0')
  return {
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    weekday: WEEKDAYS[shifted.getUTCDay()],
    hhmm: `${hh}:${mm}`,
  }
}

/** "11月30日 周一 09:00–11:30"; the end date is added when a session runs past midnight. */
export function formatSessionTime(startsAt: string, endsAt: string): string {
  const start = cstParts(startsAt)
  const end = cstParts(endsAt)
  const sameDay = start.month === end.month && start.day === end.day
  const endText = sameDay ? end.hhmm : `${end.month}月${end.day}日 ${end.hhmm}`
  return `${start.month}月${start.day}日 周${start.weekday} ${start.hhmm}–${endText}`
}

/** "12月1日 19:05": a moment (a refusal, an erasure), in China Standard Time. */
export function formatMoment(iso: string): string {
  const at = cstParts(iso)
  return `${at.month}月${at.day}日 ${at.hhmm}`
}

/** "19:05:08": the time of day in China Standard Time, to the second (when figures were read). */
export function formatClock(iso: string): string {
  const shifted = new Date(new Date(iso).getTime() + CST_OFFSET_MS)
  return [shifted.getUTCHours(), shifted.getUTCMinutes(), shifted.getUTCSeconds()].map((n) => String(n).padStart(2, '0')).join(':')
}
