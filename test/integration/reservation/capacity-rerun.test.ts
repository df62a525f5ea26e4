/**
 * An `event:import` cut short in a capacity change is finished by running it again (issue 21): the
 * seats are counted afresh, so a raise whose seats were not all added gets the rest, and removals
 * done before the capacity was lowered are not done twice.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseEventFile } from '../../../cloud/src/domain/eventImport'
import { adminDb, openEvent, seedEvent, sessionState, type Db } from '../../support/adminDb'
import { startLocalStack, type LocalStack } from '../../support/localStack'
import { runScript } from '../../support/runScript'

jest.setTimeout(120_000)

let stack: LocalStack
let db: Db
let dir: string

beforeAll(async () => {
  stack = await startLocalStack({ maxInstances: 1 })
  db = adminDb(stack.adminUrl)
  dir = mkdtempSync(path.join(os.tmpdir(), 'ticketcard-rerun-'))
})

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await stack.close()
})

const base = openEvent('rerun', [{ id: 'rerun-s', capacity: 100 }])
const withCapacity = (capacity: number) => ({ ...base, sessions: [{ ...base.sessions[0], capacity }] })

/** `npm run event:import` of the event file at this capacity, as an organizer runs it again. */
async function importAgain(capacity: number): Promise<void> {
  const file = path.join(dir, `rerun-${capacity}.json`)
  writeFileSync(file, JSON.stringify(withCapacity(capacity)))
  const run = await runScript('event-import', [file], stack.adminEnv)
  expect(run.status).toBe(0)
  // Not a terminal: no progress line in the output.
  expect(run.stdout).not.toContain('adding seats')
}

const freeSeatIds = async (limit: number) =>
  ((await db.collection('tickets').where({ sessionId: 'rerun-s', status: 'free' }).limit(limit).get()) as unknown as { data: Array<{ _id: string }> }).data.map((seat) => seat._id)

it('a raise cut short after the capacity went up is finished by the next run', async () => {
  await seedEvent(db, parseEventFile(withCapacity(100)))
  await seedEvent(db, parseEventFile(withCapacity(1000)))
  // A run raising 100 to 3,000 raised the capacity first, then stopped after adding 900 of its 2,900 seats.
  await db.collection('sessions').doc('rerun-s').update({ data: { capacity: 3000 } })
  expect(await sessionState(db, 'rerun-s')).toMatchObject({ capacity: 3000, remaining: 1000 })

  await importAgain(3000)
  expect(await sessionState(db, 'rerun-s')).toMatchObject({ capacity: 3000, remaining: 3000 })
})

it('a reduction cut short after seats were removed removes only what is still surplus', async () => {
  // The run lowering 3,000 to 1,000 removed 1,500 free seats, then stopped before the capacity.
  for (const batch of [500, 500, 500]) {
    const ids = await freeSeatIds(batch)
    await db.collection('tickets').where({ _id: db.command.in(ids), status: 'free' }).remove()
  }
  expect(await sessionState(db, 'rerun-s')).toMatchObject({ capacity: 3000, remaining: 1500 })

  await importAgain(1000)
  expect(await sessionState(db, 'rerun-s')).toMatchObject({ capacity: 1000, remaining: 1000 })
})
