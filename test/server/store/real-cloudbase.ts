/**
 * Opt-in run of the store contract against a real CloudBase environment. It needs
 * TCB_ENV (environment id) and TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY (an API key of the
 * Tencent Cloud account that owns the environment), and writes only to collections named
 * `certkeeper_contract_<name>`, emptying them after each test.
 */
import * as cloud from 'wx-server-sdk';
import { CloudBaseStore, type CloudDatabase } from '../../../server/adapters/store/cloudbase-store';
import { COLLECTIONS } from '../../../server/ports/collections';
import type { StoreFixture } from './store.contract';

const PREFIX = 'certkeeper_contract_';

export function openRealCloudBase():
  | { available: true; env: string; open: () => Promise<StoreFixture> }
  | { available: false; reason: string } {
  const env = process.env.TCB_ENV;
  const secretId = process.env.TENCENTCLOUD_SECRETID;
  const secretKey = process.env.TENCENTCLOUD_SECRETKEY;
  const missing = [
    ['TCB_ENV', env],
    ['TENCENTCLOUD_SECRETID', secretId],
    ['TENCENTCLOUD_SECRETKEY', secretKey],
  ]
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (!env || missing.length > 0) return { available: false, reason: `set ${missing.join(', ')} to run it` };

  return {
    available: true,
    env,
    open: async () => {
      // init() passes secretId/secretKey on to @cloudbase/node-sdk; the SDK's typings omit them.
      cloud.init({ env, secretId, secretKey } as Parameters<typeof cloud.init>[0]);
      // The SDK's database satisfies the adapter's slice of it; its own typings are too loose to prove it.
      const db = cloud.database() as unknown as CloudDatabase & { createCollection(name: string): Promise<unknown> };
      for (const name of COLLECTIONS) {
        await db.createCollection(PREFIX + name).catch(() => undefined); // exists already
      }
      const empty = async () => {
        for (const name of COLLECTIONS) {
          await db.collection(PREFIX + name).where({ _id: db.command.lt('~') }).remove();
        }
      };
      await empty();
      const options = { collectionPrefix: PREFIX };
      return { store: new CloudBaseStore(db, options), second: new CloudBaseStore(db, options), cleanup: empty };
    },
  };
}
