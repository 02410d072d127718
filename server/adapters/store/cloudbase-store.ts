import type { CollectionName } from '../../ports/collections';
import {
  DuplicateIdError,
  MAX_DUE_BATCH,
  MAX_PAGE_SIZE,
  StoreError,
  type DocCollection,
  type DocPatch,
  type NewDoc,
  type Page,
  type Store,
  type StoredDoc,
} from '../../ports/store';
import { assertLeaseOwner, assertValidId, bodyOf, clampLimit, newDocId, patchBody, withManaged } from './common';

/**
 * The slice of the `wx-server-sdk` database API this adapter uses (`cloud.database()` provides
 * it). Declared here because the SDK types these calls loosely, and so that tests can hand in a
 * small in-memory double of exactly these calls.
 */
export interface CloudDatabase {
  readonly command: CloudCommand;
  collection(name: string): CloudCollection;
}

/** Opaque values built by `db.command`; only the database interprets them. */
export type CloudCondition = object;

export interface CloudCommand {
  lt(value: unknown): CloudCondition;
  lte(value: unknown): CloudCondition;
  and(conditions: CloudCondition[]): CloudCondition;
  or(conditions: CloudCondition[]): CloudCondition;
  inc(by: number): CloudCondition;
  set(value: unknown): CloudCondition;
}

export interface CloudQuery {
  where(condition: CloudCondition): CloudQuery;
  orderBy(field: string, direction: 'asc' | 'desc'): CloudQuery;
  limit(max: number): CloudQuery;
  get(): Promise<{ data: Record<string, unknown>[] }>;
  update(options: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
}

export interface CloudCollection extends CloudQuery {
  add(options: { data: Record<string, unknown> }): Promise<{ _id: string | number }>;
}

/**
 * Store port on the CloudBase document database (`wx-server-sdk`). One collection per declared
 * collection name; documents keep their fields at the top level so the console and indexes see
 * them (`ownerId`, `nextActionAt`, `leaseUntil`). Every conditional write is a single
 * `where(...).update()` whose `stats.updated` says whether it won: single-document writes are
 * atomic in CloudBase, so no transactions are needed.
 *
 * Indexes its queries rely on are declared per collection in `ports/collections.ts` (`owner`:
 * `ownerId` asc, `_id` desc for `listByOwner`; `due`: `nextActionAt` asc, `_id` asc for
 * `findDue`); the operator creates them in the console (`docs/deploy.md`).
 */
export class CloudBaseStore implements Store {
  constructor(
    private readonly db: CloudDatabase,
    private readonly options: { collectionPrefix?: string } = {},
  ) {}

  collection<T extends StoredDoc>(name: CollectionName): DocCollection<T> {
    return new CloudBaseCollection<T>(this.db, `${this.options.collectionPrefix ?? ''}${name}`);
  }

  newId(): string {
    return newDocId();
  }

  async close(): Promise<void> {
    // The SDK keeps no connection of its own to close.
  }
}

class CloudBaseCollection<T extends StoredDoc> implements DocCollection<T> {
  constructor(
    private readonly db: CloudDatabase,
    private readonly name: string,
  ) {}

  private get ref(): CloudCollection {
    return this.db.collection(this.name);
  }

  async get(id: string): Promise<T | null> {
    // where() rather than doc().get(): a missing document is an empty result, not a thrown error.
    const { data } = await this.call('get', () => this.ref.where({ _id: id }).limit(1).get());
    const raw = data[0];
    return raw ? this.toDoc(raw) : null;
  }

  async insert(doc: NewDoc<T>): Promise<T> {
    const id = doc._id ?? newDocId();
    assertValidId(id);
    const body = bodyOf(doc);
    const managed = { _id: id, version: 1, leaseOwner: '', leaseUntil: 0 };
    try {
      await this.ref.add({ data: { ...body, nextActionAt: body.nextActionAt ?? null, ...managed } });
    } catch (cause) {
      if (isDuplicateKey(cause)) throw new DuplicateIdError(this.name, id);
      throw new StoreError(`cloudbase: insert into ${this.name} failed`, { cause });
    }
    return withManaged<T>(body, managed);
  }

