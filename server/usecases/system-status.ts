/**
 * Deployment status kept in the `system` collection for the doctor: the `tick` document says when
 * the scheduler last finished a tick (the timer trigger fires every minute, so an old time means
 * the trigger is missing or the function fails).
 */
import { DuplicateIdError, type Store, type StoredDoc } from '../ports/store';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';

export const TICK_DOC_ID = 'tick';

export interface TickStatusDoc extends StoredDoc {
  /** Epoch ms when the last tick finished. */
  lastTickAt: number;
  /** What that tick did, by kind (`TickReport`). */
  lastReport: Record<string, number>;
}

/**
 * Records that a tick finished now. Best effort, never throws: the tick's work is done either way,
 * and two ticks finishing together both mean "the trigger fires" (the loser of the race skips).
 */
export async function recordSchedulerTick(deps: { store: Store; clock: Clock; logger: Logger }, report: Record<string, number>): Promise<void> {
  const status = deps.store.collection<TickStatusDoc>('system');
  const now = deps.clock.now();
  try {
    const current = await status.get(TICK_DOC_ID);
    if (current) await status.update(current, { lastTickAt: now, lastReport: report });
    else await status.insert({ _id: TICK_DOC_ID, lastTickAt: now, lastReport: report });
  } catch (error) {
    if (error instanceof DuplicateIdError) return;
    deps.logger.warn('scheduler.tick_record_failed', { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
}

/** When the scheduler last finished a tick; null when it never did. */
export async function lastSchedulerTick(store: Store): Promise<number | null> {
  return (await store.collection<TickStatusDoc>('system').get(TICK_DOC_ID))?.lastTickAt ?? null;
}
