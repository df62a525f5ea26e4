/**
 * Cloud calls (`cloud.openapi.<api>(params)` in a function) from the emulator to the WeChat
 * simulator, as CloudBase relays them to WeChat.
 *
 * wx-server-sdk 4.0.2 (through node-sdk's `callCompatibleWxOpenApi`) posts multipart/form-data with
 * the fields `action` = `wx.openApi`, `apiName` (`subscribeMessage.send`) and `requestData`, a
 * protobuf `CommApiData` whose `openapiData.pairs` hold each parameter as `{key, value}`, the value
 * being the parameter's JSON with keys already snake_case. The SDK wants back the bytes of a
 * `CommOpenApiResp`: `respData` is the JSON WeChat answered, `contentType` application/json,
 * `errorCode` 0. A WeChat refusal travels inside respData (`{errcode, errmsg}`) exactly as WeChat
 * sent it; the SDK then rejects with `errCode` = errcode and
 * `errMsg` = `openapi.<api>:fail <errmsg>`. A non-zero `errorCode` is CloudBase's own failure
 * (-604101 no permission, -604102 timeout …): the SDK rejects with that code and no text.
 */
import protobuf from 'protobufjs'
import { CLOUD_CALL_ENDPOINTS, ControlError } from '../wechat/control'
import { CONTROL_PREFIX } from '../wechat/controlHttp'
import type { JsonObject } from '../wechat/fields'
import { parseMultipart } from '../wechat/multipart'
import { CloudBaseError, invalidParam, ReplyCode } from './errors'
import type { OpenApiHandler } from './server'

/** One cloud call, as the simulator's `cloudCall` control method takes it. */
export interface CloudCallInput {
  apiName: string
  /** The account to act for; absent means the simulator's default (the environment's own). */
  appid?: string
  params: JsonObject
}

/**
 * Whatever answers cloud calls with WeChat's JSON: in one process the simulator itself
 * (`startWechatSimulator()`'s answer, or its `control`), across processes `simulatorOverHttp(url)`.
 * A refusal of the call itself (not a WeChat errcode) is thrown as a ControlError.
 */
export interface CloudCallTarget {
  cloudCall(input: CloudCallInput): Promise<JsonObject> | JsonObject
}

// The SDK's own schema (src/protobuf/openapi.js), reduced to the fields a cloud call uses.
const schema = protobuf.Root.fromJSON({
  nested: {
    KeyValuePair: {
      fields: { key: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 }, contenttype: { type: 'string', id: 3 }, filename: { type: 'string', id: 4 } },
    },
    OpenApiData: { fields: { pairs: { rule: 'repeated', type: 'KeyValuePair', id: 1 } } },
    CommApiData: { fields: { apiType: { type: 'int32', id: 1 }, openapiData: { type: 'OpenApiData', id: 2 }, appid: { type: 'string', id: 6 } } },
    CommOpenApiResp: {
      fields: { respData: { type: 'bytes', id: 1 }, contentType: { type: 'string', id: 2 }, errorCode: { type: 'int32', id: 3 }, httpCode: { type: 'uint32', id: 4 } },
    },
  },
})
const CommApiData = schema.lookupType('CommApiData')
const CommOpenApiResp = schema.lookupType('CommOpenApiResp')

/** CommApiData.ApiType.OPEN_API: `cloud.openapi.*`; the others are Tencent-internal services. */
const OPEN_API = 0

/** CloudBase's code when the open API did not answer in time (wx-server-sdk ERR_CODE). */
export const OPENAPI_TIMEOUT = -604102
/** How long the emulator waits for WeChat: under the SDK's 15 s request timeout, so the caller hears why. */
export const DEFAULT_OPENAPI_TIMEOUT_MS = 10_000

interface KeyValuePair {
  key: string
  value: Uint8Array
  contenttype: string
}

function field(parts: NonNullable<ReturnType<typeof parseMultipart>>, name: string): Buffer | undefined {
  return parts.find((part) => part.name === name)?.data
}

/** The cloud call a multipart `wx.openApi` body carries; CloudBaseError INVALID_PARAM for anything else. */
export function decodeOpenApiRequest(body: Buffer, contentType: string): CloudCallInput {
  const parts = parseMultipart(body, contentType)
  if (!parts) throw invalidParam('the wx.openApi body is not well-formed multipart/form-data')
  const action = field(parts, 'action')?.toString('utf8')
  if (action !== 'wx.openApi') {
    throw invalidParam(`the emulator serves the multipart action wx.openApi (cloud.openapi.*), not ${JSON.stringify(action ?? null)}`)
  }
  const apiName = field(parts, 'apiName')?.toString('utf8') ?? ''
  if (apiName === '') throw invalidParam('the wx.openApi request has no apiName')
  const requestData = field(parts, 'requestData')
  if (!requestData) throw invalidParam(`the wx.openApi request for ${apiName} has no requestData`)
  let decoded: { apiType?: number; openapiData?: { pairs?: KeyValuePair[] }; appid?: string }
  try {
    decoded = CommApiData.toObject(CommApiData.decode(requestData), { defaults: true }) as typeof decoded
  } catch (err) {
    throw invalidParam(`the requestData of ${apiName} is not a protobuf CommApiData: ${(err as Error).message}`)
  }
  if (decoded.apiType !== OPEN_API) throw invalidParam(`${apiName}: apiType ${String(decoded.apiType)} is not OPEN_API (0); the emulator serves cloud.openapi calls only`)
  const params: JsonObject = {}
  for (const pair of decoded.openapiData?.pairs ?? []) {
    if (pair.contenttype !== '') throw invalidParam(`${apiName}: parameter ${pair.key} is a file (${pair.contenttype}); the emulator forwards JSON parameters only`)
    try {
      params[pair.key] = JSON.parse(Buffer.from(pair.value).toString('utf8'))
    } catch (err) {
      throw invalidParam(`${apiName}: parameter ${pair.key} is not JSON: ${(err as Error).message}`)
    }
  }
  return { apiName, ...(decoded.appid ? { appid: decoded.appid } : {}), params }
}

