import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SqliteStore } from '../../../server/adapters/store/sqlite-store';
import { describeStoreContract } from './store.contract';

const run = promisify(execFile);

describeStoreContract('SQLite file (two connections, WAL)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'certkeeper-store-'));
  const path = join(dir, 'store.db');
  const store = new SqliteStore({ path });
  const second = new SqliteStore({ path });
  return {
    store,
    second,
    cleanup: async () => {
      await store.close();
      await second.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describeStoreContract('SQLite in memory', async () => {
  const store = new SqliteStore({ path: ':memory:' });
  // A private in-memory database has no second connection; the same handle stands in.
  return { store, second: store, cleanup: () => store.close() };
});

describe('SQLite store across processes', () => {
  test('two processes incrementing one document by compare-and-swap lose no update', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'certkeeper-store-'));
    try {
      const path = join(dir, 'store.db');
      const store = new SqliteStore({ path });
      const counter = await store.collection<{ _id: string; version: number; count: number }>('orders').insert({
        _id: 'counter',
        count: 0,
      });
      const perProcess = 150;
      const worker = join(__dirname, 'cas-increment.worker.ts');
      const outputs = await Promise.all(
        [1, 2].map(() =>
          run(process.execPath, ['--import', 'tsx', worker, path, counter._id, String(perProcess)], { timeout: 60_000 }),
        ),
      );
      const reports = outputs.map((o) => JSON.parse(o.stdout) as { wins: number; conflicts: number });
      const final = await store.collection<{ _id: string; version: number; count: number }>('orders').get('counter');
      expect(reports.map((r) => r.wins)).toEqual([perProcess, perProcess]);
      expect(final?.count).toBe(2 * perProcess);
      expect(final?.version).toBe(1 + 2 * perProcess);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a file that is not a database fails with a StoreError naming the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'certkeeper-store-'));
    try {
      const path = join(dir, 'not-a-db');
      await import('node:fs/promises').then((fs) => fs.writeFile(path, 'this is not sqlite'.repeat(100)));
      expect(() => new SqliteStore({ path })).toThrow(/sqlite: cannot open .*not-a-db/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
