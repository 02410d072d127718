// One engine action in a process of its own, for the resume-across-processes test:
//   step.fixture.ts <config.json> request <name>   → prints the order id
//   step.fixture.ts <config.json> step <orderId>   → runs at most one step, prints the state
import { readFileSync } from 'node:fs';
import { EnvelopeCipher, parseMasterKeys } from '../../../server/adapters/crypto/envelope-cipher';
import { SqliteStore } from '../../../server/adapters/store/sqlite-store';
import { createLocalEngine, type LocalCa } from '../../../server/local/engine';
import { advanceOrder } from '../../../server/usecases/advance-order';
import { requestCertificate } from '../../../server/usecases/request-certificate';

interface Config {
  dbPath: string;
  masterKey: string;
  ownerId: string;
  ca: LocalCa;
}

async function main(): Promise<void> {
  const [configPath, action, arg] = process.argv.slice(2);
  if (!configPath || !action || !arg) throw new Error('usage: step.fixture.ts <config.json> request|step <arg>');
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as Config;
  const store = new SqliteStore({ path: config.dbPath });
  const deps = createLocalEngine({ stack: config.ca, store, cipher: new EnvelopeCipher(parseMasterKeys(config.masterKey)) });
  if (action === 'request') {
    const { order } = await requestCertificate(deps, { ownerId: config.ownerId, names: [arg], caId: 'pebble', validation: 'dns-01' });
    process.stdout.write(order._id);
  } else {
    const order = await advanceOrder(deps, arg, { maxSteps: 1 });
    process.stdout.write(JSON.stringify({ state: order?.state, challenges: order?.challenges ?? [] }));
  }
  await store.close();
}

main().catch((error: unknown) => {
  process.stderr.write(String(error instanceof Error ? error.stack : error));
  process.exit(1);
});
