import { randomBytes } from 'node:crypto';
import type { StoredDoc } from '../../ports/store';

/**
 * A new document id that sorts by creation time: 9 base-36 digits of epoch milliseconds, then
 * 12 random hex digits. Lexicographic order = creation order (to the millisecond), which is what
 * `listByOwner`'s newest-first paging relies on.
 */
export function newDocId(nowMs: number = Date.now()): string {
  return nowMs.toString(36).padStart(9, '0') + randomBytes(6).toString('hex');
}

export function clampLimit(limit: number, max: number): number {
  if (!Number.isFinite(limit)) return max;
  return Math.min(max, Math.max(1, Math.floor(limit)));
}

/** Ids are used as SQLite keys and CloudBase `_id`s: keep them printable, short and path-safe. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;

export function assertValidId(id: string): void {
  if (!ID_PATTERN.test(id)) {
    throw new TypeError(`store: invalid document id ${JSON.stringify(id)}: expected 1-128 of [A-Za-z0-9_.:@-]`);
  }
}

/** The caller-owned fields of a document: everything but the four the store manages. */
export function bodyOf(doc: object): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key === '_id' || key === 'version' || key === 'leaseOwner' || key === 'leaseUntil') continue;
    if (value !== undefined) body[key] = value;
  }
  return body;
}

/** Applies a top-level patch (undefined values ignored) to a caller-owned body. */
export function patchBody(current: object, patch: object): Record<string, unknown> {
  return { ...bodyOf(current), ...bodyOf(patch) };
}

// Documents are JSON from storage; T is the caller's view of the collection's shape.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the one place that asserts it
export function withManaged<T extends StoredDoc>(
  body: Record<string, unknown>,
  managed: { _id: string; version: number; leaseOwner: string; leaseUntil: number },
): T {
  return { ...body, ...managed } as T;
}

/** An empty owner would match every unleased document; refuse it. */
export function assertLeaseOwner(owner: string): void {
  if (owner.length === 0) throw new TypeError('store: lease owner must be a non-empty string');
}
