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
import { CloudFileStorage, cloudDatabase, wechatCallerOpenId } from '../adapters/wechat/context';
import { createCaRegistry, type EngineDeps } from '../usecases/engine';
import type { ApiDependencies } from './api';

export function cloudEngine(): EngineDeps {
  return {
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
