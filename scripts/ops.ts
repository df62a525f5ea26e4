/**
 * `npm run ops -- tokens`: the cached WeChat access_token and card api_ticket (age, expiry,
 * refresher, last error; a fingerprint, never the value).
 * `npm run ops -- jobs`: outbox jobs that are dead, failing or waiting too long.
 * `npm run ops -- quota`: whether the environment's daily database reads and writes still pass
 * (one probe of each), and the last daily stop a function recorded.
 */
import { MissingCredentialsError } from '../cloud/local/emulator/findCredentials'
import { stuckJobs } from '../cloud/src/outbox/worker'
import { wechatConfig } from '../cloud/src/shared/config'
import { dailyQuotaStop, isQuotaRefusal } from '../cloud/src/shared/errors'
import { QUOTA_HEALTH_COLLECTION, QUOTA_HEALTH_ID, type QuotaStopRecord } from '../cloud/src/shared/quotaStops'
import { tokenStatus } from '../cloud/src/wechat/tokens'
import { adminContext } from './adminDatabase'

/** One probe: 'passes', or what stopped it (a daily stop, or another refusal). */
async function probe(run: () => Promise<unknown>): Promise<string> {
  try {
    await run()
    return 'pass'
  } catch (err) {
    const stopped = dailyQuotaStop(err)
    if (stopped) return `STOPPED for the rest of the day (until 00:00 China time): ${String((err as { errMsg?: unknown }).errMsg ?? err).slice(0, 200)}`
    if (isQuotaRefusal(err)) return 'refused for now by the per-second quota (try again)'
    return `failed: ${String((err as { errMsg?: unknown }).errMsg ?? (err as Error).message ?? err).slice(0, 200)}`
  }
}

/** Reads and writes probed once each, then the last stop a function recorded. */
async function quotaReport(ctx: ReturnType<typeof adminContext>): Promise<string[]> {
  const health = ctx.db.collection(QUOTA_HEALTH_COLLECTION)
  let recorded: QuotaStopRecord | null = null
  const reads = await probe(async () => {
    recorded = ((await health.doc(QUOTA_HEALTH_ID).get()) as unknown as { data: QuotaStopRecord | null }).data
  })
  const writes = await probe(() => health.doc('ops-probe').set({ data: { at: ctx.now() } }) as Promise<unknown>)
  const last = recorded as QuotaStopRecord | null
  return [
    `database reads:  ${reads}`,
    `database writes: ${writes}`,
    last ? `last daily stop recorded: ${last.stopped} at ${new Date(last.at).toISOString()} in ${last.where}` : 'no daily stop recorded',
  ]
}

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
  if (what === 'quota') {
    for (const line of await quotaReport(ctx)) console.log(line)
    return
  }
  console.error('usage: npm run ops -- tokens | jobs | quota')
  process.exit(2)
}

main().catch((err: unknown) => {
  if (!(err instanceof MissingCredentialsError)) throw err
  console.error(err.message)
  process.exit(2)
})
