/**
 * Monitored endpoints: made for every name of an issued certificate or added by hand, checked on
 * demand and every six hours (each at its own offset), the results kept with their history, and
 * changes told to the user through the notification outbox.
 */
import type { CertificateDoc, CertificateVersionDoc } from '../domain/certificate';
import {
  DEPLOY_GRACE_MS,
  HISTORY_LENGTH,
  MAX_ENDPOINTS,
  endpointUrl,
  nextProbeAt,
  type EndpointAddressFacts,
  type EndpointDoc,
  type EndpointTarget,
} from '../domain/endpoint';
import { ConflictError, NotFoundError } from '../domain/errors';
import { DAY_MS } from '../domain/reminders';
import { hostnameMatches } from '../domain/hostname';
import { evaluationChanges } from '../domain/tls-changes';
import { evaluateEndpoint, type EndpointEvaluation } from '../domain/tls-evaluation';
import { describeChange, type ChangeNotice } from '../domain/tls-evaluation.messages.zh';
import type { ProbeResult } from '../ports/tls-probe';
import { DuplicateIdError, type Page, type Store } from '../ports/store';
import { versionsOf } from './certificates';
import { leaseToken, type EngineDeps } from './engine';
import { notify } from './notify';

/** A check holds the endpoint this long: a probe of a few addresses with 5 s timeouts. */
const PROBE_LEASE_MS = 50_000;

export async function listOwnEndpoints(deps: { store: Store }, ownerId: string): Promise<EndpointDoc[]> {
  const endpoints = deps.store.collection<EndpointDoc>('endpoints');
  const all: EndpointDoc[] = [];
  let after: string | null = null;
  do {
    const page: Page<EndpointDoc> = await endpoints.listByOwner(ownerId, { limit: 100, after });
    all.push(...page.items);
    after = page.nextCursor;
  } while (after);
  return all;
}

export async function ownEndpoint(deps: { store: Store }, ownerId: string, endpointId: string): Promise<EndpointDoc> {
  const endpoint = await deps.store.collection<EndpointDoc>('endpoints').get(endpointId);
  if (!endpoint || endpoint.ownerId !== ownerId) throw new NotFoundError(`endpoint ${endpointId}`);
  return endpoint;
}

/**
 * Adds an endpoint, checked soon. The same host and port twice: a manual add is refused, one made
 * for a certificate returns the existing endpoint.
 */
export async function addEndpoint(
  deps: Pick<EngineDeps, 'store' | 'clock' | 'logger'>,
  ownerId: string,
  target: EndpointTarget,
  origin: { source: 'manual' } | { source: 'certificate'; certificateId: string },
): Promise<EndpointDoc> {
  const existing = await listOwnEndpoints(deps, ownerId);
  const same = existing.find((e) => e.host === target.host && e.port === target.port);
  if (same) {
    if (origin.source === 'certificate') return same;
    throw new ConflictError('endpointExists', '这个地址已经在监控列表中了');
  }
  if (existing.length >= MAX_ENDPOINTS) throw new ConflictError('tooManyEndpoints', `最多监控 ${MAX_ENDPOINTS} 个地址，请先删除不用的`);
  const now = deps.clock.now();
  try {
    const endpoint = await deps.store.collection<EndpointDoc>('endpoints').insert({
      _id: deps.store.newId(),
      ownerId,
      ...target,
      source: origin.source,
      certificateId: origin.source === 'certificate' ? origin.certificateId : null,
      last: null,
      history: [],
      mismatchSince: null,
      createdAt: now,
      updatedAt: now,
      nextActionAt: now,
    });
    deps.logger.info('endpoint.added', { endpointId: endpoint._id, source: origin.source });
    return endpoint;
  } catch (error) {
    if (error instanceof DuplicateIdError) throw new ConflictError('endpointExists', '这个地址已经在监控列表中了');
    throw error;
  }
}

/** Endpoints for every name of a certificate just issued (port 443); wildcards cannot be checked. */
export async function ensureCertificateEndpoints(deps: Pick<EngineDeps, 'store' | 'clock' | 'logger'>, lineage: CertificateDoc): Promise<void> {
  for (const name of lineage.names) {
    if (name.startsWith('*.')) continue;
    try {
      await addEndpoint(deps, lineage.ownerId, { host: name, displayHost: name, port: 443, portExplicit: false }, { source: 'certificate', certificateId: lineage._id });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      deps.logger.info('endpoint.not_added', { certificateId: lineage._id, rule: error.rule });
    }
  }
}

export async function removeEndpoint(deps: { store: Store }, ownerId: string, endpointId: string): Promise<void> {
  await ownEndpoint(deps, ownerId, endpointId);
  await deps.store.collection<EndpointDoc>('endpoints').delete(endpointId);
}

/**
 * Checks an endpoint now (under its lease): probes, evaluates against the certificate CertKeeper
 * issued for the name, keeps the result and its history, tells the user what changed, and
 * schedules the next check. `force` checks even when it is not due (the "check now" button).
 */
