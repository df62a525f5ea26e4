/**
 * Production builds of the non-WeChat targets carry no stand-in card pack: the simulator's wallet
 * exists only in development builds (`dist-h5-dev/`, the dev server), so no production button
 * can lead to it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(__dirname, '..', '..')

function scriptsIn(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? scriptsIn(full) : name.endsWith('.js') ? [full] : []
  })
}

const mentionsWallet = (dist: string) => scriptsIn(path.join(ROOT, dist)).some((file) => readFileSync(file, 'utf8').includes('/wallet/'))

test.each(['dist-h5', 'dist-alipay', 'dist-tt'])('the production bundle %s/ has no simulator wallet', (dist) => {
  process.stdout.write(`[mp] production bundle: ${dist}/\n`)
  expect(mentionsWallet(dist)).toBe(false)
})

test('the development H5 bundle does (so the check above can fail)', () => {
  expect(mentionsWallet('dist-h5-dev')).toBe(true)
})
