/**
 * Turns an error raised inside the bundle into a message a developer can act on: the error, the
 * built file and position, and, when the failing expression uses a global the host does not
 * have (`localStorage`, `globalThis.crypto`, `fetch`...), that global by name.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { BROWSER_ONLY_GLOBALS, type HostModel } from './hosts'

export function diagnose(err: unknown, root: string, host: HostModel): string {
  const error = err instanceof Error || (err && typeof err === 'object' && 'message' in err) ? (err as Error) : new Error(String(err))
  const where = firstBundleFrame(error.stack ?? '', root)
  const missing = where ? missingGlobalNear(where, host) : null
  const parts = [`${error.name}: ${error.message}`]
  if (missing) parts.push(`uses \`${missing}\`, which the ${host.name} logic layer does not have`)
  if (where) parts.push(`at ${where.file}:${where.line}:${where.column}`)
  return parts.join('; ')
}

interface Frame {
  file: string
  line: number
  column: number
  source: string
}

function firstBundleFrame(stack: string, root: string): Frame | null {
  for (const match of stack.matchAll(/\(?([^\s()]+\.js):(\d+):(\d+)\)?/g)) {
    const file = match[1]
    const absolute = path.isAbsolute(file) ? file : path.join(root, file)
    if (!existsSync(absolute) || !absolute.startsWith(root)) continue
    return { file: path.relative(root, absolute), line: Number(match[2]), column: Number(match[3]), source: readFileSync(absolute, 'utf8') }
  }
  return null
}

/** Looks at the code just before the failing position for a global the host lacks. */
function missingGlobalNear(frame: Frame, host: HostModel): string | null {
  const line = frame.source.split('\n')[frame.line - 1] ?? ''
  const before = line.slice(Math.max(0, frame.column - 120), frame.column + 40)
  const candidates = [...new Set([...BROWSER_ONLY_GLOBALS, ...host.shadowedInModules])]
  let best: { name: string; at: number } | null = null
  for (const name of candidates) {
    const pattern = new RegExp(`(?:globalThis\\.|self\\.|window\\.)?(?<![\\w$.])${name.replace('$', '\\$')}(?![\\w$])|(?:globalThis|self|window)\\.${name}(?![\\w$])`, 'g')
    for (const match of before.matchAll(pattern)) {
      const at = match.index ?? 0
      if (!best || at > best.at) best = { name: match[0].startsWith('globalThis.') || match[0].startsWith('self.') || match[0].startsWith('window.') ? match[0] : name, at }
    }
  }
  return best?.name ?? null
}
