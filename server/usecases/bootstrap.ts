/**
 * Database bootstrap: every collection of `ports/collections.ts` made to exist, and each declared
 * index reported as present, missing or unknown (CloudBase indexes are made in the console: the
 * function SDK cannot create or list them). Idempotent: a second run creates nothing and reports
 * the same. `inspectDatabase` answers the same questions without creating anything (the doctor).
 */
import { COLLECTIONS, declarationOf, type CollectionName, type IndexDeclaration } from '../ports/collections';
import type { Logger } from '../ports/logger';
import type { Presence, SchemaAdmin } from '../ports/schema-admin';

export interface IndexReport {
  collection: CollectionName;
  index: IndexDeclaration;
  presence: Presence;
}

export interface CollectionReport {
  name: CollectionName;
  /** `created` only from `bootstrapDatabase`; `failed` when creating it did not work. */
  status: 'present' | 'created' | 'missing' | 'unknown' | 'failed';
  /** English: why it is `unknown` or `failed`. */
  problem: string | null;
  indexes: IndexReport[];
}

export interface DatabaseReport {
  collections: CollectionReport[];
  /** Whether clients are kept out (see `SchemaAdmin.clientAccess`). */
  clientAccess: 'none' | 'unknown';
}

/** Creates what is missing, then reports everything. Never throws for one collection's failure. */
export async function bootstrapDatabase(deps: { schema: SchemaAdmin; logger: Logger }): Promise<DatabaseReport> {
  const report = await survey(deps.schema, async (name, presence) => {
    if (presence.presence === 'present') return { status: 'present', problem: null };
    try {
      const outcome = await deps.schema.createCollection(name);
      deps.logger.info('bootstrap.collection', { collection: name, outcome });
      return { status: outcome === 'created' ? 'created' : 'present', problem: null };
    } catch (error) {
      const problem = describe(error);
      deps.logger.error('bootstrap.collection_failed', { collection: name, error: problem });
      return { status: 'failed', problem };
    }
  });
  deps.logger.info('bootstrap.done', {
    created: report.collections.filter((c) => c.status === 'created').length,
    failed: report.collections.filter((c) => c.status === 'failed').length,
  });
  return report;
}

/** Reports what exists, creating nothing. */
export function inspectDatabase(deps: { schema: SchemaAdmin }): Promise<DatabaseReport> {
  return survey(deps.schema, async (_name, presence) => ({ status: presence.presence, problem: presence.problem }));
}

type Decide = (name: CollectionName, presence: { presence: Presence; problem: string | null }) => Promise<Pick<CollectionReport, 'status' | 'problem'>>;

async function survey(schema: SchemaAdmin, decide: Decide): Promise<DatabaseReport> {
  // One collection after another: a bootstrap makes at most a dozen calls, and CloudBase limits
  // concurrent requests per environment.
  const collections: CollectionReport[] = [];
  for (const name of COLLECTIONS) {
    let presence: { presence: Presence; problem: string | null };
    try {
      presence = await schema.collectionPresence(name);
    } catch (error) {
      presence = { presence: 'unknown', problem: describe(error) };
    }
    const { status, problem } = await decide(name, presence);
    const indexes: IndexReport[] = [];
    for (const index of declarationOf(name).indexes) {
      const known = status === 'present' || status === 'created';
      indexes.push({ collection: name, index, presence: known ? await indexPresence(schema, name, index) : status === 'unknown' ? 'unknown' : 'missing' });
    }
    collections.push({ name, status, problem, indexes });
  }
  let clientAccess: DatabaseReport['clientAccess'];
  try {
    clientAccess = await schema.clientAccess();
  } catch {
    clientAccess = 'unknown';
  }
  return { collections, clientAccess };
}

async function indexPresence(schema: SchemaAdmin, name: CollectionName, index: IndexDeclaration): Promise<Presence> {
  try {
    return await schema.indexPresence(name, index);
  } catch {
    return 'unknown';
  }
}

/** Name and message only: an SDK error's other fields may carry request data. */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
