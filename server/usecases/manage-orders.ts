import type { CertificateDoc } from '../domain/certificate';
import { ConflictError, NotFoundError } from '../domain/errors';
import { transition, type OrderDoc } from '../domain/order';
import { advanceOrder } from './advance-order';
import { leaseToken, ORDER_LEASE_MS, type EngineDeps } from './engine';
import { openSession } from './ensure-account';
import { markLineageIfNothingIssued, save } from './order-steps';

async function ownOrder(deps: EngineDeps, ownerId: string, orderId: string): Promise<OrderDoc> {
  const order = await deps.store.collection<OrderDoc>('orders').get(orderId);
  if (!order || order.ownerId !== ownerId) throw new NotFoundError(`order ${orderId}`);
  return order;
}

/**
 * The user's "verify" tap: makes an order waiting for the user due now (self-check, then submit),
 * then advances it. Taps on an order in any other state just advance it; repeated taps are harmless.
 */
export async function verifyOrder(deps: EngineDeps, ownerId: string, orderId: string): Promise<OrderDoc> {
  const order = await ownOrder(deps, ownerId, orderId);
  if (order.state === 'awaitingUser') {
    const now = deps.clock.now();
    if (order.nextActionAt === null || order.nextActionAt > now) {
      // A lost race here means someone else moved the order on; advancing below covers both cases.
      await save(deps, order, { nextActionAt: now, attempts: 0 });
    }
  }
  return (await advanceOrder(deps, orderId)) ?? order;
}

const CANCELLABLE: ReadonlySet<OrderDoc['state']> = new Set(['created', 'awaitingUser', 'validating', 'ready']);

/**
 * Cancels an order that has not reached finalize. Best effort, it also gives up the pending
 * authorizations at the CA, so nothing stays valid for names the user abandoned.
 */
export async function cancelOrder(deps: EngineDeps, ownerId: string, orderId: string): Promise<OrderDoc> {
  await ownOrder(deps, ownerId, orderId);
  const orders = deps.store.collection<OrderDoc>('orders');
  const lease = leaseToken(deps);
  const held = await orders.takeLease(orderId, lease, deps.clock.now(), ORDER_LEASE_MS);
  if (!held) throw new ConflictError('orderBusy', '订单正在处理中，请稍后再试');
  try {
    if (!CANCELLABLE.has(held.state)) throw new ConflictError('orderNotCancellable', '订单已经提交签发或已经结束，不能取消');
    const saved = await save(deps, held, { ...transition(held, 'cancelled', deps.clock.now()), nextActionAt: null });
    if (!saved) throw new ConflictError('orderBusy', '订单正在处理中，请稍后再试');
    await markLineageIfNothingIssued(deps, saved, 'cancelled');
    await deactivatePending(deps, saved);
    deps.logger.info('order.cancelled', { orderId });
    return saved;
  } finally {
    await orders.releaseLease(orderId, lease);
  }
}

async function deactivatePending(deps: EngineDeps, order: OrderDoc): Promise<void> {
  const pending = order.challenges.filter((task) => task.status === 'pending');
  if (pending.length === 0) return;
  try {
    const session = await openSession(deps, order.accountId);
    for (const task of pending) await deps.acme.deactivateAuthorization(session, task.authorizationUrl);
  } catch (error) {
    // The order is cancelled either way; unused authorizations simply expire at the CA.
    deps.logger.warn('order.cancel.deactivate_failed', { orderId: order._id, error: error instanceof Error ? error.message : String(error) });
  }
}

/** The lineage if it is the owner's. */
export async function ownCertificate(deps: Pick<EngineDeps, 'store'>, ownerId: string, certificateId: string): Promise<CertificateDoc> {
  const certificate = await deps.store.collection<CertificateDoc>('certificates').get(certificateId);
  if (!certificate || certificate.ownerId !== ownerId) throw new NotFoundError(`certificate ${certificateId}`);
  return certificate;
}
