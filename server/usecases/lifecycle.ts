/**
 * What happens to a lineage between orders: when it renews (ARI or lifetime ratio), when it
 * reminds, and the notifications its events produce. The engine calls these at its turning points
 * (issued, renewal failed, waiting for the user, revoked); the scheduler calls `reminderPatch`.
 */
import { ariCertificateId, chooseRenewalTime } from '../domain/ari';
import {
  nextAriCheck,
  renewalRetryAt,
  renewalTime,
  schedule,
  type CertificateDoc,
  type CertificateSchedule,
} from '../domain/certificate';
import type { NotificationFacts } from '../domain/notification.messages.zh';
import type { OrderDoc } from '../domain/order';
import { reminderStep, type ReminderPolicy } from '../domain/reminders';
import type { CertificateInfo } from '../ports/keys';
import type { DocPatch, Page } from '../ports/store';
import type { EngineDeps } from './engine';
import { openSession } from './ensure-account';
import { notify } from './notify';
import { getUser } from './settings';

type Lineage = Pick<CertificateDoc, 'status' | 'autoRenew' | 'renewalFailures' | 'notBefore' | 'notAfter' | 'remindedDays'>;

/** When to look at reminders next for `lineage`: now when one is due, else the next threshold. */
export function nextRemindAt(lineage: Lineage, policy: ReminderPolicy, now: number): number | null {
  const step = reminderStep(lineage, policy, now);
  return step.sendDays !== null ? now : step.nextAt;
}

/**
 * Sends the expiry reminder that is due (if any) and returns the fields that record it and
 * schedule the next look.
 */
export async function reminderPatch(deps: EngineDeps, lineage: CertificateDoc, now: number): Promise<Pick<CertificateDoc, 'remindAt' | 'remindedDays'>> {
  const step = reminderStep(lineage, await getUser(deps, lineage.ownerId), now);
  if (step.sendDays !== null && lineage.notAfter !== null) {
    await notify(deps, {
      ownerId: lineage.ownerId,
      facts: { kind: 'expiry', certificateId: lineage._id, names: lineage.names, notAfter: lineage.notAfter, days: step.sendDays, renewing: lineage.autoRenew },
      eventAt: now,
      detail: step.sendDays,
    });
  }
  return { remindAt: step.nextAt, remindedDays: step.remindedDays };
}

/**
 * The schedule of a version just issued: renewal from the CA's ARI window when it offers one
 * (asked again twice a day), else from the lifetime; reminders from the user's thresholds.
 */
export async function scheduleIssued(
  deps: EngineDeps,
  lineage: CertificateDoc,
  leaf: Pick<CertificateInfo, 'notBefore' | 'notAfter' | 'authorityKeyId' | 'serialNumber'>,
): Promise<CertificateSchedule & { nextActionAt: number | null; remindedDays: null }> {
  const now = deps.clock.now();
  const ari = lineage.autoRenew ? await askRenewalInfo(deps, lineage.accountId, leaf, now) : { renewAt: null, ariCheckAt: null };
  const fresh = { ...lineage, status: 'active' as const, renewalFailures: 0, notBefore: leaf.notBefore, notAfter: leaf.notAfter, remindedDays: null };
  const remindAt = nextRemindAt(fresh, await getUser(deps, lineage.ownerId), now);
  return {
    ...schedule({ renewAt: lineage.autoRenew ? renewalTime(leaf.notBefore, leaf.notAfter, ari.renewAt) : null, remindAt, ariCheckAt: ari.ariCheckAt }),
    remindedDays: null,
  };
}

/**
 * Asks the CA's renewalInfo (RFC 9773) when to renew `leaf`. `renewAt` is null when the CA has no
 * ARI or could not be asked (the lifetime ratio applies then); in the latter case it is asked
 * again later.
 */
export async function askRenewalInfo(
  deps: EngineDeps,
  accountId: string,
  leaf: Pick<CertificateInfo, 'authorityKeyId' | 'serialNumber'>,
  now: number,
): Promise<{ renewAt: number | null; ariCheckAt: number | null }> {
  if (!leaf.authorityKeyId) return { renewAt: null, ariCheckAt: null };
  try {
    const session = await openSession(deps, accountId);
    const directory = await deps.acme.directory(session);
    if (!directory.renewalInfo) return { renewAt: null, ariCheckAt: null };
    const window = await deps.acme.renewalInfo(session, directory.renewalInfo, ariCertificateId(leaf.authorityKeyId, leaf.serialNumber));
    return { renewAt: chooseRenewalTime(window, (deps.random ?? Math.random)(), now), ariCheckAt: nextAriCheck(now, window.retryAfterMs) };
  } catch (error) {
    deps.logger.warn('ari.unavailable', { accountId, error: error instanceof Error ? error.message : String(error) });
    return { renewAt: null, ariCheckAt: nextAriCheck(now, null) };
  }
}

