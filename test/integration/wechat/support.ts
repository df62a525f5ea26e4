/**
 * Helpers for the WeChat simulator tests: a simulator on a free port with a hand-driven clock,
 * JSON calls over real HTTP, and builders for a valid ticket card and a signed cardExt.
 */
import { randomBytes } from 'node:crypto'
import { DEFAULT_ACCOUNT, signCardExt, startWechatSimulator, type WechatSimulator, type WechatSimulatorOptions } from '../../../cloud/local/wechat'

export const DEV = DEFAULT_ACCOUNT

/** WeChat's answers: errcode/errmsg plus whatever the endpoint adds. */
export type Answer = { errcode?: number; errmsg?: string } & Record<string, unknown>

/** A clock the test moves by hand; starts at a fixed, realistic moment. */
export class ManualClock {
  constructor(public t = Date.UTC(2025, 5, 1, 2, 0, 0)) {}
  now = (): number => this.t
  advance(ms: number): void {
    this.t += ms
  }
}

export interface TestSim {
  sim: WechatSimulator
  clock: ManualClock
  url(path: string): string
  get(path: string): Promise<Answer>
  post(path: string, body: unknown): Promise<Answer>
  /** A stable token of the dev account. */
  token(): Promise<string>
  close(): Promise<void>
}

export async function startSim(options: WechatSimulatorOptions = {}): Promise<TestSim> {
  const clock = new ManualClock()
  const sim = await startWechatSimulator({ now: clock.now, log: () => undefined, ...options })
  const url = (path: string) => sim.baseUrl + path
  const get = async (path: string) => (await fetch(url(path))).json() as Promise<Answer>
  const post = async (path: string, body: unknown) =>
    (await fetch(url(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) })).json() as Promise<Answer>
  const token = async () => {
    const answer = await post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: DEV.appid, secret: DEV.secret, force_refresh: false })
    if (typeof answer.access_token !== 'string') throw new Error(`no token: ${JSON.stringify(answer)}`)
    return answer.access_token
  }
  return { sim, clock, url, get, post, token, close: () => sim.close() }
}

/** The smallest bytes that pass as a PNG (the simulator checks the signature, as a decoder would). */
export function pngBytes(size = 256): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size)
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return bytes
}

export function jpgBytes(size = 256): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size)
  bytes.set([0xff, 0xd8, 0xff, 0xe0])
  return bytes
}

/** POST /cgi-bin/media/uploadimg with the file in the field `field`. */
export async function upload(t: TestSim, token: string, bytes: Uint8Array<ArrayBuffer>, options: { field?: string; filename?: string } = {}): Promise<Answer> {
  const form = new FormData()
  form.append(options.field ?? 'buffer', new Blob([bytes]), options.filename ?? 'logo.png')
  return (await fetch(t.url(`/cgi-bin/media/uploadimg?access_token=${token}`), { method: 'POST', body: form })).json() as Promise<Answer>
}

export async function uploadLogo(t: TestSim, token: string): Promise<string> {
  const answer = await upload(t, token, pngBytes())
  if (typeof answer.url !== 'string') throw new Error(`upload failed: ${JSON.stringify(answer)}`)
  return answer.url
}

export interface CardOptions {
  type?: 'MEETING_TICKET' | 'SCENIC_TICKET'
  quantity?: number
  getLimit?: number
  customCode?: boolean
  base?: Record<string, unknown>
  /** Fields beside base_info (meeting_detail ...). */
  extra?: Record<string, unknown>
}

/** A /card/create body WeChat would accept, per section 7 of the card protocol. */
export function cardBody(logoUrl: string, options: CardOptions = {}): { card: Record<string, unknown> } {
  const type = options.type ?? 'MEETING_TICKET'
  const begin = Math.floor(Date.UTC(2025, 0, 1) / 1000)
  return {
    card: {
      card_type: type,
      [type.toLowerCase()]: {
        base_info: {
          logo_url: logoUrl,
          brand_name: '城市音乐厅',
          code_type: 'CODE_TYPE_QRCODE',
          title: '新年音乐会门票',
          color: 'Color010',
          notice: '请向检票员出示二维码',
          description: '凭此券入场，一人一票。',
          sku: { quantity: options.quantity ?? 100 },
          date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: begin, end_timestamp: begin + 2 * 365 * 86_400 },
          use_custom_code: options.customCode ?? true,
          bind_openid: false,
          can_share: false,
          can_give_friend: false,
          get_limit: options.getLimit ?? 5,
          center_app_brand_user_name: 'gh_0123456789ab@app',
          center_app_brand_pass: 'pages/ticket/index',
          ...options.base,
        },
        ...(type === 'MEETING_TICKET' ? { meeting_detail: '2025 新年音乐会' } : { ticket_class: '成人票' }),
        ...options.extra,
      },
    },
  }
}

/** Creates (and by default approves) a card; answers its card_id. */
export async function createCard(t: TestSim, token: string, options: CardOptions & { approve?: boolean } = {}): Promise<string> {
  const answer = await t.post(`/card/create?access_token=${token}`, cardBody(await uploadLogo(t, token), options))
  if (typeof answer.card_id !== 'string') throw new Error(`create failed: ${JSON.stringify(answer)}`)
  if (options.approve !== false) t.sim.control.approveCard({ cardId: answer.card_id })
  return answer.card_id
}

/** The card api_ticket, fetched the way a server does. */
export async function cardTicket(t: TestSim, token: string): Promise<string> {
  const answer = await t.get(`/cgi-bin/ticket/getticket?access_token=${token}&type=wx_card`)
  return answer.ticket as string
}

let nonceCounter = 0
export function freshNonce(): string {
  nonceCounter += 1
  return `n${nonceCounter}${randomBytes(6).toString('hex')}`
}

export interface ExtOptions {
  ticket: string
  cardId: string
  code?: string
  nonce?: string
  /** Unix seconds; default: the test clock's now. */
  timestamp?: number
  outerStr?: string
  /** Sign with this instead of the real values (a wrong signature). */
  signature?: string
}

/** A cardExt JSON string signed as the server should sign it. */
export function cardExt(t: TestSim, options: ExtOptions): string {
  const timestamp = String(options.timestamp ?? Math.floor(t.clock.now() / 1000))
  const nonce = options.nonce ?? freshNonce()
  const signature = options.signature ?? signCardExt({ api_ticket: options.ticket, timestamp, card_id: options.cardId, nonce_str: nonce, code: options.code })
  return JSON.stringify({ ...(options.code === undefined ? {} : { code: options.code }), timestamp, nonce_str: nonce, signature, ...(options.outerStr ? { outer_str: options.outerStr } : {}) })
}

/** POST /wallet/addCard for one card. */
export function addCard(t: TestSim, openid: string, cardId: string, ext: string): Promise<Answer> {
  return t.post('/wallet/addCard', { openid, cardList: [{ cardId, cardExt: ext }] })
}

/** The first item of an addCard answer. */
export function firstItem(answer: Answer): { cardId: string; code: string; isSuccess: boolean; errcode?: number; errmsg?: string } {
  return (answer.cardList as Array<{ cardId: string; code: string; isSuccess: boolean; errcode?: number; errmsg?: string }>)[0]
}
