/**
 * What the cloud functions run on: CloudBase database and storage, public ACME CAs, real DNS and
 * HTTP self-checks, and the deployment's configuration (`server/config`), read from the function's
 * environment once per instance. A wrong configuration fails the first call that needs the engine
 * with a ConfigError naming every wrong variable (logged one line per variable, once per
 * instance); `ping` needs none of it.
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
import { ConfigError, readConfig, type AppConfig, type Env } from '../config/read';
import { caRegistryFromConfig, dnsServicesFromConfig } from '../config/services';
import type { Logger } from '../ports/logger';
import type { CaRegistry, DeliveryServices, DnsServices, EngineDeps } from '../usecases/engine';
import type { RateLimitTable } from '../usecases/rate-limit';
import type { ApiDependencies } from './api';
import { cloudAdmin } from './cloud-admin';

/** The engine as the cloud builds it; `rateLimits` is what `consumeQuota` counts against. */
export type CloudEngine = EngineDeps & { rateLimits: RateLimitTable };

type Outcome = { config: AppConfig } | { error: ConfigError };

/** Per environment object (one per instance: `process.env`): the configuration or its problems. */
const outcomes = new WeakMap<Env, Outcome>();

/** What depends only on the configuration, built once per instance. */
interface InstanceServices {
  cas: CaRegistry;
  dns: DnsServices;
  cipher: EnvelopeCipher;
}
const services = new WeakMap<AppConfig, InstanceServices>();

/**
 * The deployment's configuration, read and checked on first use and kept for the instance's
 * life (the environment of a function instance does not change). Throws the same ConfigError on
 * every call when it is wrong; its problems are logged once, one line per variable.
 */
export function cloudConfig(env: Env = process.env, logger: Logger = jsonLogger('config')): AppConfig {
  let outcome = outcomes.get(env);
  if (!outcome) {
    try {
      outcome = { config: readConfig(env) };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const { setting, problem } of error.problems) logger.error('config.invalid', { setting, problem: `${setting} ${problem}` });
      outcome = { error };
    }
    outcomes.set(env, outcome);
  }
  if ('error' in outcome) throw outcome.error;
  return outcome.config;
}

function instanceServices(config: AppConfig): InstanceServices {
  let built = services.get(config);
  if (!built) {
    built = {
      cas: caRegistryFromConfig(config.ca),
      dns: dnsServicesFromConfig(config.automation, DNS_PROVIDER_FACTORIES),
      cipher: new EnvelopeCipher(config.masterKeys),
    };
    services.set(config, built);
  }
  return built;
}

function cloudDelivery(config: AppConfig): DeliveryServices {
  const { templates, miniprogramState, smtp } = config.delivery;
  return {
    channels: createChannelSender({ smtp, policy: { allowLoopback: false } }),
    subscribe: templates.length > 0 ? new CloudSubscribeMessageSender(cloudOpenApi()) : null,
    templates,
    miniprogramState,
    allowLoopback: false,
    newWebhookSecret: generateWebhookSecret,
  };
}

/** The engine for one invocation. The configuration is checked before any SDK is touched. */
export function cloudEngine(env: Env = process.env): CloudEngine {
  const config = cloudConfig(env);
  const { cas, dns, cipher } = instanceServices(config);
  return {
    delivery: cloudDelivery(config),
    probe: new NodeTlsProbe({ policy: { allowLoopback: false } }),
    dns,
    store: new CloudBaseStore(cloudDatabase()),
    acme: new AcmeClientGateway(),
    keys: new NodeKeyService(),
    cipher,
    selfCheck: new NetworkSelfCheck(),
    cas,
    rateLimits: config.rateLimits,
    clock: systemClock,
    logger: jsonLogger('engine'),
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    leaseOwner: `fn-${randomBytes(6).toString('hex')}`,
  };
}

export function cloudApiDependencies(): ApiDependencies {
  return { openId: wechatCallerOpenId(), clock: systemClock, logger: jsonLogger('api'), engine: () => cloudEngine(), files: new CloudFileStorage(), admin: cloudAdmin() };
}
