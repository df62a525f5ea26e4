import { isTransactionConflict } from '../shared/errors'

/** The slice of a wx-server-sdk transaction this project uses (the SDK types it `any`). */
export interface TxDocument {
  get(): Promise<{ data: Record<string, unknown> | null }>
  update(options: { data: Record<string, unknown> }): Promise<unknown>
  set(options: { data: Record<string, unknown> }): Promise<unknown>
  remove(): Promise<unknown>
}

export interface TxCollection {
  doc(id: string): TxDocument
  /** One document, or several in one request. */
  add(options: { data: Record<string, unknown> | Array<Record<string, unknown>> }): Promise<unknown>
}

export interface Transaction {
  collection(name: string): TxCollection
}

/** A transaction opened by hand (`db.startTransaction()`), ended by commit or rollback. */
export interface OpenTransaction extends Transaction {
  commit(): Promise<unknown>
  rollback(): Promise<unknown>
}

interface TransactionalDb {
  runTransaction(callback: (tx: Transaction) => Promise<unknown>, times?: number): Promise<unknown>
  startTransaction(): Promise<OpenTransaction>
}

/** Opens a transaction whose steps the caller runs and ends itself (one request: startTransaction). */
export function startTransaction(db: unknown): Promise<OpenTransaction> {
  return (db as TransactionalDb).startTransaction()
}

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts?: number
  /** Upper bound of the first backoff, in ms; doubled per attempt up to 8 times, with full jitter. */
  baseDelayMs?: number
}

/**
 * Runs a transaction, retrying when a write hits another transaction's lock: CloudBase raises that
 * conflict on the write call and its own runTransaction does not retry it. The callback must be
 * safe to run again (it re-reads everything it decides on).
 */
export async function withTransaction<T>(db: unknown, callback: (tx: Transaction) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 30
  const base = options.baseDelayMs ?? 4
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await (db as TransactionalDb).runTransaction((tx) => callback(tx), 0)) as T
    } catch (err) {
      if (!isTransactionConflict(err) || attempt >= attempts) throw err
      const ceiling = base * 2 ** Math.min(attempt, 8)
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling))
    }
  }
}
