/**
 * The answers the `acmehttp` function serves for http-01 challenges delegated to CertKeeper
 * (`domain/http-delegation.ts`): one `challengeTokens` document per token, holding the key
 * authorization (RFC 8555 §8.3, https://www.rfc-editor.org/rfc/rfc8555#section-8.3), its owner and
 * an expiry. `nextActionAt` is the expiry, so `sweepExpiredTokens` finds stale ones by index.
 *
 * A token is answered only under its owner's delegation key, which is derived from the owner here
 * and never taken from a request: a site that redirects to its owner's delegation URL validates
 * that owner's orders and nobody else's.
 *
 * Probe tokens verify a user's redirect before automation relies on it: a random token and value
 * stored the same way for 10 minutes, fetched through the user's site as a CA would, then removed.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DELEGATION_KEY_LENGTH, delegationUrl, isHttpToken } from '../domain/http-delegation';
import type { OrderDoc } from '../domain/order';
import type { Clock } from '../ports/clock';
import { DuplicateIdError, type Store, type StoredDoc } from '../ports/store';

export interface ChallengeTokenDoc extends StoredDoc {
  ownerId: string;
  kind: 'challenge' | 'probe';
  /** The order whose challenge this answers; null for a probe. */
  orderId: string | null;
  token: string;
  /** What `acmehttp` serves: the challenge's `proof` (`token.thumbprint`), or a probe's value. */
  keyAuthorization: string;
  createdAt: number;
  expiresAt: number;
  /** = `expiresAt`: when the sweep may delete it. */
  nextActionAt: number;
}

/** What these functions read of an order. */
export type HttpTokenOrder = Pick<OrderDoc, '_id' | 'ownerId' | 'validation' | 'caExpiresAt' | 'challenges'>;

export interface HttpTokenDeps {
  store: Store;
  clock: Clock;
}

/** Probes live long enough for one check, however slow the user's site is. */
export const PROBE_TOKEN_TTL_MS = 10 * 60_000;
/** A challenge answer lives as long as the CA's order, or this long when the CA gave no expiry. */
export const DEFAULT_TOKEN_TTL_MS = 7 * 86_400_000;
/** Every answer lives at least this long (clock skew between us and the CA). */
const MIN_TOKEN_TTL_MS = 3_600_000;

const ID_PREFIX = 'tok-';
/** Store ids are at most 128 characters; the prefix takes four. */
const MAX_STORED_TOKEN_LENGTH = 128 - ID_PREFIX.length;

/** A token that cannot be served, or one that another order already holds. */
export class HttpTokenError extends Error {
  constructor(
    readonly reason: 'invalidToken' | 'taken',
    readonly token: string,
  ) {
    super(reason === 'invalidToken' ? 'http-tokens: the CA sent a token acmehttp cannot serve' : `http-tokens: token ${token} is held by another order`);
    this.name = 'HttpTokenError';
  }
}

/**
 * The owner's delegation key: 22 base64url characters of SHA-256 over a fixed label and the owner
 * id. Not secret (it is in the user's redirect for anyone to read) but bound to the owner: no other
 * owner's documents hash to it.
 */
export function httpDelegationKey(ownerId: string): string {
  return createHash('sha256').update('certkeeper/http-delegation/v1\n').update(ownerId).digest('base64url').slice(0, DELEGATION_KEY_LENGTH);
}

/** The URL the owner's redirect must point at, for the `acmehttp` function's URL. */
export function delegationUrlFor(functionUrl: string, ownerId: string): string {
  return delegationUrl(functionUrl, httpDelegationKey(ownerId));
}

function docId(token: string): string {
  return `${ID_PREFIX}${token}`;
}

function storable(token: string): boolean {
  return isHttpToken(token) && token.length <= MAX_STORED_TOKEN_LENGTH;
}

function tokens(deps: Pick<HttpTokenDeps, 'store'>) {
  return deps.store.collection<ChallengeTokenDoc>('challengeTokens');
}

/**
 * Stores the answer of every pending http-01 challenge of `order`. Idempotent: a token already
 * stored for this order is left as it is; an expired one of anyone is replaced. Returns the tokens.
 * Throws `HttpTokenError` for a token that cannot be served or that another order holds (tokens are
 * random per challenge, so this means a misbehaving CA); tokens stored before it stay, and
 * `removeHttpTokens` removes them.
 */
