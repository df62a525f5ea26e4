import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parseCron, type CronSchedule } from './cron'

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..')
/** TypeScript sources: one folder per function, holding a thin index.ts and its config.json. */
export const FUNCTION_SOURCE_ROOT = path.join(PROJECT_ROOT, 'cloud', 'src', 'functions')
/** Deploy units built by `npm run build:cloud`; what WeChat DevTools and `tcb fn deploy` upload. */
export const FUNCTION_BUNDLE_ROOT = path.join(PROJECT_ROOT, 'cloud', 'functions')

/** The parts of a CloudBase function's config.json the local runtime honours. */
export interface FunctionConfig {
  /** Seconds, as in the CloudBase console; CloudBase's default is 3. */
  timeout?: number
  triggers?: Array<{ name: string; type: string; config: string }>
  permissions?: { openapi?: string[] }
}

export interface TimerTrigger {
  name: string
  schedule: CronSchedule
}

export interface FunctionDefinition {
  name: string
  /** The module whose `main` is invoked: a .ts source or a built .js bundle. */
  entry: string
  config: FunctionConfig
  timeoutMs: number
  timers: TimerTrigger[]
}

export type FunctionSource = 'source' | 'bundle'

const DEFAULT_TIMEOUT_SECONDS = 3

function readConfig(file: string): FunctionConfig {
  if (!existsSync(file)) return {}
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as FunctionConfig
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`)
  }
}

function toDefinition(name: string, entry: string, config: FunctionConfig): FunctionDefinition {
  const timers = (config.triggers ?? [])
    .filter((trigger) => trigger.type === 'timer')
    .map((trigger) => ({ name: trigger.name, schedule: parseCron(trigger.config) }))
  return { name, entry, config, timeoutMs: (config.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000, timers }
}

/**
 * Finds the project's functions: from TypeScript sources (development, tests) or from the built
 * bundles (to prove the deploy units run unchanged).
 */
export function discoverFunctions(source: FunctionSource = 'source', root?: string): FunctionDefinition[] {
  const base = root ?? (source === 'source' ? FUNCTION_SOURCE_ROOT : FUNCTION_BUNDLE_ROOT)
  if (!existsSync(base)) return []
  const entryName = source === 'source' ? 'index.ts' : 'index.js'
  return readdirSync(base, { withFileTypes: true })
    .filter((dirent) => dirent.isDirectory() && existsSync(path.join(base, dirent.name, entryName)))
    .map((dirent) =>
      toDefinition(
        dirent.name,
        path.join(base, dirent.name, entryName),
        readConfig(path.join(base, dirent.name, 'config.json')),
      ),
    )
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** A function defined by a file path alone, for tests that bring their own functions. */
export function defineFunctionAt(name: string, entry: string, config: FunctionConfig = {}): FunctionDefinition {
  return toDefinition(name, entry, config)
}
