/**
 * Per-document write locks held by transactions. A transaction that writes a document holds it
 * until commit or abort; another transaction's write on it fails at once (TransactionConflict),
 * a write outside any transaction waits here until the lock goes.
 */
import type { DocId } from './storage'

/** `5` and `"5"` are different `_id`s, so the type is part of the key. */
export function lockKey(collection: string, id: DocId): string {
  return `${collection}\u0000${typeof id}\u0000${String(id)}`
}

export class LockTable {
  private readonly owners = new Map<string, string>()
  private readonly waiters = new Map<string, Set<() => void>>()

  ownerOf(key: string): string | undefined {
    return this.owners.get(key)
  }

  acquire(key: string, owner: string): void {
    this.owners.set(key, owner)
  }

  /** Releases the keys and wakes whoever waits on them. */
  release(keys: Iterable<string>): void {
    for (const key of keys) {
      this.owners.delete(key)
      const waiting = this.waiters.get(key)
      if (!waiting) continue
      this.waiters.delete(key)
      for (const wake of waiting) wake()
    }
  }

  /** Resolves true once the key is free, false when `timeoutMs` passes first. */
  waitForRelease(key: string, timeoutMs: number): Promise<boolean> {
    if (!this.owners.has(key)) return Promise.resolve(true)
    return new Promise((resolve) => {
      let set = this.waiters.get(key)
      if (!set) this.waiters.set(key, (set = new Set()))
      const waiting = set
      const timer = setTimeout(() => {
        waiting.delete(wake)
        resolve(false)
      }, Math.max(0, timeoutMs))
      const wake = () => {
        clearTimeout(timer)
        resolve(true)
      }
      waiting.add(wake)
    })
  }

  get size(): number {
    return this.owners.size
  }
}
