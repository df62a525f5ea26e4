/** WeChat errcodes, sorted into what a caller can do about them. */

export type WechatErrorKind =
  /** The access_token is invalid, stale or expired: invalidate that exact token, fetch, retry once. */
  | 'token'
  /** WeChat busy (-1) or the minute quota (45011): back off and retry. */
  | 'busy'
  /** The daily quota (45009): nothing helps until tomorrow; alert. */
  | 'quota'
  /** Wrong AppID or secret, caller IP not whitelisted: fix the configuration; never retried. */
  | 'config'
  /** We could not reach WeChat at all. */
  | 'network'
  /** Any other refusal (card rules, bad parameters): the errcode says which. */
  | 'refused'

const TOKEN_ERRORS = new Set([40001, 40014, 42001])
const BUSY_ERRORS = new Set([-1, 45011])
const CONFIG_ERRORS = new Set([40013, 40125, 40164, 41002, 41004])

export function kindOf(errcode: number): WechatErrorKind {
  if (TOKEN_ERRORS.has(errcode)) return 'token'
  if (BUSY_ERRORS.has(errcode)) return 'busy'
  if (errcode === 45009) return 'quota'
  if (CONFIG_ERRORS.has(errcode)) return 'config'
  return 'refused'
}

/** What an operator should do, in plain words; never includes the secret. */
function operatorHint(errcode: number, errmsg: string, appid: string): string {
  switch (errcode) {
    case 40164: {
      const ip = /invalid ip ([0-9a-fA-F.:]+)/.exec(errmsg)?.[1] ?? '(unknown)'
      return `WeChat refused the call from IP ${ip}: add ${ip} to the IP whitelist of Official Account ${appid} (公众号后台 → 设置与开发 → 基本配置 → IP白名单), or enable the fixed outbound IP of the cloud functions and whitelist that`
    }
    case 40125:
      return `OA_APPSECRET is not the AppSecret of Official Account ${appid}: copy it again from the Official Account console (reset it there if lost)`
    case 40013:
    case 41002:
      return `OA_APPID "${appid}" is not a valid Official Account AppID`
    case 41004:
      return `OA_APPSECRET is missing`
    case 45009:
      return `the daily quota of this WeChat API is used up for ${appid}; it resets at midnight (China time)`
    default:
      return errmsg
  }
}

export class WechatError extends Error {
  readonly kind: WechatErrorKind
  constructor(
    readonly endpoint: string,
    readonly errcode: number,
    readonly errmsg: string,
    appid: string,
    kind?: WechatErrorKind,
  ) {
    super(`${endpoint}: errcode ${errcode}: ${operatorHint(errcode, errmsg, appid)}`)
    this.name = 'WechatError'
    this.kind = kind ?? kindOf(errcode)
  }

  get retryable(): boolean {
    return this.kind === 'busy' || this.kind === 'network' || this.kind === 'token'
  }
}
