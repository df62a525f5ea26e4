/**
 * The demo event `npm run dev` seeds, so a new developer sees something real. Dates are relative
 * to today (China Standard Time) so it never goes stale.
 */
import { parseEventFile, type EventFile } from '../cloud/src/domain/eventImport'

function cstDay(offsetDays: number, hour: number, minute = 0): string {
  const now = new Date(Date.now() + 8 * 3600_000)
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offsetDays, hour - 8, minute))
  return day.toISOString()
}

export function demoEvent(): EventFile {
  // Through the parser, as a file would go: defaults filled in, mistakes named.
  return parseEventFile({
    id: 'demo-museum-night',
    title: '城市博物馆夜场开放日',
    venue: '城市博物馆（人民路 88 号）',
    description: '免费预约，凭票入场。每人每场限约 1 张，本次活动每人最多 2 张。入场时请出示票券二维码或微信卡包中的票券。',
    reservation: { opensAt: cstDay(-1, 0), closesAt: cstDay(7, 18) },
    limits: { perSession: 1, perEvent: 2 },
    idNumber: 'optional',
    entry: { mode: 'single' },
    published: true,
    sessions: [
      { id: 'demo-s1', name: '第一场', place: '一号门', startsAt: cstDay(7, 19), endsAt: cstDay(7, 20, 30), capacity: 200 },
      { id: 'demo-s2', name: '第二场', place: '一号门', startsAt: cstDay(7, 20, 30), endsAt: cstDay(7, 22), capacity: 200 },
      { id: 'demo-s3', name: '闭馆导览', place: '二号门', startsAt: cstDay(8, 19), endsAt: cstDay(8, 21), capacity: 3 },
    ],
  })
}
