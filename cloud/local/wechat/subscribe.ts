import { WxError } from './errors'
import { isObject, optionalString, type JsonObject } from './fields'
import { checkSubscribeData } from './subscribeRules'
import type { SubscribeTemplates } from './subscribeTemplates'

export interface SubscribeMessage {
  msgid: number
  appid: string
  touser: string
  template_id: string
  page: string | null
  data: Record<string, { value: string }>
  miniprogram_state: string
  lang: string
  sentAt: number
}

const STATES = new Set(['developer', 'trial', 'formal'])
const LANGS = new Set(['zh_CN', 'en_US', 'zh_HK', 'zh_TW'])

/**
 * Subscribe messages sent (/cgi-bin/message/subscribe/send, or the cloud call
 * subscribeMessage.send), checked against the account's templates and kept for tests to read.
 */
export class SubscribeOutbox {
  private messages: SubscribeMessage[] = []
  private nextMsgid = 1_800_000_000

  constructor(private readonly templates: SubscribeTemplates) {}

  /** Validates and records one send; answers the msgid. */
  send(appid: string, body: JsonObject, now: number): number {
    // WeChat names the field at fault by its own codes: 40003 for the user, 40037 for the template.
    if (typeof body.touser !== 'string' || body.touser === '') throw WxError.hint(40003, 'touser must be the openid of the receiving user')
    if (typeof body.template_id !== 'string' || body.template_id === '') throw WxError.hint(40037, 'template_id is missing')
    const touser = body.touser
    const templateId = body.template_id
    const page = optionalString(body, 'page') ?? null
    const state = optionalString(body, 'miniprogram_state') ?? 'formal'
    if (!STATES.has(state)) throw WxError.hint(47003, 'miniprogram_state must be developer, trial or formal')
    const lang = optionalString(body, 'lang') ?? 'zh_CN'
    if (!LANGS.has(lang)) throw WxError.hint(47003, 'lang must be zh_CN, en_US, zh_HK or zh_TW')
    const template = this.templates.get(templateId)
    if (!template) {
      const known = this.templates.list().map((t) => `${t.id} (${t.title})`).join(', ') || 'none'
      throw WxError.hint(40037, `no template ${templateId} on this account; defined: ${known} (control defineTemplate adds one)`)
    }
    const data = body.data
    if (data !== undefined && !isObject(data)) throw WxError.hint(47003, 'data must be an object of {"<key>": {"value": "..."}}')
    const problem = checkSubscribeData(template, data)
    if (problem) throw new WxError(47003, problem.errmsg)
    const values: Record<string, { value: string }> = {}
    for (const key of Object.keys(template.keywords)) values[key] = { value: ((data as JsonObject)[key] as { value: string }).value }
    this.nextMsgid += 1
    this.messages.push({ msgid: this.nextMsgid, appid, touser, template_id: templateId, page, data: values, miniprogram_state: state, lang, sentAt: now })
    return this.nextMsgid
  }

  list(filter: { touser?: string } = {}): SubscribeMessage[] {
    return this.messages.filter((m) => filter.touser === undefined || m.touser === filter.touser)
  }

  dump(): { messages: SubscribeMessage[]; nextMsgid: number } {
    return { messages: structuredClone(this.messages), nextMsgid: this.nextMsgid }
  }

  restore(data: { messages: SubscribeMessage[]; nextMsgid: number }): void {
    this.messages = structuredClone(data.messages)
    this.nextMsgid = Math.max(this.nextMsgid, data.nextMsgid)
  }

  reset(): void {
    this.messages = []
  }
}
