/**
 * Setting a certificate up for hands-free validation, once: a DNS provider credential, a CNAME
 * into the operator's delegation zone, or an http-01 redirect to the acmehttp function. CNAME and
 * redirect are only trusted after they were seen working (`verifyAutomation`); from then on orders
 * of the certificate publish and validate without anyone.
 */
import { challengeBases, delegationTarget, isAutomatic, MANUAL, type Automation } from '../domain/automation';
import type { CertificateDoc } from '../domain/certificate';
import { AUTOMATION_MESSAGES } from '../domain/automation.messages.zh';
import { ConflictError, InputRejectedError } from '../domain/errors';
import { describeHttpProblem } from '../domain/self-check.messages.zh';
import type { OrderDoc } from '../domain/order';
import { DnsProviderError } from '../ports/dns-provider';
import { ownCredential, providerFor } from './credentials';
import type { EngineDeps } from './engine';
import { createProbeToken, removeHttpTokens } from './http-tokens';
import { ownCertificate } from './manage-orders';

export type AutomationInput = { kind: 'manual' } | { kind: 'dnsProvider'; credentialId: string } | { kind: 'cnameDelegation' } | { kind: 'httpRedirect' };

/** Sets how the certificate's challenges are published. A DNS provider is checked at once; CNAME and redirect wait for `verifyAutomation`. */
export async function setAutomation(deps: EngineDeps, ownerId: string, certificateId: string, input: AutomationInput): Promise<{ certificate: CertificateDoc; problem: string | null }> {
  const certificate = await ownCertificate(deps, ownerId, certificateId);
  let automation: Automation;
  let problem: string | null = null;
  switch (input.kind) {
    case 'manual':
      automation = MANUAL;
      break;
    case 'dnsProvider': {
      requireValidation(certificate, 'dns-01', AUTOMATION_MESSAGES.needsDns);
      const credential = await ownCredential(deps, ownerId, input.credentialId);
      problem = await checkProviderZones(deps, ownerId, input.credentialId, certificate.names);
      if (problem !== null) throw new InputRejectedError([{ field: 'automation.credentialId', rule: 'zoneNotFound', message: problem }]);
      automation = { kind: 'dnsProvider', credentialId: credential._id, provider: credential.provider };
      break;
    }
    case 'cnameDelegation': {
      requireValidation(certificate, 'dns-01', AUTOMATION_MESSAGES.needsDns);
      const zone = deps.dns.delegation?.zone;
      if (!zone) throw new ConflictError('delegationNotOffered', AUTOMATION_MESSAGES.delegationNotOffered);
      const previous = certificate.automation.kind === 'cnameDelegation' ? certificate.automation.targets : {};
      const targets = Object.fromEntries(challengeBases(certificate.names).map((base, index) => [base, previous[base] ?? delegationTarget(certificate._id, index, zone)]));
      automation = { kind: 'cnameDelegation', targets, verifiedAt: null };
      break;
    }
    case 'httpRedirect':
      requireValidation(certificate, 'http-01', AUTOMATION_MESSAGES.needsHttp);
      if (!deps.dns.acmeHttpBaseUrl) throw new ConflictError('redirectNotOffered', AUTOMATION_MESSAGES.redirectNotOffered);
      automation = { kind: 'httpRedirect', verifiedAt: null };
      break;
  }
  return { certificate: await saveAutomation(deps, certificate, automation), problem };
}

/** Checks that a CNAME or redirect really works, and switches the certificate to automatic when it does. */
export async function verifyAutomation(deps: EngineDeps, ownerId: string, certificateId: string): Promise<{ certificate: CertificateDoc; problem: string | null }> {
  const certificate = await ownCertificate(deps, ownerId, certificateId);
  const { automation } = certificate;
  let problem: string | null;
  switch (automation.kind) {
    case 'manual':
      return { certificate, problem: AUTOMATION_MESSAGES.nothingToVerify };
    case 'dnsProvider':
      problem = await checkProviderZones(deps, ownerId, automation.credentialId, certificate.names);
      return { certificate, problem };
    case 'cnameDelegation':
      problem = await checkDelegation(deps, automation.targets);
      break;
    case 'httpRedirect':
      problem = await checkRedirects(deps, ownerId, certificate.names);
      break;
  }
  if (problem !== null) return { certificate, problem };
  return { certificate: await saveAutomation(deps, certificate, { ...automation, verifiedAt: deps.clock.now() }), problem: null };
}

