/**
 * The collections the backend stores, declared once: their names, what their `_id` means, and the
 * indexes their queries need. Both stores follow this declaration and nothing else:
 * - the SQLite adapter creates one table per collection and exactly the indexes declared here
 *   (and drops any other index it once made), and refuses `listByOwner` / `findDue` on a collection
 *   that does not declare the index they need, so a missing declaration fails in every test;
 * - the CloudBase bootstrap (`usecases/bootstrap.ts`) creates the collections, and the operator
 *   creates the indexes in the CloudBase console from the same list (`docs/deploy.md`): the
 *   `wx-server-sdk` database API can create collections but neither create nor list indexes.
 *
 * Uniqueness comes from `_id` alone (a primary key in SQLite, the built-in unique `_id` index in
 * CloudBase): where a key must be unique (a notification's dedupe key, a user's settings, a rate
 * counter) it is the document's `_id`, so no other unique index is needed.
 */

/** A document field an index may name: the id and the two fields the store mirrors for queries. */
export type IndexedField = '_id' | 'ownerId' | 'nextActionAt';

export interface IndexKey {
  readonly field: IndexedField;
  readonly order: 'asc' | 'desc';
}

export interface IndexDeclaration {
  /** The index name, the same in SQLite (`<collection>_<name>`) and in the CloudBase console. */
  readonly name: 'owner' | 'due';
  readonly keys: readonly IndexKey[];
  /**
   * Documents whose first key is null may be left out. SQLite makes it a partial index (`WHERE
   * first IS NOT NULL`); the CloudBase console has no such option and indexes them as null, which
   * the query (`≤ now`) skips either way.
   */
  readonly sparse: boolean;
  /** The store query that needs it. */
  readonly query: 'listByOwner' | 'findDue';
}

/** `listByOwner`: a user's documents, newest id first. */
export const OWNER_INDEX: IndexDeclaration = {
  name: 'owner',
  keys: [
    { field: 'ownerId', order: 'asc' },
    { field: '_id', order: 'desc' },
  ],
  sparse: false,
  query: 'listByOwner',
};

/**
 * `findDue`: documents whose next action time has come, earliest first. The query sorts by
 * (`nextActionAt`, `_id`), so the index holds both and no sort is left to do.
 */
export const DUE_INDEX: IndexDeclaration = {
  name: 'due',
  keys: [
    { field: 'nextActionAt', order: 'asc' },
    { field: '_id', order: 'asc' },
  ],
  sparse: true,
  query: 'findDue',
};

export interface CollectionDeclaration {
  /** What the collection holds. */
  readonly holds: string;
  /** What a document's `_id` is (and so what is unique). */
  readonly id: string;
  readonly indexes: readonly IndexDeclaration[];
}

const DECLARATIONS = {
  users: {
    holds: 'Per-user settings, notification channels, subscription-message credits.',
    id: 'derived from the owner (`userDocId`): one document per user',
    indexes: [],
  },
  accounts: {
    holds: 'ACME account per (user, CA directory): encrypted key, account URL, EAB key id.',
    id: 'derived from the owner, the CA and its directory URL: one account per user and CA',
    indexes: [],
  },
  certificates: {
    holds: 'A managed certificate lineage: names, CA, key type, validation, auto-renew, next action.',
    id: 'store-generated',
    indexes: [OWNER_INDEX, DUE_INDEX],
  },
  certificateVersions: {
    holds: 'Issued chains, encrypted private key, serial, validity, fingerprints.',
    id: 'store-generated',
    indexes: [OWNER_INDEX],
  },
  orders: {
    holds: 'ACME order state, challenges, attempts, last error, next step time.',
    id: 'store-generated',
    // The owner index serves a user's orders (tests, support); the scheduler finds due ones.
    indexes: [OWNER_INDEX, DUE_INDEX],
  },
  endpoints: {
    holds: 'Monitored host:port, last probe result, readiness verdict.',
    id: 'store-generated',
    indexes: [OWNER_INDEX, DUE_INDEX],
  },
  credentials: {
    holds: 'DNS provider credentials, encrypted.',
    id: 'store-generated',
    indexes: [OWNER_INDEX],
  },
  notifications: {
    holds: 'Notification outbox with delivery results.',
    id: 'the dedupe key (event time, kind, subject): the same notice is recorded once',
    indexes: [OWNER_INDEX, DUE_INDEX],
  },
  rateLimits: {
    holds: 'Per-user counters for rate limits.',
    id: 'derived from the owner and the action: one counter per user and action',
    indexes: [],
  },
  auditEvents: {
    holds: 'Who did what to a secret, e.g. every private key export.',
    id: 'store-generated',
    indexes: [],
  },
  /**
   * Answers for pending http-01 challenges delegated to the `acmehttp` function, and short-lived
   * probe tokens that verify a redirect. `nextActionAt` is the expiry, so expired ones are found
   * by `findDue` and swept (`server/usecases/http-tokens.ts`).
   */
  challengeTokens: {
    holds: 'Answers of delegated http-01 challenges and redirect probes, swept when expired.',
    id: '`tok-` + the challenge token: a token is held by one order at a time',
    indexes: [DUE_INDEX],
  },
  /** Deployment status the doctor reads, e.g. `tick`: when the scheduler last finished a tick. */
  system: {
    holds: 'Deployment status documents, e.g. the scheduler’s last tick.',
    id: 'a fixed name per document, e.g. `tick`',
    indexes: [],
  },
} as const satisfies Record<string, CollectionDeclaration>;

export type CollectionName = keyof typeof DECLARATIONS;

/** Every collection name, in declaration order. */
export const COLLECTIONS = Object.keys(DECLARATIONS) as readonly CollectionName[];

export function isCollectionName(name: string): name is CollectionName {
  return Object.hasOwn(DECLARATIONS, name);
}

export function declarationOf(name: CollectionName): CollectionDeclaration {
  return DECLARATIONS[name];
}

/** Whether `name` declares the index that `query` needs. */
export function supportsQuery(name: CollectionName, query: IndexDeclaration['query']): boolean {
  return DECLARATIONS[name].indexes.some((index) => index.query === query);
}

/**
 * The CloudBase security rule every collection gets (custom rule, 自定义安全规则): no Mini Program
 * client may read or write any document. Everything goes through the functions, which run as
 * admin and are not bound by rules. The simple "仅创建者可读写" is not enough: under it any user
 * of the Mini Program may still add documents (stamped with their `_openid`) to any collection, and
 * the functions would trust them: a forged `challengeTokens` answer, a due `notifications` entry.
 */
export const SECURITY_RULE = { read: false, write: false } as const;
