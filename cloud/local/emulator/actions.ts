/**
 * The wire protocol: each action's request fields (as wx-server-sdk 4.0.2 / @cloudbase/node-sdk
 * 3.17.2 send them) in, the reply shape the SDK reads out. Semantics live in database.ts.
 *
 * Replies the SDK reads (everything else it ignores):
 *   insertDocument     {data: {insertedIds: [id, ...]}}
 *   getDocument        {data: {list: ["<EJSON doc>", ...]}}
 *   modifyDocument     {data: {updated: n, upsert_id?: id}}
 *   removeDocument     {data: {deleted: n}}
 *   calculateDocument  {data: {total: n}}
 *   aggregateDocuments {data: {list: ["<EJSON doc>", ...]}}
 *   startTransaction   {transactionId}
 *   invokeFunction     {data: {response_data: "<JSON>"}}
 *   errors             {code, message}  (any reply with a truthy `code` is an error to the SDK)
 */
import type { Database, RequestContext, UpdateSpec } from './database'
import { type Doc, parseWire } from './ejson'
import { CloudBaseError, invalidParam, ReplyCode } from './errors'
import { isDocId } from './ids'
import type { DocId } from './storage'

/** A JSON request body: the SDK's params plus `action`. */
export type WireRequest = Record<string, unknown>

export type Reply = Record<string, unknown>

export interface ActionContext extends RequestContext {
  /** The request's instant: every `serverDate` in it resolves against this. */
  now: number
  headers: Record<string, string | string[] | undefined>
}

export interface FunctionHandlers {
  /** Runs a function for `cloud.callFunction`; resolves with the callee's result. */
  invokeFunction?: (req: { name: string; data: unknown; headers: Record<string, string | string[] | undefined> }) => Promise<unknown>
}

export type Action = (request: WireRequest, ctx: ActionContext) => Reply | Promise<Reply>

/** The SDK caps `limit` at 1000 and defaults it to 100 client-side; the server enforces the same. */
export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 1000

function stringField(request: WireRequest, name: string): string {
  const value = request[name]
  if (typeof value !== 'string' || value === '') throw invalidParam(`${name} must be a non-empty string`)
  return value
}

function optionalString(request: WireRequest, name: string): string | undefined {
  const value = request[name]
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string') throw invalidParam(`${name} must be an EJSON string`)
  return value
}

function isPlainObject(value: unknown): value is Doc {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof RegExp)
}

/** Parses an EJSON-string field holding an object (query, data, order, projection...). */
function objectField(request: WireRequest, name: string, ctx: ActionContext, fallback?: Doc): Doc {
  const text = optionalString(request, name)
  if (text === undefined) {
    if (fallback) return fallback
    throw invalidParam(`${name} is required`)
  }
  const value = parseWire(text, ctx.now, name)
  if (!isPlainObject(value)) throw invalidParam(`${name} must be an object`)
  return value
}

