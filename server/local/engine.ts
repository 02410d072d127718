/**
 * The issuance engine wired for one machine: the local Pebble CA, real self-checks against
 * challtestsrv (standing in for authoritative DNS; http-01 files on 127.0.0.1), real keys.
 * Used by the local runtime, the tests and the benchmarks.
 */
import { randomBytes } from 'node:crypto';
import { AcmeClientGateway } from '../adapters/acme/acme-client-gateway';
import { NodeKeyService } from '../adapters/crypto/key-service';
import { localSelfCheckOptions, NetworkSelfCheck, resolverAt } from '../adapters/selfcheck';
import { jsonLogger, systemClock } from '../adapters/system';
import type { Cipher } from '../ports/cipher';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { Store } from '../ports/store';
import { createChannelSender } from '../adapters/notify/channel-sender';
import { generateWebhookSecret } from '../adapters/notify/webhook';
import { NodeTlsProbe } from '../adapters/probe/tls-probe';
import type { TlsProbe } from '../ports/tls-probe';
import { DNS_PROVIDER_FACTORIES } from '../adapters/dns/registry';
import { createCaRegistry, type DeliveryServices, type DnsServices, type EngineDeps } from '../usecases/engine';
import type { PebbleStack } from './pebble';

/** What the engine needs to know of the local CA stack (a PebbleStack has it all). */
export type LocalCa = Pick<PebbleStack, 'directoryUrl' | 'caCertPem' | 'dnsServer' | 'httpChallengePort'>;

const gateway = new AcmeClientGateway();
const keys = new NodeKeyService();

export function createLocalEngine(input: {
  stack: LocalCa;
  store: Store;
  cipher: Cipher;
  clock?: Clock;
  logger?: Logger;
  /** Reach the CA at another URL, e.g. a fault-injecting proxy in front of Pebble. */
  directoryUrl?: string;
  /** How notifications leave; default: the real channel senders (loopback allowed), no WeChat. */
  delivery?: Partial<DeliveryServices>;
  /** Default: the real probe, loopback allowed, names resolved at challtestsrv, the system's trust store. */
  probe?: TlsProbe;
  /** Default: the real DNS provider adapters, no delegation zone, no acmehttp. */
  dns?: Partial<DnsServices>;
}): EngineDeps {
  const directoryUrl = input.directoryUrl ?? input.stack.directoryUrl;
  return {
    store: input.store,
    acme: gateway,
    keys,
    cipher: input.cipher,
    selfCheck: new NetworkSelfCheck(localSelfCheckOptions(input.stack.dnsServer, input.stack.httpChallengePort)),
    cas: createCaRegistry({
      timeoutMs: 10_000,
      directoryUrls: { pebble: directoryUrl },
      perDirectory: { [directoryUrl]: { trustPem: input.stack.caCertPem } },
    }),
    clock: input.clock ?? systemClock,
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    logger: input.logger ?? jsonLogger('engine', () => undefined),
    leaseOwner: `local-${process.pid}-${randomBytes(4).toString('hex')}`,
    // Names resolve at challtestsrv (loopback), never through the machine's own resolver.
    probe: input.probe ?? new NodeTlsProbe({ policy: { allowLoopback: true }, resolve: resolverAt(input.stack.dnsServer) }),
    dns: { providers: DNS_PROVIDER_FACTORIES, delegation: null, acmeHttpBaseUrl: null, ...input.dns },
    delivery: {
      channels: createChannelSender({ smtp: null, policy: { allowLoopback: true } }),
      // WeChat's servers cannot be reached from here: subscription messages need a double.
      subscribe: null,
      templates: [],
      miniprogramState: 'developer',
      allowLoopback: true,
      newWebhookSecret: generateWebhookSecret,
      ...input.delivery,
    },
  };
}
