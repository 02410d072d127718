/**
 * The collections declaration (`server/ports/collections.ts`) is the one both stores follow: the
 * SQLite schema is made from it (exactly its tables and indexes, older indexes replaced), and a
 * store query without its declared index is refused, so the CloudBase indexes made from the same
 * list are never missing one the code needs.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore, sqliteIndexName } from '../../../server/adapters/store/sqlite-store';
import { COLLECTIONS, DUE_INDEX, OWNER_INDEX, SECURITY_RULE, declarationOf, isCollectionName, type CollectionName } from '../../../server/ports/collections';
import { StoreError } from '../../../server/ports/store';
import { indexFields } from '../../../server/usecases/doctor';
import { useTempDir } from '../support/temp-dir';

const COLUMN: Record<string, string> = { _id: 'id', ownerId: 'owner_id', nextActionAt: 'next_action_at' };

/** The declaration in the shape SQLite reports indexes. */
function declaredIndexes() {
  return COLLECTIONS.flatMap((table) =>
    declarationOf(table).indexes.map((index) => ({
      table,
      name: sqliteIndexName(table, index),
      columns: index.keys.map((key) => ({ name: COLUMN[key.field], desc: key.order === 'desc' })),
      partial: index.sparse,
      unique: false,
    })),
  ).sort((a, b) => a.name.localeCompare(b.name));
}

describe('the collections declaration', () => {
  const dir = useTempDir('declaration');

  test('SQLite makes exactly the declared tables and indexes', async () => {
    const store = new SqliteStore({ path: join(dir(), 'a.db') });
    const schema = store.inspectSchema();
    await store.close();
    expect(schema.tables).toEqual([...COLLECTIONS].sort());
    expect(schema.indexes).toEqual(declaredIndexes());
  });

  test('what the scheduler and the lists rely on is declared, and the scheduler status lives in `system`', () => {
    for (const name of ['certificates', 'orders', 'endpoints', 'notifications', 'challengeTokens'] as const) expect(declarationOf(name).indexes).toContain(DUE_INDEX);
    for (const name of ['certificates', 'certificateVersions', 'endpoints', 'credentials', 'notifications'] as const) expect(declarationOf(name).indexes).toContain(OWNER_INDEX);
    expect(OWNER_INDEX.keys).toEqual([{ field: 'ownerId', order: 'asc' }, { field: '_id', order: 'desc' }]);
    expect(DUE_INDEX.keys[0]).toEqual({ field: 'nextActionAt', order: 'asc' });
    expect(isCollectionName('system')).toBe(true);
    expect(isCollectionName('toString')).toBe(false);
    // Every collection says what its unique key is; no collection has an index it cannot use.
    for (const name of COLLECTIONS) expect(declarationOf(name).id).not.toBe('');
    expect(SECURITY_RULE).toEqual({ read: false, write: false });
  });

  test('an older database gets the declared indexes: stale ones dropped, changed ones rebuilt, data kept', async () => {
    const path = join(dir(), 'old.db');
    const old = new Database(path);
    // The schema before the declaration carried indexes: both indexes on every table, the due one on one column.
    old.exec(`
      CREATE TABLE "users" (id TEXT PRIMARY KEY, version INTEGER NOT NULL, owner_id TEXT, next_action_at INTEGER,
        lease_owner TEXT NOT NULL DEFAULT '', lease_until INTEGER NOT NULL DEFAULT 0, body TEXT NOT NULL) STRICT;
      CREATE INDEX "users_owner" ON "users" (owner_id, id);
      CREATE INDEX "users_due" ON "users" (next_action_at) WHERE next_action_at IS NOT NULL;
      CREATE TABLE "orders" (id TEXT PRIMARY KEY, version INTEGER NOT NULL, owner_id TEXT, next_action_at INTEGER,
        lease_owner TEXT NOT NULL DEFAULT '', lease_until INTEGER NOT NULL DEFAULT 0, body TEXT NOT NULL) STRICT;
      CREATE INDEX "orders_due" ON "orders" (next_action_at) WHERE next_action_at IS NOT NULL;
      INSERT INTO "orders" VALUES ('o1', 1, 'alice', 5, '', 0, '{"ownerId":"alice","nextActionAt":5}');`);
    old.close();

    const store = new SqliteStore({ path });
    expect(store.inspectSchema().indexes).toEqual(declaredIndexes());
    expect((await store.collection('orders').findDue(10, 10)).map((d) => d._id)).toEqual(['o1']);
    await store.close();
  });

  test('two connections opening one new file at once both end with the declared schema', async () => {
    const path = join(dir(), 'shared.db');
    const [a, b] = [new SqliteStore({ path }), new SqliteStore({ path })];
    expect(a.inspectSchema()).toEqual(b.inspectSchema());
    expect(b.inspectSchema().indexes).toEqual(declaredIndexes());
    await a.close();
    await b.close();
  });

  test('the SQLite queries are answered from the declared indexes, without a sort', async () => {
    const path = join(dir(), 'plan.db');
    await new SqliteStore({ path }).close();
    const db = new Database(path, { readonly: true });
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join(' | ');
    const due = plan(`SELECT id FROM "certificates" WHERE next_action_at IS NOT NULL AND next_action_at <= 1 AND lease_until <= 1 ORDER BY next_action_at, id LIMIT 50`);
    const list = plan(`SELECT id FROM "notifications" WHERE owner_id = 'o' AND id < 'x' ORDER BY id DESC LIMIT 20`);
    db.close();
    expect(due).toMatch(/USING (COVERING )?INDEX certificates_due/);
    expect(list).toMatch(/USING (COVERING )?INDEX notifications_owner/);
    expect(`${due} ${list}`).not.toContain('TEMP B-TREE');
  });

  test('a query on a collection that does not declare its index is refused, naming the declaration', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    const withoutIndexes: CollectionName[] = COLLECTIONS.filter((name) => declarationOf(name).indexes.length === 0);
    expect(withoutIndexes).toEqual(expect.arrayContaining(['users', 'accounts', 'rateLimits', 'auditEvents', 'system']));
    await expect(store.collection('users').listByOwner('alice', { limit: 10 })).rejects.toThrow(new StoreError('store: users declares no index for listByOwner; add it in server/ports/collections.ts'));
    await expect(store.collection('credentials').findDue(0, 10)).rejects.toThrow(/credentials declares no index for findDue/);
    // Declared ones work as before.
    await expect(store.collection('challengeTokens').findDue(0, 10)).resolves.toEqual([]);
    await store.close();
  });

  test('the operator’s guide lists every collection with exactly its indexes, and the security rule', () => {
    const guide = readFileSync(join(__dirname, '../../../docs/deploy.md'), 'utf8');
    const rows = new Map(
      guide
        .split('\n')
        .filter((line) => /^\| `[A-Za-z]+` \|/.test(line))
        .map((line) => {
          const cells = line.split('|').map((cell) => cell.trim());
          return [cells[1]?.replaceAll('`', '') ?? '', cells[cells.length - 2] ?? ''] as const;
        }),
    );
    for (const name of COLLECTIONS) {
      const indexes = declarationOf(name).indexes.map((index) => `\`${index.name}\`: ${indexFields(index)}`).join('<br>');
      expect([name, rows.get(name)]).toEqual([name, indexes === '' ? '—' : indexes]);
    }
    expect(SECURITY_RULE).toEqual({ read: false, write: false });
    expect(guide).toContain('{ "read": false, "write": false }');
  });
});
