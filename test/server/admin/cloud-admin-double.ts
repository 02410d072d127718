/**
 * The CloudBase database double (`test/server/store/cloud-database-double.ts`) with collections
 * that must be created first, as in a real environment: a query on a collection that does not
 * exist fails with -502005, and `createCollection` fails when the collection exists.
 *
 * The -502005 error is shaped as wx-server-sdk throws it (a CloudSDKError with `errCode` and
 * `errMsg`; the text as reported in public issues, e.g. Voyzz/Fruit-store-mp#9). The "already
 * exists" text of `createCollection` is not documented, so this double uses a made-up one: the
 * adapter must not depend on it.
 */
import type { CloudCollection, CloudCondition, CloudQuery } from '../../../server/adapters/store/cloudbase-store';
import type { CloudDatabaseAdmin } from '../../../server/adapters/store/cloudbase-bootstrap';
import { CloudDatabaseDouble } from '../store/cloud-database-double';

export function collectionNotExists(name: string): Error & { errCode: number; errMsg: string } {
  const errMsg = `errCode: -502005 database collection not exists | errMsg: [ResourceNotFound] Db or Table not exist: ${name}. Please check your request, but if the problem cannot be solved, contact us.`;
  return Object.assign(new Error(errMsg), { errCode: -502005, errMsg });
}

export class StrictCloudDatabaseDouble extends CloudDatabaseDouble implements CloudDatabaseAdmin {
  readonly existing = new Set<string>();
  /** Names `createCollection` was called with, in order. */
  readonly created: string[] = [];
  /** Makes the next calls for a name fail another way (quota, network), once per entry. */
  readonly failCreate = new Map<string, Error>();
  readonly failQuery = new Map<string, Error>();
  /** Runs just before `createCollection` answers, e.g. another caller creating the same collection. */
  beforeCreate: ((name: string) => void) | null = null;

  constructor(existing: readonly string[] = []) {
    super();
    for (const name of existing) this.existing.add(name);
  }

  override collection(name: string): CloudCollection {
    const queryFailure = this.failQuery.get(name);
    if (queryFailure) return new FailingCollection(queryFailure);
    if (!this.existing.has(name)) return new FailingCollection(collectionNotExists(name));
    return super.collection(name);
  }

  async createCollection(name: string): Promise<{ errMsg: string }> {
    await new Promise((resolve) => setImmediate(resolve));
    this.created.push(name);
    this.beforeCreate?.(name);
    const failure = this.failCreate.get(name);
    if (failure) throw failure;
    if (this.existing.has(name)) throw Object.assign(new Error(`double: collection ${name} already exists`), { errCode: -501001 });
    this.existing.add(name);
    return { errMsg: 'createCollection:ok' };
  }
}

/** Every call on a missing (or broken) collection fails with `error`. */
class FailingCollection implements CloudCollection {
  constructor(private readonly error: Error) {}
  where(_condition: CloudCondition): CloudQuery {
    return this;
  }
  orderBy(_field: string, _direction: 'asc' | 'desc'): CloudQuery {
    return this;
  }
  limit(_max: number): CloudQuery {
    return this;
  }
  get(): Promise<never> {
    return Promise.reject(this.error);
  }
  update(): Promise<never> {
    return Promise.reject(this.error);
  }
  remove(): Promise<never> {
    return Promise.reject(this.error);
  }
  add(): Promise<never> {
    return Promise.reject(this.error);
  }
}
