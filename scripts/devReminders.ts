/**
 * The functions' development configuration for subscribe messages: the WeChat simulator's default
 * templates (cloud/local/wechat/devTemplates.ts), each keyword filled with the fact that fits it.
 * `npm run dev` / `serve` and the test stacks pass it as TICKETCARD_SUBSCRIBE_TEMPLATES.
 */
import { DEV_SUBSCRIBE_TEMPLATES } from '../cloud/local/wechat/devTemplates'
import type { FieldSource, SubscribeTemplate } from '../cloud/src/domain/subscribeTemplates'

/** What each keyword of the development templates says: the event, when, where, and the code's last digits. */
const DEV_FIELDS: Record<string, FieldSource> = {
  thing1: 'event.title',
  time2: 'session.time',
  thing3: 'session.place',
  character_string4: 'ticket.codeTail',
}

export const DEV_TEMPLATES: SubscribeTemplate[] = DEV_SUBSCRIBE_TEMPLATES.map((template) => ({
  id: template.id,
  kind: template.kind,
  fields: Object.fromEntries(Object.keys(template.keywords).map((keyword) => [keyword, DEV_FIELDS[keyword]])),
}))

export const DEV_SUBSCRIBE_TEMPLATES_SETTING = JSON.stringify(DEV_TEMPLATES)
