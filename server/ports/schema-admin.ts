/**
 * What a database can tell and do about its own shape: whether the declared collections
 * (`ports/collections.ts`) and their indexes exist, and creating a missing collection. The
 * bootstrap and the doctor use it; each store adapter has one.
 *
 * Not every database can answer everything: CloudBase's `wx-server-sdk` can create collections but
 * cannot list indexes or read security rules, so those come back `unknown` (to be checked in the
 * console) rather than guessed.
 */
import type { CollectionName, IndexDeclaration } from './collections';

export type Presence = 'present' | 'missing' | 'unknown';

export interface SchemaAdmin {
  /**
   * Whether the collection exists. Never creates it. `problem` (English, for logs and the
   * operator) says why the answer is `unknown`.
   */
  collectionPresence(name: CollectionName): Promise<{ presence: Presence; problem: string | null }>;
  /**
   * Creates the collection when it is missing: `created`, or `exists` when it was there already
   * (so calling it twice, or from two places at once, is safe). Throws when it can do neither.
   */
  createCollection(name: CollectionName): Promise<'created' | 'exists'>;
  /** Whether the collection has the index; `unknown` when this database cannot tell. */
  indexPresence(name: CollectionName, index: IndexDeclaration): Promise<Presence>;
  /**
   * Whether Mini Program clients are kept out of the database: `none` when no client can reach it
   * at all (a local file), `unknown` when it depends on security rules this side cannot read.
   */
  clientAccess(): Promise<'none' | 'unknown'>;
}
