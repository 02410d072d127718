/**
 * A small in-memory double of the `wx-server-sdk` database calls `CloudBaseStore` uses.
 *
 * CloudBase's document database cannot run here (no local emulator exists), so this double stands
 * in for it in the store contract suite. It mimics the behaviours the adapter depends on:
 * - `where()` with plain equality, `lt`/`lte`, `and`/`or`; a missing field or null never matches `lt`/`lte`;
 * - `update()` merges nested plain objects (the real database does) unless the value is `set()`;
 *   `inc()` adds; the result reports `stats.updated`;
 * - `add()` with a taken `_id` fails with a duplicate-key error;
 * - every call yields to the event loop first, so concurrent callers interleave as they would
 *   over the network, while each single call stays atomic as single-document writes are.
 */
import type {
  CloudCollection,
  CloudCommand,
  CloudCondition,
  CloudDatabase,
  CloudQuery,
} from '../../../server/adapters/store/cloudbase-store';

type Doc = Record<string, unknown>;

class Op {
  constructor(
    readonly kind: 'lt' | 'lte' | 'and' | 'or' | 'inc' | 'set',
    readonly value: unknown,
  ) {}
}

export class CloudDatabaseDouble implements CloudDatabase {
  readonly collections = new Map<string, Map<string, Doc>>();
  /** Counts calls by kind, so tests can see which queries an operation made. */
  readonly calls: string[] = [];

  readonly command: CloudCommand = {
    lt: (value) => new Op('lt', value),
    lte: (value) => new Op('lte', value),
    and: (conditions) => new Op('and', conditions),
    or: (conditions) => new Op('or', conditions),
    inc: (by) => new Op('inc', by),
    set: (value) => new Op('set', value),
  };

  collection(name: string): CloudCollection {
    let docs = this.collections.get(name);
    if (!docs) {
      docs = new Map();
      this.collections.set(name, docs);
    }
    return new QueryDouble(docs, this.calls, {}, [], undefined);
  }
}

class QueryDouble implements CloudCollection {
  constructor(
    private readonly docs: Map<string, Doc>,
    private readonly calls: string[],
    private readonly condition: CloudCondition,
    private readonly order: [string, 'asc' | 'desc'][],
    private readonly max: number | undefined,
  ) {}

  where(condition: CloudCondition): CloudQuery {
    return new QueryDouble(this.docs, this.calls, condition, this.order, this.max);
  }

  orderBy(field: string, direction: 'asc' | 'desc'): CloudQuery {
    return new QueryDouble(this.docs, this.calls, this.condition, [...this.order, [field, direction]], this.max);
  }

  limit(max: number): CloudQuery {
    return new QueryDouble(this.docs, this.calls, this.condition, this.order, max);
  }

  async get(): Promise<{ data: Doc[] }> {
    await tick();
    this.calls.push('get');
    // The real server caps a function's get() at 100 without limit() and at 1000 with it.
    const data = this.matching().slice(0, Math.min(this.max ?? 100, 1000));
    return { data: data.map((doc) => structuredClone(doc)) };
  }

  async update(options: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }> {
    await tick();
    this.calls.push('update');
    const targets = this.matching();
    for (const doc of targets) applyUpdate(doc, options.data);
    return { stats: { updated: targets.length } };
  }

  async remove(): Promise<{ stats: { removed: number } }> {
    await tick();
    this.calls.push('remove');
    const targets = this.matching();
    for (const doc of targets) this.docs.delete(String(doc._id));
    return { stats: { removed: targets.length } };
  }

  async add(options: { data: Record<string, unknown> }): Promise<{ _id: string }> {
    await tick();
    this.calls.push('add');
    const id = typeof options.data._id === 'string' ? options.data._id : `auto${this.docs.size + 1}`;
    if (this.docs.has(id)) {
      throw new Error(`collection.add:fail -502001 database request fail. [FailedOperation] E11000 duplicate key error: _id ${id}`);
    }
    this.docs.set(id, structuredClone({ ...options.data, _id: id }));
    return { _id: id };
  }

  private matching(): Doc[] {
    const found = [...this.docs.values()].filter((doc) => matches(doc, this.condition));
    return found.sort((a, b) => {
      for (const [field, direction] of this.order) {
        const c = compare(a[field], b[field]);
        if (c !== 0) return direction === 'asc' ? c : -c;
      }
      return 0;
    });
  }
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function matches(doc: Doc, condition: CloudCondition): boolean {
  if (condition instanceof Op) {
    const parts = condition.value as CloudCondition[];
    if (condition.kind === 'and') return parts.every((part) => matches(doc, part));
    if (condition.kind === 'or') return parts.some((part) => matches(doc, part));
    throw new Error(`double: ${condition.kind} is not a query condition`);
  }
  return Object.entries(condition).every(([field, expected]) => {
    const actual = doc[field];
    if (expected instanceof Op) {
      if (typeof actual !== typeof expected.value || actual === null) return false;
      if (expected.kind === 'lt') return compare(actual, expected.value) < 0;
      if (expected.kind === 'lte') return compare(actual, expected.value) <= 0;
      throw new Error(`double: ${expected.kind} is not a field condition`);
    }
    return actual === expected;
  });
}

function applyUpdate(doc: Doc, data: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(data)) {
    if (value instanceof Op) {
      if (value.kind === 'inc') doc[field] = Number(doc[field] ?? 0) + Number(value.value);
      else if (value.kind === 'set') doc[field] = structuredClone(value.value);
      else throw new Error(`double: ${value.kind} is not an update operator`);
    } else if (isPlainObject(value) && isPlainObject(doc[field])) {
      applyUpdate(doc[field], value);
    } else {
      doc[field] = structuredClone(value);
    }
  }
}

function isPlainObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Op);
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  // Mongo orders null/missing before numbers and strings.
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}
