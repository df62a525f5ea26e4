/** `npm run event:import -- <file.json>`: create or update an event and its sessions from a file. */
import { readFileSync } from 'node:fs'
import { MissingCredentialsError } from '../cloud/local/emulator/findCredentials'
import { EventFileError, importEvent, parseEventFile } from '../cloud/src/domain/eventImport'
import { adminContext } from './adminDatabase'

async function main(): Promise<void> {
  const file = process.argv[2]
  if (!file) {
    console.error('usage: npm run event:import -- <event.json>')
    process.exit(2)
  }
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    console.error(`${file}: ${(err as Error).message}`)
    process.exit(2)
  }
  try {
    const report = await importEvent(adminContext(), parseEventFile(raw))
    console.log(`event ${report.eventId}: ${report.created.length} sessions created, ${report.updated.length} updated`)
    if (report.untouched.length > 0) console.log(`kept sessions no longer in the file: ${report.untouched.join(', ')}`)
    if (report.cardUpdates > 0) console.log(`${report.cardUpdates} cards in card packs queued for the new time or place (meeting-ticket cards only)`)
  } catch (err) {
    if (err instanceof EventFileError) {
      console.error(`${file}: ${err.message}`)
      process.exit(1)
    }
    if (err instanceof MissingCredentialsError) {
      console.error(err.message)
      process.exit(2)
    }
    throw err
  }
}

void main()
