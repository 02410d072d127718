/**
 * Host names as TLS clients compare them: normalised, IP literals told apart, and certificate
 * names (with wildcards) matched the way browsers and phones do.
 */
import { isIpLiteral } from './address';
import { parseName } from './names';

/** Lower case, no trailing dot, no brackets, IDN as A-labels (`bücher.example` → `xn--bcher-kva.example`). */
export function normalizeHostname(name: string): string {
  const text = name.trim().toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
  if (!/[\u0080-\uffff]/.test(text)) return text;
  const parsed = parseName(text, { allowReservedNames: true });
  return parsed.ok ? parsed.name.ascii : text;
}

/** An IP literal, including the short forms a URL parser reads as IPv4 (`127.1`). */
export function isIpHost(host: string): boolean {
  const parsed = parseName(host, { allowReservedNames: true });
  return isIpLiteral(host) || (!parsed.ok && parsed.violation.rule === 'ipAddress');
}

/**
 * Whether a certificate name (a SAN dNSName) covers `host` (RFC 6125 §6.4, as browsers apply
 * it): case-insensitive; IDN compared as A-labels; `*` only as the whole leftmost label, matching
 * exactly one non-empty label — `*.example.com` covers `a.example.com`, never `example.com` nor
 * `a.b.example.com`; a wildcard over a single label (`*.com`) and partial ones (`w*.example.com`)
 * cover nothing. The Common Name is not consulted: iOS and Chrome use the SANs only.
 */
export function hostnameMatches(host: string, pattern: string): boolean {
  const name = normalizeHostname(host);
  const presented = normalizeHostname(pattern);
  if (name === '' || name.includes('*')) return false;
  if (!presented.startsWith('*.')) return !presented.includes('*') && presented === name;
  const base = presented.slice(2);
  const dot = name.indexOf('.');
  return !base.includes('*') && base.includes('.') && dot > 0 && name.slice(dot + 1) === base;
}
