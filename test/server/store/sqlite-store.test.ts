import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SqliteStore } from '../../../server/adapters/store/sqlite-store';
import { useTempDir } from '../support/temp-dir';
import { describeStoreContract } from './store.contract';

const run = promisify(execFile);

interface Counter {
  _id: string;
  version: number;
  count: number;
}

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
  const tempDir = useTempDir('store');

  test('two processes incrementing one document by compare-and-swap lose no update', async () => {
    const path = join(tempDir(), 'store.db');
    const store = new SqliteStore({ path });
    const counters = store.collection<Counter>('orders');
    await counters.insert({ _id: 'counter', count: 0 });
    const perProcess = 500;
    // Both start at the same moment, so their read-modify-write loops really overlap.
    const startAt = String(Date.now() + 1500);
    const worker = join(__dirname, 'cas-increment.worker.ts');
    const outputs = await Promise.all(
      [1, 2].map(() => run(process.execPath, ['--import', 'tsx', worker, path, 'counter', String(perProcess), startAt], { timeout: 60_000 })),
    );
    const reports = outputs.map((o) => JSON.parse(o.stdout) as { wins: number; conflicts: number });
    const final = await counters.get('counter');
    await store.close();
    expect(reports.map((r) => r.wins)).toEqual([perProcess, perProcess]);
    expect(final?.count).toBe(2 * perProcess);
    expect(final?.version).toBe(1 + 2 * perProcess);
    // The race was real: some writes lost their compare-and-swap and retried.
    expect(reports[0]!.conflicts + reports[1]!.conflicts).toBeGreaterThan(0);
  });

  test('a file that is not a database fails with a StoreError naming the path', async () => {
    const path = join(tempDir(), 'not-a-db');
    await writeFile(path, 'this is not sqlite'.repeat(100));
    expect(() => new SqliteStore({ path })).toThrow(/sqlite: cannot open .*not-a-db/);
  });
});
