/**
 * Personal data in the built weapp bundle. WeChat's privacy authorization: when WeChat reports
 * that the person has not agreed to the mini-program's privacy guide, our popup shows before the
 * form collects anything, and agreeing through WeChat's `agreePrivacyAuthorization` button answers
 * the question WeChat asked. Then the app's own consent: the form sends nothing until the person
 * ticks the agreement, and the ticket records the notice version they agreed to. Alipay and
 * ByteDance never touch WeChat's privacy APIs.
 */
import path from 'node:path'
import { PRIVACY_NOTICE_VERSION } from '../../cloud/src/api/privacy'
import { demoEvent } from '../../scripts/demoEvent'
import { allTickets } from '../support/adminDb'
import type { HostName, MiniProgram, PageHandle } from './harness'
import { announceTarget, startMiniProgramStack, type MiniProgramStack } from './support'

const REPO_ROOT = path.resolve(__dirname, '..', '..')

const event = demoEvent()
const CONTRACT = '《票卡小程序隐私保护指引》'
let env: MiniProgramStack

beforeAll(async () => {
  env = await startMiniProgramStack()
})

afterAll(async () => {
  await env?.close()
})

/** A person WeChat has not yet recorded as agreeing, on the reservation form of the first session. */
async function openFormAsNewPerson(openid: string): Promise<{ mp: MiniProgram; form: PageHandle }> {
  const mp = env.open('weapp', openid)
  mp.state.privacy.needAuthorization = true
  mp.state.privacy.contractName = CONTRACT
  const events = await mp.launch()
  await events.waitForText(event.title)
  await events.tap(event.sessions[0].name)
  const form = mp.current()
  expect(form.route).toBe('pages/reserve/index')
  return { mp, form }
}

const reserveCalls = (mp: MiniProgram) =>
  (mp.state.calledWith('cloud.callFunction') as { data: { action: string; payload: Record<string, unknown> } }[]).filter((call) => call.data.action === 'reservation.reserve')

test('WeChat needs the agreement: our popup shows first, its agree button answers WeChat, then the form reserves with consent', async () => {
  announceTarget('weapp', 'privacy authorization')
  const openid = 'o_harness_privacy_agree'
  const { mp, form } = await openFormAsNewPerson(openid)
  // Registered once at launch, so WeChat can ask from any page.
  expect(mp.state.calledWith('onNeedPrivacyAuthorization')).toHaveLength(1)

  // The form asked WeChat, WeChat said "needs authorization", and asked us through the listener.
  expect(mp.state.answersTo('getPrivacySetting')).toEqual([{ needAuthorization: true, privacyContractName: CONTRACT, errMsg: 'getPrivacySetting:ok' }])
  expect(mp.state.calledWith('requirePrivacyAuthorize')).toHaveLength(1)
  expect(form.text()).toContain('隐私保护提示')
  expect(form.find({ className: 'privacy-popup' }).text).toContain(CONTRACT)
  expect(mp.state.calledWith('privacy.resolve')).toEqual([{ event: 'exposureAuthorization' }])
  // WeChat's own page for its guide is one tap away.
  await form.tap(`查看${CONTRACT}`)
  expect(mp.state.calledWith('openPrivacyContract')).toHaveLength(1)

  const agree = form.find({ tag: 'button', text: '同意并继续' })
  expect(agree.attribute('open-type')).toBe('agreePrivacyAuthorization')
  await form.tap('同意并继续')
  expect(mp.state.privacy.agreeButtonsTapped).toEqual(new Set([agree.hostId]))
  expect(mp.state.calledWith('privacy.resolve')).toEqual([{ event: 'exposureAuthorization' }, { event: 'agree', buttonId: agree.hostId }])
  expect(mp.state.answersTo('requirePrivacyAuthorize')).toEqual([{ errMsg: 'requirePrivacyAuthorize:ok' }])
  expect(form.has({ className: 'privacy-popup' })).toBe(false)

  // What is collected, why, how long, who sees it: on the form, before anything is sent.
  const consent = form.find({ className: 'consent' }).text
  expect(consent).toContain('姓名、手机号、证件号码（选填）')
  expect(consent).toContain('出票和入场核验')
  expect(consent).toContain('场次结束 30 天后自动删除')
  expect(consent).toContain('本活动主办方')

  await form.input('与证件一致的姓名', '李隐私')
  await form.input('11 位手机号', '13900002222')
  await form.tap('提交预约')
  expect(form.text()).toContain('请阅读并同意个人信息处理说明')
  expect(reserveCalls(mp)).toEqual([])

  await form.tap('我已阅读并同意')
  expect(form.text()).not.toContain('请阅读并同意个人信息处理说明')
  await form.tap('提交预约')
  await form.waitForText('预约成功')
  expect(reserveCalls(mp).map((call) => call.data.payload.consent)).toEqual([{ noticeVersion: PRIVACY_NOTICE_VERSION }])
  const [stored] = (await allTickets(env.db)).filter((t) => t._openid === openid)
  expect(stored.consent?.noticeVersion).toBe(PRIVACY_NOTICE_VERSION)
  expect(new Date(stored.consent?.agreedAt ?? 0).getTime()).toBeGreaterThan(Date.now() - 60_000)
  expect(mp.errors).toEqual([])
})

