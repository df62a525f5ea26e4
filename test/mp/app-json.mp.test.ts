/**
 * Each built app.json holds only its own target's options, and its tab bar's icons ship with it.
 * app.config.ts adds `__usePrivacyCheck__` for weapp alone and `animation` for H5 alone; a host that
 * meets an option it does not know may warn about it or, worse, a later host version may give it a
 * meaning. Alipay's app.json is Taro's conversion (`tabBar.items` with `name`, `icon`,
 * `activeIcon`), so icons are read under each host's own names. Needs the production builds.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(__dirname, '..', '..')

interface MiniTarget {
  target: 'weapp' | 'alipay' | 'tt'
  dist: string
  /** Where this host's app.json keeps the tab list and each tab's two icons. */
  list: string
  icon: string
  selectedIcon: string
}

const MINI_TARGETS: MiniTarget[] = [
  { target: 'weapp', dist: 'dist', list: 'list', icon: 'iconPath', selectedIcon: 'selectedIconPath' },
  { target: 'alipay', dist: 'dist-alipay', list: 'items', icon: 'icon', selectedIcon: 'activeIcon' },
  { target: 'tt', dist: 'dist-tt', list: 'list', icon: 'iconPath', selectedIcon: 'selectedIconPath' },
]

type Json = Record<string, unknown>

function appJson(dist: string): Json {
  return JSON.parse(readFileSync(path.join(ROOT, dist, 'app.json'), 'utf8')) as Json
}

/** Every icon path the tab bar of `app` names, two per tab. */
function tabIcons(app: Json, { list, icon, selectedIcon }: MiniTarget): string[] {
  const tabBar = app.tabBar as Json | undefined
  const items = (tabBar?.[list] ?? []) as Json[]
  expect(items.length).toBeGreaterThan(0)
  return items.flatMap((item) => [item[icon], item[selectedIcon]]).map((value) => {
    expect(typeof value).toBe('string')
    return value as string
  })
}

function scriptsIn(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? scriptsIn(full) : name.endsWith('.js') ? [full] : []
  })
}

describe.each(MINI_TARGETS)('$target: $dist/app.json', (host) => {
  beforeAll(() => {
    process.stdout.write(`[mp] app.json: ${host.target} in ${host.dist}/\n`)
  })

  test('has no H5-only `animation`', () => {
    expect(appJson(host.dist)).not.toHaveProperty('animation')
  })

  test(host.target === 'weapp' ? 'declares `__usePrivacyCheck__`' : 'has no WeChat-only `__usePrivacyCheck__`', () => {
    const app = appJson(host.dist)
    if (host.target === 'weapp') expect(app.__usePrivacyCheck__).toBe(true)
    else expect(app).not.toHaveProperty('__usePrivacyCheck__')
  })

  test('names both icons of every tab, and ships them as PNGs in the package', () => {
    const icons = tabIcons(appJson(host.dist), host)
    expect(icons).toHaveLength(6)
    for (const icon of icons) {
      const file = path.join(ROOT, host.dist, icon)
      expect({ icon, exists: existsSync(file) }).toEqual({ icon, exists: true })
      expect(readFileSync(file).subarray(1, 4).toString('latin1')).toBe('PNG')
    }
  })
})

describe('h5: dist-h5/', () => {
  const weapp = MINI_TARGETS[0]
  let scripts: string

  beforeAll(() => {
    process.stdout.write('[mp] app.json: h5 in dist-h5/ (app config in the built JS)\n')
    scripts = scriptsIn(path.join(ROOT, 'dist-h5'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n')
  })

  test('its app config has no WeChat-only `__usePrivacyCheck__`', () => {
    expect(scripts).not.toContain('__usePrivacyCheck__')
  })

  test('its app config is in the scripts searched (so the check above can fail): `animation` off', () => {
    expect(scripts).toMatch(/"animation":(!1|false)\b/)
  })

  test('bundles every tab icon: emitted under static/ or inlined as a data URL', () => {
    for (const icon of tabIcons(appJson(weapp.dist), weapp)) {
      const png = readFileSync(path.join(ROOT, weapp.dist, icon))
      const emitted = path.join('static', 'images', icon)
      const shipped =
        scripts.includes(`data:image/png;base64,${png.toString('base64')}`) ||
        (scripts.includes(emitted) && existsSync(path.join(ROOT, 'dist-h5', emitted)) && readFileSync(path.join(ROOT, 'dist-h5', emitted)).equals(png))
      expect({ icon, shipped }).toEqual({ icon, shipped: true })
    }
  })
})
