/**
 * The host API the harness offers the weapp bundle: what it implements behaves as WeChat
 * documents (callbacks with errMsg, answers chosen by the test), and what it does not implement
 * fails loudly, naming the API.
 */
import { addCard as walletAdd, cardExt, cardTicket, createCard, firstItem, startSim, type TestSim } from '../integration/wechat/support'
import { MiniProgram } from './harness'
import { announceTarget } from './support'

type HostAnswer = { errMsg: string } & Record<string, unknown>

let sim: TestSim
let token: string

beforeAll(async () => {
  announceTarget('weapp', 'host API')
  sim = await startSim()
  token = await sim.token()
})

afterAll(async () => {
  await sim?.close()
})

/** Calls `wx.<api>(options)` from inside the bundle's logic layer and waits for its callback. */
function callInside(mp: MiniProgram, api: string, options: unknown, inTap = false): Promise<HostAnswer> {
  return mp[inTap ? 'probeInTap' : 'probe'](`return new Promise(function (done) {
    var options = ${JSON.stringify(options)}
    options.success = done
    options.fail = done
    wx.${api}(options)
  })`) as Promise<HostAnswer>
}

test('an API the harness does not implement throws, naming it, instead of pretending to work', () => {
  const mp = MiniProgram.load({ target: 'weapp' })
  try {
    expect(() => mp.probe('wx.getLocation({ type: "gcj02" })')).toThrow('wx.getLocation is not implemented by the mini-program harness')
    expect(() => mp.probe('wx.chooseImage({})')).toThrow(/wx\.chooseImage is not implemented/)
  } finally {
    mp.close()
  }
})

test('wx.addCard and wx.openCard go to the simulator wallet; a closed sheet is addCard:fail cancel', async () => {
  const mp = MiniProgram.load({ target: 'weapp', user: { openid: 'o_harness_wallet' }, wechatBaseUrl: sim.sim.baseUrl })
  try {
    const cardId = await createCard(sim, token)
    const ticket = await cardTicket(sim, token)
    const ext = cardExt(sim, { ticket, cardId, code: '123456789012345678' })

    const added = await callInside(mp, 'addCard', { cardList: [{ cardId, cardExt: ext }] })
    expect(added.errMsg).toBe('addCard:ok')
    const [item] = added.cardList as { cardId: string; code: string; isSuccess: boolean }[]
    expect(item).toMatchObject({ cardId, isSuccess: true })
    expect(item.code).not.toBe('123456789012345678') // encrypted, as the phone answers it
    expect(sim.sim.control.code({ cardId, code: '123456789012345678' })?.openid).toBe('o_harness_wallet')

    const replayed = await callInside(mp, 'addCard', { cardList: [{ cardId, cardExt: ext }] })
    expect(replayed.errMsg).toMatch(/^addCard:fail /)

    const opened = await callInside(mp, 'openCard', { cardList: [{ cardId, code: '123456789012345678' }] })
    expect(opened.errMsg).toBe('openCard:ok')

    mp.state.addCardOutcome = 'cancel'
    const cancelled = await callInside(mp, 'addCard', { cardList: [{ cardId, cardExt: cardExt(sim, { ticket, cardId, code: '223456789012345678' }) }] })
    expect(cancelled.errMsg).toBe('addCard:fail cancel')
    expect(mp.state.calledWith('addCard')).toHaveLength(3)
    // The wallet itself still takes a card the harness did not touch.
    expect(firstItem(await walletAdd(sim, 'o_other', cardId, cardExt(sim, { ticket, cardId, code: '323456789012345678' }))).isSuccess).toBe(true)
  } finally {
    mp.close()
  }
})

