/**
 * `TlsProbe` with node:tls: what a server really serves, address by address.
 *
 * - The host is read the way a URL parser reads it (`2130706433`, `0x7f.0.0.1` and `127.1` are
 *   127.0.0.1; names become lower-case A-labels), then resolved here (A and AAAA, all addresses).
 *   Every address is judged by the address rules (`domain/address.ts`); refused ones are listed in
 *   `refused` and never connected to. An IP literal is judged the same way, and probed without SNI.
 * - Per allowed address (all at once): first the client's best offer (TLS 1.2–1.3, Node's default
 *   ciphers) with the trust store as the only roots. Its bytes are recorded, so the chain reported
 *   is exactly what the server sent (`served-chain.ts`); `trusted` is OpenSSL's verdict on that chain
 *   (no AIA fetching, no name check, key sizes and digests not judged: those are facts per
 *   certificate). Then, concurrently, one handshake pinned to each other version, with the security
 *   level lowered so that TLS 1.0/1.1 can still be spoken. When the best offer fails in the TLS
 *   layer, the facts come from the newest pinned version that worked; when it fails to connect or
 *   times out, nothing more is tried, so a probe lasts at most about connect + handshake timeout
 *   (plus one more handshake timeout for pinned versions a server leaves unanswered).
 * - A server's misbehaviour never throws: it is a `failure` (connect / timeout / handshake) or a
 *   fact. If a served chain cannot be read back although OpenSSL accepted the handshake, the address
 *   is a handshake failure naming why, rather than reported with a chain it did not serve.
 */
import { performance } from 'node:perf_hooks';
import { createSecureContext, DEFAULT_CIPHERS, type SecureContext } from 'node:tls';
import { describeAddress, isAllowedTarget, isIpLiteral, type TargetPolicy } from '../../domain/address';
import type { Clock } from '../../ports/clock';
import {
  TLS_VERSIONS,
  type AddressProbe,
  type ProbeResult,
  type ProbeTarget,
  type TlsProbe,
  type TlsVersion,
  type TrustError,
} from '../../ports/tls-probe';
import { errorText, systemResolve, withDeadline, type Resolve } from '../outgoing-address';
import { systemClock } from '../system';
import { isOrdered, parseServedCertificate } from './certificate-facts';
import { handshake, type HandshakeOutcome } from './handshake';
import { servedChain } from './served-chain';

export interface NodeTlsProbeOptions {
  /** `allowLoopback` only in the local runtime and tests. */
  policy: TargetPolicy;
  /** Name → addresses; default: the system resolver (A and AAAA). */
  resolve?: Resolve;
  /**
   * PEM roots; when given, the only trusted roots. Default: Node's own store, its bundled Mozilla
   * roots (`tls.rootCertificates`, plus `NODE_EXTRA_CA_CERTS` when set), built once per process.
   */
  trustPem?: string;
  /** Per connection attempt; default 5000. Also bounds name resolution. */
  connectTimeoutMs?: number;
  /** Per handshake, from the TCP connection on; default 5000. */
  handshakeTimeoutMs?: number;
  clock?: Clock;
}

type ContextName = 'best' | TlsVersion;
type Completed = Extract<HandshakeOutcome, { ok: true }>;

const TRUST_ERRORS: readonly TrustError[] = [
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_SIGNATURE_FAILURE',
];
const CERTIFICATE_PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
/** Node's default offer, with OpenSSL's security level lowered so weak keys still complete the handshake. */
const MODERN_CIPHERS = `${DEFAULT_CIPHERS}:@SECLEVEL=0`;
/** TLS 1.0/1.1 need SHA-1 handshake signatures, which OpenSSL 3 refuses above level 0. */
const LEGACY_CIPHERS = 'DEFAULT@SECLEVEL=0';

