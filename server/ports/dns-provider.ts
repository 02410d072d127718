/**
 * A DNS provider's API, used to publish dns-01 TXT records without a person: find the zone for a
 * name, create a TXT record and get a handle back, remove exactly that record by its handle, and
 * test that the credentials work. One adapter per vendor (`server/adapters/dns/`), each behind a
 * descriptor in `domain/dns-providers.ts`.
 */
import type { DnsProviderId } from '../domain/dns-providers';

/** The user's credential fields for one provider, by field key (see the descriptor). Never logged. */
export type DnsCredentials = Readonly<Record<string, string>>;

/** Exactly one record created by `createTxt`, enough to delete it and nothing else. */
export interface TxtRecordHandle {
  provider: DnsProviderId;
  /** The zone as the vendor names it, e.g. `example.com`. */
  zone: string;
  /** The vendor's id of the zone, when its API needs one (Cloudflare, Huawei); else the zone name. */
  zoneId: string;
  /** The vendor's id of the record. */
  recordId: string;
  /** Fully qualified name without the trailing dot, e.g. `_acme-challenge.www.example.com`. */
  fqdn: string;
  value: string;
}

export interface DnsZone {
  zone: string;
  zoneId: string;
}

export interface DnsProvider {
  /**
   * The zone that holds `fqdn` in this account: the longest suffix of it the vendor has (so
   * `_acme-challenge.a.b.example.com` finds `b.example.com` if that is a zone, else `example.com`).
   * Throws `DnsProviderError` `zoneNotFound` when none is.
   */
  findZone(fqdn: string): Promise<DnsZone>;
  /** Adds a TXT record (never replaces another one: dns-01 for `x` and `*.x` needs two values). */
  createTxt(fqdn: string, value: string, ttlSeconds?: number): Promise<TxtRecordHandle>;
  /** Removes exactly the record of `handle`; a record already gone is not an error. */
  deleteTxt(handle: TxtRecordHandle): Promise<void>;
  /** Checks that the credentials are valid and may read zones; resolves with how many zones they see. */
  testConnection(): Promise<{ zones: number }>;
}

export type DnsProviderErrorKind =
  /** Wrong key or secret, or a bad signature. */
  | 'badCredentials'
  /** The key is valid but lacks the permission. */
  | 'noPermission'
  | 'zoneNotFound'
  | 'recordExists'
  | 'rateLimited'
  /** Could not reach the vendor, or it timed out. */
  | 'unreachable'
  /** Anything else the vendor said. */
  | 'vendor';

export class DnsProviderError extends Error {
  constructor(
    readonly kind: DnsProviderErrorKind,
    /** English, for logs: the vendor's code and message, never credentials. */
    message: string,
    /** The vendor's own error code, e.g. `AuthFailure.SignatureFailure`. */
    readonly vendorCode: string | null = null,
  ) {
    super(message);
    this.name = 'DnsProviderError';
  }

  get retryable(): boolean {
    return this.kind === 'rateLimited' || this.kind === 'unreachable';
  }
}

export interface DnsProviderOptions {
  /** The vendor API's base URL; tests point it at a loopback server. Default: the vendor's. */
  endpoint?: string;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  /** For request signatures (timestamps). */
  now?: () => number;
}

export type DnsProviderFactory = (credentials: DnsCredentials, options?: DnsProviderOptions) => DnsProvider;