test('scanCode answers the code the test queued; storage belongs to one user', async () => {
  const first = MiniProgram.load({ target: 'weapp', user: { openid: 'o_first' } })
  const second = MiniProgram.load({ target: 'weapp', user: { openid: 'o_second' } })
  try {
    first.state.scanQueue.push('987654321098765432')
    const scanned = await callInside(first, 'scanCode', { onlyFromCamera: true })
    expect(scanned).toMatchObject({ errMsg: 'scanCode:ok', result: '987654321098765432', scanType: 'QR_CODE' })

    first.probe('wx.setStorageSync("k", { n: 1 })')
    expect(first.probe('return wx.getStorageSync("k").n')).toBe(1)
    expect(second.probe('return wx.getStorageSync("k")')).toBe('')
  } finally {
    first.close()
    second.close()
  }
})

test('requestSubscribeMessage outside a tap fails as WeChat does; inside one it answers what the test chose', async () => {
  const mp = MiniProgram.load({ target: 'weapp' })
  try {
    mp.state.subscribeAnswer = { tmplA: 'accept', tmplB: 'reject' }
    const outside = await callInside(mp, 'requestSubscribeMessage', { tmplIds: ['tmplA'] })
    expect(outside).toMatchObject({ errCode: 20004 })
    expect(outside.errMsg).toMatch(/TAP gesture/)

    const inside = await callInside(mp, 'requestSubscribeMessage', { tmplIds: ['tmplA', 'tmplB'] }, true)
    expect(inside).toMatchObject({ errMsg: 'requestSubscribeMessage:ok', tmplA: 'accept', tmplB: 'reject' })
    expect(mp.state.calledWith('requestSubscribeMessage')).toEqual([{ tmplIds: ['tmplA'], outsideTap: true }, { tmplIds: ['tmplA', 'tmplB'] }])
  } finally {
    mp.close()
  }
})

test('WeChat’s privacy APIs: callback-only, and requirePrivacyAuthorize waits on the listener’s resolve', async () => {
  const mp = MiniProgram.load({ target: 'weapp' })
  try {
    // "以 Promise 风格调用：不支持": no callbacks, no Promise either.
    expect(mp.probe('return typeof wx.getPrivacySetting({})')).toBe('undefined')
    expect(await callInside(mp, 'getPrivacySetting', {})).toMatchObject({ errMsg: 'getPrivacySetting:ok', needAuthorization: false })
    // Agreed before (or nothing declared): success at once, no question asked.
    expect(await callInside(mp, 'requirePrivacyAuthorize', {})).toEqual({ errMsg: 'requirePrivacyAuthorize:ok' })

    mp.state.privacy.needAuthorization = true
    mp.probe('wx.onNeedPrivacyAuthorization(function (resolve, info) { globalThis.__ask = { resolve: resolve, referrer: info.referrer } })')
    const refused = callInside(mp, 'requirePrivacyAuthorize', {})
    await mp.settle()
    expect(mp.probe('return globalThis.__ask.referrer')).toBe('requirePrivacyAuthorize')
    mp.probe('globalThis.__ask.resolve({ event: "exposureAuthorization" }); globalThis.__ask.resolve({ event: "disagree" })')
    expect(await refused).toEqual({ errMsg: 'requirePrivacyAuthorize:fail privacy permission is not authorized' })
    expect(mp.state.privacy.needAuthorization).toBe(true)

    // "agree" names a button: WeChat checks that the person tapped it. Nobody did here.
    const unchecked = callInside(mp, 'requirePrivacyAuthorize', {})
    await mp.settle()
    mp.probe('globalThis.__ask.resolve({ event: "agree", buttonId: "never-tapped" })')
    expect(await unchecked).toEqual({ errMsg: 'requirePrivacyAuthorize:fail privacy permission is not authorized' })
    expect(mp.state.problems.map(String)).toEqual([expect.stringMatching(/no agreePrivacyAuthorization button with that id was tapped/)])

    expect(await callInside(mp, 'openPrivacyContract', {})).toEqual({ errMsg: 'openPrivacyContract:ok' })
    expect(mp.state.calledWith('privacy.resolve')).toEqual([{ event: 'exposureAuthorization' }, { event: 'disagree' }, { event: 'agree', buttonId: 'never-tapped' }])
  } finally {
    mp.close()
  }
})

