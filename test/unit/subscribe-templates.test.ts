import { dueOffset } from '../../cloud/src/domain/reminders'
import { messageData, parseOffsets, parseTemplates, wechatTime, type SubscribeTemplate } from '../../cloud/src/domain/subscribeTemplates'
import { DEV_TEMPLATES } from '../../scripts/devReminders'

const template = (fields: Record<string, string>, extra: Record<string, unknown> = {}) =>
  JSON.stringify([{ id: 'tcTestReminder0000000000000000000000000001', kind: 'reminder', fields, ...extra }])

describe('the subscribe templates of the configuration', () => {
  it('accepts the development templates', () => {
    expect(parseTemplates(JSON.stringify(DEV_TEMPLATES)).map((t) => t.kind)).toEqual(['confirmation', 'reminder'])
  })

  it.each([
    [template({ thing1: 'session.time' }), '[0].fields.thing1: a thing keyword cannot carry session.time'],
    [template({ time2: 'event.title' }), '[0].fields.time2: a time keyword cannot carry event.title'],
    [template({ thing: 'event.title' }), '[0].fields.thing: is not a WeChat template keyword'],
    [template({ phrase1: 'event.title' }), '[0].fields.phrase1: a phrase keyword cannot carry event.title (no fact fits its rule)'],
    [template({ thing1: 'event.venue' }), '[0].fields.thing1: must be one of'],
    [template({ thing1: 'event.title' }, { kind: 'promo' }), '[0].kind: must be "confirmation" or "reminder"'],
    [template({ thing1: 'event.title' }, { id: 'short' }), '[0].id: must be the template id'],
    [template({ thing1: 'event.title', thing2: 'session.name', thing3: 'session.place', time4: 'session.time', character_string5: 'ticket.codeTail', number6: 'ticket.codeTail' }), '[0].fields: has 6 keywords'],
    ['{"id":1}', '(whole value): must be a JSON array'],
    ['[', '(whole value): is not JSON'],
  ])('refuses %s naming the field', (raw, message) => {
    expect(() => parseTemplates(raw)).toThrow(`configuration: TICKETCARD_SUBSCRIBE_TEMPLATES ${message}`)
  })

  it('fills each keyword within its rule: a long title cut to 20 characters, the time in WeChat’s format, the code’s last 4 digits', () => {
    const reminder: SubscribeTemplate = { id: 'x'.repeat(20), kind: 'reminder', fields: { thing1: 'event.title', time2: 'session.time', thing3: 'session.place', character_string4: 'ticket.codeTail' } }
    const data = messageData(reminder, {
      eventTitle: '城市博物馆夜场开放日：古代青铜器与丝绸之路特展导览',
      sessionName: '第1场',
      startsAt: new Date('2026-12-05T11:00:00Z'),
      place: '城市博物馆 东门',
      code: '123456789012345674',
    })
    expect(data).toEqual({
      thing1: { value: '城市博物馆夜场开放日：古代青铜器与丝绸…' },
      time2: { value: '2026年12月5日 19:00' },
      thing3: { value: '城市博物馆 东门' },
      character_string4: { value: '5674' },
    })
    expect(Array.from(data.thing1.value)).toHaveLength(20)
  })

  it('writes times in China time whatever the server’s zone', () => {
    expect(wechatTime(new Date('2026-12-31T16:30:00Z'))).toBe('2027年1月1日 00:30')
  })
})

describe('when reminders go', () => {
  const start = new Date('2026-12-10T12:00:00Z')
  const minutesBefore = (m: number) => new Date(start.getTime() - m * 60_000)

  it('defaults to 24 hours and 2 hours before, and refuses nonsense naming the variable', () => {
    expect(parseOffsets(undefined)).toEqual([1440, 120])
    expect(parseOffsets('30, 2880')).toEqual([2880, 30])
    expect(() => parseOffsets('120,abc')).toThrow('TICKETCARD_REMINDER_OFFSETS_MINUTES must be whole minutes')
    expect(() => parseOffsets('120,120')).toThrow('lists an offset twice')
  })

  it.each([
    [1500, null],
    [1440, 1440],
    [300, 1440],
    [120, 120],
    [110, 120],
    [1, 120],
    [0, null],
    [-5, null],
  ])('%i minutes before the start, the due reminder is the %s-minute one', (before, expected) => {
    expect(dueOffset(start, minutesBefore(before), [1440, 120])).toBe(expected)
  })
})
