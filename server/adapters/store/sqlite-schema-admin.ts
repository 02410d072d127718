/**
 * `SchemaAdmin` on the SQLite store: opening the store already made every table and index of the
 * declaration, and SQLite can list them, so everything here is known. No Mini Program client can
 * reach a local file, so client access is `none`.
 */
import type { CollectionName, IndexDeclaration } from '../../ports/collections';
import type { Presence, SchemaAdmin } from '../../ports/schema-admin';
import { SQLITE_COLUMNS, sqliteIndexName, type SqliteSchema } from './sqlite-store';

export class SqliteSchemaAdmin implements SchemaAdmin {
  constructor(private readonly store: { inspectSchema(): SqliteSchema }) {}

  async collectionPresence(name: CollectionName): Promise<{ presence: Presence; problem: string | null }> {
    return { presence: this.store.inspectSchema().tables.includes(name) ? 'present' : 'missing', problem: null };
  }

  async createCollection(name: CollectionName): Promise<'created' | 'exists'> {
    if ((await this.collectionPresence(name)).presence === 'present') return 'exists';
    throw new Error(`sqlite: table ${name} is missing although the store made every table when it opened`);
  }

  async indexPresence(name: CollectionName, index: IndexDeclaration): Promise<Presence> {
    const found = this.store.inspectSchema().indexes.find((entry) => entry.table === name && entry.name === sqliteIndexName(name, index));
    if (!found) return 'missing';
    const first = index.keys[0];
    const sameColumns =
      found.columns.length === index.keys.length &&
      index.keys.every((key, at) => found.columns[at]?.name === SQLITE_COLUMNS[key.field] && found.columns[at].desc === (key.order === 'desc'));
    return sameColumns && found.partial === (index.sparse && first !== undefined) ? 'present' : 'missing';
  }

  async clientAccess(): Promise<'none' | 'unknown'> {
    return 'none';
  }
}
