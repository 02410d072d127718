/**
 * The steps of an order, one exchange with the CA each (see domain/order.ts for the machine).
 * Each step receives the order as read under the lease and returns it as written (compare-and-swap),
 * or null when another writer changed it first (the caller re-reads and stops).
 */
import { secretContext } from '../domain/account';
import { NOTHING_SCHEDULED, versionIdForOrder, type CertificateDoc, type CertificateVersionDoc } from '../domain/certificate';
import {
  isTerminal,
  pollDelayMs,
  selfCheckDelayMs,
  transition,
  type ChallengeTask,
  type OrderDoc,
  type OrderProblem,
  type OrderProblemKind,
  type OrderStep,
  type SelfCheckItem,
  type SelfCheckRecord,
} from '../domain/order';
import { describeHttpProblem, describeTxtProblem } from '../domain/self-check.messages.zh';
import { AcmeError, type AcmeAuthorizationView, type AcmeProblem, type AcmeSession } from '../ports/acme';
import { DuplicateIdError, type DocPatch } from '../ports/store';
import type { CertificateInfo } from '../ports/keys';
import type { EngineDeps } from './engine';
import { openSession } from './ensure-account';
import { ensureCertificateEndpoints, recheckCertificateEndpoints } from './endpoints';
import { lineageEvent, renewalFailedPatch, renewalNeedsUser, scheduleIssued } from './lifecycle';
import { publishChallenges, PUBLISH_SETTLE_MS, removePublished } from './order-automation';

type Step = (deps: EngineDeps, order: OrderDoc) => Promise<OrderDoc | null>;

export async function save(deps: EngineDeps, order: OrderDoc, patch: DocPatch<OrderDoc>): Promise<OrderDoc | null> {
  // An order that ends with records it published is due once more, to remove them (`cleanup`).
  const ending = patch.state !== undefined && isTerminal(patch.state) && order.published.length > 0;
  return deps.store.collection<OrderDoc>('orders').update(order, { ...patch, ...(ending ? { nextActionAt: deps.clock.now() } : {}), updatedAt: deps.clock.now() });
}

/** An order problem from a CA problem document (or an engine finding), stamped with the time. */
export function orderProblem(
  deps: Pick<EngineDeps, 'clock'>,
  problem: { kind: OrderProblemKind; detail: string; status?: number | null; identifier?: string | null },
  retryAfterMs: number | null = null,
): OrderProblem {
  return {
    kind: problem.kind,
    detail: problem.detail,
    status: problem.status ?? null,
    identifier: problem.identifier ?? null,
    at: deps.clock.now(),
    retryAfterMs,
  };
}

/** Ends the order as invalid with `problem`; a lineage with nothing issued yet becomes failed. */
export async function failOrder(deps: EngineDeps, order: OrderDoc, problem: OrderProblem): Promise<OrderDoc | null> {
  const now = deps.clock.now();
  const saved = await save(deps, order, { ...transition(order, 'invalid', now), lastError: problem, nextActionAt: null });
  if (saved) await markLineageIfNothingIssued(deps, saved, 'failed');
  deps.logger.warn('order.invalid', { orderId: order._id, kind: problem.kind, detail: problem.detail });
  return saved;
}

/**
 * After an order ends without a certificate: a lineage with nothing issued yet takes `status`; a
 * lineage whose renewal failed keeps its current version and gets its next attempt scheduled with
 * back-off (hourly at worst near expiry), so failures are retried but never in a tight loop.
 */
export async function markLineageIfNothingIssued(deps: EngineDeps, order: OrderDoc, status: 'failed' | 'cancelled'): Promise<void> {
  const certificates = deps.store.collection<CertificateDoc>('certificates');
  for (let attempt = 0; attempt < 3; attempt++) {
    const lineage = await certificates.get(order.certificateId);
    if (!lineage || lineage.currentOrderId !== order._id) return;
    const now = deps.clock.now();
    const patch = lineage.currentVersionId === null ? { status, ...NOTHING_SCHEDULED } : await renewalFailedPatch(deps, lineage, order, now);
    if (await certificates.update(lineage, { ...patch, updatedAt: now })) return;
  }
}