function requireValidation(certificate: CertificateDoc, method: CertificateDoc['validation'], message: string): void {
  if (certificate.validation !== method) throw new ConflictError('wrongValidation', message);
}

/** Null when the credential manages a zone for every name; else what is wrong, in Chinese. */
export async function checkProviderZones(deps: EngineDeps, ownerId: string, credentialId: string, names: readonly string[]): Promise<string | null> {
  const provider = await providerFor(deps, ownerId, credentialId);
  for (const base of challengeBases(names)) {
    try {
      await provider.findZone(`_acme-challenge.${base}`);
    } catch (error) {
      if (!(error instanceof DnsProviderError)) throw error;
      return error.kind === 'zoneNotFound' ? AUTOMATION_MESSAGES.zoneNotFound(base) : AUTOMATION_MESSAGES.providerFailed(error.kind);
    }
  }
  return null;
}

/** Writes a probe value at each target and looks for it through `_acme-challenge.<base>`, as the CA will. */
async function checkDelegation(deps: EngineDeps, targets: Readonly<Record<string, string>>): Promise<string | null> {
  const delegation = deps.dns.delegation;
  if (!delegation) return AUTOMATION_MESSAGES.delegationNotOffered;
  for (const [base, target] of Object.entries(targets)) {
    const probe = `certkeeper-verify-${deps.store.newId()}`;
    const handle = await delegation.provider.createTxt(target, probe);
    try {
      const result = await deps.selfCheck.checkTxt({ recordName: `_acme-challenge.${base}`, expectedValues: [probe] });
      if (!result.ok) return AUTOMATION_MESSAGES.cnameMissing(`_acme-challenge.${base}`, target);
    } finally {
      await delegation.provider.deleteTxt(handle).catch((error: unknown) => deps.logger.warn('automation.probe_cleanup_failed', { error: error instanceof Error ? error.message : String(error) }));
    }
  }
  return null;
}

/** Fetches a probe token through each name's redirect, as the CA will (redirects followed, every hop checked). */
async function checkRedirects(deps: EngineDeps, ownerId: string, names: readonly string[]): Promise<string | null> {
  const probe = await createProbeToken(deps, ownerId, deps.clock.now());
  try {
    for (const name of names) {
      const url = `http://${name}/.well-known/acme-challenge/${probe.token}`;
      const request = { url, expectedBody: probe.value };
      const result = await deps.selfCheck.checkHttp(request);
      if (!result.ok) return AUTOMATION_MESSAGES.redirectMissing(name, describeHttpProblem(request, result).reason);
    }
    return null;
  } finally {
    await removeHttpTokens(deps, [probe.token]);
  }
}

/**
 * Stores the automation, and hands it to an order of the certificate that is waiting for the
 * user, so that it goes on by itself at once.
 */
async function saveAutomation(deps: EngineDeps, certificate: CertificateDoc, automation: Automation): Promise<CertificateDoc> {
  const certificates = deps.store.collection<CertificateDoc>('certificates');
  let current: CertificateDoc | null = certificate;
  for (let attempt = 0; current && attempt < 3; attempt++) {
    const saved = await certificates.update(current, { automation, updatedAt: deps.clock.now() });
    if (saved) {
      if (isAutomatic(automation)) await automateWaitingOrder(deps, saved);
      deps.logger.info('certificate.automation', { certificateId: saved._id, kind: automation.kind, automatic: isAutomatic(automation) });
      return saved;
    }
    current = await certificates.get(certificate._id);
  }
  throw new ConflictError('busy', AUTOMATION_MESSAGES.busy);
}

async function automateWaitingOrder(deps: EngineDeps, certificate: CertificateDoc): Promise<void> {
  if (!certificate.currentOrderId) return;
  const orders = deps.store.collection<OrderDoc>('orders');
  const order = await orders.get(certificate.currentOrderId);
  if (order?.state !== 'awaitingUser' || order.published.length > 0) return;
  await orders.update(order, { automation: certificate.automation, nextActionAt: deps.clock.now(), updatedAt: deps.clock.now() });
}
