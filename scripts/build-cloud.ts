/**
 * `npm run build:cloud`: turns each function under cloud/src/functions into a CloudBase deploy
 * unit in cloud/functions/<name>/: one esbuild bundle (wx-server-sdk left external, installed in the
 * cloud), a package.json pinning wx-server-sdk exactly, and the function's config.json. Sources
 * never go into those folders (CloudBase refuses a folder holding both index.ts and index.js).
 * It also checks that cloudbaserc.json (what `tcb fn deploy` reads) agrees with every config.json,
 * and that every collection has its database security rule (cloud/database-rules/).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { buildSync } from 'esbuild'
import { loadRules } from './db-rules'
import { discoverFunctions, FUNCTION_BUNDLE_ROOT, PROJECT_ROOT, type FunctionConfig } from '../cloud/local/runtime/functions'

interface CloudbaseRc {
  functions: Array<{ name: string; timeout?: number; triggers?: FunctionConfig['triggers'] }>
}

function sdkVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }
  const version = pkg.devDependencies['wx-server-sdk']
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`wx-server-sdk must be pinned exactly in package.json, found "${version}"`)
  return version
}

function checkCloudbaseRc(names: Map<string, FunctionConfig>): void {
  const rc = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cloudbaserc.json'), 'utf8')) as CloudbaseRc
  const problems: string[] = []
  for (const [name, config] of names) {
    const entry = rc.functions.find((fn) => fn.name === name)
    if (!entry) {
      problems.push(`${name} is missing from cloudbaserc.json`)
      continue
    }
    if ((entry.timeout ?? 3) !== (config.timeout ?? 3)) problems.push(`${name}: timeout ${entry.timeout} in cloudbaserc.json, ${config.timeout} in config.json`)
    if (JSON.stringify(entry.triggers ?? []) !== JSON.stringify(config.triggers ?? [])) problems.push(`${name}: triggers differ between cloudbaserc.json and config.json`)
  }
  for (const entry of rc.functions) if (!names.has(entry.name)) problems.push(`cloudbaserc.json lists ${entry.name}, which has no source`)
  if (problems.length > 0) throw new Error(`cloudbaserc.json is out of step:\n  ${problems.join('\n  ')}`)
}

export function buildCloudFunctions(outRoot = FUNCTION_BUNDLE_ROOT): Array<{ name: string; bytes: number }> {
  const version = sdkVersion()
  const functions = discoverFunctions('source')
  checkCloudbaseRc(new Map(functions.map((fn) => [fn.name, fn.config])))
  // Functions never ship without the rules that keep clients out of their database.
  loadRules()
  return functions.map((fn) => {
    const outDir = path.join(outRoot, fn.name)
    rmSync(outDir, { recursive: true, force: true })
    mkdirSync(outDir, { recursive: true })
    buildSync({
      entryPoints: [fn.entry],
      outfile: path.join(outDir, 'index.js'),
      bundle: true,
      platform: 'node',
      // Deployed on CloudBase's Nodejs18.15 runtime (cloudbaserc.json): the first with global fetch.
      target: 'node18',
      format: 'cjs',
      external: ['wx-server-sdk'],
      legalComments: 'none',
      logLevel: 'warning',
    })
    const manifest = { name: fn.name, version: '1.0.0', private: true, main: 'index.js', dependencies: { 'wx-server-sdk': version } }
    writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
    const configFile = path.join(path.dirname(fn.entry), 'config.json')
    if (existsSync(configFile)) copyFileSync(configFile, path.join(outDir, 'config.json'))
    return { name: fn.name, bytes: statSync(path.join(outDir, 'index.js')).size }
  })
}

if (require.main === module) {
  for (const { name, bytes } of buildCloudFunctions()) console.log(`cloud/functions/${name}/index.js  ${(bytes / 1024).toFixed(1)} KB`)
}
