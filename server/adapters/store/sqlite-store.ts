import Database from 'better-sqlite3';
import { COLLECTIONS, isCollectionName, type CollectionName } from '../../ports/collections';
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

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for a private in-memory database. */
  path: string;
  /** How long a writer waits for another connection's write lock before failing. */
  busyTimeoutMs?: number;
}

interface Row {
  id: string;
  version: number;
  lease_owner: string;
  lease_until: number;
  body: string;
}

/**
 * Store port on SQLite (better-sqlite3). One table per declared collection; the caller-owned
 * fields live as JSON in `body`, with `ownerId` and `nextActionAt` mirrored into indexed columns.
 * WAL mode lets several connections (processes, worker threads) share one file: every write is a
 * single conditional statement, so compare-and-swap and leases hold across connections.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly collections = new Map<CollectionName, SqliteCollection<StoredDoc>>();

  constructor(options: SqliteStoreOptions) {
    try {
      this.db = new Database(options.path);
      this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
      if (options.path !== ':memory:') this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(COLLECTIONS.map(schemaFor).join('\n'));
    } catch (cause) {
      throw new StoreError(`sqlite: cannot open ${options.path}`, { cause });
    }
  }

  collection<T extends StoredDoc>(name: CollectionName): DocCollection<T> {
    if (!isCollectionName(name)) throw new TypeError(`store: unknown collection ${JSON.stringify(name)}`);
    let collection = this.collections.get(name);
    if (!collection) {
      collection = new SqliteCollection(this.db, name);
      this.collections.set(name, collection);
    }
    // Documents are JSON; the type parameter is the caller's view of this collection's shape.
    return collection as unknown as DocCollection<T>;
  }

  newId(): string {
    return newDocId();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function schemaFor(name: CollectionName): string {
  return `
    CREATE TABLE IF NOT EXISTS "${name}" (
      id TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      owner_id TEXT,
      next_action_at INTEGER,
      lease_owner TEXT NOT NULL DEFAULT '',
      lease_until INTEGER NOT NULL DEFAULT 0,
      body TEXT NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS "${name}_owner" ON "${name}" (owner_id, id);
    CREATE INDEX IF NOT EXISTS "${name}_due" ON "${name}" (next_action_at) WHERE next_action_at IS NOT NULL;`;
}

const COLUMNS = 'id, version, lease_owner, lease_until, body';

class SqliteCollection<T extends StoredDoc> implements DocCollection<T> {
  private readonly statements: ReturnType<typeof prepare>;

  constructor(
    db: Database.Database,
    private readonly name: CollectionName,
  ) {
    this.statements = prepare(db, name);
  }

  async get(id: string): Promise<T | null> {
    const row = this.statements.get.get(id) as Row | undefined;
    return row ? this.toDoc(row) : null;
  }

  async insert(doc: NewDoc<T>): Promise<T> {
    const id = doc._id ?? newDocId();
    assertValidId(id);
    const body = bodyOf(doc);
    try {
      this.statements.insert.run(id, ...indexed(body), JSON.stringify(body));
    } catch (cause) {
      if (isUniqueViolation(cause)) throw new DuplicateIdError(this.name, id);
      throw new StoreError(`sqlite: insert into ${this.name} failed`, { cause });
    }
    return withManaged<T>(body, { _id: id, version: 1, leaseOwner: '', leaseUntil: 0 });
  }

  async update(current: T, patch: DocPatch<T>): Promise<T | null> {
    const body = patchBody(current, patch);
    const row = this.statements.update.get(
      ...indexed(body),
      JSON.stringify(body),
      current._id,
      current.version,
    ) as Row | undefined;
    return row ? this.toDoc(row) : null;
  }

  async delete(id: string, expectedVersion?: number): Promise<boolean> {
    const result =
      expectedVersion === undefined
        ? this.statements.delete.run(id)
        : this.statements.deleteVersion.run(id, expectedVersion);
    return result.changes === 1;
  }

  async listByOwner(ownerId: string, options: { limit: number; after?: string | null }): Promise<Page<T>> {
    const limit = clampLimit(options.limit, MAX_PAGE_SIZE);
    // One extra row tells whether another page exists without a second query.
    const rows = (
      options.after
        ? this.statements.listAfter.all(ownerId, options.after, limit + 1)
        : this.statements.list.all(ownerId, limit + 1)
    ) as Row[];
    const items = rows.slice(0, limit).map((row) => this.toDoc(row));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? last._id : null };
  }

  async findDue(now: number, limit: number): Promise<T[]> {
    const rows = this.statements.due.all(now, now, clampLimit(limit, MAX_DUE_BATCH)) as Row[];
    return rows.map((row) => this.toDoc(row));
  }

  async takeLease(id: string, owner: string, now: number, ttlMs: number): Promise<T | null> {
    assertLeaseOwner(owner);
    const row = this.statements.take.get(owner, now + ttlMs, id, now, owner) as Row | undefined;
    return row ? this.toDoc(row) : null;
  }

  async renewLease(id: string, owner: string, now: number, ttlMs: number): Promise<T | null> {
    assertLeaseOwner(owner);
    const row = this.statements.renew.get(now + ttlMs, id, owner) as Row | undefined;
    return row ? this.toDoc(row) : null;
  }

  async releaseLease(id: string, owner: string): Promise<boolean> {
    assertLeaseOwner(owner);
    return this.statements.release.run(id, owner).changes === 1;
  }

  private toDoc(row: Row): T {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(row.body) as Record<string, unknown>;
    } catch (cause) {
      throw new StoreError(`sqlite: ${this.name}/${row.id} holds a body that is not JSON`, { cause });
    }
    return withManaged<T>(body, {
      _id: row.id,
      version: row.version,
      leaseOwner: row.lease_owner,
      leaseUntil: row.lease_until,
    });
  }
}

/** The mirrored index columns of a body: owner_id, next_action_at. */
function indexed(body: Record<string, unknown>): [string | null, number | null] {
  const owner = typeof body.ownerId === 'string' ? body.ownerId : null;
  const due = typeof body.nextActionAt === 'number' ? Math.floor(body.nextActionAt) : null;
  return [owner, due];
}

