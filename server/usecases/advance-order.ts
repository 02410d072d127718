import { nextStep, retryDelayMs, type OrderDoc } from '../domain/order';
import { AcmeError } from '../ports/acme';
import { INLINE_POLL_WAIT_MS, leaseToken, ORDER_LEASE_MS, STEP_BUDGET_MS, type EngineDeps } from './engine';
import { failOrder, orderProblem, save, STEPS } from './order-steps';

/**
 * Moves an order forward as far as it can go now, within a few seconds, and returns it.
 *
 * The one entry point for the user's "verify" tap, the page's polling and the scheduler. It is
 * idempotent and safe to call concurrently: work happens only under the order's lease, the state
 * is re-read after the lease is taken, and every write is a compare-and-swap, so double taps and
 * parallel callers never finalize twice or store two certificates. A caller that finds the lease
 * taken gets the order as it is and leaves the work to the holder.
 *
 * Returns null when there is no such order.
 */
export async function advanceOrder(
  deps: EngineDeps,
  orderId: string,
  options: { budgetMs?: number; maxSteps?: number } = {},
): Promise<OrderDoc | null> {
  const orders = deps.store.collection<OrderDoc>('orders');
  const seen = await orders.get(orderId);
  if (!seen || nextStep(seen, deps.clock.now()) === 'none') return seen;

  const lease = leaseToken(deps);
  let order = await orders.takeLease(orderId, lease, deps.clock.now(), ORDER_LEASE_MS);
  if (!order) return orders.get(orderId);
  try {
    const deadline = deps.clock.now() + (options.budgetMs ?? STEP_BUDGET_MS);
    let steps = 0;
    while (steps < (options.maxSteps ?? Infinity) && deps.clock.now() < deadline) {
      const step = nextStep(order, deps.clock.now());
      if (step === 'none') {
        const pause = inlinePause(deps, order, deadline);
        if (pause === null) break;
        await pause;
        continue;
      }
      const next = await runStep(deps, order, step);
      steps++;
      if (!next) break; // changed under us (e.g. cancelled): stop, the caller gets a fresh read
      order = next;
    }
  } finally {
    await orders.releaseLease(orderId, lease);
  }
  return orders.get(orderId);
}

/** A short wait for the CA (validating, finalizing) that fits the budget, or null to return now. */
function inlinePause(deps: EngineDeps, order: OrderDoc, deadline: number): Promise<void> | null {
  if (!deps.wait || (order.state !== 'validating' && order.state !== 'finalizing') || order.nextActionAt === null) return null;
  const now = deps.clock.now();
  const ms = order.nextActionAt - now;
  if (ms > INLINE_POLL_WAIT_MS || order.nextActionAt >= deadline) return null;
  return deps.wait(Math.max(0, ms));
}

async function runStep(deps: EngineDeps, order: OrderDoc, step: Exclude<ReturnType<typeof nextStep>, 'none'>): Promise<OrderDoc | null> {
  try {
    return await STEPS[step](deps, order);
  } catch (error) {
    const acmeError = error instanceof AcmeError ? error : null;
    if (acmeError && !acmeError.transient) {
      const problem = acmeError.details.problem ?? { kind: acmeError.kind, detail: acmeError.message, status: acmeError.details.status ?? null };
      return failOrder(deps, order, orderProblem(deps, problem));
    }
    // Transient CA trouble, or a fault of ours: keep the state, back off, and say why.
    const retryAfterMs = acmeError?.details.retryAfterMs ?? null;
    const delay = retryDelayMs(order.attempts, retryAfterMs);
    deps.logger.warn('order.step.retry', {
      orderId: order._id,
      step,
      kind: acmeError?.kind ?? 'internal',
      error: error instanceof Error ? error.message : String(error),
      attempts: order.attempts + 1,
      retryInMs: delay,
    });
    const problem = orderProblem(deps, { kind: acmeError?.kind ?? 'internal', detail: error instanceof Error ? error.message : String(error), status: acmeError?.details.status ?? null }, retryAfterMs);
    // Due exactly `delay` after the failure was recorded.
    return save(deps, order, { attempts: order.attempts + 1, nextActionAt: problem.at + delay, lastError: problem });
  }
}
