/**
 * What the issuance use cases need from the outside world, in one bundle the composition roots
 * (cloud functions, local runtime, tests) build.
 */
import type { AcmeGateway, CaEndpoint } from '../ports/acme';
import type { Cipher } from '../ports/cipher';
import type { Clock } from '../ports/clock';
import type { KeyService } from '../ports/keys';
import type { Logger } from '../ports/logger';
import type { ChallengeSelfCheck } from '../ports/self-check';
import type { Store } from '../ports/store';
import { CA_CATALOG, type CaId } from '../domain/ca-catalog';

export interface CaRegistry {
  /**
   * The directory URL for `caId`: the catalog's, the user's for `custom`, the runtime's for
   * `pebble`; null when this deployment does not offer the CA.
   */
  directoryUrl(caId: CaId, customDirectoryUrl: string | null): string | null;
  /** Network settings for a directory: configured mirror, proxy, timeout, extra roots. */
  endpoint(directoryUrl: string): CaEndpoint;
}

export interface EngineDeps {
  store: Store;
  acme: AcmeGateway;
  keys: KeyService;
  cipher: Cipher;
  selfCheck: ChallengeSelfCheck;
  cas: CaRegistry;
  clock: Clock;
  logger: Logger;
  /** Names this invocation's leases; unique per invocation. */
  leaseOwner: string;
}

/** How long one `advanceOrder` call may keep stepping before it returns (platform limit 60 s). */
export const STEP_BUDGET_MS = 8_000;
/** Lease on an order while a step runs; longer than any single step can take. */
export const ORDER_LEASE_MS = 45_000;

/**
 * A CaRegistry from settings: per-directory mirrors and proxies, one timeout, and the local
 * CA when the runtime has one.
 */
export function createCaRegistry(settings: {
  timeoutMs: number;
  /** Overrides of the catalog's directory URLs; the local CA (`pebble`) is only here. */
  directoryUrls: Partial<Record<CaId, string>>;
  perDirectory?: Record<string, { mirrorUrl?: string; proxyUrl?: string; trustPem?: string }>;
}): CaRegistry {
  return {
    directoryUrl(caId, customDirectoryUrl) {
      if (caId === 'custom') return customDirectoryUrl;
      return settings.directoryUrls[caId] ?? CA_CATALOG[caId].directoryUrl;
    },
    endpoint(directoryUrl) {
      const extra = settings.perDirectory?.[directoryUrl] ?? {};
      return {
        directoryUrl: extra.mirrorUrl ?? directoryUrl,
        timeoutMs: settings.timeoutMs,
        ...(extra.proxyUrl ? { proxyUrl: extra.proxyUrl } : {}),
        ...(extra.trustPem ? { trustPem: extra.trustPem } : {}),
      };
    },
  };
}