function prepare(db: Database.Database, name: CollectionName) {
  const t = `"${name}"`;
  return {
    get: db.prepare(`SELECT ${COLUMNS} FROM ${t} WHERE id = ?`),
    insert: db.prepare(
      `INSERT INTO ${t} (id, version, owner_id, next_action_at, lease_owner, lease_until, body) VALUES (?, 1, ?, ?, '', 0, ?)`,
    ),
    update: db.prepare(
      `UPDATE ${t} SET owner_id = ?, next_action_at = ?, body = ?, version = version + 1
       WHERE id = ? AND version = ? RETURNING ${COLUMNS}`,
    ),
    delete: db.prepare(`DELETE FROM ${t} WHERE id = ?`),
    deleteVersion: db.prepare(`DELETE FROM ${t} WHERE id = ? AND version = ?`),
    list: db.prepare(`SELECT ${COLUMNS} FROM ${t} WHERE owner_id = ? ORDER BY id DESC LIMIT ?`),
    listAfter: db.prepare(`SELECT ${COLUMNS} FROM ${t} WHERE owner_id = ? AND id < ? ORDER BY id DESC LIMIT ?`),
    due: db.prepare(
      `SELECT ${COLUMNS} FROM ${t} WHERE next_action_at IS NOT NULL AND next_action_at <= ? AND lease_until <= ?
       ORDER BY next_action_at, id LIMIT ?`,
    ),
    take: db.prepare(
      `UPDATE ${t} SET lease_owner = ?, lease_until = ?, version = version + 1
       WHERE id = ? AND (lease_until <= ? OR lease_owner = ?) RETURNING ${COLUMNS}`,
    ),
    renew: db.prepare(
      `UPDATE ${t} SET lease_until = ?, version = version + 1 WHERE id = ? AND lease_owner = ? RETURNING ${COLUMNS}`,
    ),
    release: db.prepare(
      `UPDATE ${t} SET lease_owner = '', lease_until = 0, version = version + 1 WHERE id = ? AND lease_owner = ?`,
    ),
  };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