/** CommOpenApiResp carrying WeChat's JSON answer, refusals included: what CloudBase relays. */
export function encodeOpenApiReply(reply: JsonObject): Buffer {
  const message = CommOpenApiResp.create({ respData: Buffer.from(JSON.stringify(reply)), contentType: 'application/json', errorCode: 0, httpCode: 200 })
  return Buffer.from(CommOpenApiResp.encode(message).finish())
}

/** CommOpenApiResp for CloudBase's own failure (no WeChat answer): the SDK rejects with errorCode. */
export function encodeOpenApiFailure(errorCode: number): Buffer {
  return Buffer.from(CommOpenApiResp.encode(CommOpenApiResp.create({ errorCode, httpCode: 200 })).finish())
}

class TimedOut {}

/**
 * The emulator's `wx.openApi` handler: decode, refuse an API the simulator does not serve (clear
 * text, errCode -501007, rather than a bare code), forward, and encode WeChat's answer.
 */
export function openApiBridge(target: CloudCallTarget, options: { timeoutMs?: number } = {}): OpenApiHandler {
  const timeoutMs = options.timeoutMs ?? DEFAULT_OPENAPI_TIMEOUT_MS
  const served = Object.keys(CLOUD_CALL_ENDPOINTS)
  return async (body, contentType) => {
    const call = decodeOpenApiRequest(body, contentType)
    if (!served.includes(call.apiName)) {
      throw invalidParam(`cloud.openapi.${call.apiName} is not available locally: the WeChat simulator serves ${served.map((api) => `cloud.openapi.${api}`).join(', ')}`)
    }
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<TimedOut>((resolve) => {
      timer = setTimeout(() => resolve(new TimedOut()), timeoutMs)
    })
    try {
      const reply = await Promise.race([Promise.resolve().then(() => target.cloudCall(call)), deadline])
      // As on CloudBase, a late answer is lost to the caller even though WeChat may still act on it.
      if (reply instanceof TimedOut) return encodeOpenApiFailure(OPENAPI_TIMEOUT)
      return encodeOpenApiReply(reply)
    } catch (err) {
      if (err instanceof ControlError) throw invalidParam(`the WeChat simulator refused ${call.apiName}: ${err.message}`)
      if (err instanceof CloudBaseError) throw err
      throw new CloudBaseError(ReplyCode.SYS_ERR, `[InternalError] cloud.openapi.${call.apiName}: ${(err as Error)?.message ?? String(err)}`)
    } finally {
      clearTimeout(timer)
    }
  }
}

interface ControlReply {
  ok?: boolean
  result?: unknown
  error?: string
}

/** The control API's JSON reply, or null for anything else (reported with the status and text). */
function parseControlReply(text: string): ControlReply | null {
  try {
    const value: unknown = JSON.parse(text)
    return value !== null && typeof value === 'object' ? (value as ControlReply) : null
  } catch {
    return null
  }
}

/** A simulator in another process, through its control API (`POST <baseUrl>/__sim/cloudCall`). */
export function simulatorOverHttp(baseUrl: string): CloudCallTarget {
  const url = `${baseUrl.replace(/\/+$/, '')}${CONTROL_PREFIX}/cloudCall`
  return {
    async cloudCall(input) {
      let response: Response
      try {
        response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) })
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause
        throw new CloudBaseError(ReplyCode.SYS_ERR, `[InternalError] the WeChat simulator at ${baseUrl} did not answer (${cause?.code ?? cause?.message ?? (err as Error).message}); is it running? (WECHAT_SIM_URL)`)
      }
      const text = await response.text()
      const answer = parseControlReply(text)
      if (response.status === 400 && answer?.ok === false) throw new ControlError(answer.error ?? 'refused')
      if (!response.ok || answer?.ok !== true || answer.result === null || typeof answer.result !== 'object') {
        throw new CloudBaseError(ReplyCode.SYS_ERR, `[InternalError] the WeChat simulator at ${baseUrl} answered ${response.status}: ${text.slice(0, 200)}`)
      }
      return answer.result as JsonObject
    },
  }
}
