/**
 * What the cloud functions run on: CloudBase database and storage, the master key from the
 * function's environment, public ACME CAs, real DNS and HTTP self-checks. Built per invocation and
 * lazily, so `ping` touches none of it.
 */
import { randomBytes } from 'node:crypto';
import { AcmeClientGateway } from '../adapters/acme/acme-client-gateway';
import { EnvelopeCipher } from '../adapters/crypto/envelope-cipher';
import { NodeKeyService } from '../adapters/crypto/key-service';
import { NetworkSelfCheck } from '../adapters/selfcheck';
import { CloudBaseStore } from '../adapters/store/cloudbase-store';
import { jsonLogger, systemClock } from '../adapters/system';
import { CloudFileStorage, cloudDatabase, cloudOpenApi, wechatCallerOpenId } from '../adapters/wechat/context';
import { createChannelSender } from '../adapters/notify/channel-sender';
import { generateWebhookSecret } from '../adapters/notify/webhook';
import { NodeTlsProbe } from '../adapters/probe/tls-probe';
import { CloudSubscribeMessageSender } from '../adapters/wechat/subscribe-message';
import { DNS_PROVIDER_FACTORIES } from '../adapters/dns/registry';
import { createCaRegistry, type DeliveryServices, type DnsServices, type EngineDeps } from '../usecases/engine';
import { readAutomationConfig } from './automation-config';
import { readDeliveryConfig, type DeliveryConfig } from './delivery-config';
import type { ApiDependencies } from './api';

/** Read once per instance: a wrong setting fails the cold start, naming the setting. */
let deliveryConfig: DeliveryConfig | null = null;
let dnsServices: DnsServices | null = null;

function cloudDelivery(): DeliveryServices {
  deliveryConfig ??= readDeliveryConfig(process.env);
  const { templates, miniprogramState, smtp } = deliveryConfig;
  return {
    channels: createChannelSender({ smtp, policy: { allowLoopback: false } }),
    subscribe: templates.length > 0 ? new CloudSubscribeMessageSender(cloudOpenApi()) : null,
    templates,
    miniprogramState,
    allowLoopback: false,
    newWebhookSecret: generateWebhookSecret,
  };
}

export function cloudEngine(): EngineDeps {
  return {
    delivery: cloudDelivery(),
    probe: new NodeTlsProbe({ policy: { allowLoopback: false } }),
    dns: (dnsServices ??= readAutomationConfig(process.env, DNS_PROVIDER_FACTORIES)),
    store: new CloudBaseStore(cloudDatabase()),
    acme: new AcmeClientGateway(),
    keys: new NodeKeyService(),
    cipher: EnvelopeCipher.fromEnv(),
    selfCheck: new NetworkSelfCheck(),
    cas: createCaRegistry({ timeoutMs: 10_000, directoryUrls: {} }),
    clock: systemClock,
    logger: jsonLogger('engine'),
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    leaseOwner: `fn-${randomBytes(6).toString('hex')}`,
  };
}

export function cloudApiDependencies(): ApiDependencies {
  return { openId: wechatCallerOpenId(), clock: systemClock, logger: jsonLogger('api'), engine: cloudEngine, files: new CloudFileStorage() };
}
