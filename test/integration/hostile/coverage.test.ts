/**
 * Every action of the contract is attacked: an action in ACTION_FUNCTION with no hostile cases (a
 * new one without a row in spec.ts, or a row that generates nothing) fails here, by name.
 */
import { ACTION_FUNCTION, type ActionName } from '../../../cloud/src/api/actions'
import { ACTIONS, CALLERS, exampleFixture, hostileCases } from './spec'

const cases = hostileCases(exampleFixture())
const actions = Object.keys(ACTION_FUNCTION) as ActionName[]

it('has a row for every action of ACTION_FUNCTION, and none for an action that does not exist', () => {
  expect(actions.filter((action) => !(action in ACTIONS))).toEqual([])
  expect(Object.keys(ACTIONS).filter((action) => !(action in ACTION_FUNCTION))).toEqual([])
})

it('generates cases for every action: invalid ones, the valid payload, every kind of caller', () => {
  const missing: string[] = []
  for (const action of actions) {
    const own = cases.filter((c) => c.action === action)
    if (own.filter((c) => c.expect.kind === 'invalid').length < 20) missing.push(`${action}: ${own.length} cases, too few invalid ones`)
    if (!own.some((c) => c.expect.kind === 'valid' && c.label === 'the valid payload')) missing.push(`${action}: no valid baseline`)
    const callers = new Set(own.filter((c) => c.label.startsWith('the valid payload')).map((c) => c.openid ?? 'anonymous'))
    if (callers.size < CALLERS.length - 1) missing.push(`${action}: the valid payload is sent by ${callers.size} kinds of caller`)
    if (!own.some((c) => c.openid === undefined)) missing.push(`${action}: never called anonymously`)
    if (own.some((c) => c.fn !== ACTION_FUNCTION[action])) missing.push(`${action}: sent to the wrong function`)
  }
  expect(missing).toEqual([])
})

it('sends every field of every payload missing, mistyped and operator-shaped', () => {
  const missing: string[] = []
  for (const action of actions) {
    const labels = new Set(cases.filter((c) => c.action === action).map((c) => c.label))
    for (const field of Object.keys(ACTIONS[action].fields)) {
      for (const label of [`${field}: missing`, `${field}: null`, `${field}: {$ne: null}`, `${field}: objects nested 20 deep`]) if (!labels.has(label)) missing.push(`${action} ${label}`)
    }
    for (const label of ['payload null', 'payload a string', 'payload in an array', 'payload: __proto__', 'payload: constructor', 'payload: an unknown field']) if (!labels.has(label)) missing.push(`${action} ${label}`)
  }
  expect(missing).toEqual([])
})

it('writes "__proto__" keys into the body as own keys, the way a hostile client sends them', () => {
  const proto = cases.find((c) => c.action === 'tickets.get' && c.label === 'payload: __proto__')
  expect(proto?.body).toContain('"__proto__":{"admin":true')
  expect(({} as Record<string, unknown>).admin).toBeUndefined()
})