export async function checkEndpoint(deps: EngineDeps, endpointId: string, options: { force?: boolean } = {}): Promise<EndpointDoc | null> {
  const endpoints = deps.store.collection<EndpointDoc>('endpoints');
  const lease = leaseToken(deps);
  const held = await endpoints.takeLease(endpointId, lease, deps.clock.now(), PROBE_LEASE_MS);
  if (!held) return null;
  try {
    if (!options.force && (held.nextActionAt === null || held.nextActionAt > deps.clock.now())) return held;
    const result = await deps.probe.probe({ host: held.host, port: held.port });
    const issued = await issuedFor(deps, held);
    const now = deps.clock.now();
    const evaluation = evaluateEndpoint({
      result,
      url: { host: held.host, port: held.port, portExplicit: held.portExplicit },
      now,
      issued: issued.latest,
      previousIssued: issued.earlier,
    });
    const mismatchSince = evaluation.deployedIsIssued === false ? (held.mismatchSince ?? now) : null;
    const saved = await endpoints.update(held, {
      last: { at: now, evaluation, addresses: addressFacts(result) },
      history: [{ at: now, verdict: evaluation.verdict, fingerprintSha256: evaluation.served?.fingerprintSha256 ?? null, notAfter: evaluation.served?.notAfter ?? null }, ...held.history].slice(0, HISTORY_LENGTH),
      mismatchSince,
      updatedAt: now,
      nextActionAt: nextProbeAt(held._id, now),
    });
    if (saved) await tellChanges(deps, saved, held.last?.evaluation ?? null, evaluation, issued);
    deps.logger.info('endpoint.checked', { endpointId, verdict: evaluation.verdict, ms: result.elapsedMs });
    return saved;
  } finally {
    await endpoints.releaseLease(endpointId, lease);
  }
}

/** The certificate CertKeeper issued last for the endpoint's name, and the ones before it. */
interface IssuedFacts {
  certificateId: string | null;
  latest: { fingerprintSha256: string; notAfter: number; issuedAt: number } | null;
  earlier: string[];
}

async function issuedFor(deps: EngineDeps, endpoint: EndpointDoc): Promise<IssuedFacts> {
  const certificates = deps.store.collection<CertificateDoc>('certificates');
  let lineage = endpoint.certificateId ? await certificates.get(endpoint.certificateId) : null;
  if (!lineage) {
    let after: string | null = null;
    do {
      const page: Page<CertificateDoc> = await certificates.listByOwner(endpoint.ownerId, { limit: 100, after });
      lineage = page.items.find((c) => c.status === 'active' && c.names.some((name) => hostnameMatches(endpoint.host, name))) ?? null;
      after = lineage ? null : page.nextCursor;
    } while (after);
  }
  if (!lineage || lineage.status !== 'active') return { certificateId: lineage?._id ?? null, latest: null, earlier: [] };
  const versions: CertificateVersionDoc[] = await versionsOf(deps, lineage);
  const current = versions.find((v) => v._id === lineage.currentVersionId);
  return {
    certificateId: lineage._id,
    latest: current ? { fingerprintSha256: current.leaf.sha256.toUpperCase(), notAfter: current.leaf.notAfter, issuedAt: current.createdAt } : null,
    earlier: versions.filter((v) => v !== current).map((v) => v.leaf.sha256.toUpperCase()),
  };
}

function addressFacts(result: ProbeResult): EndpointAddressFacts[] {
  return result.addresses.map((a) => ({
    address: a.address,
    protocol: a.protocol,
    cipher: a.cipher,
    versions: a.versions,
    trusted: a.trusted,
    fingerprintSha256: a.chain[0]?.fingerprintSha256 ?? null,
    chain: a.chain.map((c) => ({ subject: c.subject, issuer: c.issuer, notAfter: c.notAfter, keyType: c.keyType, keyBits: c.keyBits, signatureAlgorithm: c.signatureAlgorithm })),
    failure: a.failure ? `${a.failure.kind}: ${a.failure.detail}` : null,
  }));
}

/**
 * Changes become notifications, at most one of each kind per endpoint and day: a new certificate
 * seen, the chain broken, TLS weakened, unreachable or not ready, recovered; and, once per issued
 * certificate, a server still serving another one a day after CertKeeper issued it.
 */
async function tellChanges(deps: EngineDeps, endpoint: EndpointDoc, previous: EndpointEvaluation | null, next: EndpointEvaluation, issued: IssuedFacts): Promise<void> {
  const now = deps.clock.now();
  // The first check says nothing: the user is looking at it (added by hand), or the certificate
  // was only just issued and is not deployed yet (made for a certificate).
  const changes = previous === null ? [] : evaluationChanges(previous, next);
  const events: { change: ChangeNotice; eventAt: number; detail: string }[] = changes.map((change) => ({ change, eventAt: Math.floor(now / DAY_MS) * DAY_MS, detail: change }));
  if (endpoint.mismatchSince !== null && issued.latest && now - endpoint.mismatchSince >= DEPLOY_GRACE_MS) {
    events.push({ change: 'notDeployed', eventAt: endpoint.mismatchSince, detail: `notDeployed-${issued.latest.fingerprintSha256.slice(0, 16)}` });
  }
  for (const { change, eventAt, detail } of events) {
    const { title, text, fix } = describeChange(change, next);
    await notify(deps, {
      ownerId: endpoint.ownerId,
      facts: {
        kind: change === 'newCertificate' || change === 'recovered' ? 'endpointChanged' : 'endpointProblem',
        endpointId: endpoint._id,
        certificateId: issued.certificateId,
        host: endpoint.displayHost,
        url: endpointUrl(endpoint),
        title,
        text,
        fix,
        notAfter: next.served?.notAfter ?? null,
      },
      eventAt,
      detail,
    });
  }
}

/**
 * After a renewal: the certificate's servers are checked at the next tick, so that the day of
 * grace for deploying the new certificate starts now.
 */
export async function recheckCertificateEndpoints(deps: Pick<EngineDeps, 'store' | 'clock'>, lineage: CertificateDoc): Promise<void> {
  const now = deps.clock.now();
  const endpoints = deps.store.collection<EndpointDoc>('endpoints');
  for (const endpoint of await listOwnEndpoints(deps, lineage.ownerId)) {
    // Lost to a concurrent check: that check runs now anyway.
    if (endpoint.certificateId === lineage._id) await endpoints.update(endpoint, { nextActionAt: now });
  }
}