async function loadTasks(deps: EngineDeps, session: AcmeSession, urls: string[], validation: OrderDoc['validation']): Promise<ChallengeTask[] | OrderProblem> {
  const tasks: ChallengeTask[] = [];
  for (const url of urls) {
    const authz = await deps.acme.getAuthorization(session, url);
    const challenge = authz.challenges.find((c) => c.type === validation);
    if (!challenge) {
      const name = `${authz.wildcard ? '*.' : ''}${authz.name}`;
      return orderProblem(deps, { kind: 'challengeNotOffered', detail: `the CA offers no ${validation} challenge for ${name}`, identifier: name });
    }
    tasks.push({
      authorizationUrl: url,
      name: authz.name,
      wildcard: authz.wildcard,
      status: authz.status,
      challengeUrl: challenge.url,
      token: challenge.token,
      proof: challenge.proof,
      error: challenge.error ? orderProblem(deps, challenge.error) : null,
    });
  }
  return tasks;
}

const placeOrder: Step = async (deps, order) => {
  const session = await openSession(deps, order.accountId);
  const wantsExtras = order.profile !== null || order.replaces !== null;
  const directory = wantsExtras ? await deps.acme.directory(session) : null;
  const acmeOrder = await deps.acme.createOrder(session, {
    names: order.names,
    ...(order.profile && directory && order.profile in directory.profiles ? { profile: order.profile } : {}),
    ...(order.replaces && directory?.renewalInfo ? { replaces: order.replaces } : {}),
  });
  const tasks = await loadTasks(deps, session, acmeOrder.authorizationUrls, order.validation);
  if (!Array.isArray(tasks)) return failOrder(deps, order, tasks);
  const now = deps.clock.now();
  const fields = {
    acmeOrderUrl: acmeOrder.url,
    finalizeUrl: acmeOrder.finalizeUrl,
    caExpiresAt: acmeOrder.expiresAt,
    challenges: tasks,
    lastError: null,
  };
  if (acmeOrder.status === 'invalid') return failOrder(deps, { ...order, ...fields }, orderProblem(deps, acmeOrder.error ?? { kind: 'otherProblem', detail: 'the CA created the order as invalid' }));
  // With every authorization reused, the CA may hand out an order that is ready at once.
  if (acmeOrder.status === 'ready') return save(deps, order, { ...transition(order, 'ready', now), ...fields, nextActionAt: now });
  deps.logger.info('order.placed', { orderId: order._id, names: order.names.length, pending: tasks.filter((t) => t.status === 'pending').length });
  const manual = order.automation.kind === 'manual';
  // Automated orders publish at once; manual ones give the user time before the first self-check.
  const waiting = await save(deps, order, { ...transition(order, 'awaitingUser', now), ...fields, nextActionAt: manual ? now + selfCheckDelayMs(0) : now });
  if (waiting && manual) await renewalNeedsUser(deps, waiting);
  return waiting;
};

const publish: Step = async (deps, order) => {
  const outcome = await publishChallenges(deps, order);
  if ('refused' in outcome) return failOrder(deps, order, orderProblem(deps, { kind: 'automationFailed', detail: outcome.refused }));
  deps.logger.info('order.published', { orderId: order._id, records: outcome.published.length, via: order.automation.kind });
  return save(deps, order, { published: outcome.published, attempts: 0, nextActionAt: deps.clock.now() + PUBLISH_SETTLE_MS });
};

const cleanup: Step = async (deps, order) => {
  await removePublished(deps, order);
  return save(deps, order, { published: [], nextActionAt: null });
};