function integerField(request: WireRequest, name: string): number | undefined {
  const value = request[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalidParam(`${name} must be a non-negative integer`)
  return value
}

function transactionIdOf(request: WireRequest): string | undefined {
  const value = request.transactionId
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string') throw invalidParam('transactionId must be a string')
  return value
}

/**
 * A batch operation arriving with a transaction id, refused. WeChat's transaction pages say a
 * transaction "只允许进行单记录操作，不允许进行批量操作" (only single-record operations, no batch
 * operations; docs/cloudbase-facts.md, Transactions). Refused with an invalid-parameter error
 * (INVALID_PARAM, SDK errCode -501007): the code and text CloudBase itself answers are unverified.
 * `where().update()/remove()` on a transaction object are sent by the SDK without the id, so they
 * never reach this (they apply at once, outside the transaction, as on CloudBase).
 */
function batchInTransaction(what: string): CloudBaseError {
  return invalidParam(
    `batch operation refused in a transaction: ${what}. A CloudBase transaction allows only single-document operations ` +
      '(doc().get/set/update/remove, and add() of one document): 只允许进行单记录操作，不允许进行批量操作. ' +
      'Do it one document at a time inside the transaction, or as a batch outside it.',
  )
}

/** The document id of a single-document operation in a transaction; anything else is a batch, refused. */
function docIdInTransaction(request: WireRequest, query: Doc, operation: 'get' | 'update' | 'remove'): DocId {
  if (request.queryType !== 'DOC' || !isDocId(query._id)) throw batchInTransaction(`a where().${operation}()`)
  return query._id
}

/** CloudBase refuses serverDate inside transactions; so does the emulator. */
function refuseServerDateInTransaction(request: WireRequest, transactionId: string | undefined): void {
  if (transactionId === undefined) return
  const fields = [request.data, request.query].flat()
  if (fields.some((field) => typeof field === 'string' && field.includes('"$tcb_server_date"'))) {
    throw invalidParam('serverDate is not supported in a transaction; use new Date()')
  }
}

function orderOf(request: WireRequest, ctx: ActionContext): Record<string, 1 | -1> | undefined {
  const order = objectField(request, 'order', ctx, {})
  const entries = Object.entries(order)
  if (entries.length === 0) return undefined
  for (const [field, direction] of entries) {
    if (direction !== 1 && direction !== -1) throw invalidParam(`order of "${field}" must be 1 or -1`)
  }
  return order as Record<string, 1 | -1>
}

export function databaseActions(db: Database): Record<string, Action> {
  return {
    'database.insertDocument': async (request, ctx) => {
      const collection = stringField(request, 'collectionName')
      const transactionId = transactionIdOf(request)
      refuseServerDateInTransaction(request, transactionId)
      const raw = Array.isArray(request.data) ? request.data : [request.data]
      if (raw.length === 0) throw invalidParam('data must hold at least one document')
      // The SDK sends add(doc) as a list of one; a longer list is a batch insert.
      if (transactionId && raw.length > 1) throw batchInTransaction(`add() of ${raw.length} documents`)
      const docs = raw.map((text, i) => {
        if (typeof text !== 'string') throw invalidParam(`data[${i}] must be an EJSON string`)
        const doc = parseWire(text, ctx.now, `data[${i}]`)
        if (!isPlainObject(doc)) throw invalidParam(`data[${i}] must be an object`)
        return doc
      })
      const insertedIds = transactionId ? db.insertInTransaction(ctx, transactionId, collection, docs) : await db.insert(ctx, collection, docs)
      return { data: { insertedIds } }
    },

    'database.getDocument': (request, ctx) => {
      const collection = stringField(request, 'collectionName')
      const query = objectField(request, 'query', ctx, {})
      const projectionSpec = objectField(request, 'projection', ctx, {})
      const projection = Object.keys(projectionSpec).length ? projectionSpec : undefined
      const transactionId = transactionIdOf(request)
      if (transactionId) return { data: { list: db.getInTransaction(transactionId, collection, docIdInTransaction(request, query, 'get'), projection) } }
      const requested = integerField(request, 'limit')
      const limit = request.queryType === 'DOC' ? 1 : Math.min(requested || DEFAULT_LIMIT, MAX_LIMIT)
      const offset = integerField(request, 'offset') ?? 0
      return { data: { list: db.find(collection, { query, order: orderOf(request, ctx), offset, limit, projection }) } }
    },

    'database.modifyDocument': async (request, ctx) => {
      const collection = stringField(request, 'collectionName')
      const transactionId = transactionIdOf(request)
      refuseServerDateInTransaction(request, transactionId)
      const query = objectField(request, 'query', ctx, {})
      const byId = request.queryType === 'DOC'
      const spec: UpdateSpec = {
        query,
        byId,
        data: objectField(request, 'data', ctx),
        multi: byId ? false : request.multi !== false,
        merge: request.merge !== false,
        upsert: request.upsert === true,
      }
      const result = transactionId
        ? db.updateInTransaction(ctx, transactionId, collection, docIdInTransaction(request, query, 'update'), spec)
        : await db.update(ctx, collection, spec)
      return { data: result.upsertId === undefined ? { updated: result.updated } : { updated: result.updated, upsert_id: result.upsertId } }
    },

    'database.removeDocument': async (request, ctx) => {
      const collection = stringField(request, 'collectionName')
      const query = objectField(request, 'query', ctx, {})
      const transactionId = transactionIdOf(request)
      const deleted = transactionId
        ? db.removeInTransaction(transactionId, collection, docIdInTransaction(request, query, 'remove'))
        : await db.remove(ctx, collection, query, request.queryType !== 'DOC' && request.multi !== false)
      return { data: { deleted } }
    },

    'database.calculateDocument': (request, ctx) => {
      const collection = stringField(request, 'collectionName')
      return { data: { total: db.count(collection, objectField(request, 'query', ctx, {})) } }
    },

    'database.aggregateDocuments': (request, ctx) => {
      const collection = stringField(request, 'collectionName')
      if (!Array.isArray(request.stages)) throw invalidParam('stages must be a list of {stageKey, stageValue}')
      const stages = request.stages.map((stage: unknown, i) => {
        const { stageKey, stageValue } = (stage ?? {}) as { stageKey?: unknown; stageValue?: unknown }
        if (typeof stageKey !== 'string' || !stageKey.startsWith('$') || typeof stageValue !== 'string') {
          throw invalidParam(`stages[${i}] must be {stageKey: "$<stage>", stageValue: "<EJSON>"}`)
        }
        return { [stageKey]: parseWire(stageValue, ctx.now, `stages[${i}]`) }
      })
      return { data: { list: db.aggregate(collection, stages) } }
    },

    'database.addCollection': (request) => {
      db.createCollection(stringField(request, 'collectionName'))
      return {}
    },

    'database.startTransaction': () => ({ transactionId: db.startTransaction() }),

    'database.commitTransaction': (request, ctx) => {
      db.commitTransaction(ctx, stringField(request, 'transactionId'))
      return {}
    },

    'database.abortTransaction': (request) => {
      db.abortTransaction(stringField(request, 'transactionId'))
      return {}
    },
  }
}

/** `cloud.callFunction`: delegated to the function runtime; the SDK reads `data.response_data`. */
export function functionActions(handlers: FunctionHandlers): Record<string, Action> {
  return {
    'functions.invokeFunction': async (request, ctx) => {
      const name = stringField(request, 'function_name')
      const invoke = handlers.invokeFunction
      if (!invoke) {
        throw new CloudBaseError(
          ReplyCode.FUNCTIONS_REQUEST_FAIL,
          `[ResourceNotFound.Function] cannot call function "${name}": this emulator was started without a function runtime (startEmulator handlers.invokeFunction)`,
        )
      }
      const text = request.request_data
      let data: unknown = {}
      if (typeof text === 'string' && text !== '') {
        try {
          data = JSON.parse(text)
        } catch {
          throw invalidParam('request_data must be JSON text')
        }
      }
      let result: unknown
      try {
        result = await invoke({ name, data, headers: ctx.headers })
      } catch (err) {
        throw new CloudBaseError(ReplyCode.FUNCTIONS_EXECUTE_FAIL, `[FunctionExecuteFail] function "${name}" failed: ${(err as Error)?.message ?? String(err)}`)
      }
      return { data: { response_data: JSON.stringify(result === undefined ? null : result) } }
    },
  }
}