test('refusing WeChat’s popup keeps the form closed until the person agrees', async () => {
  const { mp, form } = await openFormAsNewPerson('o_harness_privacy_refuse')
  await form.tap('不同意')
  expect(mp.state.calledWith('privacy.resolve')).toEqual([{ event: 'exposureAuthorization' }, { event: 'disagree' }])
  expect(mp.state.answersTo('requirePrivacyAuthorize')).toEqual([{ errMsg: 'requirePrivacyAuthorize:fail privacy permission is not authorized' }])
  expect(form.text()).toContain('你没有同意隐私保护指引')
  expect(form.has({ tag: 'input' })).toBe(false)
  await expect(form.tap('提交预约')).rejects.toThrow(/disabled/)

  await form.tap('重新查看并同意')
  expect(form.text()).toContain('隐私保护提示')
  await form.tap('同意并继续')
  expect(mp.state.answersTo('requirePrivacyAuthorize').at(-1)).toEqual({ errMsg: 'requirePrivacyAuthorize:ok' })
  expect(form.has({ placeholder: '11 位手机号' })).toBe(true)
  expect(reserveCalls(mp)).toEqual([])
  expect(mp.errors).toEqual([])
})

test('someone WeChat already recorded as agreeing is not asked again', async () => {
  const mp = env.open('weapp', 'o_harness_privacy_known')
  const events = await mp.launch()
  await events.waitForText(event.title)
  await events.tap(event.sessions[0].name)
  const form = mp.current()
  expect(mp.state.calledWith('getPrivacySetting')).toHaveLength(1)
  expect(mp.state.calledWith('requirePrivacyAuthorize')).toEqual([])
  expect(form.has({ className: 'privacy-popup' })).toBe(false)
  expect(form.has({ placeholder: '11 位手机号' })).toBe(true)
})

test('the full notice opens from the form and as a deep link, with WeChat’s own guide one tap away', async () => {
  const mp = env.open('weapp', 'o_harness_privacy_notice')
  const events = await mp.launch()
  await events.waitForText(event.title)
  await events.tap(event.sessions[0].name)
  await mp.current().tap('查看完整的个人信息处理说明')
  const notice = mp.current()
  expect(notice.route).toBe('pages/privacy/index')
  expect(notice.query.eventId).toBe(event.id)
  await notice.waitForText(`版本 ${PRIVACY_NOTICE_VERSION}`)
  expect(notice.text()).toContain('证件号码不会被保存')
  expect(notice.text()).toContain('场次结束 30 天后')
  await notice.tap('查看微信小程序隐私保护指引')
  expect(mp.state.calledWith('openPrivacyContract')).toHaveLength(1)

  const reopened = await mp.reLaunch('/pages/privacy/index')
  expect(mp.routes()).toEqual(['pages/privacy/index'])
  await reopened.waitForText('场次结束 30 天后')
  expect(mp.errors).toEqual([])
})

// Production Alipay and ByteDance builds have no sign-in yet and no form: their development builds
// (wired to the local backend, as `npm run dev` runs them) carry the whole flow.
test.each(['alipay', 'tt'] as HostName[])('the %s form asks only for the app’s own consent, never WeChat’s privacy APIs', async (target) => {
  const distDir = `dist-${target}-dev`
  process.stdout.write(`[mp] privacy: own consent only: ${target} development bundle from ${distDir}/\n`)
  const mp = env.open(target, `o_harness_privacy_${target}`, { distDir: path.join(REPO_ROOT, distDir) })
  const events = await mp.launch()
  await events.waitForText(event.title)
  await events.tap(event.sessions[0].name)
  const form = mp.current()
  await form.input('与证件一致的姓名', '王同意')
  await form.input('11 位手机号', '13900003333')
  await form.tap('我已阅读并同意')
  await form.tap('提交预约')
  await form.waitForText('预约成功')
  const privacyCalls = mp.state.calls.filter((call) => /Privacy|privacy/.test(call.api))
  expect(privacyCalls).toEqual([])
  // The harness offers these names only as stubs that throw: a call would have failed the page.
  expect(mp.errors).toEqual([])
})
