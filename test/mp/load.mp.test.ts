/**
 * Every page of every mini-program target loads in its host's logic layer with no error, and the
 * logic layer lacks what the real host lacks: code that reaches for it fails here as on a phone.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { HOSTS, MiniProgram, type HostName } from './harness'
import { announceTarget } from './support'

const targets: HostName[] = ['weapp', 'alipay', 'tt']

describe.each(targets)('%s bundle', (target) => {
  let mp: MiniProgram
  beforeAll(() => {
    announceTarget(target, 'every page loads')
    mp = MiniProgram.load({ target })
  })
  afterAll(() => mp?.close())

  test('app.js and every page module load, and each page registers its Page()', () => {
    expect(mp.pages.length).toBeGreaterThanOrEqual(6)
    expect(mp.registeredPages().sort()).toEqual([...mp.pages].sort())
    expect(mp.errors).toEqual([])
  })

  test('the staff subpackage loads on its own, only when asked, and its pages register', () => {
    expect(mp.subPackagePages).toEqual(['staff/checkin/index', 'staff/desk/index'])
    expect(mp.loadedSubPackages()).toEqual([])
    mp.loadSubPackages()
    expect(mp.loadedSubPackages()).toEqual(['staff'])
    expect(mp.registeredPages().sort()).toEqual([...mp.pages, ...mp.subPackagePages].sort())
    expect(mp.errors).toEqual([])
  })

  test('every tab page is in the main package (WeChat refuses a tab page in a subpackage)', () => {
    // Alipay's app.json names the list `items`.
    const tabBar = mp.appJson.tabBar as { list?: { pagePath: string }[]; items?: { pagePath: string }[] } | undefined
    const tabs = (tabBar?.list ?? tabBar?.items ?? []).map((item) => item.pagePath)
    expect(tabs.length).toBe(3)
    for (const tab of tabs) expect(mp.pages).toContain(tab)
  })

  test(`the logic layer has ${HOSTS[target].apiObject} and no browser APIs`, () => {
    const seen = mp.probe(`return {
      api: typeof ${HOSTS[target].apiObject},
      page: typeof Page,
      crypto: typeof crypto,
      fetch: typeof fetch,
      localStorage: typeof localStorage,
      XMLHttpRequest: typeof XMLHttpRequest,
      TextEncoder: typeof TextEncoder,
      document: typeof document,
      window: typeof window,
    }`)
    expect(seen).toEqual({
      api: 'object',
      page: 'function',
      crypto: 'undefined',
      fetch: 'undefined',
      localStorage: 'undefined',
      XMLHttpRequest: 'undefined',
      TextEncoder: 'undefined',
      document: 'undefined',
      window: 'undefined',
    })
  })

  test('code that touches what the host lacks fails here, as it would on a phone', () => {
    const globalObject = HOSTS[target].hasGlobalThis ? 'globalThis' : "new Function('return this')()"
    expect(() => mp.probe(`${globalObject}.crypto.getRandomValues(new Uint8Array(4))`)).toThrow(/getRandomValues/)
    expect(() => mp.probe(`return fetch('https://example.com')`)).toThrow(/fetch/)
    expect(() => mp.probe(`return localStorage.getItem('x')`)).toThrow(/localStorage|getItem/)
    expect(() => mp.probe(`return new Function('a', 'return a')(1)`)).toThrow(/Code generation from strings disallowed/)
    expect(() => mp.probe(`return eval('1 + 1')`)).toThrow(/Code generation from strings disallowed/)
    // The one dynamic form WeChat allows: how polyfills and webpack's runtime find the global object.
    expect(mp.probe(`return typeof new Function('return this')()`)).toBe('object')
  })
})

test('the main package cannot require a subpackage’s files, as WeChat refuses', () => {
  announceTarget('weapp', 'subpackage reference rules')
  const mp = MiniProgram.load({ target: 'weapp' })
  try {
    expect(() => mp.probe(`require('staff/checkin/index')`)).toThrow(/is in subpackage staff\/, which only that subpackage may require/)
  } finally {
    mp.close()
  }
})

test('a build whose page reads localStorage at load fails, naming the page and the global', () => {
  announceTarget('weapp', 'a deliberately broken build')
  const broken = mkdtempSync(path.join(tmpdir(), 'ticketcard-broken-weapp-'))
  try {
    cpSync(path.resolve(__dirname, '..', '..', HOSTS.weapp.distDir), broken, { recursive: true })
    const page = path.join(broken, 'pages', 'tickets', 'index.js')
    writeFileSync(page, `"use strict";var lastTab=localStorage.getItem("ticketcard.tab");\n${readFileSync(page, 'utf8')}`)
    expect(() => MiniProgram.load({ target: 'weapp', distDir: broken })).toThrow(
      /page pages\/tickets\/index failed to load: .*uses `localStorage`, which the weapp logic layer does not have/,
    )
  } finally {
    rmSync(broken, { recursive: true, force: true })
  }
})
