import { WxError } from './errors'

/** A parsed JSON object (request bodies, cardExt). */
export type JsonObject = Record<string, unknown>

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Typed readers for request fields. Each names the field path in its error, so a refused call
 * says exactly which field to fix; a missing field is 41011, a wrong type 47001 (what WeChat
 * answers for JSON it cannot map onto its schema).
 */
export function requireObject(parent: JsonObject, key: string, path: string): JsonObject {
  const value = parent[key]
  if (value === undefined || value === null) throw WxError.hint(41011, `${path}${key}`)
  if (!isObject(value)) throw WxError.hint(47001, `${path}${key} must be an object`)
  return value
}

export function requireString(parent: JsonObject, key: string, path = ''): string {
  const value = parent[key]
  if (value === undefined || value === null || value === '') throw WxError.hint(41011, `${path}${key}`)
  if (typeof value !== 'string') throw WxError.hint(47001, `${path}${key} must be a string`)
  return value
}

export function optionalString(parent: JsonObject, key: string, path = ''): string | undefined {
  const value = parent[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw WxError.hint(47001, `${path}${key} must be a string`)
  return value
}

export function requireInteger(parent: JsonObject, key: string, path = ''): number {
  const value = parent[key]
  if (value === undefined || value === null) throw WxError.hint(41011, `${path}${key}`)
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw WxError.hint(47001, `${path}${key} must be an integer`)
  return value
}

export function optionalInteger(parent: JsonObject, key: string, path = ''): number | undefined {
  const value = parent[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw WxError.hint(47001, `${path}${key} must be an integer`)
  return value
}

export function optionalBoolean(parent: JsonObject, key: string, path = ''): boolean | undefined {
  const value = parent[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw WxError.hint(47001, `${path}${key} must be true or false`)
  return value
}

export function optionalStringArray(parent: JsonObject, key: string, path = ''): string[] | undefined {
  const value = parent[key]
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw WxError.hint(47001, `${path}${key} must be an array of strings`)
  return value as string[]
}