  async update(current: T, patch: DocPatch<T>): Promise<T | null> {
    const _ = this.db.command;
    const changes = bodyOf(patch);
    const data: Record<string, unknown> = { version: _.inc(1) };
    for (const [field, value] of Object.entries(changes)) {
      // update() merges nested objects; set() replaces them, as the port promises.
      data[field] = value !== null && typeof value === 'object' ? _.set(value) : value;
    }
    const { stats } = await this.call('update', () =>
      this.ref.where({ _id: current._id, version: current.version }).update({ data }),
    );
    if (stats.updated !== 1) return null;
    return withManaged<T>(patchBody(current, patch), {
      _id: current._id,
      version: current.version + 1,
      leaseOwner: current.leaseOwner ?? '',
      leaseUntil: current.leaseUntil ?? 0,
    });
  }

  async delete(id: string, expectedVersion?: number): Promise<boolean> {
    const where = expectedVersion === undefined ? { _id: id } : { _id: id, version: expectedVersion };
    const { stats } = await this.call('delete', () => this.ref.where(where).remove());
    return stats.removed === 1;
  }

  async listByOwner(ownerId: string, options: { limit: number; after?: string | null }): Promise<Page<T>> {
    const _ = this.db.command;
    const limit = clampLimit(options.limit, MAX_PAGE_SIZE);
    const where = options.after ? { ownerId, _id: _.lt(options.after) } : { ownerId };
    const { data } = await this.call('listByOwner', () =>
      this.ref.where(where).orderBy('_id', 'desc').limit(limit + 1).get(),
    );
    const items = data.slice(0, limit).map((raw) => this.toDoc(raw));
    const last = items[items.length - 1];
    return { items, nextCursor: data.length > limit && last ? last._id : null };
  }

  async findDue(now: number, limit: number): Promise<T[]> {
    const _ = this.db.command;
    const { data } = await this.call('findDue', () =>
      this.ref
        .where({ nextActionAt: _.lte(now), leaseUntil: _.lte(now) })
        .orderBy('nextActionAt', 'asc')
        .orderBy('_id', 'asc')
        .limit(clampLimit(limit, MAX_DUE_BATCH))
        .get(),
    );
    return data.map((raw) => this.toDoc(raw));
  }

  async takeLease(id: string, owner: string, now: number, ttlMs: number): Promise<T | null> {
    assertLeaseOwner(owner);
    const _ = this.db.command;
    const free = _.and([{ _id: id }, _.or([{ leaseUntil: _.lte(now) }, { leaseOwner: owner }])]);
    return this.leaseWrite('takeLease', id, free, { leaseOwner: owner, leaseUntil: now + ttlMs });
  }

  async renewLease(id: string, owner: string, now: number, ttlMs: number): Promise<T | null> {
    assertLeaseOwner(owner);
    return this.leaseWrite('renewLease', id, { _id: id, leaseOwner: owner }, { leaseUntil: now + ttlMs });
  }

  async releaseLease(id: string, owner: string): Promise<boolean> {
    assertLeaseOwner(owner);
    const _ = this.db.command;
    const { stats } = await this.call('releaseLease', () =>
      this.ref
        .where({ _id: id, leaseOwner: owner })
        .update({ data: { leaseOwner: '', leaseUntil: 0, version: _.inc(1) } }),
    );
    return stats.updated === 1;
  }

  /** A conditional lease write, then a read of the document as it now is. */
  private async leaseWrite(
    operation: string,
    id: string,
    condition: CloudCondition,
    fields: Record<string, unknown>,
  ): Promise<T | null> {
    const _ = this.db.command;
    const { stats } = await this.call(operation, () =>
      this.ref.where(condition).update({ data: { ...fields, version: _.inc(1) } }),
    );
    return stats.updated === 1 ? this.get(id) : null;
  }

  private toDoc(raw: Record<string, unknown>): T {
    const { _id, version, leaseOwner, leaseUntil } = raw;
    if (typeof _id !== 'string' || typeof version !== 'number') {
      throw new StoreError(`cloudbase: ${this.name} holds a document without a string _id and numeric version`);
    }
    return withManaged<T>(bodyOf(raw), {
      _id,
      version,
      leaseOwner: typeof leaseOwner === 'string' ? leaseOwner : '',
      leaseUntil: typeof leaseUntil === 'number' ? leaseUntil : 0,
    });
  }

  private async call<R>(operation: string, run: () => Promise<R>): Promise<R> {
    try {
      return await run();
    } catch (cause) {
      throw new StoreError(`cloudbase: ${operation} on ${this.name} failed`, { cause });
    }
  }
}

/** CloudBase runs on MongoDB; a taken `_id` surfaces as a duplicate-key error. */
function isDuplicateKey(error: unknown): boolean {
  const text = error instanceof Error ? error.message : typeof error === 'object' && error ? JSON.stringify(error) : '';
  return /duplicate key|E11000/i.test(text);
}
