/**
 * `npm start`: CertKeeper on one machine (see runtime.ts, with the scheduler ticking every 5 s),
 * then the guided demo, then serving until Ctrl-C.
 *
 *   npm start                      # demo, then serve until Ctrl-C
 *   npm start -- --no-demo         # just serve
 *   npm start -- --once            # demo, then stop everything and exit
 *   npm start -- --port 8787       # fixed port for the local api (default: a free one)
 *   CERTKEEPER_DATA_DIR=/tmp/ck npm start   # where the database and dev key live (default .local/)
 */
import { resolve } from 'node:path';
import { jsonLogger } from '../adapters/system';
import { runDemo } from './demo-issuance';
import { IDENTITY_HEADER } from './http-api';
import { startLocalRuntime } from './runtime';

const DEMO_OWNER = 'local-demo-user';
const DEMO_NAMES = ['demo.certkeeper.test', '*.demo.certkeeper.test'];

interface Options {
  once: boolean;
  demo: boolean;
  port: number;
  dataDir: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { once: false, demo: true, port: 0, dataDir: resolve(process.env.CERTKEEPER_DATA_DIR ?? '.local') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--once') options.once = true;
    else if (arg === '--no-demo') options.demo = false;
    else if (arg === '--port') {
      const port = Number(argv[++i]);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be an integer from 0 to 65535');
      options.port = port;
    } else throw new Error(`unknown argument ${String(arg)}; use --once, --no-demo and/or --port N`);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`CertKeeper local runtime — data in ${options.dataDir}`);
  // Engine and api logs would drown the demo's steps; errors still reach stderr.
  const logger = jsonLogger('local', (line, isError) => {
    if (isError) process.stderr.write(`${line}\n`);
  });
  const runtime = await startLocalRuntime({ dataDir: options.dataDir, port: options.port, logger, tickIntervalMs: 5_000 });
  say(`Local CA (Pebble): ${runtime.stack.directoryUrl}`);
  say(`api: POST ${runtime.api.url} with header ${IDENTITY_HEADER}: <any id>`);
  try {
    if (options.demo) await runDemo({ api: runtime.api, ownerId: DEMO_OWNER, names: DEMO_NAMES, say });
  } catch (error) {
    await runtime.stop();
    throw error;
  }
  if (options.once) {
    await runtime.stop();
    say('Done (--once): everything stopped.');
    return;
  }
  say(`Serving. Try: curl -s -X POST ${runtime.api.url} -H '${IDENTITY_HEADER}: me' -d '{"action":"listCertificates"}'`);
  say('Dev endpoints: POST /dev/txt {"name","value"} and POST /dev/http-01 {"token","content"}. Ctrl-C stops everything.');
  await new Promise<void>((resolveStop) => {
    const onSignal = () => {
      say('Stopping…');
      void runtime.stop().then(resolveStop);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`certkeeper: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
