import path from 'node:path'

const root = path.resolve(__dirname, '..', '..', '..')

/**
 * The SQLite file of the emulator process: `EMULATOR_DATA` (relative to the repository root), by
 * default `.data/cloudbase.sqlite`. Admin commands look for the emulator's key file beside it.
 */
export function configuredDataFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(root, env.EMULATOR_DATA || path.join('.data', 'cloudbase.sqlite'))
}
