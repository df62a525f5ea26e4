import { create } from 'zustand'
import { wechatPrivacy, type PrivacyAnswer } from '../platform'

/**
 * WeChat's own privacy authorization (weapp only): `unknown` until the form asks, `checking` while
 * WeChat answers, `agreed` (or never needed, as on every other target), `refused`.
 */
export type WechatAuthorization = 'unknown' | 'checking' | 'agreed' | 'refused'

interface State {
  wechat: WechatAuthorization
  /** The popup WeChat is waiting on, with the name of the mini-program's privacy guide. */
  popup: { contractName: string } | null
  contractName: string
}

interface Actions {
  /**
   * Before the form collects anything: asks WeChat whether the person still has to agree to the
   * privacy guide and, if so, asks for it (WeChat routes the question to `onNeed`: our popup).
   */
  check: () => Promise<void>
  /** The person tapped our `agreePrivacyAuthorization` button (WeChat recorded the tap itself). */
  agree: (buttonId: string) => void
  disagree: () => void
  openContract: () => Promise<void>
}

export type PrivacyStore = State & Actions

export const initialPrivacyState = (): State => ({
  wechat: wechatPrivacy ? 'unknown' : 'agreed',
  popup: null,
  contractName: '',
})

/**
 * WeChat's `resolve` for each question it is waiting on (two privacy calls at once ask twice; one
 * answer from the person settles both). Functions, so kept out of the state.
 */
let pendingAnswers: ((outcome: PrivacyAnswer) => void)[] = []

function answer(outcome: PrivacyAnswer): void {
  const waiting = pendingAnswers
  pendingAnswers = []
  for (const resolve of waiting) resolve(outcome)
}

export const usePrivacyStore = create<PrivacyStore>()((set, get) => ({
  ...initialPrivacyState(),
  check: async () => {
    if (!wechatPrivacy || get().wechat === 'checking') return
    set({ wechat: 'checking' })
    const { needAuthorization, contractName } = await wechatPrivacy.setting()
    set({ contractName })
    if (!needAuthorization) {
      set({ wechat: 'agreed' })
      return
    }
    const agreed = await wechatPrivacy.require()
    set({ wechat: agreed ? 'agreed' : 'refused', popup: null })
  },
  agree: (buttonId) => {
    answer({ event: 'agree', buttonId })
    set({ popup: null })
  },
  disagree: () => {
    answer({ event: 'disagree' })
    set({ popup: null })
  },
  openContract: async () => {
    await wechatPrivacy?.openContract()
  },
}))

/**
 * Registers our popup as the answer to WeChat's privacy questions, once at launch: WeChat may ask
 * whenever a privacy API is called, on any page.
 */
export function initPrivacyAuthorization(): void {
  wechatPrivacy?.onNeed((resolve) => {
    pendingAnswers.push(resolve)
    // WeChat asks to be told when the popup is shown; it is, on the page that asked.
    resolve({ event: 'exposureAuthorization' })
    usePrivacyStore.setState((s) => ({ popup: { contractName: s.contractName } }))
  })
}

export const selectWechatAuthorization = (s: PrivacyStore): WechatAuthorization => s.wechat
export const selectPrivacyPopup = (s: PrivacyStore): State['popup'] => s.popup