/**
 * The lineage after a renewal order ended without a certificate: the next attempt backs off
 * (hourly at worst near expiry), reminders are no longer held back, and the user hears why.
 * The failure notice stands for the expiry threshold already reached, so that is marked sent.
 */
export async function renewalFailedPatch(deps: EngineDeps, lineage: CertificateDoc, order: OrderDoc, now: number): Promise<DocPatch<CertificateDoc>> {
  const failures = lineage.renewalFailures + 1;
  const renewAt = lineage.autoRenew && lineage.notAfter !== null ? renewalRetryAt(lineage.renewalFailures, lineage.notAfter, now) : null;
  const step = reminderStep({ ...lineage, renewalFailures: failures }, await getUser(deps, lineage.ownerId), now);
  // The first failure and then fewer and fewer (2nd, 4th, 8th, …): a failing renewal is retried often near expiry.
  if (lineage.notAfter !== null && (failures & (failures - 1)) === 0) {
    await notify(deps, {
      ownerId: lineage.ownerId,
      facts: { kind: 'renewalFailed', certificateId: lineage._id, names: lineage.names, notAfter: lineage.notAfter, problem: order.lastError?.kind ?? 'unexpected', nextAttemptAt: renewAt },
      eventAt: order.stateChangedAt,
      detail: order._id,
    });
  }
  return {
    renewalFailures: failures,
    remindedDays: step.remindedDays,
    ...schedule({ renewAt, remindAt: step.nextAt, ariCheckAt: null }),
  };
}

/** A renewal order waits for the user's DNS record or file: tell them, with a link to the order. */
export async function renewalNeedsUser(deps: EngineDeps, order: OrderDoc): Promise<void> {
  const lineage = await deps.store.collection<CertificateDoc>('certificates').get(order.certificateId);
  // Only renewals: a first request is made in the app, with the user looking at it.
  if (!lineage || lineage.currentVersionId === null || lineage.currentOrderId !== order._id || lineage.notAfter === null) return;
  await notify(deps, {
    ownerId: order.ownerId,
    facts: { kind: 'actionNeeded', certificateId: lineage._id, names: lineage.names, notAfter: lineage.notAfter, orderId: order._id, validation: order.validation },
    eventAt: order.stateChangedAt,
    detail: order._id,
  });
}

/** Notifications of events that only need the lineage: issued (automatically), renewed, revoked. */
export async function lineageEvent(deps: EngineDeps, lineage: CertificateDoc, facts: Extract<NotificationFacts, { kind: 'issued' | 'renewed' | 'revoked' }>, eventAt: number): Promise<void> {
  await notify(deps, { ownerId: lineage.ownerId, facts, eventAt, detail: facts.kind });
}

/**
 * After the user changed their thresholds: every active certificate of theirs gets its next
 * reminder time from the new list (a threshold already reached is sent at the next tick).
 */
export async function rescheduleReminders(deps: EngineDeps, ownerId: string): Promise<void> {
  const certificates = deps.store.collection<CertificateDoc>('certificates');
  const policy = await getUser(deps, ownerId);
  let after: string | null = null;
  do {
    const page: Page<CertificateDoc> = await certificates.listByOwner(ownerId, { limit: 100, after });
    for (const listed of page.items) {
      for (let lineage: CertificateDoc | null = listed, attempt = 0; lineage && lineage.status === 'active' && attempt < 3; attempt++) {
        const now = deps.clock.now();
        const patch = schedule({ renewAt: lineage.renewAt, remindAt: nextRemindAt(lineage, policy, now), ariCheckAt: lineage.ariCheckAt });
        if (patch.remindAt === lineage.remindAt || (await certificates.update(lineage, { ...patch, updatedAt: now }))) break;
        lineage = await certificates.get(listed._id);
      }
    }
    after = page.nextCursor;
  } while (after);
}