async function selfCheck(deps: EngineDeps, order: OrderDoc, pending: ChallengeTask[]): Promise<SelfCheckRecord> {
  const items: SelfCheckItem[] = [];
  if (order.validation === 'dns-01') {
    const byRecord = new Map<string, ChallengeTask[]>();
    for (const task of pending) {
      const recordName = `_acme-challenge.${task.name}`;
      byRecord.set(recordName, [...(byRecord.get(recordName) ?? []), task]);
    }
    for (const [recordName, tasks] of byRecord) {
      const request = { recordName, expectedValues: tasks.map((t) => t.proof) };
      const result = await deps.selfCheck.checkTxt(request);
      const names = tasks.map((t) => (t.wildcard ? `*.${t.name}` : t.name));
      if (result.ok) {
        items.push({ target: recordName, names, ok: true, problem: null, missingValues: [], detail: 'all values visible at every authoritative server', reason: null, fix: null });
      } else {
        const advice = describeTxtProblem(request, result);
        items.push({ target: recordName, names, ok: false, problem: result.problem, missingValues: result.missingValues, detail: result.detail, reason: advice.reason, fix: advice.fix });
      }
    }
  } else {
    for (const task of pending) {
      const request = { url: `http://${task.name}/.well-known/acme-challenge/${task.token}`, expectedBody: task.proof };
      const result = await deps.selfCheck.checkHttp(request);
      if (result.ok) {
        items.push({ target: request.url, names: [task.name], ok: true, problem: null, missingValues: [], detail: 'served', reason: null, fix: null });
      } else {
        const advice = describeHttpProblem(request, result);
        items.push({ target: request.url, names: [task.name], ok: false, problem: result.problem, missingValues: [], detail: result.detail, reason: advice.reason, fix: advice.fix });
      }
    }
  }
  return { at: deps.clock.now(), ok: items.every((item) => item.ok), items };
}

const checkAndSubmit: Step = async (deps, order) => {
  const pending = order.challenges.filter((task) => task.status === 'pending');
  const now = deps.clock.now();
  if (pending.length === 0) return save(deps, order, { ...transition(order, 'validating', now), nextActionAt: now });
  const check = await selfCheck(deps, order, pending);
  if (!check.ok) {
    return save(deps, order, { selfCheck: check, attempts: order.attempts + 1, nextActionAt: deps.clock.now() + selfCheckDelayMs(order.attempts + 1) });
  }
  const session = await openSession(deps, order.accountId);
  for (const task of pending) await deps.acme.respondToChallenge(session, task.challengeUrl);
  const submitted = deps.clock.now();
  deps.logger.info('order.submitted', { orderId: order._id, challenges: pending.length });
  return save(deps, order, { ...transition(order, 'validating', submitted), selfCheck: check, lastError: null, nextActionAt: submitted + pollDelayMs(0) });
};

/** The reason the CA gives for a failed order: the first invalid challenge's error, else the order's. */
async function failureReason(deps: EngineDeps, session: AcmeSession, order: OrderDoc, fallback: AcmeProblem | null): Promise<OrderProblem> {
  for (const task of order.challenges) {
    const authz: AcmeAuthorizationView = await deps.acme.getAuthorization(session, task.authorizationUrl);
    if (authz.status !== 'invalid') continue;
    const failed = authz.challenges.find((c) => c.status === 'invalid' && c.error);
    if (failed?.error) return orderProblem(deps, { ...failed.error, identifier: failed.error.identifier ?? `${authz.wildcard ? '*.' : ''}${authz.name}` });
  }
  return orderProblem(deps, fallback ?? { kind: 'otherProblem', detail: 'the CA marked the order invalid without a reason' });
}

