/**
 * The collections the backend stores, declared once. The SQLite adapter creates its tables and
 * indexes from this list, and the CloudBase bootstrap creates the same collections and indexes.
 *
 * Every collection gets the two indexes the store port's queries need:
 * - owner: (`ownerId`, `_id`) for `listByOwner`;
 * - due: (`nextActionAt`) for `findDue`.
 */
export const COLLECTIONS = [
  /** Per-user settings, notification channels, subscription-message credits. */
  'users',
  /** ACME account per (user, CA directory): encrypted key, account URL, EAB key id. */
  'accounts',
  /** A managed certificate lineage: names, CA, key type, validation, auto-renew, next action. */
  'certificates',
  /** Issued chains, encrypted private key, serial, validity, fingerprints. */
  'certificateVersions',
  /** ACME order state, challenges, attempts, last error, next step time. */
  'orders',
  /** Monitored host:port, last probe result, readiness verdict. */
  'endpoints',
  /** DNS provider credentials, encrypted. */
  'credentials',
  /** Notification outbox with dedupe keys and delivery results. */
  'notifications',
  /** Per-user counters for rate limits (one document per user and action). */
  'rateLimits',
  /** Who did what to a secret, e.g. every private key export. */
  'auditEvents',
  /**
   * Answers for pending http-01 challenges delegated to the `acmehttp` function (the user's server
   * redirects `/.well-known/acme-challenge/` there), and short-lived probe tokens that verify the
   * redirect. One document per token; `nextActionAt` is its expiry, so expired ones are found by
   * `findDue` and swept (`server/usecases/http-tokens.ts`).
   */
  'challengeTokens',
] as const;

export type CollectionName = (typeof COLLECTIONS)[number];

export function isCollectionName(name: string): name is CollectionName {
  return (COLLECTIONS as readonly string[]).includes(name);
}
