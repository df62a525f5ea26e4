/**
 * `npm run ops -- tokens`: the cached WeChat access_token and card api_ticket (age, expiry,
 * refresher, last error; a fingerprint, never the value).
 * `npm run ops -- jobs`: outbox jobs that are dead, failing or waiting too long.
 */
import { MissingCredentialsError } from '../cloud/local/emulator/findCredentials'
import { stuckJobs } from '../cloud/src/outbox/worker'
import { wechatConfig } from '../cloud/src/shared/config'
import { tokenStatus } from '../cloud/src/wechat/tokens'
import { adminContext } from './adminDatabase'

async function main(): Promise<void> {
  const what = process.argv[2]
  const ctx = adminContext()
  if (what === 'tokens') {
    for (const t of await tokenStatus({ db: ctx.db, config: wechatConfig() })) {
      const state = t.present ? `fingerprint ${t.fingerprint}, generation ${t.generation}, age ${t.ageSeconds}s, expires in ${t.expiresInSeconds}s` : 'none cached'
      const error = t.lastError ? `; last error ${t.lastError.errcode} at ${new Date(t.lastError.at).toISOString()}: ${t.lastError.message}` : ''
      console.log(`${t.kind.padEnd(13)} ${state}; ${t.fetches} fetches${t.refreshing ? '; refreshing now' : ''}${error}`)
    }
    return
  }
  if (what === 'jobs') {
    const jobs = await stuckJobs(ctx.db, ctx.now())
    if (jobs.length === 0) console.log('no stuck jobs')
    for (const job of jobs) {
      // An uncertain job is never run again: there is no next attempt to show.
      const next = job.state === 'uncertain' ? 'not retried (at most once)' : `next ${new Date(job.runAt).toISOString()}`
      console.log(`${job.state.padEnd(9)} ${job._id}  attempts ${job.attempts}  ${next}  ${job.lastError ?? ''}`)
    }
    return
  }
  console.error('usage: npm run ops -- tokens | jobs')
  process.exit(2)
}

main().catch((err: unknown) => {
  if (!(err instanceof MissingCredentialsError)) throw err
  console.error(err.message)
  process.exit(2)
})
