/**
 * What the issuance use cases need from the outside world, in one bundle the composition roots
 * (cloud functions, local runtime, tests) build.
 */
import type { AcmeGateway, CaEndpoint } from '../ports/acme';
import type { Cipher } from '../ports/cipher';
import type { Clock } from '../ports/clock';
import type { KeyService } from '../ports/keys';
import type { Logger } from '../ports/logger';
import type { ChannelSender, SubscribeMessageSender } from '../ports/notify';
import type { TlsProbe } from '../ports/tls-probe';
import type { DnsProvider, DnsProviderFactory } from '../ports/dns-provider';
import type { DnsProviderId } from '../domain/dns-providers';
import type { MessageField, TemplateKey } from '../domain/notification';
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
  /**
   * Pauses for a poll interval while the CA validates or issues, so one call can carry a fast
   * order to its end. Only short waits inside the step budget use it (`INLINE_POLL_WAIT_MS`);
   * never a back-off or a Retry-After. Absent: the call returns and a later call continues.
   */
  wait?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1): picks the renewal moment inside an ARI window (spreads load, RFC 9773 §4.2). */
  random?: () => number;
  /** Names this process's leases; each call adds its own sequence number (see `leaseToken`). */
  leaseOwner: string;
  delivery: DeliveryServices;
  /** Checks what servers really serve (monitored endpoints). */
  probe: TlsProbe;
  dns: DnsServices;
}

/** What hands-free validation needs. */
export interface DnsServices {
  /** A client for each DNS provider, made from a stored credential's fields. */
  providers: Readonly<Record<DnsProviderId, DnsProviderFactory>>;
  /** The operator's delegation zone and the provider that writes in it; null when not offered. */
  delegation: { zone: string; provider: DnsProvider } | null;
  /** Public base URL of the `acmehttp` function users redirect to; null when not offered. */
  acmeHttpBaseUrl: string | null;
}

/** A WeChat subscription-message template the operator configured, and how its keywords are filled. */
export interface SubscriptionTemplate {
  key: TemplateKey;
  templateId: string;
  /** What the template is for, shown in the app, e.g. "证书到期提醒". */
  title: string;
  /** Keyword name (e.g. `thing1`) → the message field that fills it. */
  keywords: Record<string, MessageField>;
}

/** How notifications leave: the user's channels and WeChat subscription messages. */
export interface DeliveryServices {
  channels: ChannelSender;
  /** Null when this deployment has no WeChat (the local runtime without a double). */
  subscribe: SubscribeMessageSender | null;
  /** At most one per template key; empty when WeChat reminders are not configured. */
  templates: readonly SubscriptionTemplate[];
  /** Which Mini Program version the message opens. */
  miniprogramState: 'developer' | 'trial' | 'formal';
  /** Local runtime and tests only: channels may point at loopback servers. */
  allowLoopback: boolean;
  /** A fresh signing secret for a webhook channel. */
  newWebhookSecret: () => string;
}

let leaseSequence = 0;

/**
 * A lease owner unique to one call. Calls sharing `deps` (the local runtime, tests) must not share
 * a lease: a holder may re-take its own lease, which would let two calls in at once.
 */
export function leaseToken(deps: Pick<EngineDeps, 'leaseOwner'>): string {
  leaseSequence += 1;
  return `${deps.leaseOwner}#${leaseSequence}`;
}

/** How long one `advanceOrder` call may keep stepping before it returns (platform limit 60 s). */
export const STEP_BUDGET_MS = 8_000;
/** The longest pause between polls that one call waits out itself. */
export const INLINE_POLL_WAIT_MS = 2_000;
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
