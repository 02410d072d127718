import { ariCertificateId } from '../domain/ari';
import { renewalTime, schedule, type CertificateDoc, type CertificateVersionDoc } from '../domain/certificate';
import type { NotificationDoc } from '../domain/notification';
import { isTerminal, type OrderDoc } from '../domain/order';
import type { CollectionName } from '../ports/collections';
import type { StoredDoc } from '../ports/store';
import { advanceOrder } from './advance-order';
import { leaseToken, ORDER_LEASE_MS, type EngineDeps } from './engine';
import { askRenewalInfo, reminderPatch } from './lifecycle';
import { checkEndpoint } from './endpoints';
import { sweepExpiredTokens } from './http-tokens';
import { recordSchedulerTick } from './system-status';
import { deliverNotification } from './notify';
import { newOrder } from './request-certificate';

/** The three kinds of scheduled work, each found by its collection's "next action ≤ now" index. */
export type WorkKind = Extract<CollectionName, 'certificates' | 'orders' | 'endpoints' | 'notifications'>;
/** Notifications last, so that what a tick reports is delivered in the same tick. */
export const WORK_KINDS: readonly WorkKind[] = ['certificates', 'orders', 'endpoints', 'notifications'];

/** Due documents handed to a worker: it takes each one's lease and re-checks it, as the tick does. */
export interface WorkBatch {
  kind: WorkKind;
  ids: string[];
}

/** Hands batches to workers (the `worker` function in the cloud) and resolves when they are done. */
export type FanOut = (batches: WorkBatch[]) => Promise<void>;

export interface TickReport {
  /** Certificates looked at: renewal started, reminder sent or scheduled, ARI asked. */
  certificatesProcessed: number;
  renewalsStarted: number;
  ordersAdvanced: number;
  endpointsChecked: number;
  notificationsDelivered: number;
  /** Due documents handed to workers. */
  fannedOut: number;
  /** Work that was due but left for the next tick (budget spent, or someone else held it). */
  deferred: number;
}

/** Work one call takes on per kind; the rest goes to workers or waits for the next tick. */
export const TICK_BATCH = 50;
/** A call stops starting new work after this long, well inside the platform's 60 s. */
export const TICK_BUDGET_MS = 20_000;
/** Workers one tick may start; each takes one batch per kind. */
export const MAX_WORKERS = 4;

/**
 * One scheduler tick: looks at due certificates (renewal, reminders, ARI), advances due orders
 * and delivers due notifications. Work is found by the indexed "next action ≤ now" queries and
 * done under leases with a re-check afterwards, so ticks running at the same time never renew or
 * remind twice. When more is due than one call can do, the rest is handed to workers.
 */
export async function runSchedulerTick(deps: EngineDeps, options: { batch?: number; budgetMs?: number; fanOut?: FanOut; maxWorkers?: number } = {}): Promise<TickReport> {
  const batch = options.batch ?? TICK_BATCH;
  const workers = options.fanOut ? (options.maxWorkers ?? MAX_WORKERS) : 0;
  const report = emptyReport();
  const deadline = deps.clock.now() + (options.budgetMs ?? TICK_BUDGET_MS);
  const delegated: Promise<void>[] = [];
  for (const kind of WORK_KINDS) {
    const due = await deps.store.collection<StoredDoc>(kind).findDue(deps.clock.now(), batch * (1 + workers));
    const mine = due.slice(0, batch).map((doc) => doc._id);
    const rest: WorkBatch[] = [];
    for (let at = batch; at < due.length; at += batch) rest.push({ kind, ids: due.slice(at, at + batch).map((doc) => doc._id) });
    if (options.fanOut && rest.length > 0) {
      report.fannedOut += rest.reduce((n, b) => n + b.ids.length, 0);
      delegated.push(options.fanOut(rest).catch((error: unknown) => deps.logger.error('scheduler.fan_out_failed', { kind, error: error instanceof Error ? error.message : String(error) })));
    }
    add(report, await processBatch(deps, { kind, ids: mine }, deadline));
  }
  await Promise.all(delegated);
  // Answers of http-01 challenges and probes that outlived their order.
  const tokensSwept = await sweepExpiredTokens(deps);
  if (tokensSwept > 0 || Object.values(report).some((n) => n > 0)) deps.logger.info('scheduler.tick', { ...report, tokensSwept });
  // The doctor reads this to tell whether the timer trigger fires.
  await recordSchedulerTick(deps, { ...report, tokensSwept });
  return report;
}

/** What a worker runs: one batch, within its own budget. */
export function runWorkerBatch(deps: EngineDeps, work: WorkBatch, budgetMs: number = TICK_BUDGET_MS): Promise<TickReport> {
  return processBatch(deps, work, deps.clock.now() + budgetMs);
}

