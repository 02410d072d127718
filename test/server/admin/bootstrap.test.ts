/**
 * The database bootstrap: on the CloudBase double whose collections must be created first (as in
 * a real environment), on SQLite, and (opt-in) on a real CloudBase environment.
 */
import * as cloud from 'wx-server-sdk';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { CloudBaseSchemaAdmin, type CloudDatabaseAdmin } from '../../../server/adapters/store/cloudbase-bootstrap';
import { CloudBaseStore } from '../../../server/adapters/store/cloudbase-store';
import { SqliteSchemaAdmin } from '../../../server/adapters/store/sqlite-schema-admin';
import { SqliteStore } from '../../../server/adapters/store/sqlite-store';
import { toBootstrapResult } from '../../../server/handlers/admin';
import { COLLECTIONS, declarationOf } from '../../../server/ports/collections';
import { bootstrapDatabase, inspectDatabase } from '../../../server/usecases/bootstrap';
import { recordingLogger } from '../support/recording-logger';
import { useTempDir } from '../support/temp-dir';
import { StrictCloudDatabaseDouble } from './cloud-admin-double';

const INDEX_COUNT = COLLECTIONS.reduce((n, name) => n + declarationOf(name).indexes.length, 0);

function statuses(report: Awaited<ReturnType<typeof bootstrapDatabase>>): Record<string, string> {
  return Object.fromEntries(report.collections.map((c) => [c.name, c.status]));
}

describe('bootstrap on CloudBase (the database double)', () => {
  test('creates every declared collection, reports indexes and rules as unknown, and the store then works on each', async () => {
    const db = new StrictCloudDatabaseDouble();
    const logger = recordingLogger();
    const report = await bootstrapDatabase({ schema: new CloudBaseSchemaAdmin(db), logger });

    expect(db.created).toEqual([...COLLECTIONS]);
    expect(new Set(Object.values(statuses(report)))).toEqual(new Set(['created']));
    const indexes = report.collections.flatMap((c) => c.indexes);
    expect(indexes).toHaveLength(INDEX_COUNT);
    expect(new Set(indexes.map((i) => i.presence))).toEqual(new Set(['unknown']));
    expect(report.clientAccess).toBe('unknown');
    expect(logger.entries.find((e) => e.event === 'bootstrap.done')?.fields).toEqual({ created: COLLECTIONS.length, failed: 0 });

    const store = new CloudBaseStore(db);
    for (const name of COLLECTIONS) {
      const doc = await store.collection(name).insert({ _id: `probe-${name}`, ownerId: 'o' });
      expect(await store.collection(name).get(doc._id)).toMatchObject({ _id: `probe-${name}` });
    }
  });

  test('is idempotent: a second run creates nothing and reports every collection present', async () => {
    const db = new StrictCloudDatabaseDouble();
    const schema = new CloudBaseSchemaAdmin(db);
    await bootstrapDatabase({ schema, logger: recordingLogger() });
    db.created.length = 0;
    const again = await bootstrapDatabase({ schema, logger: recordingLogger() });
    expect(db.created).toEqual([]);
    expect(new Set(Object.values(statuses(again)))).toEqual(new Set(['present']));
  });

  test('only the missing collections are created; one created meanwhile by another caller counts as present', async () => {
    const db = new StrictCloudDatabaseDouble(['users', 'certificates']);
    // Someone else creates `orders` between our probe and our create: ours then fails.
    db.beforeCreate = (name) => {
      if (name === 'orders') db.existing.add('orders');
    };
    const report = await bootstrapDatabase({ schema: new CloudBaseSchemaAdmin(db), logger: recordingLogger() });
    expect(db.created).not.toContain('users');
    expect(db.created).not.toContain('certificates');
    expect(statuses(report)).toMatchObject({ users: 'present', certificates: 'present', orders: 'present', accounts: 'created' });
  });

  test('a collection that cannot be created is reported failed with the reason, and the others are still made', async () => {
    const db = new StrictCloudDatabaseDouble();
    db.failCreate.set('notifications', Object.assign(new Error('errCode: -501003 请求次数超出环境配额'), { errCode: -501003 }));
    const logger = recordingLogger();
    const report = await bootstrapDatabase({ schema: new CloudBaseSchemaAdmin(db), logger });
    const failed = report.collections.find((c) => c.name === 'notifications');
    expect(failed).toMatchObject({ status: 'failed', problem: expect.stringContaining('-501003') });
    expect(failed?.indexes.map((i) => i.presence)).toEqual(['missing', 'missing']);
    expect(report.collections.filter((c) => c.status === 'created')).toHaveLength(COLLECTIONS.length - 1);
    expect(logger.entries.some((e) => e.level === 'error' && e.event === 'bootstrap.collection_failed' && e.fields.collection === 'notifications')).toBe(true);
    expect(toBootstrapResult(report).summary).toBe(`新建了 ${COLLECTIONS.length - 1} 个集合，1 个创建失败`);
  });

  test('a probe that fails for another reason than "not exists" is unknown, and inspecting creates nothing', async () => {
    const db = new StrictCloudDatabaseDouble(['users']);
    db.failQuery.set('accounts', Object.assign(new Error('errCode: -501002 云端响应超时'), { errCode: -501002 }));
    const report = await inspectDatabase({ schema: new CloudBaseSchemaAdmin(db) });
    expect(db.created).toEqual([]);
    expect(statuses(report)).toMatchObject({ users: 'present', accounts: 'unknown', certificates: 'missing' });
    expect(report.collections.find((c) => c.name === 'accounts')?.problem).toContain('-501002');
  });

  test('a collection prefix keeps test collections apart, as the store does', async () => {
    const db = new StrictCloudDatabaseDouble();
    await bootstrapDatabase({ schema: new CloudBaseSchemaAdmin(db, { collectionPrefix: 'test_' }), logger: recordingLogger() });
    expect(db.created).toEqual(COLLECTIONS.map((name) => `test_${name}`));
    await new CloudBaseStore(db, { collectionPrefix: 'test_' }).collection('orders').insert({});
  });

  test('the app gets what is left to do by hand: each index and the security rule', async () => {
    const result = toBootstrapResult(await bootstrapDatabase({ schema: new CloudBaseSchemaAdmin(new StrictCloudDatabaseDouble()), logger: recordingLogger() }));
    expect(result.summary).toBe(`新建了 ${COLLECTIONS.length} 个集合`);
    expect(result.manualSteps).toHaveLength(INDEX_COUNT + 1);
    expect(result.manualSteps).toContain('云开发控制台 → 数据库 → certificates → 索引管理：添加索引 owner，字段 ownerId 升序, _id 降序（非唯一）');
    expect(result.manualSteps).toContain('云开发控制台 → 数据库 → orders → 索引管理：添加索引 due，字段 nextActionAt 升序, _id 升序（非唯一）');
    expect(result.manualSteps.at(-1)).toBe(`云开发控制台 → 数据库 → 每个集合（共 ${COLLECTIONS.length} 个）→ 数据权限：选择自定义安全规则，填入 {"read":false,"write":false}`);
    expect(result.collections.find((c) => c.name === 'certificates')?.indexes).toEqual([
      { name: 'owner', fields: 'ownerId 升序, _id 降序', state: 'unknown' },
      { name: 'due', fields: 'nextActionAt 升序, _id 升序', state: 'unknown' },
    ]);
  });
});

