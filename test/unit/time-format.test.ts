import { formatSessionTime } from '../../src/format/time'

describe('session times are shown in China Standard Time', () => {
  it('formats a same-day session whatever the machine time zone', () => {
    expect(formatSessionTime('2026-11-30T01:00:00Z', '2026-11-30T03:30:00Z')).toBe('11月30日 周一 09:00–11:30')
  })

  it('names the end date when a session runs past midnight in Beijing', () => {
    expect(formatSessionTime('2026-12-31T14:00:00Z', '2026-12-31T17:00:00Z')).toBe('12月31日 周四 22:00–1月1日 01:00')
  })
})
