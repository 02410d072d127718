/**
 * `npm start`: CertKeeper on one machine. Starts the local CA (Pebble + challtestsrv), opens the
 * SQLite store and the dev master key under the data directory, serves the `api` handler over
 * HTTP on loopback, and runs the guided issuance demo. Then it keeps serving until Ctrl-C
 * (or exits at once with --once).
 *
 *   npm start                      # demo, then serve until Ctrl-C
 *   npm start -- --once            # demo, then stop everything and exit
 *   npm start -- --port 8787       # fixed port for the local api (default: a free one)
 *   CERTKEEPER_DATA_DIR=/tmp/ck npm start   # where the database and dev key live (default .local/)
 */
import { join, resolve } from 'node:path';
import { EnvelopeCipher, MASTER_KEY_VARIABLE, parseMasterKeys } from '../adapters/crypto/envelope-cipher';
import { SqliteStore } from '../adapters/store/sqlite-store';
import { jsonLogger, systemClock } from '../adapters/system';
import { loadOrCreateDevMasterKey } from './dev-key';
import { runDemoIssuance } from './demo-issuance';
import { startLocalApiServer } from './http-api';
import { createLocalEngine } from './engine';
import { startPebbleStack } from './pebble';

const DEMO_OWNER = 'local-demo-user';
const DEMO_NAMES = ['demo.certkeeper.test', '*.demo.certkeeper.test'];
/** Demo certificates live 47 days, the CA/Browser Forum maximum from March 2029. */
const DEMO_LIFETIME_SECONDS = 47 * 86_400;

interface Options {
  once: boolean;
  port: number;
  dataDir: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { once: false, port: 0, dataDir: resolve(process.env.CERTKEEPER_DATA_DIR ?? '.local') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--once') options.once = true;
    else if (arg === '--port') {
      const port = Number(argv[++i]);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be an integer from 0 to 65535');
      options.port = port;
    } else throw new Error(`unknown argument ${String(arg)}; use --once and/or --port N`);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`CertKeeper local runtime — data in ${options.dataDir}`);

  // A master key from the environment wins; otherwise a per-machine dev key file (mode 0600).
  const keyValue = process.env[MASTER_KEY_VARIABLE] ?? (await loadOrCreateDevMasterKey(join(options.dataDir, 'master.key')));
  const cipher = new EnvelopeCipher(parseMasterKeys(keyValue));
  const store = new SqliteStore({ path: join(options.dataDir, 'certkeeper.db') });
  const stack = await startPebbleStack({ certificateValidityPeriod: DEMO_LIFETIME_SECONDS });
  const api = await startLocalApiServer({ port: options.port, clock: systemClock, logger: jsonLogger('local-api') });

  const stop = async () => {
    await api.close();
    await stack.stop();
    await store.close();
  };
  try {
    const deps = createLocalEngine({ stack, store, cipher, logger: jsonLogger('engine', () => undefined) });
    await runDemoIssuance({ deps, stack, ownerId: DEMO_OWNER, names: DEMO_NAMES, say });
    const ping = await api.call({ action: 'ping' }, DEMO_OWNER);
    say(`Local api at ${api.url}: ping → ${JSON.stringify(ping)}`);
  } catch (error) {
    await stop();
    throw error;
  }

  if (options.once) {
    await stop();
    say('Done (--once): everything stopped.');
    return;
  }
  say(`Serving. Try: curl -s -X POST ${api.url} -H 'x-certkeeper-openid: me' -d '{"action":"ping"}'`);
  say('Press Ctrl-C to stop Pebble and the api server.');
  await new Promise<void>((resolveStop) => {
    const onSignal = () => {
      say('Stopping…');
      void stop().then(resolveStop);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`certkeeper: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