async function processBatch(deps: EngineDeps, work: WorkBatch, deadline: number): Promise<TickReport> {
  const report = emptyReport();
  for (const id of work.ids) {
    if (deps.clock.now() >= deadline) {
      report.deferred++;
      continue;
    }
    if (work.kind === 'certificates') {
      const result = await processCertificate(deps, id);
      if (result) report.certificatesProcessed++;
      if (result === 'renewalStarted') report.renewalsStarted++;
    } else if (work.kind === 'orders') {
      const before = await deps.store.collection<OrderDoc>('orders').get(id);
      const after = before ? await advanceOrder(deps, id) : null;
      if (before && after && after.version !== before.version) report.ordersAdvanced++;
    } else if (work.kind === 'endpoints') {
      if (await checkEndpoint(deps, id)) report.endpointsChecked++;
    } else {
      const delivered: NotificationDoc | null = await deliverNotification(deps, id);
      if (delivered) report.notificationsDelivered++;
    }
  }
  return report;
}

/**
 * Does what is due on a certificate, under its lease and after re-checking: asks the CA's ARI
 * again, starts the renewal (a new order for the lineage's names, CA, key type and validation; a
 * fresh key, or the user's CSR again), sends the due expiry reminder. Returns null when nothing
 * was due after all or someone else holds it.
 */
export async function processCertificate(deps: EngineDeps, certificateId: string): Promise<'renewalStarted' | 'processed' | null> {
  const certificates = deps.store.collection<CertificateDoc>('certificates');
  const lease = leaseToken(deps);
  const lineage = await certificates.takeLease(certificateId, lease, deps.clock.now(), ORDER_LEASE_MS);
  if (!lineage) return null;
  let startedOrderId: string | null = null;
  try {
    const now = deps.clock.now();
    if (lineage.nextActionAt === null || lineage.nextActionAt > now) return null;
    let { renewAt, ariCheckAt } = lineage;
    const active = lineage.status === 'active' && lineage.autoRenew;
    if (active && ariCheckAt !== null && ariCheckAt <= now && renewAt !== null) {
      const version = await currentVersion(deps, lineage);
      const ari = version ? await askRenewalInfo(deps, lineage.accountId, version.leaf, now) : { renewAt: null, ariCheckAt: null };
      if (ari.renewAt !== null && lineage.notBefore !== null && lineage.notAfter !== null) renewAt = renewalTime(lineage.notBefore, lineage.notAfter, ari.renewAt);
      ariCheckAt = ari.ariCheckAt;
    } else if (!active) ariCheckAt = null;
    if (renewAt !== null && renewAt <= now) {
      startedOrderId = active ? await startRenewal(deps, lineage) : null;
      // Started, or not wanted, or an order is under way already: its outcome schedules the next one.
      renewAt = null;
      ariCheckAt = null;
    }
    const reminders = lineage.remindAt !== null && lineage.remindAt <= now ? await reminderPatch(deps, lineage, now) : { remindAt: lineage.remindAt, remindedDays: lineage.remindedDays };
    const saved = await certificates.update(lineage, {
      ...(startedOrderId ? { currentOrderId: startedOrderId } : {}),
      remindedDays: reminders.remindedDays,
      ...schedule({ renewAt, remindAt: reminders.remindAt, ariCheckAt }),
      updatedAt: now,
    });
    if (!saved && startedOrderId) {
      await deps.store.collection<OrderDoc>('orders').delete(startedOrderId);
      startedOrderId = null;
    }
    if (startedOrderId) deps.logger.info('certificate.renewal_started', { certificateId, orderId: startedOrderId });
    return startedOrderId ? 'renewalStarted' : 'processed';
  } finally {
    await certificates.releaseLease(certificateId, lease);
  }
}

/** Inserts the renewal order; null when an order is already under way. */
async function startRenewal(deps: EngineDeps, lineage: CertificateDoc): Promise<string | null> {
  const orders = deps.store.collection<OrderDoc>('orders');
  const current = lineage.currentOrderId ? await orders.get(lineage.currentOrderId) : null;
  if (current && !isTerminal(current.state)) return null;
  const csrPem = lineage.keyType === null ? (current?.csrPem ?? null) : null;
  // RFC 9773 §5: name the certificate being replaced; placeOrder sends it only to CAs with ARI.
  const version = await currentVersion(deps, lineage);
  const replaces = version?.leaf.authorityKeyId ? ariCertificateId(version.leaf.authorityKeyId, version.leaf.serialNumber) : null;
  const order = await orders.insert(newOrder({ orderId: deps.store.newId(), certificate: lineage, csrPem, replaces, now: deps.clock.now() }));
  return order._id;
}

function currentVersion(deps: EngineDeps, lineage: CertificateDoc): Promise<CertificateVersionDoc | null> {
  return lineage.currentVersionId ? deps.store.collection<CertificateVersionDoc>('certificateVersions').get(lineage.currentVersionId) : Promise.resolve(null);
}

function emptyReport(): TickReport {
  return { certificatesProcessed: 0, renewalsStarted: 0, ordersAdvanced: 0, endpointsChecked: 0, notificationsDelivered: 0, fannedOut: 0, deferred: 0 };
}

function add(total: TickReport, part: TickReport): void {
  for (const key of Object.keys(total) as (keyof TickReport)[]) total[key] += part[key];
}