export async function publishHttpTokens(deps: HttpTokenDeps, order: HttpTokenOrder): Promise<string[]> {
  if (order.validation !== 'http-01') return [];
  const now = deps.clock.now();
  const expiresAt = order.caExpiresAt === null ? now + DEFAULT_TOKEN_TTL_MS : Math.max(order.caExpiresAt, now + MIN_TOKEN_TTL_MS);
  const published: string[] = [];
  for (const task of order.challenges) {
    if (task.status !== 'pending') continue;
    if (!storable(task.token)) throw new HttpTokenError('invalidToken', task.token);
    await storeToken(deps, {
      ownerId: order.ownerId,
      kind: 'challenge',
      orderId: order._id,
      token: task.token,
      keyAuthorization: task.proof,
      createdAt: now,
      expiresAt,
      nextActionAt: expiresAt,
    });
    published.push(task.token);
  }
  return published;
}

async function storeToken(deps: HttpTokenDeps, doc: Omit<ChallengeTokenDoc, '_id' | 'version'>): Promise<void> {
  const collection = tokens(deps);
  const id = docId(doc.token);
  // A few rounds at most: each lost round means a concurrent writer inserted or deleted it.
  for (let round = 0; round < 3; round++) {
    try {
      await collection.insert({ _id: id, ...doc });
      return;
    } catch (error) {
      if (!(error instanceof DuplicateIdError)) throw error;
    }
    const existing = await collection.get(id);
    if (existing === null) continue;
    // An expired answer, anyone's, makes room (the same order's included: it is stored afresh).
    if (existing.expiresAt <= doc.createdAt) {
      await collection.delete(id, existing.version);
      continue;
    }
    const same = existing.ownerId === doc.ownerId && existing.orderId === doc.orderId && existing.keyAuthorization === doc.keyAuthorization;
    if (same) return;
    throw new HttpTokenError('taken', doc.token);
  }
  throw new HttpTokenError('taken', doc.token);
}

/**
 * Deletes answers: those of `order`'s http-01 challenges (any status; documents of other orders
 * with the same token are left alone), or the documents of the given tokens (what an order
 * recorded as published, or a probe token after its check). Idempotent; returns how many it deleted.
 */
export async function removeHttpTokens(deps: Pick<HttpTokenDeps, 'store'>, from: HttpTokenOrder | readonly string[]): Promise<number> {
  const collection = tokens(deps);
  const order = isTokenList(from) ? null : from;
  if (order !== null && order.validation !== 'http-01') return 0;
  const list = isTokenList(from) ? from : from.challenges.map((task) => task.token);
  const belongs = (doc: ChallengeTokenDoc) => order === null || (doc.kind === 'challenge' && doc.orderId === order._id);
  let removed = 0;
  for (const token of list) {
    if (!storable(token)) continue;
    const doc = await collection.get(docId(token));
    if (doc === null || !belongs(doc)) continue;
    if (await collection.delete(doc._id, doc.version)) removed++;
  }
  return removed;
}

function isTokenList(from: HttpTokenOrder | readonly string[]): from is readonly string[] {
  return Array.isArray(from);
}

/**
 * What `acmehttp` serves for `token` requested under `delegationKey`: the key authorization, or
 * null when the token is unknown, expired, malformed, or belongs to another owner than the key's.
 */
export async function answerFor(deps: Pick<HttpTokenDeps, 'store'>, token: string, now: number, delegationKey: string): Promise<string | null> {
  if (!storable(token)) return null;
  const doc = await tokens(deps).get(docId(token));
  if (doc?.token !== token || now >= doc.expiresAt) return null;
  return sameText(httpDelegationKey(doc.ownerId), delegationKey) ? doc.keyAuthorization : null;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface ProbeToken {
  token: string;
  /** What the probe URL must answer. */
  value: string;
  expiresAt: number;
}

/**
 * A probe token for `ownerId`, answered by `acmehttp` (under the owner's key) for 10 minutes or
 * until `removeHttpTokens(deps, [token])`: fetched through the user's site as a CA would fetch a
 * challenge, it shows the redirect works before automation relies on it.
 */
export async function createProbeToken(deps: Pick<HttpTokenDeps, 'store'>, ownerId: string, now: number): Promise<ProbeToken> {
  const token = randomBytes(32).toString('base64url');
  // Shaped like a key authorization (token.thumbprint), so it passes wherever one would.
  const value = `${token}.${randomBytes(32).toString('base64url')}`;
  const expiresAt = now + PROBE_TOKEN_TTL_MS;
  await tokens(deps).insert({
    _id: docId(token),
    ownerId,
    kind: 'probe',
    orderId: null,
    token,
    keyAuthorization: value,
    createdAt: now,
    expiresAt,
    nextActionAt: expiresAt,
  });
  return { token, value, expiresAt };
}

/** Deletes up to `limit` expired documents; returns how many. For the scheduler's tick. */
export async function sweepExpiredTokens(deps: HttpTokenDeps, limit = 100): Promise<number> {
  const collection = tokens(deps);
  const due = await collection.findDue(deps.clock.now(), limit);
  let removed = 0;
  for (const doc of due) {
    if (await collection.delete(doc._id, doc.version)) removed++;
  }
  return removed;
}
