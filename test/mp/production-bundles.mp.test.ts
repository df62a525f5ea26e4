/**
 * Production bundles carry nothing of the development backend: no stand-in card pack (the
 * simulator's wallet), no switch to the development organizer identity and none of its words, no
 * stand-in for WeChat's subscribe sheet.
 * Those exist only in development builds (`dist-h5-dev/`, the dev server); the last test shows the
 * checks can fail.
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

const mentions = (dist: string, needle: string) => scriptsIn(path.join(ROOT, dist)).some((file) => readFileSync(file, 'utf8').includes(needle))

/**
 * What only a development build may contain: the identity header the local gateway trusts (and
 * where its value is kept), the wallet's path, the dev organizer id, the switch's words.
 */
const DEV_ONLY = {
  'development identity header': 'x-wx-openid',
  'development identity storage': 'ticketcard.dev-openid',
  'simulator wallet': '/wallet/',
  'development organizer id': 'dev_organizer',
  'identity switch': '开发身份',
  'subscribe sheet stand-in': '开发环境模拟的微信订阅消息弹窗',
}

test.each(['dist', 'dist-h5', 'dist-alipay', 'dist-tt'])('the production bundle %s/ never sends the development identity header', (dist) => {
  process.stdout.write(`[mp] production bundle: ${dist}/ (identity header)\n`)
  expect(mentions(dist, DEV_ONLY['development identity header'])).toBe(false)
  expect(mentions(dist, DEV_ONLY['development identity storage'])).toBe(false)
})

test.each(['dist-h5', 'dist-alipay', 'dist-tt'])('the production bundle %s/ has no simulator wallet', (dist) => {
  process.stdout.write(`[mp] production bundle: ${dist}/\n`)
  expect(mentions(dist, DEV_ONLY['simulator wallet'])).toBe(false)
})

test.each(['dist', 'dist-h5', 'dist-alipay', 'dist-tt'])('the production bundle %s/ cannot switch to the development organizer', (dist) => {
  expect(mentions(dist, DEV_ONLY['development organizer id'])).toBe(false)
  expect(mentions(dist, DEV_ONLY['identity switch'])).toBe(false)
})

test.each(['dist', 'dist-h5', 'dist-alipay', 'dist-tt'])('the production bundle %s/ has no stand-in for WeChat’s subscribe sheet', (dist) => {
  expect(mentions(dist, DEV_ONLY['subscribe sheet stand-in'])).toBe(false)
})

test('the development H5 bundle has all of them (so the checks above can fail)', () => {
  for (const needle of Object.values(DEV_ONLY)) expect(mentions('dist-h5-dev', needle)).toBe(true)
})