const poll: Step = async (deps, order) => {
  const session = await openSession(deps, order.accountId);
  const acmeOrder = await deps.acme.getOrder(session, requireUrl(order.acmeOrderUrl));
  const now = deps.clock.now();
  switch (acmeOrder.status) {
    case 'ready': {
      const challenges = order.challenges.map((task) => ({ ...task, status: 'valid' as const }));
      return save(deps, order, { ...transition(order, 'ready', now), challenges, nextActionAt: now });
    }
    case 'processing':
    case 'valid':
      return save(deps, order, { ...transition(order, 'finalizing', now), certificateUrl: acmeOrder.certificateUrl, nextActionAt: now });
    case 'invalid':
      return failOrder(deps, order, await failureReason(deps, session, order, acmeOrder.error));
    case 'pending':
      return save(deps, order, { attempts: order.attempts + 1, nextActionAt: now + pollDelayMs(order.attempts + 1) });
  }
};

const prepareKey: Step = async (deps, order) => {
  const { privateKeyPem, csrPem } = await deps.keys.generate(order.keyType ?? 'ec-p256', order.names);
  // The key is sealed and stored before finalize: once the CA issues, the key must already be safe.
  return save(deps, order, { privateKeySealed: deps.cipher.encrypt(privateKeyPem, secretContext.orderKey(order._id)), csrPem, nextActionAt: deps.clock.now() });
};

async function toFinalizing(deps: EngineDeps, order: OrderDoc, view: { status: string; certificateUrl: string | null }): Promise<OrderDoc | null> {
  const now = deps.clock.now();
  const certificateUrl = view.status === 'valid' ? view.certificateUrl : null;
  return save(deps, order, { ...transition(order, 'finalizing', now), certificateUrl, nextActionAt: certificateUrl ? now : now + pollDelayMs(0) });
}

const finalize: Step = async (deps, order) => {
  const session = await openSession(deps, order.accountId);
  const url = requireUrl(order.acmeOrderUrl);
  try {
    const view = await deps.acme.finalize(session, { url, finalizeUrl: requireUrl(order.finalizeUrl) }, requireUrl(order.csrPem));
    deps.logger.info('order.finalized', { orderId: order._id, status: view.status });
    return await toFinalizing(deps, order, view);
  } catch (error) {
    // A finalize that reached the CA before a crash: the order is already processing or valid.
    if (!(error instanceof AcmeError) || error.kind !== 'orderNotReady') throw error;
    const view = await deps.acme.getOrder(session, url);
    if (view.status === 'processing' || view.status === 'valid') return toFinalizing(deps, order, view);
    if (view.status === 'invalid') return failOrder(deps, order, await failureReason(deps, session, order, view.error));
    throw error;
  }
};

const pollFinalization: Step = async (deps, order) => {
  const session = await openSession(deps, order.accountId);
  const view = await deps.acme.getOrder(session, requireUrl(order.acmeOrderUrl));
  const now = deps.clock.now();
  if (view.status === 'valid' && view.certificateUrl) return save(deps, order, { certificateUrl: view.certificateUrl, nextActionAt: now });
  if (view.status === 'invalid') return failOrder(deps, order, orderProblem(deps, view.error ?? { kind: 'otherProblem', detail: 'the CA refused to issue' }));
  return save(deps, order, { attempts: order.attempts + 1, nextActionAt: now + pollDelayMs(order.attempts + 1) });
};

