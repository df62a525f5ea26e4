import { DEV_SUBSCRIBE_TEMPLATES } from './devTemplates'
import { isObject } from './fields'
import { isKeywordType, KEYWORD_TYPES, keywordTypeOfKey, type KeywordType } from './subscribeRules'

/** A subscribe-message template the account has added (公共模板库 → 我的模板). */
export interface SubscribeTemplate {
  id: string
  title: string
  /** Keyword key → type, in the template's order. */
  keywords: Record<string, KeywordType>
}

// WeChat issues template ids as 43 characters of base64url. Tests choose their own, so any id of
// that alphabet and a plausible length passes (the range the functions' configuration accepts).
const TEMPLATE_ID = /^[A-Za-z0-9_-]{16,64}$/
const MAX_KEYWORDS = 5

/** The development templates, checked against the rules' own type list at compile time. */
const DEFAULTS: readonly SubscribeTemplate[] = DEV_SUBSCRIBE_TEMPLATES.map(({ id, title, keywords }) => ({ id, title, keywords: { ...keywords } }))

/** Validates a template definition; throws an Error saying what is wrong. */
export function parseTemplate(input: unknown): SubscribeTemplate {
  if (!isObject(input)) throw new Error('a template is {id, title, keywords}')
  const { id, title, keywords } = input
  if (typeof id !== 'string' || !TEMPLATE_ID.test(id)) throw new Error(`template id must be 16 to 64 letters, digits, - or _, like the 43 WeChat issues (got ${JSON.stringify(id)})`)
  if (typeof title !== 'string' || title.trim() === '') throw new Error('template title must be a non-empty string')
  if (!isObject(keywords) || Object.keys(keywords).length === 0) throw new Error('template keywords must be an object such as {"thing1": "thing", "time2": "time"}')
  // The console lets an account pick at most 5 keywords of a library template.
  if (Object.keys(keywords).length > MAX_KEYWORDS) throw new Error(`a template has at most ${MAX_KEYWORDS} keywords (got ${Object.keys(keywords).length})`)
  const parsed: Record<string, KeywordType> = {}
  for (const [key, type] of Object.entries(keywords)) {
    if (!isKeywordType(type)) throw new Error(`keyword ${key}: type must be one of ${KEYWORD_TYPES.join(', ')} (got ${JSON.stringify(type)})`)
    // WeChat names every keyword after its type and position; a key that does not is a typo.
    if (keywordTypeOfKey(key) !== type) throw new Error(`keyword ${key}: a ${type} keyword is named ${type}<position>, such as ${type}1`)
    parsed[key] = type
  }
  return { id, title, keywords: parsed }
}

const copy = (template: SubscribeTemplate): SubscribeTemplate => ({ ...template, keywords: { ...template.keywords } })

/** The account's subscribe-message templates; starts with (and resets to) the development ones. */
export class SubscribeTemplates {
  private readonly templates = new Map<string, SubscribeTemplate>()

  constructor(private readonly defaults: readonly SubscribeTemplate[] = DEFAULTS) {
    this.reset()
  }

  /** Adds the template, or replaces the one with its id. */
  define(input: unknown): SubscribeTemplate {
    const template = parseTemplate(input)
    this.templates.set(template.id, template)
    return copy(template)
  }

  get(id: string): SubscribeTemplate | undefined {
    return this.templates.get(id)
  }

  list(): SubscribeTemplate[] {
    return [...this.templates.values()].map(copy)
  }

  /** Every template, the development ones included. */
  dump(): SubscribeTemplate[] {
    return this.list()
  }

  restore(templates: SubscribeTemplate[]): void {
    this.reset()
    for (const template of templates) this.templates.set(template.id, copy(template))
  }

  reset(): void {
    this.templates.clear()
    for (const template of this.defaults) this.templates.set(template.id, copy(template))
  }
}
