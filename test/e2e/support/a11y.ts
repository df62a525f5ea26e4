import type { AxeResults, ImpactValue, Result } from 'axe-core'
import type { Page } from 'playwright-core'

/** The impacts that fail a page: 'minor' and 'moderate' findings are left to review, not gates. */
const BLOCKING: readonly ImpactValue[] = ['serious', 'critical']

const AXE_SOURCE = require.resolve('axe-core/axe.min.js')

/** Each violation axe-core finds on the page as it is now (all impacts). */
export async function a11yViolations(page: Page): Promise<Result[]> {
  // A navigation in the hash router keeps the document (and axe in it); a reload does not.
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SOURCE })
  await settleAnimations(page)
  const results = await page.evaluate(() => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe
    return axe.run(document, { resultTypes: ['violations'] })
  })
  return results.violations
}

/** The violations that fail a page. */
export function seriousViolations(violations: Result[]): Result[] {
  return violations.filter((violation) => violation.impact != null && BLOCKING.includes(violation.impact))
}

/** One line per rule, then up to three of the elements it flagged. */
export function describeViolations(violations: Result[]): string {
  return violations
    .map((violation) => {
      const targets = violation.nodes.slice(0, 3).map((node) => `    ${node.target.map(String).join(' >>> ')}`)
      const more = violation.nodes.length > 3 ? [`    … and ${violation.nodes.length - 3} more`] : []
      return [`- ${violation.id} (${violation.impact ?? 'unknown'}): ${violation.help}`, ...targets, ...more].join('\n')
    })
    .join('\n')
}

/**
 * Runs axe-core in the page and fails, naming the page by `label`, when it finds any serious or
 * critical violation. Wait for the state under test to be on screen before calling it.
 */
export async function expectNoSeriousA11yViolations(page: Page, label: string): Promise<void> {
  const serious = seriousViolations(await a11yViolations(page))
  if (serious.length > 0) {
    throw new Error(`${label}: ${serious.length} serious or critical accessibility violation(s) at ${page.url()}\n${describeViolations(serious)}`)
  }
}

/**
 * Taro's H5 pages and dialogs fade in: a colour read mid-fade is not the colour that stays, so
 * wait for finite animations (a spinner's infinite one never ends, and is left running).
 */
async function settleAnimations(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const finite = document.getAnimations().filter((animation) => {
      const { iterations } = animation.effect?.getComputedTiming() ?? {}
      return iterations !== Infinity
    })
    const settled = Promise.all(finite.map((animation) => animation.finished.catch(() => undefined)))
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 2_000))])
  })
}