describe('bootstrap on SQLite', () => {
  const dir = useTempDir('bootstrap');

  test('everything is there and known: collections present, indexes present, no client access', async () => {
    const store = new SqliteStore({ path: join(dir(), 'a.db') });
    const report = await bootstrapDatabase({ schema: new SqliteSchemaAdmin(store), logger: recordingLogger() });
    await store.close();
    expect(new Set(Object.values(statuses(report)))).toEqual(new Set(['present']));
    expect(new Set(report.collections.flatMap((c) => c.indexes.map((i) => i.presence)))).toEqual(new Set(['present']));
    expect(report.clientAccess).toBe('none');
    expect(toBootstrapResult(report).manualSteps).toEqual([]);
  });

  test('an index dropped behind the store’s back is reported missing', async () => {
    const path = join(dir(), 'b.db');
    const store = new SqliteStore({ path });
    const raw = new Database(path);
    raw.exec('DROP INDEX "orders_due"');
    raw.close();
    const report = await inspectDatabase({ schema: new SqliteSchemaAdmin(store) });
    await store.close();
    const orders = report.collections.find((c) => c.name === 'orders');
    expect(orders?.indexes.map((i) => [i.index.name, i.presence])).toEqual([
      ['owner', 'present'],
      ['due', 'missing'],
    ]);
  });
});

// Opt-in: the bootstrap against a real CloudBase environment, in collections of its own.
const env = process.env.TCB_ENV;
const secretId = process.env.TENCENTCLOUD_SECRETID;
const secretKey = process.env.TENCENTCLOUD_SECRETKEY;
if (env && secretId && secretKey) {
  describe(`bootstrap on CloudBase environment ${env}`, () => {
    test('creates the collections (prefixed certkeeper_bootstrap_), then finds them all on a second run', async () => {
      // init() passes secretId/secretKey on to @cloudbase/node-sdk; the SDK's typings omit them.
      cloud.init({ env, secretId, secretKey } as Parameters<typeof cloud.init>[0]);
      const schema = new CloudBaseSchemaAdmin(cloud.database() as unknown as CloudDatabaseAdmin, { collectionPrefix: 'certkeeper_bootstrap_' });
      const first = await bootstrapDatabase({ schema, logger: recordingLogger() });
      expect(first.collections.filter((c) => c.status === 'failed')).toEqual([]);
      const second = await bootstrapDatabase({ schema, logger: recordingLogger() });
      expect(new Set(Object.values(statuses(second)))).toEqual(new Set(['present']));
    }, 120_000);
  });
} else {
  process.stdout.write('[bootstrap] real CloudBase run not registered: set TCB_ENV, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY to run it\n');
}
