/**
 * A monitored endpoint: a host and port whose served certificate is checked on a schedule, made
 * for every name of an issued certificate or added by hand.
 */
import type { StoredDoc } from '../ports/store';
import type { TlsVersion } from '../ports/tls-probe';
import { isIpLiteral, parseIpv6 } from './address';
import { ENDPOINT_TARGET_MESSAGES } from './endpoint.messages.zh';
import { InputRejectedError } from './errors';
import { parseName } from './names';
import type { EndpointEvaluation } from './tls-evaluation';

export interface EndpointDoc extends StoredDoc {
  ownerId: string;
  /** A-label host name (or an IP literal, which the WeChat check then fails). */
  host: string;
  /** For display: Unicode form of an IDN. */
  displayHost: string;
  port: number;
  /** Whether the user wrote the port (WeChat's rules differ for `:443` written out). */
  portExplicit: boolean;
  source: 'certificate' | 'manual';
  /** The certificate this endpoint was made for; null when added by hand. */
  certificateId: string | null;
  /** The latest check; null before the first. */
  last: EndpointCheck | null;
  /** Earlier checks, newest first, at most `HISTORY_LENGTH`. */
  history: EndpointHistoryEntry[];
  /**
   * Since when the server has served something other than the certificate CertKeeper issued last
   * (after a renewal, say); null when it serves the issued one or nothing is known.
   */
  mismatchSince: number | null;
  createdAt: number;
  updatedAt: number;
  nextActionAt: number | null;
}

export interface EndpointCheck {
  at: number;
  evaluation: EndpointEvaluation;
  /** Per address, what it served and spoke (for the detail page). */
  addresses: EndpointAddressFacts[];
}

export interface EndpointAddressFacts {
  address: string;
  protocol: TlsVersion | null;
  cipher: string | null;
  versions: Record<TlsVersion, boolean | null>;
  trusted: boolean;
  /** SHA-256 of the served leaf. */
  fingerprintSha256: string | null;
  chain: { subject: string; issuer: string; notAfter: number; keyType: string; keyBits: number | null; signatureAlgorithm: string }[];
  failure: string | null;
}

export interface EndpointHistoryEntry {
  at: number;
  verdict: EndpointEvaluation['verdict'];
  fingerprintSha256: string | null;
  notAfter: number | null;
}

export const HISTORY_LENGTH = 30;
/** Endpoints a user may monitor. */
export const MAX_ENDPOINTS = 50;
/** Scheduled checks: every six hours, each endpoint at its own offset so they do not all come at once. */
export const PROBE_INTERVAL_MS = 6 * 3_600_000;
/** How long after a renewal the server may still serve the old certificate before the user is told. */
export const DEPLOY_GRACE_MS = 86_400_000;

/** The next scheduled check after `now`, spread over the interval by the endpoint's id. */
export function nextProbeAt(endpointId: string, now: number): number {
  let hash = 0;
  for (const char of endpointId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const offset = hash % PROBE_INTERVAL_MS;
  const slot = Math.floor((now - offset) / PROBE_INTERVAL_MS) + 1;
  return slot * PROBE_INTERVAL_MS + offset;
}

export interface EndpointTarget {
  host: string;
  displayHost: string;
  port: number;
  portExplicit: boolean;
}

/**
 * What the user typed as an endpoint: `host`, `host:port`, or a URL (`https://host[:port]/…`, the
 * path ignored). Throws `InputRejectedError` on the field `target`.
 */
export function parseEndpointTarget(text: string, policy: { allowReservedNames: boolean }): EndpointTarget {
  const reject = (rule: keyof typeof ENDPOINT_TARGET_MESSAGES): never => {
    throw new InputRejectedError([{ field: 'target', rule, message: ENDPOINT_TARGET_MESSAGES[rule] }]);
  };
  let rest = text.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (scheme) {
    if (scheme[1]?.toLowerCase() !== 'https') reject('httpsOnly');
    rest = rest.slice(scheme[0].length);
  }
  rest = rest.split(/[/?#]/)[0] ?? '';
  if (rest.includes('@')) reject('userinfo');
  let host = rest;
  let portText: string | null = null;
  const bracketed = /^\[([^\]]+)\](?::(\d*))?$/.exec(rest);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2] ?? null;
  } else if (rest.split(':').length === 2) {
    [host, portText] = rest.split(':') as [string, string];
  }
  if (host === '') reject('empty');
  let port = 443;
  if (portText !== null) {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : 0;
    if (port < 1 || port > 65_535) reject('port');
  }
  const portExplicit = portText !== null;
  if (isIpLiteral(host) || parseIpv6(host) !== null) return { host: host.toLowerCase(), displayHost: host.toLowerCase(), port, portExplicit };
  const parsed = parseName(host, { allowReservedNames: policy.allowReservedNames });
  if (!parsed.ok) return reject('hostInvalid');
  if (parsed.name.wildcard) reject('wildcard');
  return { host: parsed.name.ascii, displayHost: parsed.name.unicode, port, portExplicit };
}

/** `https://host[:port]` as it would be written in 服务器域名. */
export function endpointUrl(target: Pick<EndpointTarget, 'host' | 'port' | 'portExplicit'>): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return target.portExplicit ? `https://${host}:${target.port}` : `https://${host}`;
}
