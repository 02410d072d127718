/**
 * CertKeeper on one machine: the local CA stack, SQLite and the dev master key under a data
 * directory, the issuance engine, the handlers over HTTP on loopback (the `acmehttp` function
 * included), and a loopback http-01 responder (where Pebble's validator connects) fed through the
 * dev endpoint.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { EnvelopeCipher, MASTER_KEY_VARIABLE, parseMasterKeys } from '../adapters/crypto/envelope-cipher';
import { localSelfCheckOptions, NetworkSelfCheck } from '../adapters/selfcheck';
import { SqliteStore } from '../adapters/store/sqlite-store';
import { jsonLogger, systemClock } from '../adapters/system';
import type { Logger } from '../ports/logger';
import { createChannelSender } from '../adapters/notify/channel-sender';
import { readConfigSection } from '../config/read';
import type { DeliveryServices, DnsServices, EngineDeps } from '../usecases/engine';
import { challtestsrvProvider } from './challtestsrv-dns';
import { runSchedulerTick } from '../usecases/scheduler-tick';
import { loadOrCreateDevMasterKey } from './dev-key';
import { localAdmin } from './admin';
import { createLocalEngine } from './engine';
import { LocalFileStorage, startLocalApiServer, type LocalApiServer } from './http-api';
import { startPebbleStack, type PebbleStack } from './pebble';

/** Local certificates live 47 days, the CA/Browser Forum maximum from March 2029. */
export const LOCAL_LIFETIME_SECONDS = 47 * 86_400;

export interface LocalRuntime {
  api: LocalApiServer;
  stack: PebbleStack;
  store: SqliteStore;
  engine: EngineDeps;
  stop(): Promise<void>;
}

/** The local runtime's delegation zone, served by challtestsrv. */
export const LOCAL_DELEGATION_ZONE = 'delegation.certkeeper.test';

export async function startLocalRuntime(options: {
  dataDir: string;
  port: number;
  logger?: Logger;
  /** Run the scheduler tick this often (the cloud's timer trigger fires every minute); off when absent. */
  tickIntervalMs?: number;
  /** How notifications leave; default: SMTP from the environment (see server/config), no WeChat. */
  delivery?: Partial<DeliveryServices>;
  /** DNS provider adapters; default the real ones. The delegation zone and acmehttp are always local. */
  dnsProviders?: DnsServices['providers'];
}): Promise<LocalRuntime> {
  // A master key from the environment wins; otherwise a per-machine dev key file (mode 0600).
  const keyValue = process.env[MASTER_KEY_VARIABLE] || (await loadOrCreateDevMasterKey(join(options.dataDir, 'master.key')));
  const cipher = new EnvelopeCipher(parseMasterKeys(keyValue));
  const store = new SqliteStore({ path: join(options.dataDir, 'certkeeper.db') });
  const stack = await startPebbleStack({ certificateValidityPeriod: LOCAL_LIFETIME_SECONDS });
  const logger = options.logger ?? jsonLogger('local');
  const { smtp } = readConfigSection(process.env, 'delivery');
  const engine = createLocalEngine({
    stack,
    store,
    cipher,
    logger,
    delivery: { channels: createChannelSender({ smtp, policy: { allowLoopback: true } }), ...options.delivery },
    // CNAME delegation into a zone of the local DNS (challtestsrv), which Pebble resolves through.
    dns: { delegation: { zone: LOCAL_DELEGATION_ZONE, provider: challtestsrvProvider(stack, LOCAL_DELEGATION_ZONE) }, ...(options.dnsProviders ? { providers: options.dnsProviders } : {}) },
  });
  const http01 = new Map<string, string>();
  let responder: Server | null = null;
  try {
    responder = await startHttp01Responder(stack.httpChallengePort, http01);
    const api = await startLocalApiServer({
      port: options.port,
      deps: { clock: systemClock, logger, engine: () => engine, admin: localAdmin({ engine, store }) },
      files: new LocalFileStorage(),
      dev: { setTxt: (name, value) => stack.setTxt(name, value), serveHttp01: (token, content) => http01.set(token, content) },
      acmeHttp: { store: () => store, clock: systemClock, logger },
    });
    // The local acmehttp listens on the API's port, not 80/443: let the self-check follow a
    // redirect there (Pebble's validator follows redirects to any port; public CAs do not).
    engine.selfCheck = localSelfCheckWithPort(stack, new URL(api.origin).port);
    engine.dns.acmeHttpBaseUrl = api.acmeHttpUrl;
    const running = responder;
    let ticking: Promise<unknown> = Promise.resolve();
    const timer = options.tickIntervalMs
      ? setInterval(() => {
          // One tick at a time; a slow tick delays the next instead of overlapping it.
          ticking = ticking.then(() => runSchedulerTick(engine)).catch((error: unknown) => {
            logger.error('local.tick.failed', { error: error instanceof Error ? error.message : String(error) });
          });
        }, options.tickIntervalMs)
      : null;
    return {
      api,
      stack,
      store,
      engine,
      stop: async () => {
        if (timer) clearInterval(timer);
        await ticking;
        await api.close();
        await new Promise((resolve) => running.close(resolve));
        await stack.stop();
        await store.close();
      },
    };
  } catch (error) {
    if (responder) responder.close();
    await stack.stop();
    await store.close();
    throw error;
  }
}

function localSelfCheckWithPort(stack: PebbleStack, port: string): NetworkSelfCheck {
  const options = localSelfCheckOptions(stack.dnsServer, stack.httpChallengePort);
  return new NetworkSelfCheck({ ...options, http: { ...options.http, allowedPorts: [80, 443, Number(port)] } });
}

/** Serves `/.well-known/acme-challenge/<token>` on 127.0.0.1:`port` for the local CA's validator. */
async function startHttp01Responder(port: number, files: Map<string, string>): Promise<Server> {
  const server = createServer((req, res) => {
    const token = (req.url ?? '').replace(/^\/\.well-known\/acme-challenge\//, '');
    const content = files.get(token);
    res.writeHead(content === undefined ? 404 : 200, { 'content-type': 'text/plain' });
    res.end(content ?? 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}