test('the user data folder: writes only under USER_DATA_PATH (no folders there), reads back, callback forms answer errMsg', async () => {
  const mp = MiniProgram.load({ target: 'weapp' })
  try {
    expect(mp.probe('return wx.env.USER_DATA_PATH')).toBe('wxfile://usr')
    mp.probe(`wx.getFileSystemManager().writeFileSync(wx.env.USER_DATA_PATH + '/名单.csv', '\\uFEFF姓名\\n张三\\n', 'utf8')`)
    expect(mp.state.files.get('wxfile://usr/名单.csv')).toBe('\uFEFF姓名\n张三\n')
    expect(mp.probe(`return wx.getFileSystemManager().readFileSync(wx.env.USER_DATA_PATH + '/名单.csv', 'utf8')`)).toBe('\uFEFF姓名\n张三\n')
    expect(() => mp.probe(`wx.getFileSystemManager().writeFileSync('/etc/passwd', 'x', 'utf8')`)).toThrow('writeFileSync:fail permission denied, open /etc/passwd')
    expect(() => mp.probe(`wx.getFileSystemManager().writeFileSync(wx.env.USER_DATA_PATH + '/exports/a.csv', 'x', 'utf8')`)).toThrow(
      'writeFileSync:fail no such file or directory, open wxfile://usr/exports/a.csv',
    )
    const written = (await mp.probe(`return new Promise(function (done) {
      wx.getFileSystemManager().writeFile({ filePath: wx.env.USER_DATA_PATH + '/b.csv', data: 'b', encoding: 'utf8', success: done, fail: done })
    })`)) as HostAnswer
    expect(written.errMsg).toBe('writeFile:ok')
    const missing = (await mp.probe(`return new Promise(function (done) {
      wx.getFileSystemManager().readFile({ filePath: wx.env.USER_DATA_PATH + '/none.csv', encoding: 'utf8', success: done, fail: done })
    })`)) as HostAnswer
    expect(missing.errMsg).toBe('readFile:fail no such file or directory, open wxfile://usr/none.csv')
  } finally {
    mp.close()
  }
})

test('shareFileMessage: only from a tap, only an existing file; the test chooses whether the person sends it', async () => {
  const mp = MiniProgram.load({ target: 'weapp' })
  try {
    mp.probe(`wx.getFileSystemManager().writeFileSync(wx.env.USER_DATA_PATH + '/a.csv', 'a', 'utf8')`)
    const outside = await callInside(mp, 'shareFileMessage', { filePath: 'wxfile://usr/a.csv' })
    expect(outside.errMsg).toBe('shareFileMessage:fail can only be invoked by user TAP gesture.')
    const absent = await callInside(mp, 'shareFileMessage', { filePath: 'wxfile://usr/none.csv' }, true)
    expect(absent.errMsg).toBe('shareFileMessage:fail no such file or directory, open wxfile://usr/none.csv')
    mp.state.shareFileOutcome = 'cancel'
    expect((await callInside(mp, 'shareFileMessage', { filePath: 'wxfile://usr/a.csv' }, true)).errMsg).toBe('shareFileMessage:fail cancel')
    expect(mp.state.sharedFiles).toEqual([])
    expect((await callInside(mp, 'shareFileMessage', { filePath: 'wxfile://usr/a.csv', fileName: '预约名单.csv' }, true)).errMsg).toBe('shareFileMessage:ok')
    expect(mp.state.sharedFiles).toEqual([{ filePath: 'wxfile://usr/a.csv', fileName: '预约名单.csv', content: 'a' }])
  } finally {
    mp.close()
  }
})

test('setClipboardData keeps the text and WeChat shows its own toast', async () => {
  const mp = MiniProgram.load({ target: 'weapp' })
  try {
    expect((await callInside(mp, 'setClipboardData', { data: 'o_someone' })).errMsg).toBe('setClipboardData:ok')
    expect(mp.state.clipboard).toBe('o_someone')
    expect(mp.state.toasts).toEqual([{ title: '内容已复制', icon: 'none' }])
  } finally {
    mp.close()
  }
})