export class NodeTlsProbe implements TlsProbe {
  private readonly resolve: Resolve;
  private readonly clock: Clock;
  private readonly connectTimeoutMs: number;
  private readonly handshakeTimeoutMs: number;
  /** Null: Node's default store. */
  private readonly ca: string[] | null;
  /** Built once, on first use: parsing the trust store per connection would cost more than the handshake. */
  private contextCache: Record<ContextName, SecureContext> | null = null;

  constructor(private readonly options: NodeTlsProbeOptions) {
    this.resolve = options.resolve ?? systemResolve;
    this.clock = options.clock ?? systemClock;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 5000;
    this.ca = options.trustPem === undefined ? null : (options.trustPem.match(CERTIFICATE_PEM) ?? []);
    if (this.ca?.length === 0) throw new Error('tls probe: trustPem holds no PEM certificate');
  }

  private get contexts(): Record<ContextName, SecureContext> {
    const context = (minVersion: TlsVersion, maxVersion: TlsVersion, ciphers: string) =>
      createSecureContext({ ...(this.ca === null ? {} : { ca: this.ca }), minVersion, maxVersion, ciphers });
    this.contextCache ??= {
      best: context('TLSv1.2', 'TLSv1.3', MODERN_CIPHERS),
      TLSv1: context('TLSv1', 'TLSv1', LEGACY_CIPHERS),
      'TLSv1.1': context('TLSv1.1', 'TLSv1.1', LEGACY_CIPHERS),
      'TLSv1.2': context('TLSv1.2', 'TLSv1.2', MODERN_CIPHERS),
      'TLSv1.3': context('TLSv1.3', 'TLSv1.3', MODERN_CIPHERS),
    };
    return this.contextCache;
  }

  async probe(target: ProbeTarget): Promise<ProbeResult> {
    const at = this.clock.now();
    const started = performance.now();
    const normalised = normaliseHost(target.host);
    const host = 'host' in normalised ? normalised.host : target.host;
    const base = { host, port: target.port, at, refused: [], addresses: [] };
    const done = (result: Omit<ProbeResult, 'elapsedMs'>): ProbeResult => ({ ...result, elapsedMs: Math.round(performance.now() - started) });

    if ('error' in normalised) return done({ ...base, resolveError: { kind: 'failed', detail: normalised.error } });
    if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
      return done({ ...base, resolveError: { kind: 'failed', detail: `${target.port} is not a TCP port` } });
    }
    const resolved = normalised.literal ? { addresses: [host] } : await this.addressesOf(host);
    if ('kind' in resolved) return done({ ...base, resolveError: resolved });

