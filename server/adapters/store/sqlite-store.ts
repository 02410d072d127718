import Database from 'better-sqlite3';
import { COLLECTIONS, declarationOf, isCollectionName, supportsQuery, type CollectionName, type IndexDeclaration, type IndexedField } from '../../ports/collections';
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
 * fields live as JSON in `body`, with `ownerId` and `nextActionAt` mirrored into columns, and
 * exactly the indexes `ports/collections.ts` declares (see `applySchema`). WAL mode lets several
 * connections (processes, worker threads) share one file: every write is a single conditional
 * statement, so compare-and-swap and leases hold across connections.
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
      applySchema(this.db);
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

  /** The tables and indexes the database holds now, as SQLite reports them (for the doctor and tests). */
  inspectSchema(): SqliteSchema {
    return inspectSchema(this.db);
  }
}

/** The column each indexable field is mirrored into. */
export const SQLITE_COLUMNS: Readonly<Record<IndexedField, string>> = {
  _id: 'id',
  ownerId: 'owner_id',
  nextActionAt: 'next_action_at',
};

/** An index as SQLite reports it. */
export interface SqliteIndexInfo {
  table: string;
  name: string;
  columns: { name: string; desc: boolean }[];
  partial: boolean;
  unique: boolean;
}

export interface SqliteSchema {
  tables: string[];
  /** Indexes made by CREATE INDEX (not the primary keys'). */
  indexes: SqliteIndexInfo[];
}

export function sqliteIndexName(collection: CollectionName, index: IndexDeclaration): string {
  return `${collection}_${index.name}`;
}

/** The statement that makes `index` on `collection`'s table, as `sqlite_master` keeps it. */
export function sqliteIndexSql(collection: CollectionName, index: IndexDeclaration): string {
  const columns = index.keys.map((key) => `${SQLITE_COLUMNS[key.field]} ${key.order === 'asc' ? 'ASC' : 'DESC'}`).join(', ');
  const first = index.keys[0];
  const where = index.sparse && first ? ` WHERE ${SQLITE_COLUMNS[first.field]} IS NOT NULL` : '';
  return `CREATE INDEX "${sqliteIndexName(collection, index)}" ON "${collection}" (${columns})${where}`;
}

function tableSql(name: CollectionName): string {
  return `CREATE TABLE IF NOT EXISTS "${name}" (
      id TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      owner_id TEXT,
      next_action_at INTEGER,
      lease_owner TEXT NOT NULL DEFAULT '',
      lease_until INTEGER NOT NULL DEFAULT 0,
      body TEXT NOT NULL
    ) STRICT`;
}

/**
 * Makes the database match the declaration: every table, exactly the declared indexes. An index of
 * a declared table that is not declared (or declared differently, e.g. by an older version) is
 * dropped and the declared one made, in one immediate transaction so that connections opening the
 * same file at once do it one after the other.
 */
function applySchema(db: Database.Database): void {
  db.transaction(() => {
    for (const name of COLLECTIONS) db.exec(tableSql(name));
    const existing = new Map(
      (db.prepare(`SELECT name, tbl_name AS tableName, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`).all() as { name: string; tableName: string; sql: string }[]).map((row) => [row.name, row]),
    );
    for (const name of COLLECTIONS) {
      const wanted = new Map(declarationOf(name).indexes.map((index) => [sqliteIndexName(name, index), sqliteIndexSql(name, index)]));
      for (const row of existing.values()) {
        if (row.tableName === name && wanted.get(row.name) !== row.sql) db.exec(`DROP INDEX "${row.name}"`);
      }
      for (const [indexName, sql] of wanted) {
        if (existing.get(indexName)?.sql !== sql) db.exec(sql);
      }
    }
  }).immediate();
}

function inspectSchema(db: Database.Database): SqliteSchema {
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map((row) => row.name);
  const indexes: SqliteIndexInfo[] = [];
  for (const table of tables) {
    const list = db.prepare(`SELECT name, "unique", origin, partial FROM pragma_index_list(?)`).all(table) as { name: string; unique: number; origin: string; partial: number }[];
    for (const index of list.filter((entry) => entry.origin === 'c')) {
      const columns = (db.prepare(`SELECT name, "desc" FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno`).all(index.name) as { name: string; desc: number }[]).map((column) => ({ name: column.name, desc: column.desc === 1 }));
      indexes.push({ table, name: index.name, columns, partial: index.partial === 1, unique: index.unique === 1 });
    }
  }
  return { tables, indexes: indexes.sort((a, b) => a.name.localeCompare(b.name)) };
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
    this.assertIndexed('listByOwner');
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
    this.assertIndexed('findDue');
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

  /**
   * The query works without its index here, but on CloudBase it would scan the whole collection:
   * refusing it keeps `ports/collections.ts` complete (the CloudBase indexes are made from it).
   */
  private assertIndexed(query: IndexDeclaration['query']): void {
    if (!supportsQuery(this.name, query)) {
      throw new StoreError(`store: ${this.name} declares no index for ${query}; add it in server/ports/collections.ts`);
    }
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
