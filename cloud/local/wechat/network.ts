import { isIP } from 'node:net'
import { WxError } from './errors'

/** A caller address in both forms WeChat prints: dotted IPv4 (when there is one) and IPv6. */
export interface CallerIp {
  v4: string | null
  v6: string
}

/** Node reports IPv4 callers as `1.2.3.4` or, on a dual-stack socket, `::ffff:1.2.3.4`. */
export function normalizeIp(raw: string): CallerIp {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw)
  if (mapped) return { v4: mapped[1], v6: `::ffff:${mapped[1]}` }
  if (isIP(raw) === 4) return { v4: raw, v6: `::ffff:${raw}` }
  return { v4: null, v6: raw }
}

/**
 * The Official Account's IP whitelist. WeChat refuses token fetches and API calls from any other
 * address with 40164, naming the address it saw; the simulator can pretend the caller comes from
 * elsewhere so a test on 127.0.0.1 can see that failure.
 */
export class IpWhitelist {
  private allowed: Set<string> | 'any' = 'any'
  private pretend: CallerIp | null = null

  constructor(allowed: string[] | 'any' = 'any') {
    this.setAllowed(allowed)
  }

  setAllowed(allowed: string[] | 'any'): void {
    for (const ip of allowed === 'any' ? [] : allowed) {
      if (isIP(ip) === 0) throw new Error(`not an IP address: ${JSON.stringify(ip)}`)
    }
    this.allowed = allowed === 'any' ? 'any' : new Set(allowed.map(canonical))
  }

  /** Every request is then treated as coming from this address (null: the real socket address). */
  setCallerIp(ip: string | null): void {
    if (ip !== null && isIP(ip) === 0) throw new Error(`not an IP address: ${JSON.stringify(ip)}`)
    this.pretend = ip === null ? null : normalizeIp(ip)
  }

  /** The address a request is judged by. */
  callerOf(socketAddress: string | undefined): CallerIp {
    return this.pretend ?? normalizeIp(socketAddress ?? '0.0.0.0')
  }

  snapshot(): { allowedIps: string[] | 'any'; callerIp: string | null } {
    return { allowedIps: this.allowed === 'any' ? 'any' : [...this.allowed], callerIp: this.pretend ? (this.pretend.v4 ?? this.pretend.v6) : null }
  }

  /** Throws WeChat's 40164, naming the caller, unless the caller is whitelisted. */
  check(caller: CallerIp): void {
    if (this.allowed === 'any') return
    if ((caller.v4 !== null && this.allowed.has(caller.v4)) || this.allowed.has(canonical(caller.v6))) return
    throw ipRefusal(caller)
  }
}

/** WeChat's wording: `invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist`. */
export function ipRefusal(caller: CallerIp): WxError {
  return new WxError(40164, `invalid ip ${caller.v4 ?? caller.v6} ipv6 ${caller.v6}, not in whitelist`)
}

function canonical(ip: string): string {
  const { v4, v6 } = normalizeIp(ip)
  return v4 ?? v6.toLowerCase()
}