    const refused: ProbeResult['refused'] = [];
    const allowed: string[] = [];
    for (const address of new Set(resolved.addresses)) {
      if (isAllowedTarget(address, this.options.policy)) allowed.push(address);
      else refused.push({ address, addressClass: describeAddress(address).class });
    }
    if (allowed.length === 0) {
      const detail = `${host} resolves only to refused addresses: ${refused.map((r) => `${r.address} (${r.addressClass})`).join(', ')}`;
      return done({ ...base, refused, resolveError: { kind: 'refusedOnly', detail } });
    }
    const servername = normalised.literal ? null : host;
    const addresses = await Promise.all(allowed.map((address) => this.probeAddress(servername, address, target.port)));
    return done({ ...base, refused, resolveError: null, addresses });
  }

  private async addressesOf(host: string): Promise<{ addresses: string[] } | NonNullable<ProbeResult['resolveError']>> {
    let addresses: string[] | 'deadline';
    try {
      addresses = await withDeadline(this.resolve(host), Date.now() + this.connectTimeoutMs);
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
      const kind = code === 'ENOTFOUND' || code === 'ENODATA' ? 'notFound' : 'failed';
      return { kind, detail: `${host} does not resolve: ${errorText(error)}` };
    }
    if (addresses === 'deadline') return { kind: 'failed', detail: `${host} did not resolve within ${this.connectTimeoutMs} ms` };
    if (addresses.length === 0) return { kind: 'notFound', detail: `${host} has no addresses` };
    return { addresses };
  }

  private async probeAddress(servername: string | null, address: string, port: number): Promise<AddressProbe> {
    const family = describeAddress(address).version === 6 ? 6 : 4;
    const attempt = (context: ContextName, capture: boolean) =>
      handshake({
        address, port, servername, context: this.contexts[context], capture,
        connectTimeoutMs: this.connectTimeoutMs, handshakeTimeoutMs: this.handshakeTimeoutMs,
      });
    const versions: Record<TlsVersion, boolean | null> = { TLSv1: null, 'TLSv1.1': null, 'TLSv1.2': null, 'TLSv1.3': null };
    const failed = (failure: AddressProbe['failure']): AddressProbe => ({
      address, family, failure, protocol: null, cipher: null, chain: [], versions, trusted: false, trustError: null, ordered: false,
    });

    const best = await attempt('best', true);
    if (!best.ok && best.kind !== 'handshake') return failed({ kind: best.kind, detail: best.detail });
    if (best.ok) versions[best.protocol] = true;
    // When the best offer failed, the pinned handshakes record too: one of them supplies the facts.
    const pinned = await Promise.all(
      TLS_VERSIONS.filter((version) => !(best.ok && best.protocol === version)).map(async (version) => ({ version, outcome: await attempt(version, !best.ok) })),
    );
    for (const { version, outcome } of pinned) versions[version] = outcome.ok ? true : outcome.connected ? false : null;
    let main: Completed;
    if (best.ok) main = best;
    else {
      // TLS_VERSIONS is oldest first: the last that worked is the newest.
      const newest = pinned.map(({ outcome }) => outcome).filter((outcome): outcome is Completed => outcome.ok).at(-1);
      if (newest === undefined) return failed({ kind: best.kind, detail: best.detail });
      main = newest;
    }

    const facts = readChain(main);
    if ('error' in facts) return failed({ kind: 'handshake', detail: facts.error });
    return {
      address,
      family,
      failure: null,
      protocol: main.protocol,
      cipher: main.cipher,
      chain: facts.chain.map((cert) => cert.facts),
      versions,
      trusted: main.authorized,
      trustError: main.authorized ? null : trustError(main.authorizationError),
      ordered: isOrdered(facts.chain.map((cert) => cert.node)),
    };
  }
}

/** The served chain of a recorded handshake, parsed. */
function readChain(outcome: Completed): { chain: ReturnType<typeof parseServedCertificate>[] } | { error: string } {
  if (outcome.capture === null) return { error: 'the handshake was not recorded' };
  try {
    const ders = servedChain({ ...outcome.capture, protocol: outcome.protocol, cipherSuite: outcome.cipher });
    if (ders.length === 0) return { error: 'the server sent no certificate' };
    return { chain: ders.map((der) => parseServedCertificate(der)) };
  } catch (error) {
    return { error: `cannot read the served certificate chain: ${errorText(error)}` };
  }
}

function trustError(code: string | null): TrustError {
  return TRUST_ERRORS.find((known) => known === code) ?? 'OTHER';
}

/**
 * The host as a URL parser reads it: an IP literal (IPv4 in any of the shorthand forms resolvers
 * accept, canonicalised; IPv6 with or without brackets) or a lower-case A-label name. Ports,
 * paths, user info and whitespace are refused.
 */
export function normaliseHost(input: string): { host: string; literal: boolean } | { error: string } {
  if (isIpLiteral(input)) return { host: input.replace(/^\[|\]$/g, '').toLowerCase(), literal: true };
  if (input === '' || /[\s:/?#@\\[\]]/.test(input)) return { error: `${JSON.stringify(input)} is not a host name` };
  let hostname: string;
  try {
    hostname = new URL(`https://${input}/`).hostname;
  } catch {
    return { error: `${JSON.stringify(input)} is not a host name` };
  }
  return { host: hostname, literal: isIpLiteral(hostname) };
}
