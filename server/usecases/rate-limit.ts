import { ConflictError } from '../domain/errors';
import type { Clock } from '../ports/clock';
import { DuplicateIdError, type Store, type StoredDoc } from '../ports/store';

interface RateLimitDoc extends StoredDoc {
  ownerId: string;
  windowStart: number;
  count: number;
}

export type RateLimitAction = 'createRequest' | 'exportCertificate' | 'testChannel' | 'checkEndpoint';

/** At most `limit` uses per user in a fixed window of `windowMs`. */
export interface RateLimit {
  readonly limit: number;
  readonly windowMs: number;
}

export type RateLimitTable = Readonly<Record<RateLimitAction, RateLimit>>;

/**
 * Default per-user limits that protect the shared CA accounts and the export path. A deployment
 * may override them (`CERTKEEPER_RATE_LIMITS`, read in server/config); the engine then carries
 * the table as `rateLimits`.
 */
export const RATE_LIMITS: RateLimitTable = {
  createRequest: { limit: 20, windowMs: 3_600_000 },
  exportCertificate: { limit: 60, windowMs: 3_600_000 },
  /** Test messages go to outside servers (and WeChat test messages use a banked credit). */
  testChannel: { limit: 10, windowMs: 3_600_000 },
  /** "Check now" connects to outside servers several times per address. */
  checkEndpoint: { limit: 30, windowMs: 3_600_000 },
};

export const RATE_LIMIT_ACTIONS = Object.keys(RATE_LIMITS) as readonly RateLimitAction[];

export class RateLimitedError extends ConflictError {
  constructor(readonly retryAfterMs: number) {
    super('rateLimited', `操作太频繁，请在 ${Math.max(1, Math.ceil(retryAfterMs / 60_000))} 分钟后再试`);
    this.name = 'RateLimitedError';
  }
}

/**
 * Counts one use of `action` by `ownerId` in a fixed window; throws RateLimitedError over the
 * limit. Compare-and-swap on one document per (user, action), so concurrent calls count exactly.
 * The limits are `deps.rateLimits` when the composition root configured them, else RATE_LIMITS.
 */
export async function consumeQuota(
  deps: { store: Store; clock: Clock; rateLimits?: RateLimitTable },
  ownerId: string,
  action: RateLimitAction,
): Promise<void> {
  const { limit, windowMs } = (deps.rateLimits ?? RATE_LIMITS)[action];
  const counters = deps.store.collection<RateLimitDoc>('rateLimits');
  const id = `rl-${action}-${ownerId}`;
  for (let attempt = 0; attempt < 10; attempt++) {
    const now = deps.clock.now();
    const current = await counters.get(id);
    if (!current) {
      try {
        await counters.insert({ _id: id, ownerId, windowStart: now, count: 1 });
        return;
      } catch (error) {
        if (error instanceof DuplicateIdError) continue;
        throw error;
      }
    }
    const fresh = now - current.windowStart >= windowMs;
    if (!fresh && current.count >= limit) throw new RateLimitedError(current.windowStart + windowMs - now);
    const next = fresh ? { windowStart: now, count: 1 } : { count: current.count + 1 };
    if (await counters.update(current, next)) return;
  }
  throw new RateLimitedError(1_000);
}
