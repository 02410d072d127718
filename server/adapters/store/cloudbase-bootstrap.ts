/**
 * `SchemaAdmin` on the CloudBase document database, through what `wx-server-sdk` offers a cloud
 * function: `db.createCollection(name)` (which fails when the collection exists) and ordinary
 * queries. There is no call to list collections, to create or list indexes, or to read security
 * rules (the SDK's `Database` has `collection`, `createCollection`, transactions and nothing else;
 * `aggregate().indexStats()` is typed but throws in wx-server-sdk 4.0.2, whose underlying
 * `@cloudbase/database` has no such stage). So:
 * - a collection exists when a one-document query on it succeeds, and is missing when the
 *   database answers -502005 (集合不存在 / "collection not exists"); anything else is unknown;
 * - creating is probe-then-create, and a failed create is probed again: another caller may have
 *   made it meanwhile, and the exact "already exists" error text is not documented;
 * - indexes and rules are `unknown`: the operator makes and checks them in the console
 *   (云开发控制台 → 数据库 → 集合 → 索引管理 / 数据权限), as `docs/deploy.md` lists them.
 */
import type { CollectionName, IndexDeclaration } from '../../ports/collections';
import type { Presence, SchemaAdmin } from '../../ports/schema-admin';

/** The slice of `cloud.database()` this adapter uses. */
export interface CloudDatabaseAdmin {
  collection(name: string): { limit(max: number): { get(): Promise<{ data: unknown[] }> } };
  createCollection(name: string): Promise<unknown>;
}

/** The database's "collection does not exist" error (https://developers.weixin.qq.com/minigame/dev/wxcloud/reference/errcode.html). */
const COLLECTION_NOT_EXISTS = -502005;

export class CloudBaseSchemaAdmin implements SchemaAdmin {
  constructor(
    private readonly db: CloudDatabaseAdmin,
    /** The same prefix the store uses (test environments keep their collections apart with it). */
    private readonly options: { collectionPrefix?: string } = {},
  ) {}

  async collectionPresence(name: CollectionName): Promise<{ presence: Presence; problem: string | null }> {
    try {
      await this.db.collection(this.full(name)).limit(1).get();
      return { presence: 'present', problem: null };
    } catch (error) {
      if (isCollectionMissing(error)) return { presence: 'missing', problem: null };
      return { presence: 'unknown', problem: describe(error) };
    }
  }

  async createCollection(name: CollectionName): Promise<'created' | 'exists'> {
    const before = await this.collectionPresence(name);
    if (before.presence === 'present') return 'exists';
    try {
      await this.db.createCollection(this.full(name));
      return 'created';
    } catch (error) {
      const after = await this.collectionPresence(name);
      if (after.presence === 'present') return 'exists';
      throw new Error(`cloudbase: cannot create collection ${this.full(name)}: ${describe(error)}`, { cause: error });
    }
  }

  async indexPresence(_name: CollectionName, _index: IndexDeclaration): Promise<Presence> {
    return 'unknown';
  }

  async clientAccess(): Promise<'none' | 'unknown'> {
    return 'unknown';
  }

  private full(name: CollectionName): string {
    return `${this.options.collectionPrefix ?? ''}${name}`;
  }
}

/** The SDK rejects with a `CloudSDKError` carrying `errCode`; older paths only have the text. */
function isCollectionMissing(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { errCode, errMsg, message } = error as { errCode?: unknown; errMsg?: unknown; message?: unknown };
  if (errCode === COLLECTION_NOT_EXISTS) return true;
  const text = [errMsg, message].filter((part) => typeof part === 'string').join(' ');
  return /-502005|collection not exist|Db or Table not exist|集合不存在/i.test(text);
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === 'object' && error !== null) {
    const { errCode, errMsg } = error as { errCode?: unknown; errMsg?: unknown };
    if (errCode !== undefined || errMsg !== undefined) return `errCode ${String(errCode)}: ${String(errMsg)}`;
  }
  return String(error);
}
