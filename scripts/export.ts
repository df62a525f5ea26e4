/**
 * `npm run export -- --event <id> [--full-phone] [--out <dir>]`: the organizer's lists of an event
 * as two CSV files (reservations with their entries; every gate scan), written to `--out` (default
 * the current folder). Phone numbers are masked unless `--full-phone`; every export is logged in
 * the `exports` collection, as from the app.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { MissingCredentialsError } from '../cloud/local/emulator/findCredentials'
import { exportEvent } from '../cloud/src/domain/exportLists'
import { COLLECTIONS, type EventRecord } from '../cloud/src/domain/records'
import { getDoc } from '../cloud/src/shared/db'
import { adminContext } from './adminDatabase'

const USAGE = 'usage: npm run export -- --event <id> [--full-phone] [--out <dir>]'

async function main(): Promise<void> {
  let options: { event?: string; 'full-phone'?: boolean; out?: string }
  try {
    options = parseArgs({ options: { event: { type: 'string' }, 'full-phone': { type: 'boolean' }, out: { type: 'string' } } }).values
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`)
    process.exit(2)
  }
  if (!options.event) {
    console.error(USAGE)
    process.exit(2)
  }
  const ctx = adminContext()
  const event = await getDoc<EventRecord>(ctx.db, COLLECTIONS.events, options.event)
  if (!event) {
    console.error(`no event "${options.event}"`)
    process.exit(1)
  }
  const lists = await exportEvent(ctx, event, { fullPhone: options['full-phone'] ?? false, by: `command:${process.env.USER ?? 'unknown'}`, via: 'command' })
  const out = path.resolve(options.out ?? '.')
  mkdirSync(out, { recursive: true })
  for (const file of [lists.reservations, lists.checkins]) {
    writeFileSync(path.join(out, file.filename), file.csv)
    console.log(`${path.join(out, file.filename)}: ${file.rows} rows`)
  }
  if (options['full-phone']) console.log('full phone numbers included; the export is logged')
}

main().catch((err: unknown) => {
  console.error(err instanceof MissingCredentialsError ? err.message : err)
  process.exit(err instanceof MissingCredentialsError ? 2 : 1)
})
