/**
 * The store port's contract (server/ports/store.ts), run against every adapter:
 * SQLite for real, CloudBase against the database double, and CloudBase for real when configured.
 */
import { DuplicateIdError, type DocCollection, type Store, type StoredDoc } from '../../../server/ports/store';

export interface StoreFixture {
  store: Store;
  /** A second, independent connection to the same data, for cross-connection races. */
  second: Store;
  cleanup(): Promise<void>;
}

interface TaskDoc extends StoredDoc {
  ownerId: string;
  title: string;
  nextActionAt: number | null;
  settings?: { a?: number; b?: number } | null;
  tags?: string[];
}

const T0 = 1_790_000_000_000;

export function describeStoreContract(label: string, open: () => Promise<StoreFixture>): void {
  describe(`Store contract: ${label}`, () => {
    let fixture: StoreFixture;
    let tasks: DocCollection<TaskDoc>;

    beforeEach(async () => {
      fixture = await open();
      tasks = fixture.store.collection<TaskDoc>('orders');
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    const newTask = (over: Partial<TaskDoc> = {}) => ({ ownerId: 'alice', title: 't', nextActionAt: null, ...over });

    describe('get and insert', () => {
      test('a missing id reads as null', async () => {
        expect(await tasks.get('nothing-here')).toBeNull();
      });

      test('insert starts at version 1 with no lease and reads back equal', async () => {
        const created = await tasks.insert(newTask({ settings: { a: 1 }, tags: ['x', 'y'] }));
        expect(created).toMatchObject({ version: 1, leaseOwner: '', leaseUntil: 0, title: 't' });
        expect(await tasks.get(created._id)).toEqual(created);
      });

      test('generated ids are distinct and sort by creation', async () => {
        const first = await tasks.insert(newTask());
        await new Promise((resolve) => setTimeout(resolve, 3));
        const second = await tasks.insert(newTask());
        expect(first._id).not.toBe(second._id);
        expect(first._id < second._id).toBe(true);
      });

      test('a taken _id is refused with DuplicateIdError and the first document stays', async () => {
        await tasks.insert({ ...newTask({ title: 'first' }), _id: 'dup-1' });
        await expect(tasks.insert({ ...newTask({ title: 'second' }), _id: 'dup-1' })).rejects.toBeInstanceOf(
          DuplicateIdError,
        );
        expect((await tasks.get('dup-1'))?.title).toBe('first');
      });

      test('an id outside the allowed alphabet is refused before anything is written', async () => {
        await expect(tasks.insert({ ...newTask(), _id: '../etc' })).rejects.toThrow(/invalid document id/);
        await expect(tasks.insert({ ...newTask(), _id: '' })).rejects.toThrow(/invalid document id/);
      });
    });

    describe('compare-and-swap update', () => {
      test('a current version wins, bumps the version and returns what it wrote', async () => {
        const created = await tasks.insert(newTask());
        const updated = await tasks.update(created, { title: 'renamed', nextActionAt: T0 });
        expect(updated).toMatchObject({ _id: created._id, version: 2, title: 'renamed', nextActionAt: T0 });
        expect(await tasks.get(created._id)).toEqual(updated);
      });

      test('a stale version loses and changes nothing', async () => {
        const created = await tasks.insert(newTask());
        const updated = await tasks.update(created, { title: 'first' });
        expect(await tasks.update(created, { title: 'second' })).toBeNull();
        expect(await tasks.get(created._id)).toEqual(updated);
      });

      test('a missing document reads as null', async () => {
        const created = await tasks.insert(newTask());
        await tasks.delete(created._id);
        expect(await tasks.update(created, { title: 'x' })).toBeNull();
        expect(await tasks.get(created._id)).toBeNull();
      });

      test('nested objects and arrays are replaced whole, undefined is ignored, null is stored', async () => {
        const created = await tasks.insert(newTask({ settings: { a: 1, b: 2 }, tags: ['x', 'y'] }));
        const updated = await tasks.update(created, { settings: { a: 5 }, tags: ['z'], title: undefined });
        expect(updated).toMatchObject({ settings: { a: 5 }, tags: ['z'], title: 't' });
        expect((await tasks.get(created._id))?.settings).toEqual({ a: 5 });
        const cleared = await tasks.update(updated!, { settings: null });
        expect((await tasks.get(created._id))?.settings).toBeNull();
        expect(cleared?.version).toBe(3);
      });

      test('of many concurrent writers from one version exactly one wins', async () => {
        const created = await tasks.insert(newTask());
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => tasks.update(created, { title: `writer-${i}` })),
        );
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect(await tasks.get(created._id)).toEqual(winners[0]);
      });

      test('two connections racing from one version: exactly one wins', async () => {
        const other = fixture.second.collection<TaskDoc>('orders');
        const created = await tasks.insert(newTask());
        const [a, b] = await Promise.all([
          tasks.update(created, { title: 'from-a' }),
          other.update(created, { title: 'from-b' }),
        ]);
        expect([a, b].filter((r) => r !== null)).toHaveLength(1);
        const stored = await other.get(created._id);
        expect(stored?.version).toBe(2);
        expect(stored?.title).toBe((a ?? b)?.title);
      });
    });

    describe('delete', () => {
      test('deletes once, then reports false', async () => {
        const created = await tasks.insert(newTask());
        expect(await tasks.delete(created._id)).toBe(true);
        expect(await tasks.delete(created._id)).toBe(false);
        expect(await tasks.get(created._id)).toBeNull();
      });

      test('with an expected version, a stale delete keeps the document', async () => {
        const created = await tasks.insert(newTask());
        const updated = await tasks.update(created, { title: 'newer' });
        expect(await tasks.delete(created._id, created.version)).toBe(false);
        expect(await tasks.get(created._id)).toEqual(updated);
        expect(await tasks.delete(created._id, updated!.version)).toBe(true);
      });
    });

    describe('listByOwner', () => {
      test('pages newest first through one owner only, with no gaps or repeats', async () => {
        const mine: string[] = [];
        for (let i = 0; i < 23; i++) {
          mine.push((await tasks.insert({ ...newTask({ title: `m${i}` }), _id: `task-${String(i).padStart(3, '0')}` }))._id);
          if (i % 5 === 0) await tasks.insert(newTask({ ownerId: 'bob' }));
        }
        const seen: string[] = [];
        let after: string | null = null;
        const sizes: number[] = [];
        do {
          const page = await tasks.listByOwner('alice', { limit: 10, after });
          sizes.push(page.items.length);
          expect(page.items.every((item) => item.ownerId === 'alice')).toBe(true);
          seen.push(...page.items.map((item) => item._id));
          after = page.nextCursor;
        } while (after);
        expect(sizes).toEqual([10, 10, 3]);
        expect(seen).toEqual([...mine].reverse());
      });

      test('an exact last page has no next cursor; an unknown owner gets an empty page', async () => {
        for (let i = 0; i < 3; i++) await tasks.insert(newTask());
        expect((await tasks.listByOwner('alice', { limit: 3 })).nextCursor).toBeNull();
        expect(await tasks.listByOwner('nobody', { limit: 10 })).toEqual({ items: [], nextCursor: null });
      });

      test('the limit is clamped to 1..100', async () => {
        for (let i = 0; i < 3; i++) await tasks.insert(newTask());
        expect((await tasks.listByOwner('alice', { limit: 0 })).items).toHaveLength(1);
        expect((await tasks.listByOwner('alice', { limit: 10_000 })).items).toHaveLength(3);
      });
    });

    describe('findDue', () => {
      test('returns due documents earliest first, up to the limit, skipping unscheduled and future ones', async () => {
        const late = await tasks.insert(newTask({ nextActionAt: T0 - 1000 }));
        const early = await tasks.insert(newTask({ nextActionAt: T0 - 5000 }));
        const exact = await tasks.insert(newTask({ nextActionAt: T0 }));
        await tasks.insert(newTask({ nextActionAt: T0 + 1 }));
        await tasks.insert(newTask({ nextActionAt: null }));
        await tasks.insert({ ownerId: 'alice', title: 'no field' } as TaskDoc);
        expect((await tasks.findDue(T0, 10)).map((d) => d._id)).toEqual([early._id, late._id, exact._id]);
        expect((await tasks.findDue(T0, 2)).map((d) => d._id)).toEqual([early._id, late._id]);
      });

      test('follows updates of nextActionAt and skips documents whose lease is held', async () => {
        const a = await tasks.insert(newTask({ nextActionAt: T0 + 10_000 }));
        const b = await tasks.insert(newTask({ nextActionAt: T0 - 1 }));
        await tasks.update(a, { nextActionAt: T0 - 2 });
        await tasks.takeLease(b._id, 'worker-1', T0, 30_000);
        expect((await tasks.findDue(T0, 10)).map((d) => d._id)).toEqual([a._id]);
        expect((await tasks.findDue(T0 + 30_000, 10)).map((d) => d._id)).toEqual([a._id, b._id]);
      });
    });

    describe('leases', () => {
      test('a free lease is taken, bumps the version and is refused to others until it lapses', async () => {
        const created = await tasks.insert(newTask());
        const held = await tasks.takeLease(created._id, 'w1', T0, 10_000);
        expect(held).toMatchObject({ leaseOwner: 'w1', leaseUntil: T0 + 10_000, version: 2, title: 't' });
        expect(await tasks.takeLease(created._id, 'w2', T0 + 9_999, 10_000)).toBeNull();
        const stolen = await tasks.takeLease(created._id, 'w2', T0 + 10_000, 10_000);
        expect(stolen).toMatchObject({ leaseOwner: 'w2', leaseUntil: T0 + 20_000 });
      });

      test('the holder may take again to extend; a missing document yields null', async () => {
        const created = await tasks.insert(newTask());
        await tasks.takeLease(created._id, 'w1', T0, 1_000);
        expect(await tasks.takeLease(created._id, 'w1', T0 + 500, 1_000)).toMatchObject({ leaseUntil: T0 + 1_500 });
        expect(await tasks.takeLease('missing', 'w1', T0, 1_000)).toBeNull();
      });

      test('of many concurrent takers over two connections exactly one holds the lease', async () => {
        const created = await tasks.insert(newTask());
        const other = fixture.second.collection<TaskDoc>('orders');
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) => (i % 2 ? other : tasks).takeLease(created._id, `w${i}`, T0, 5_000)),
        );
        const holders = results.filter((r) => r !== null);
        expect(holders).toHaveLength(1);
        expect((await tasks.get(created._id))?.leaseOwner).toBe(holders[0]?.leaseOwner);
      });

      test('renew extends only the holder’s lease, also after it lapsed if nobody took it', async () => {
        const created = await tasks.insert(newTask());
        await tasks.takeLease(created._id, 'w1', T0, 1_000);
        expect(await tasks.renewLease(created._id, 'w2', T0, 5_000)).toBeNull();
        expect(await tasks.renewLease(created._id, 'w1', T0 + 2_000, 5_000)).toMatchObject({ leaseUntil: T0 + 7_000 });
        expect(await tasks.renewLease('missing', 'w1', T0, 5_000)).toBeNull();
      });

      test('release frees the lease once; a non-holder’s release changes nothing', async () => {
        const created = await tasks.insert(newTask());
        await tasks.takeLease(created._id, 'w1', T0, 60_000);
        expect(await tasks.releaseLease(created._id, 'w2')).toBe(false);
        expect((await tasks.get(created._id))?.leaseOwner).toBe('w1');
        expect(await tasks.releaseLease(created._id, 'w1')).toBe(true);
        expect(await tasks.releaseLease(created._id, 'w1')).toBe(false);
        expect(await tasks.takeLease(created._id, 'w2', T0, 1_000)).toMatchObject({ leaseOwner: 'w2' });
      });

      test('a compare-and-swap update by the holder keeps the lease', async () => {
        const created = await tasks.insert(newTask());
        const held = await tasks.takeLease(created._id, 'w1', T0, 60_000);
        const updated = await tasks.update(held!, { title: 'worked' });
        expect(updated).toMatchObject({ leaseOwner: 'w1', leaseUntil: T0 + 60_000, title: 'worked' });
        expect(await tasks.get(created._id)).toEqual(updated);
      });

      test('an empty lease owner is refused', async () => {
        const created = await tasks.insert(newTask());
        await expect(tasks.takeLease(created._id, '', T0, 1_000)).rejects.toThrow(/lease owner/);
      });
    });
  });
}
