/**
 * The database security rules, one file per collection in cloud/database-rules/:
 *   npm run db:rules -- check     every collection of cloud/indexes.json has a rule, and each denies all client access
 *   npm run db:rules -- deploy    sets them on the environment TCB_ENV_ID (Tencent Cloud API ModifySafeRule)
 * Deploy signs with TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY (a CAM key allowed to manage
 * CloudBase); TCB_API_ENDPOINT overrides https://tcb.tencentcloudapi.com.
 *
 * Every read and write goes through the functions, which check the caller's OPENID; a client
 * reaching the database directly would skip every one of those checks. So every rule denies.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { sign } from '@cloudbase/signature-nodejs'

const ROOT = path.resolve(__dirname, '..')
export const RULES_DIR = path.join(ROOT, 'cloud', 'database-rules')
const INDEXES_FILE = path.join(ROOT, 'cloud', 'indexes.json')
const DEFAULT_ENDPOINT = 'https://tcb.tencentcloudapi.com'

export interface CollectionRule {
  collection: string
  /** The rule text as deployed (CloudBase's document-database rule JSON). */
  rule: string
}

/** Reads every rule and refuses, naming the collection, any gap or any rule that lets a client in. */
export function loadRules(rulesDir = RULES_DIR, indexesFile = INDEXES_FILE): CollectionRule[] {
  const collections = Object.keys(JSON.parse(readFileSync(indexesFile, 'utf8')) as Record<string, unknown>).sort()
  const files = readdirSync(rulesDir).filter((f) => f.endsWith('.json'))
  const problems: string[] = []
  for (const file of files) if (!collections.includes(file.replace(/\.json$/, ''))) problems.push(`${file}: no collection of that name in cloud/indexes.json`)
  const rules: CollectionRule[] = []
  for (const collection of collections) {
    const file = `${collection}.json`
    if (!files.includes(file)) {
      problems.push(`${collection}: no rule file (cloud/database-rules/${file})`)
      continue
    }
    const text = readFileSync(path.join(rulesDir, file), 'utf8')
    let rule: unknown
    try {
      rule = JSON.parse(text)
    } catch (err) {
      problems.push(`${file}: not valid JSON (${(err as Error).message})`)
      continue
    }
    const entries = Object.entries(rule as Record<string, unknown>)
    const deniesAll = entries.length > 0 && entries.every(([, value]) => value === false) && ['read', 'write'].every((op) => (rule as Record<string, unknown>)[op] === false)
    if (!deniesAll) problems.push(`${file}: must deny every client read and write ({"read": false, "write": false})`)
    else rules.push({ collection, rule: JSON.stringify(rule) })
  }
  if (problems.length > 0) throw new RulesError(problems)
  return rules
}

export class RulesError extends Error {
  constructor(readonly problems: string[]) {
    super(`database rules are not deployable:\n  ${problems.join('\n  ')}`)
  }
}

interface DeployTarget {
  envId: string
  secretId: string
  secretKey: string
  endpoint: string
}

/** One ModifySafeRule call per collection (Tencent Cloud API 3.0, TC3-HMAC-SHA256). */
export async function deployRules(rules: CollectionRule[], target: DeployTarget, log: (line: string) => void = console.log): Promise<void> {
  const url = `${target.endpoint.replace(/\/+$/, '')}/`
  const host = new URL(url).host
  for (const { collection, rule } of rules) {
    const params = { EnvId: target.envId, CollectionName: collection, AclTag: 'CUSTOM', Rule: rule }
    const headers = { 'content-type': 'application/json', host }
    const { authorization, timestamp } = sign({ secretId: target.secretId, secretKey: target.secretKey, method: 'POST', url, headers, params, timestamp: Math.floor(Date.now() / 1000), isCloudApi: true, service: 'tcb' })
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...headers, authorization, 'x-tc-action': 'ModifySafeRule', 'x-tc-version': '2018-06-08', 'x-tc-timestamp': String(timestamp) },
      body: JSON.stringify(params),
    })
    const answer = (await response.json()) as { Response?: { Error?: { Code: string; Message: string }; RequestId?: string } }
    const error = answer.Response?.Error
    if (!response.ok || error) throw new Error(`${collection}: ModifySafeRule failed: ${error ? `${error.Code} ${error.Message}` : `HTTP ${response.status}`}`)
    log(`${collection}: client access denied (request ${answer.Response?.RequestId ?? '?'})`)
  }
}

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set`)
  return value
}

async function main(): Promise<void> {
  const command = process.argv[2] ?? 'check'
  const rules = loadRules()
  if (command === 'check') {
    console.log(`${rules.length} collections, every one closed to direct client access`)
    return
  }
  if (command === 'deploy') {
    await deployRules(rules, {
      envId: required('TCB_ENV_ID'),
      secretId: required('TENCENTCLOUD_SECRETID'),
      secretKey: required('TENCENTCLOUD_SECRETKEY'),
      endpoint: process.env.TCB_API_ENDPOINT ?? DEFAULT_ENDPOINT,
    })
    return
  }
  throw new Error(`unknown command "${command}"; use check or deploy`)
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err))
    process.exit(1)
  })
}
