import path from 'node:path'

const root = path.resolve(__dirname, '..', '..', '..')

/** SQLite's name for a database with no file, not a path to resolve. */
export const MEMORY_DATABASE = ':memory:'

/**
 * The SQLite file of the emulator process: `EMULATOR_DATA` (relative to the repository root), by
 * default `.data/cloudbase.sqlite`. Admin commands look for the emulator's key file beside it.
 */
export function configuredDataFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EMULATOR_DATA === MEMORY_DATABASE) return MEMORY_DATABASE
  return path.resolve(root, env.EMULATOR_DATA || path.join('.data', 'cloudbase.sqlite'))
}

