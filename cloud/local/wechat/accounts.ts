import { WxError } from './errors'

export interface AccountCredentials {
  appid: string
  secret: string
}

/** The dev Official Account every local setup starts with. */
export const DEFAULT_ACCOUNT: AccountCredentials = { appid: 'wxdevofficialacct01', secret: 'dev-oa-secret-0123456789abcdef' }

/** The Official Accounts the simulator knows, and the credential check of the token endpoints. */
export class Accounts {
  private readonly secrets = new Map<string, string>()

  constructor(accounts: AccountCredentials[]) {
    if (accounts.length === 0) throw new Error('the WeChat simulator needs at least one account')
    for (const { appid, secret } of accounts) {
      if (!appid || !secret) throw new Error('each simulator account needs an appid and a secret')
      this.secrets.set(appid, secret)
    }
  }

  /** The first account: what control calls act on when they name no appid. */
  get defaultAppid(): string {
    return this.secrets.keys().next().value as string
  }

  has(appid: string): boolean {
    return this.secrets.has(appid)
  }

  list(): string[] {
    return [...this.secrets.keys()]
  }

  /**
   * Checks grant_type, appid and secret in WeChat's order: missing parameters, then the appid,
   * then the secret. Answers the appid on success.
   */
  authenticate(grantType: unknown, appid: unknown, secret: unknown): string {
    if (typeof appid !== 'string' || appid === '') throw new WxError(41002)
    if (typeof secret !== 'string' || secret === '') throw new WxError(41004)
    if (grantType !== 'client_credential') throw WxError.hint(40002, `grant_type must be client_credential, got ${JSON.stringify(grantType ?? null)}`)
    const expected = this.secrets.get(appid)
    if (expected === undefined) throw WxError.hint(40013, appid)
    if (expected !== secret) throw new WxError(40125)
    return appid
  }
}
