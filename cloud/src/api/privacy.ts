/**
 * The privacy notice the reservation form links to. Its text lives with the app's other Chinese
 * copy (src/i18n/zh-CN.ts); this version names it. A reservation carries the version the person
 * agreed to, and the backend refuses any other: when the notice changes, people agree again.
 */
export const PRIVACY_NOTICE_VERSION = '2026-12-02'

/** Days after a session ends before its tickets' personal data is erased, unless configured. */
export const DEFAULT_RETENTION_DAYS = 30
