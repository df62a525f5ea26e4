/**
 * Builds the four targets one after another (two cores: parallel builds only thrash), checks that
 * the weapp app.json lists every page folder, and prints build times and the weapp main-package size.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(__dirname, '..')
/**
 * `<target>-dev` is that target wired to the local development backend: `h5-dev` is what the
 * browser tests serve; `alipay-dev` and `tt-dev` are the only Alipay and ByteDance builds that can
 * reserve (production ones have no sign-in yet), so the harness runs their form on them.
 */
const targets = ['weapp', 'h5', 'h5-dev', 'alipay', 'alipay-dev', 'tt', 'tt-dev'] as const
const WEAPP_MAIN_PACKAGE_LIMIT = 2 * 1024 * 1024
const WEAPP_MAIN_PACKAGE_GOAL = 450 * 1024

/** Bytes under `dir`, leaving out the top-level folders named in `skip` (subpackages). */
function folderBytes(dir: string, skip: string[] = []): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.includes(entry.name)) continue
    const full = path.join(dir, entry.name)
    total += entry.isDirectory() ? folderBytes(full) : statSync(full).size
  }
  return total
}

interface WeappAppJson {
  pages: string[]
  subPackages?: Array<{ root: string; pages: string[] }>
}

function build(target: string): number {
  const started = Date.now()
  const devBackend = target.endsWith('-dev')
  const result = spawnSync('npx', ['taro', 'build', '--type', target.replace(/-dev$/, '')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production', TICKETCARD_DEV_BACKEND: devBackend ? '1' : '' },
  })
  const seconds = (Date.now() - started) / 1000
  const output = `${result.stdout}\n${result.stderr}`
  if (result.status !== 0 || /Compiled with (some )?errors/.test(output)) {
    process.stderr.write(output.slice(-6000))
    throw new Error(`build:${target} failed (exit ${result.status})`)
  }
  return seconds
}

/**
 * Every page folder must be registered, or WeChat never loads it: src/pages/* in the main package,
 * src/<root>/* in the subpackage of that root.
 */
function checkWeappPages(appJson: WeappAppJson): string[] {
  const listed = [...appJson.pages, ...(appJson.subPackages ?? []).flatMap((sub) => sub.pages.map((page) => `${sub.root}/${page}`))]
  const folders = ['pages', ...(appJson.subPackages ?? []).map((sub) => sub.root)]
  const expected = folders.flatMap((folder) => readdirSync(path.join(root, 'src', folder)).map((name) => `${folder}/${name}/index`))
  const missing = expected.filter((page) => !listed.includes(page))
  if (missing.length > 0) throw new Error(`dist/app.json does not list: ${missing.join(', ')}`)
  return listed
}

function main(): void {
  const rows: string[] = []
  for (const target of targets) {
    const seconds = build(target)
    const outDir = target === 'weapp' ? 'dist' : `dist-${target}`
    const kb = folderBytes(path.join(root, outDir)) / 1024
    rows.push(`${target.padEnd(7)} ${seconds.toFixed(1).padStart(6)} s ${kb.toFixed(0).padStart(7)} KB  ${outDir}/`)
  }
  const appJson = JSON.parse(readFileSync(path.join(root, 'dist', 'app.json'), 'utf8')) as WeappAppJson
  const pages = checkWeappPages(appJson)
  const subPackageRoots = (appJson.subPackages ?? []).map((sub) => sub.root)
  const mainPackage = folderBytes(path.join(root, 'dist'), subPackageRoots)
  const subPackages = subPackageRoots.map((name) => `${name} ${(folderBytes(path.join(root, 'dist', name)) / 1024).toFixed(0)} KB`)
  console.log('\ntarget   build      output')
  for (const row of rows) console.log(row)
  console.log(`\nweapp app.json lists ${pages.length} pages: ${pages.join(', ')}`)
  console.log(
    `weapp main package: ${(mainPackage / 1024).toFixed(0)} KB (goal ≤ ${WEAPP_MAIN_PACKAGE_GOAL / 1024} KB, WeChat limit ${WEAPP_MAIN_PACKAGE_LIMIT / 1024} KB)`,
  )
  if (subPackages.length > 0) console.log(`weapp subpackages: ${subPackages.join(', ')}`)
  if (mainPackage > WEAPP_MAIN_PACKAGE_LIMIT) throw new Error('weapp main package exceeds the 2 MB WeChat limit')
}

main()
