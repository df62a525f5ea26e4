import { COLLECTIONS, type JobRecord } from '../domain/records'
import { findMany } from '../shared/db'
import { dailyQuotaStop, isDuplicateKey, isQuotaRefusal } from '../shared/errors'
import type { CallContext } from '../shared/handler'
import { WechatError } from '../wechat/errors'
import { isAtMostOnce } from './jobs'

export interface OutboxOptions {
  /** Attempts before a job is declared dead. */
  maxAttempts: number
  /** First retry delay; doubles per attempt, capped at an hour. */
  baseDelayMs: number
  /** Jobs taken per run: a timer run must finish well within the function timeout. */
  batch: number
  /** How long a worker holds a job while executing it. */
  leaseMs: number
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = { maxAttempts: 8, baseDelayMs: 30_000, batch: 20, leaseMs: 60_000 }

export type JobHandler = (job: JobRecord) => Promise<void>

export interface RunReport {
  done: string[]
  retried: string[]
  dead: string[]
  /** At-most-once jobs whose attempt may have reached the person: never run again. */
  uncertain: string[]
}

/**
 * Thrown by a handler when its call may have taken effect although it failed (a timeout, a lost
 * answer): the worker retries it for an at-least-once job and records it as uncertain otherwise.
 */
export class UncertainOutcome extends Error {
  constructor(override readonly cause: unknown) {
    super(`outcome unknown: ${describe(cause)}`)
  }
}

type Db = CallContext['db']

/** Outcome of one failed attempt: try later, or give up now (retrying cannot help). */
function isPermanent(err: unknown): boolean {
  return err instanceof WechatError && (err.kind === 'refused' || err.kind === 'quota')
}

function describe(err: unknown): string {
  if (err instanceof UncertainOutcome) return describe(err.cause)
  return err instanceof Error ? err.message : String(err)
}

/**
 * Takes a due job for this run: matches only if still pending, due and not leased by another run.
 * The lease also records that an attempt begins, so an attempt that never reports its outcome (the
 * worker died during the call) is known to the next run.
 */
async function lease(db: Db, job: JobRecord, now: number, leaseMs: number): Promise<boolean> {
  const _ = db.command
  const result = (await db
    .collection(COLLECTIONS.jobs)
    .where({ _id: job._id, state: 'pending', attempts: job.attempts, leaseUntil: _.or(_.exists(false), _.lt(now)) })
    .update({ data: { leaseUntil: now + leaseMs, attemptsStarted: job.attempts + 1 } })) as unknown as { stats: { updated: number } }
  return result.stats.updated === 1
}

/** Whether an earlier attempt of the job began and never recorded how it ended. */
const interrupted = (job: JobRecord) => (job.attemptsStarted ?? 0) > job.attempts

/**
 * One pass of the outbox worker: every due pending job is leased, executed once, and then marked
 * done, rescheduled with exponential backoff, or declared dead (after `maxAttempts`, or at once
 * when WeChat refuses it for good). A WeChat outage only delays jobs; nothing is dropped.
 */
export async function runDueJobs(ctx: Pick<CallContext, 'db' | 'now'>, handlers: Partial<Record<string, JobHandler>>, options: OutboxOptions = DEFAULT_OUTBOX_OPTIONS): Promise<RunReport> {
  const _ = ctx.db.command
  const now = ctx.now()
  const due = await findMany<JobRecord>(ctx.db, COLLECTIONS.jobs, { state: 'pending', runAt: _.lte(now) }, { orderBy: ['runAt', 'asc'], limit: options.batch })
  const report: RunReport = { done: [], retried: [], dead: [], uncertain: [] }
  for (const job of due) {
    if (!(await lease(ctx.db, job, now.getTime(), options.leaseMs))) continue
    const ref = ctx.db.collection(COLLECTIONS.jobs).doc(job._id)
    const attempts = job.attempts + 1
    const handler = handlers[job.type]
    if (isAtMostOnce(job.type) && interrupted(job)) {
      const lastError = `attempt ${job.attemptsStarted} began and never reported: it may have been delivered`
      await ref.update({ data: { state: 'uncertain', attempts: job.attemptsStarted, leaseUntil: 0, lastError } })
      report.uncertain.push(job._id)
      continue
    }
    try {
      if (!handler) throw new Error(`no handler for job type ${job.type}`)
      await handler(job)
      await ref.update({ data: { state: 'done', attempts, doneAt: ctx.now(), leaseUntil: 0, lastError: null } })
      report.done.push(job._id)
    } catch (err) {
      // The database's quota refused the job's own reads or writes: nothing reached WeChat. The
      // job is handed back untouched (no attempt spent) and the run stops, leaving the quota to
      // attendees; if even that write is refused, the lease simply runs out.
      if (isQuotaRefusal(err) || dailyQuotaStop(err)) {
        try {
          await ref.update({ data: { leaseUntil: 0, attemptsStarted: job.attempts } })
        } catch {
          // Refused as well: the lease runs out by itself.
        }
        throw err
      }
      if (err instanceof UncertainOutcome && isAtMostOnce(job.type)) {
        await ref.update({ data: { state: 'uncertain', attempts, leaseUntil: 0, lastError: describe(err.cause) } })
        report.uncertain.push(job._id)
        continue
      }
      const dead = !handler || isPermanent(err) || attempts >= options.maxAttempts
      const delay = Math.min(options.baseDelayMs * 2 ** (attempts - 1), 3_600_000) * (0.75 + Math.random() * 0.5)
      await ref.update({
        data: {
          state: dead ? 'dead' : 'pending',
          attempts,
          runAt: dead ? job.runAt : new Date(ctx.now().getTime() + delay),
          leaseUntil: 0,
          lastError: describe(err),
        },
      })
      ;(dead ? report.dead : report.retried).push(job._id)
    }
  }
  return report
}

/** Enqueue outside a transaction (for callers whose state change is a single write). */
export async function enqueue(db: Db, job: JobRecord): Promise<void> {
  try {
    await db.collection(COLLECTIONS.jobs).add({ data: { ...job } })
  } catch (err) {
    if (!isDuplicateKey(err)) throw err
  }
}

/** Jobs per insert request when many are enqueued at once. */
const ENQUEUE_BATCH = 500

/**
 * Enqueues many jobs in few requests (a timer queuing a session's reminders: 5,000 jobs in 10
 * requests, not 5,000, so it leaves the environment's database quota to attendees). A batch that
 * meets a job already queued (a run repeated after a stop) is enqueued one by one instead, each
 * repeat absorbed by its key: whether CloudBase keeps part of a refused batch is unverified.
 */
export async function enqueueMany(db: Db, jobs: JobRecord[]): Promise<void> {
  for (let i = 0; i < jobs.length; i += ENQUEUE_BATCH) {
    const batch = jobs.slice(i, i + ENQUEUE_BATCH)
    try {
      await db.collection(COLLECTIONS.jobs).add({ data: batch.map((job) => ({ ...job })) })
    } catch (err) {
      if (!isDuplicateKey(err)) throw err
      for (const job of batch) await enqueue(db, job)
    }
  }
}

/** Jobs an operator should look at: dead and uncertain ones, and pending ones that have failed or waited long. */
export async function stuckJobs(db: Db, now: Date, waitedMs = 10 * 60_000): Promise<JobRecord[]> {
  const _ = db.command
  const dead = await findMany<JobRecord>(db, COLLECTIONS.jobs, { state: _.in(['dead', 'uncertain']) }, { orderBy: ['createdAt', 'desc'], limit: 100 })
  const failing = await findMany<JobRecord>(db, COLLECTIONS.jobs, _.and([{ state: 'pending' }, _.or([{ attempts: _.gt(0) }, { createdAt: _.lt(new Date(now.getTime() - waitedMs)) }])]) as unknown as Record<string, unknown>, { limit: 100 })
  return [...dead, ...failing]
}
