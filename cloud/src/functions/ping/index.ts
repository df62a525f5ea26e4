import { ok, type ApiResult } from '../../api/envelope'
import { sdk } from '../../shared/cloud'

export interface PingResult {
  openid: string | null
  /** Server time written and read back: proof the database answered. */
  databaseTime: string
}

/** Health check: one database round trip, then the caller's openid as CloudBase reports it. */
export async function main(): Promise<ApiResult<PingResult>> {
  const cloud = sdk()
  const { OPENID } = cloud.getWXContext()
  const db = cloud.database()
  const health = db.collection('health').doc('ping')
  await health.set({ data: { checkedAt: db.serverDate() } })
  // The SDK types get() as a union with void (callback style); with await it is always the result.
  const { data } = (await health.get()) as unknown as { data: { checkedAt: Date | string } }
  const checkedAt = data.checkedAt
  return ok({ openid: OPENID ? String(OPENID) : null, databaseTime: new Date(checkedAt).toISOString() })
}