const download: Step = async (deps, order) => {
  const session = await openSession(deps, order.accountId);
  const chainPem = await deps.acme.downloadCertificate(session, requireUrl(order.certificateUrl));
  const chain = deps.keys.inspectChain(chainPem);
  const leaf = chain.certificates[0];
  const mismatch = !leaf
    ? 'the CA returned no certificate'
    : !sameNames(leaf.dnsNames, order.names)
      ? `the certificate names ${leaf.dnsNames.join(', ')} differ from the order's`
      : order.privateKeySealed && !deps.keys.keyMatchesCertificate(deps.cipher.decrypt(order.privateKeySealed, secretContext.orderKey(order._id)), chainPem)
        ? 'the certificate is not for the stored private key'
        : null;
  if (mismatch || !leaf) return failOrder(deps, order, orderProblem(deps, { kind: 'certificateMismatch', detail: mismatch ?? 'no leaf' }));

  const now = deps.clock.now();
  const versionId = versionIdForOrder(order._id);
  try {
    await deps.store.collection<CertificateVersionDoc>('certificateVersions').insert({
      _id: versionId,
      ownerId: order.ownerId,
      certificateId: order.certificateId,
      orderId: order._id,
      chainPem,
      privateKeySealed: order.privateKeySealed,
      leaf,
      chainLength: chain.certificates.length,
      chainOrdered: chain.ordered,
      revokedAt: null,
      revocationReason: null,
      createdAt: now,
    });
  } catch (error) {
    // Stored by an earlier run of this step that ended before the order was marked issued.
    if (!(error instanceof DuplicateIdError)) throw error;
  }
  await promoteVersion(deps, order, versionId, leaf);
  deps.logger.info('order.issued', { orderId: order._id, versionId, serial: leaf.serialNumber });
  return save(deps, order, { ...transition(order, 'issued', now), issuedVersionId: versionId, nextActionAt: null, lastError: null });
};

/**
 * Makes the version current in its lineage (retrying a lost compare-and-swap), schedules its
 * renewal and reminders, and tells the user when it replaced an earlier version.
 */
async function promoteVersion(deps: EngineDeps, order: OrderDoc, versionId: string, leaf: CertificateInfo): Promise<void> {
  const certificates = deps.store.collection<CertificateDoc>('certificates');
  for (let attempt = 0; attempt < 5; attempt++) {
    const lineage = await certificates.get(order.certificateId);
    if (!lineage || lineage.currentVersionId === versionId) return;
    const updated = await certificates.update(lineage, {
      status: 'active',
      currentVersionId: versionId,
      currentOrderId: order._id,
      notBefore: leaf.notBefore,
      notAfter: leaf.notAfter,
      renewalFailures: 0,
      ...(await scheduleIssued(deps, lineage, leaf)),
      updatedAt: deps.clock.now(),
    });
    if (!updated) continue;
    if (lineage.currentVersionId === null) {
      await ensureCertificateEndpoints(deps, updated);
      // Issued with nobody watching: say so (a user who validated by hand sees it in the app).
      if (order.automation.kind !== 'manual') {
        await lineageEvent(deps, updated, { kind: 'issued', certificateId: updated._id, names: updated.names, notAfter: leaf.notAfter }, leaf.notBefore);
      }
    } else {
      await recheckCertificateEndpoints(deps, updated);
      await lineageEvent(deps, updated, { kind: 'renewed', certificateId: updated._id, names: updated.names, notAfter: leaf.notAfter }, leaf.notBefore);
    }
    return;
  }
  throw new Error(`certificate ${order.certificateId} kept changing while version ${versionId} was promoted`);
}

const expire: Step = async (deps, order) => {
  const saved = await save(deps, order, {
    ...transition(order, 'expired', deps.clock.now()),
    nextActionAt: null,
    lastError: orderProblem(deps, { kind: 'orderExpired', detail: 'the CA order expired before it was completed' }),
  });
  if (saved) await markLineageIfNothingIssued(deps, saved, 'failed');
  return saved;
};

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a.map((n) => n.toLowerCase()));
  const right = new Set(b.map((n) => n.toLowerCase()));
  return left.size === right.size && [...left].every((n) => right.has(n));
}

function requireUrl(value: string | null): string {
  if (!value) throw new Error('order: a field the step needs is missing');
  return value;
}

export const STEPS: Readonly<Record<Exclude<OrderStep, 'none'>, Step>> = {
  expire,
  placeOrder,
  checkAndSubmit,
  poll,
  prepareKey,
  finalize,
  pollFinalization,
  download,
  publish,
  cleanup,
};
