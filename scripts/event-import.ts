/** `npm run event:import -- <file.json>`: create or update an event and its sessions from a file. */
import { readFileSync } from 'node:fs'
import { MissingCredentialsError } from '../cloud/local/emulator/findCredentials'
import { EventFileError, importEvent, parseEventFile, type ImportProgress } from '../cloud/src/domain/eventImport'
import { adminContext } from './adminDatabase'

/**
 * One line on a terminal, rewritten as a large session's seats are written; nothing when the
 * output is a file or a pipe (a log would fill with thousands of lines).
 */
function progressLine(stream: NodeJS.WriteStream): { report: ImportProgress; end: () => void } {
  if (!stream.isTTY) return { report: () => undefined, end: () => undefined }
  let shown = false
  return {
    report: ({ sessionId, action, done, of }) => {
      const verb = action === 'adding' ? 'adding seats' : 'removing free seats'
      stream.write(`\r${sessionId}: ${verb} ${done.toLocaleString('en')} / ${of.toLocaleString('en')} (${Math.floor((done / Math.max(of, 1)) * 100)}%)\x1b[K`)
      shown = true
    },
    end: () => {
      if (shown) stream.write('\r\x1b[K')
    },
  }
}

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
    const progress = progressLine(process.stdout)
    // Interrupted, it can be run again: the seats already written are counted, not written twice.
    const report = await importEvent(adminContext(), parseEventFile(raw), progress.report).finally(progress.end)
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
