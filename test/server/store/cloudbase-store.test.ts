import { CloudBaseStore } from '../../../server/adapters/store/cloudbase-store';
import { CloudDatabaseDouble } from './cloud-database-double';
import { describeStoreContract } from './store.contract';
import { openRealCloudBase } from './real-cloudbase';

describeStoreContract('CloudBase adapter on the in-memory database double', async () => {
  const db = new CloudDatabaseDouble();
  return { store: new CloudBaseStore(db), second: new CloudBaseStore(db), cleanup: async () => undefined };
});

describe('CloudBase adapter requests', () => {
  test('an update sends one conditional write and no read', async () => {
    const db = new CloudDatabaseDouble();
    const orders = new CloudBaseStore(db).collection<{ _id: string; version: number; title: string }>('orders');
    const created = await orders.insert({ title: 'a' });
    db.calls.length = 0;
    await orders.update(created, { title: 'b' });
    expect(db.calls).toEqual(['update']);
  });

  test('a collection prefix keeps test data apart', async () => {
    const db = new CloudDatabaseDouble();
    await new CloudBaseStore(db, { collectionPrefix: 'test_' }).collection('orders').insert({});
    expect([...db.collections.keys()]).toEqual(['test_orders']);
  });
});

// Opt-in: the same contract against a real CloudBase environment (see real-cloudbase.ts).
const real = openRealCloudBase();
if (real.available) {
  describeStoreContract(`CloudBase environment ${real.env}`, real.open);
} else {
  process.stdout.write(`[store contract] real CloudBase run not registered: ${real.reason}\n`);
}
