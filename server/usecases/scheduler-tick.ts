import { ariCertificateId } from '../domain/ari';
import type { CertificateDoc, CertificateVersionDoc } from '../domain/certificate';
import { isTerminal, type OrderDoc } from '../domain/order';
import { advanceOrder } from './advance-order';
import { leaseToken, ORDER_LEASE_MS, type EngineDeps } from './engine';
import { newOrder } from './request-certificate';

export interface TickReport {
  ordersAdvanced: number;
  renewalsStarted: number;
  /** Work that was due but left for the next tick (budget spent, or someone else held it). */
  deferred: number;
}

/** Work one tick takes on at most; the rest waits for the next tick (or a worker). */
export const TICK_BATCH = 50;
/** A tick stops starting new work after this long, well inside the platform's 60 s. */
export const TICK_BUDGET_MS = 20_000;

/**
 * One scheduler tick: advances the orders that are due and starts the renewals that are due.
 * Work is found by the indexed "next action ≤ now" queries and done under leases with a re-check
 * afterwards, so ticks running at the same time never renew twice.
 */
export async function runSchedulerTick(deps: EngineDeps, options: { batch?: number; budgetMs?: number } = {}): Promise<TickReport> {
  const report: TickReport = { ordersAdvanced: 0, renewalsStarted: 0, deferred: 0 };
  const deadline = deps.clock.now() + (options.budgetMs ?? TICK_BUDGET_MS);
  const batch = options.batch ?? TICK_BATCH;

  const dueCertificates = await deps.store.collection<CertificateDoc>('certificates').findDue(deps.clock.now(), batch);
  for (const certificate of dueCertificates) {
    if (deps.clock.now() >= deadline) report.deferred++;
    else if (await startRenewal(deps, certificate._id)) report.renewalsStarted++;
  }
  const dueOrders = await deps.store.collection<OrderDoc>('orders').findDue(deps.clock.now(), batch);
  for (const order of dueOrders) {
    if (deps.clock.now() >= deadline) {
      report.deferred++;
      continue;
    }
    const before = order.version;
    const after = await advanceOrder(deps, order._id);
    if (after && after.version !== before) report.ordersAdvanced++;
  }
  if (report.renewalsStarted + report.ordersAdvanced + report.deferred > 0) deps.logger.info('scheduler.tick', { ...report });
  return report;
}

/**
 * Starts a renewal: a new order for the lineage's names, CA, key type and validation (a fresh key,
 * or the user's CSR again). Returns false when it is not due after all or someone else has it.
 */
export async function startRenewal(deps: EngineDeps, certificateId: string): Promise<boolean> {
  const certificates = deps.store.collection<CertificateDoc>('certificates');
  const orders = deps.store.collection<OrderDoc>('orders');
  const lease = leaseToken(deps);
  const lineage = await certificates.takeLease(certificateId, lease, deps.clock.now(), ORDER_LEASE_MS);
  if (!lineage) return false;
  try {
    const now = deps.clock.now();
    // Re-check under the lease: still due, still wanted, nothing already under way.
    if (lineage.nextActionAt === null || lineage.nextActionAt > now || !lineage.autoRenew || lineage.status !== 'active') return false;
    const current = lineage.currentOrderId ? await orders.get(lineage.currentOrderId) : null;
    if (current && !isTerminal(current.state)) return false;
    const csrPem = lineage.keyType === null ? (current?.csrPem ?? null) : null;
    // RFC 9773 §5: name the certificate being replaced; placeOrder sends it only to CAs with ARI.
    const version = lineage.currentVersionId ? await deps.store.collection<CertificateVersionDoc>('certificateVersions').get(lineage.currentVersionId) : null;
    const replaces = version?.leaf.authorityKeyId ? ariCertificateId(version.leaf.authorityKeyId, version.leaf.serialNumber) : null;
    const orderId = deps.store.newId();
    const order = await orders.insert(newOrder({ orderId, certificate: lineage, csrPem, replaces, now }));
    if (!(await certificates.update(lineage, { currentOrderId: order._id, nextActionAt: null, updatedAt: now }))) {
      await orders.delete(order._id);
      return false;
    }
    deps.logger.info('certificate.renewal_started', { certificateId, orderId });
    return true;
  } finally {
    await certificates.releaseLease(certificateId, lease);
  }
}
