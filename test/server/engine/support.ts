import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvelopeCipher, parseMasterKeys } from '../../../server/adapters/crypto/envelope-cipher';
import { SqliteStore } from '../../../server/adapters/store/sqlite-store';

export interface EngineStore {
  store: SqliteStore;
  cipher: EnvelopeCipher;
  /** For child processes that open the same data. */
  path: string;
  masterKey: string;
  close(): Promise<void>;
}

/** A SQLite file and a master key in a temporary directory, removed by close(). */
export async function openEngineStore(): Promise<EngineStore> {
  const dir = await mkdtemp(join(tmpdir(), 'certkeeper-engine-'));
  const path = join(dir, 'engine.db');
  const masterKey = `test:${randomBytes(32).toString('base64')}`;
  const store = new SqliteStore({ path });
  return {
    store,
    cipher: new EnvelopeCipher(parseMasterKeys(masterKey)),
    path,
    masterKey,
    close: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
