/**
 * The view layer, as far as a test needs it: the page data Taro sends with `setData` (a tree of
 * `{nn, sid, uid?, cl?, v?, cn, p0..pN}` nodes), and the build's own base template, which says for
 * each node name (`nn`) which component it is, which attribute each `pN` feeds, and which events
 * it binds to Taro's handler `eh`. Nothing is rendered; elements are found by their text, id,
 * class, placeholder or tag, as WeChat's automator would find them in the WXML.
 */

export interface TemplateInfo {
  /** The component: view, text, button, input, image, ... */
  tag: string
  /** Attribute name (kebab-case) → the data key that feeds it (`p3`, `cl`, `uid`...). */
  attributes: Map<string, string>
  /** Event type (lowercase, e.g. `tap`, `input`) → whether the template binds or catches it. */
  events: Map<string, 'bind' | 'catch'>
}

/** Node names Taro uses for text nodes; their value is in `v`. */
const TEXT_NODE_TEMPLATE = /^\s*<block>\{\{i\.v\}\}<\/block>\s*$/

/** Reads `tmpl_0_<nn>` templates out of base.wxml / base.axml / base.ttml. */
export function parseBaseTemplate(source: string): { elements: Map<string, TemplateInfo>; textNodes: Set<string> } {
  const bodies = new Map<string, string>()
  const templatePattern = /<template name="tmpl_0_([A-Za-z0-9_-]+)">([\s\S]*?)<\/template>/g
  for (const match of source.matchAll(templatePattern)) bodies.set(match[1], match[2])

  const elements = new Map<string, TemplateInfo>()
  const textNodes = new Set<string>()
  for (const [name, body] of bodies) {
    if (TEXT_NODE_TEMPLATE.test(body)) {
      textNodes.add(name)
      continue
    }
    // Inputs dispatch to a focus/blur variant; both bind the same events.
    const effective = /^\s*<template is=/.test(body) ? bodies.get(`${name}_blur`) : body
    if (!effective) continue
    const open = /<([a-z][a-z0-9-]*)\s([^>]*)>/.exec(effective)
    if (!open || open[1] === 'template') continue
    const info: TemplateInfo = { tag: open[1], attributes: new Map(), events: new Map() }
    for (const attr of open[2].matchAll(/([A-Za-z:-]+)="([^"]*)"/g)) {
      const [, attrName, value] = attr
      const event = /^(bind|catch|on)([A-Za-z]+)$/.exec(attrName)
      if (event && value === 'eh') {
        info.events.set(event[2].toLowerCase(), event[1] === 'catch' ? 'catch' : 'bind')
        continue
      }
      const key = /\bi\.([A-Za-z0-9]+)/.exec(value)
      if (key) info.attributes.set(attrName, key[1])
    }
    elements.set(name, info)
  }
  return { elements, textNodes }
}

/** One node of the page data. */
export interface DataNode {
  nn: string
  sid: string
  uid?: string
  cl?: string
  v?: string
  cn?: DataNode[]
  [key: string]: unknown
}

/** Applies one `setData` key (`root.cn.[0].cn.[2].v`, `a.b[1]`) to the page data. */
export function applyPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys: (string | number)[] = []
  for (const part of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part)
    if (!match) throw new Error(`setData: unsupported path "${path}"`)
    if (match[1]) keys.push(match[1])
    for (const index of match[2].matchAll(/\[(\d+)\]/g)) keys.push(Number(index[1]))
  }
  let cursor: Record<string | number, unknown> = target
  keys.forEach((key, position) => {
    if (position === keys.length - 1) {
      cursor[key] = value
      return
    }
    const next = cursor[key]
    if (next === null || typeof next !== 'object') cursor[key] = typeof keys[position + 1] === 'number' ? [] : {}
    cursor = cursor[key] as Record<string | number, unknown>
  })
}

/** An element of the rendered page, with its attributes named as in the template. */
export class ViewElement {
  constructor(
    readonly node: DataNode,
    readonly info: TemplateInfo,
    readonly parent: ViewElement | null,
    private readonly catalog: ViewCatalog,
  ) {}

  get tag(): string {
    return this.info.tag
  }

  /** The id Taro gives the host (`uid` when the element has an `id`, otherwise `sid`). */
  get hostId(): string {
    return this.node.uid ?? this.node.sid
  }

  get classes(): string[] {
    return (this.node.cl ?? '').split(/\s+/).filter(Boolean)
  }

  attribute(name: string): unknown {
    const key = this.info.attributes.get(name)
    return key === undefined ? undefined : this.node[key]
  }

  /** The text this element shows: its text nodes, joined; child elements on their own lines. */
  get text(): string {
    return this.catalog.textOf(this.node).trim()
  }

  children(): ViewElement[] {
    return (this.node.cn ?? []).flatMap((child) => {
      const info = this.catalog.elements.get(child.nn)
      return info ? [new ViewElement(child, info, this, this.catalog)] : []
    })
  }

  /** This element and its ancestors, innermost first: the path an event bubbles along. */
  bubblePath(): ViewElement[] {
    return this.parent ? [this, ...this.parent.bubblePath()] : [this]
  }

  describe(): string {
    const classes = this.classes.length ? `.${this.classes.join('.')}` : ''
    const text = this.text.replace(/\s+/g, ' ').slice(0, 40)
    return `<${this.tag}${classes}>${text ? ` "${text}"` : ''}`
  }
}

/** The template catalog of one build and the queries over a page's data. */
export class ViewCatalog {
  readonly elements: Map<string, TemplateInfo>
  private readonly textNodes: Set<string>

  constructor(baseTemplateSource: string) {
    const parsed = parseBaseTemplate(baseTemplateSource)
    this.elements = parsed.elements
    this.textNodes = parsed.textNodes
  }

  isText(node: DataNode): boolean {
    return this.textNodes.has(node.nn) || (node.v !== undefined && !this.elements.has(node.nn))
  }

  textOf(node: DataNode): string {
    if (this.isText(node)) return String(node.v ?? '')
    const parts: string[] = []
    let inline = ''
    for (const child of node.cn ?? []) {
      if (this.isText(child)) {
        inline += String(child.v ?? '')
        continue
      }
      if (inline) parts.push(inline)
      inline = ''
      const nested = this.textOf(child)
      if (nested) parts.push(nested)
    }
    if (inline) parts.push(inline)
    return parts.join('\n')
  }

  /** Every element of the page, depth first, parents before children. */
  all(root: DataNode[]): ViewElement[] {
    const out: ViewElement[] = []
    const walk = (element: ViewElement) => {
      out.push(element)
      for (const child of element.children()) walk(child)
    }
    for (const node of root) {
      const info = this.elements.get(node.nn)
      if (info) walk(new ViewElement(node, info, null, this))
    }
    return out
  }
}
