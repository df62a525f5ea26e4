/**
 * Errors the emulator answers, in CloudBase's own words.
 *
 * The SDK turns a reply `{code, message}` into an error whose errCode comes from its table
 * (wx-server-sdk `TCB_ERR_CODE[code]`, anything unknown becoming -501001) and whose errMsg ends
 * with `message`. So the `code` strings below decide the errCode applications see, and the
 * message texts are the ones real CloudBase sends (taken from Tencent's node-sdk integration
 * tests and from errors reported by users), so code matching on them works unchanged.
 */

/** Reply codes and the errCode wx-server-sdk 4.0.2 maps each to. */
export const ReplyCode = {
  /** -502001 database request fail: write errors such as E11000 land here. */
  REQUEST_FAILED: 'DATABASE_REQUEST_FAILED',
  /** -502002 database invalid command. */
  INVALID_OPERATOR: 'DATABASE_INVALID_OPERRATOR',
  /** -502005 database collection not exists. */
  COLLECTION_NOT_EXIST: 'DATABASE_COLLECTION_NOT_EXIST',
  /** Not in the SDK's table; createCollection surfaces it as errCode -1 anyway. */
  COLLECTION_ALREADY_EXIST: 'DATABASE_COLLECTION_ALREADY_EXIST',
  /** Not in the SDK's table: -501001; runTransaction retries it only when raised by commit. */
  TRANSACTION_CONFLICT: 'DATABASE_TRANSACTION_CONFLICT',
  /** Not in the SDK's table: -501001. */
  TRANSACTION_FAIL: 'DATABASE_TRANSACTION_FAIL',
  /** -501007 invalid parameters. */
  INVALID_PARAM: 'INVALID_PARAM',
  /** Not in the SDK's table: -501001. */
  INVALID_ACTION: 'INVALID_ACTION',
  /** -501002 resource server timeout. */
  SERVER_TIMEOUT: 'SERVER_TIMEOUT',
  /** -501001 resource system error. */
  SYS_ERR: 'SYS_ERR',
  /** In the SDK's table as -504001, but callFunction surfaces any reply code as errCode -1 (the code stays on `err.code`). */
  FUNCTIONS_REQUEST_FAIL: 'FUNCTIONS_REQUEST_FAIL',
  /** In the SDK's table as -504002; same caveat as above. */
  FUNCTIONS_EXECUTE_FAIL: 'FUNCTIONS_EXECUTE_FAIL',
  /** CloudBase's answer to a missing, unknown, expired or wrong signature. Not in the SDK's table: -501001. */
  SIGN_PARAM_INVALID: 'SIGN_PARAM_INVALID',
  /** -501003 请求次数超出环境配额: over the plan's database requests per second (quota.ts). */
  EXCEED_REQUEST_LIMIT: 'EXCEED_REQUEST_LIMIT',
  /** -501004 请求并发数超出环境配额: over the plan's concurrent connections (quota.ts). */
  EXCEED_CONCURRENT_REQUEST_LIMIT: 'EXCEED_CONCURRENT_REQUEST_LIMIT',
  /**
   * Daily reads used up (WeChat's -501015 读请求次数配额耗尽). The emulator's own name: CloudBase's
   * code is undocumented, and the SDK's table has no entry for -501015, so functions see -501001.
   */
  READ_QUOTA_EXHAUSTED: 'DATABASE_READ_QUOTA_EXHAUSTED',
  /** Daily writes used up (WeChat's -501016 写请求次数配额耗尽); same caveat: -501001 to functions. */
  WRITE_QUOTA_EXHAUSTED: 'DATABASE_WRITE_QUOTA_EXHAUSTED',
} as const

export type ReplyCode = (typeof ReplyCode)[keyof typeof ReplyCode]

/** CloudBase's tail on resource errors. */
const CHECK_REQUEST = 'Please check your request, but if the problem persists, contact us.'

/** An error answered to the SDK as `{code, message}`. */
export class CloudBaseError extends Error {
  constructor(
    readonly code: ReplyCode,
    message: string,
  ) {
    super(message)
    this.name = 'CloudBaseError'
  }
}

/** A failed write, worded as CloudBase relays MongoDB write errors. */
export function writeError(mongoMessage: string): CloudBaseError {
  return new CloudBaseError(ReplyCode.REQUEST_FAILED, `[FailedOperation] multiple write errors: [{write errors: [{${mongoMessage}}]}, {<nil>}]`)
}

/**
 * MongoDB's duplicate-key text, which CloudBase passes through (errCode -502001). Whether it names
 * the index on an update, as it does on an insert, is unverified: `EMULATOR_DUPLICATE_KEY_TEXT=bare`
 * answers only "E11000 duplicate key error", so a test can show the product does not depend on it.
 */
export function duplicateKey(env: string, collection: string, indexName: string, key: string): CloudBaseError {
  if (process.env.EMULATOR_DUPLICATE_KEY_TEXT === 'bare') return writeError('E11000 duplicate key error')
  return writeError(`E11000 duplicate key error collection: ${env}.${collection} index: ${indexName} dup key: ${key}`)
}

export function collectionNotExist(collection: string, hint: string): CloudBaseError {
  return new CloudBaseError(ReplyCode.COLLECTION_NOT_EXIST, `[ResourceNotFound] Db or Table not exist: ${collection}. ${hint} ${CHECK_REQUEST}`)
}

export function collectionAlreadyExist(collection: string): CloudBaseError {
  return new CloudBaseError(ReplyCode.COLLECTION_ALREADY_EXIST, `[ResourceUnavailable.ResourceExist] Table exist: ${collection}. ${CHECK_REQUEST}`)
}

/** Another transaction holds the document, or it changed after this transaction's snapshot. */
export function transactionConflict(): CloudBaseError {
  return new CloudBaseError(
    ReplyCode.TRANSACTION_CONFLICT,
    `[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. ${CHECK_REQUEST}`,
  )
}

/** Unknown, finished or expired transaction: the same answer CloudBase gives for all three. */
export function transactionNotExist(): CloudBaseError {
  return new CloudBaseError(
    ReplyCode.TRANSACTION_FAIL,
    `[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be commit or abort in 30 seconds. ${CHECK_REQUEST}`,
  )
}

export function invalidParam(message: string): CloudBaseError {
  return new CloudBaseError(ReplyCode.INVALID_PARAM, `[InvalidParameter] ${message}`)
}

export function requestFailed(message: string): CloudBaseError {
  return new CloudBaseError(ReplyCode.REQUEST_FAILED, `[FailedOperation] ${message}`)
}
