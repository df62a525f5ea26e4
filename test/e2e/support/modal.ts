import type { Page } from 'playwright-core'

// Taro's H5 showModal draws its own dialog with these class names (Taro's spelling: "model").
// Tapping its buttons by class keeps tests independent of the app's wording, which often repeats
// the label of the button that opened the dialog (取消预约 → 取消预约).
const CONFIRM = '.taro-modal__foot .taro-model__confirm'
const CANCEL = '.taro-modal__foot .taro-model__cancel'

/** Taps the open dialog's confirm button and waits for the dialog to go. */
export async function confirmModal(page: Page): Promise<void> {
  await tapAndWaitGone(page, CONFIRM)
}

/** Taps the open dialog's cancel button and waits for the dialog to go. */
export async function dismissModal(page: Page): Promise<void> {
  await tapAndWaitGone(page, CANCEL)
}

async function tapAndWaitGone(page: Page, selector: string): Promise<void> {
  const button = page.locator(selector).filter({ visible: true })
  await button.click()
  await button.waitFor({ state: 'hidden' })
}
