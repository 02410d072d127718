import { CA_CATALOG, checkCaInput, isCaId, type CaId } from '../domain/ca-catalog';
import { CA_INPUT_MESSAGES, CA_UNAVAILABLE_MESSAGE } from '../domain/ca.messages.zh';
import { isAutomatic, MANUAL, type Automation } from '../domain/automation';
import { NOTHING_SCHEDULED, type CertificateDoc } from '../domain/certificate';
import { InputRejectedError, type Violation } from '../domain/errors';
import { checkCsr, describeCsrViolation } from '../domain/keys';
import { parseNames } from '../domain/names';
import { describeNameViolation } from '../domain/names.messages.zh';
import type { OrderDoc, ValidationMethod } from '../domain/order';
import { InvalidInputError, type KeyType } from '../ports/keys';
import type { EngineDeps } from './engine';
import { findOrCreateAccountDoc } from './ensure-account';

export interface CertificateRequest {
  ownerId: string;
  names: string[];
  caId: string;
  validation: ValidationMethod;
  /** Generate the key server-side (default ECDSA P-256)… */
  keyType?: KeyType;
  /** …or use the user's CSR; its key never reaches us. */
  csrPem?: string;
  /** For `custom` CAs. */
  directoryUrl?: string;
  eab?: { kid: string; hmacKey: string };
  /** ACME profile to ask for when the CA offers it (e.g. `shortlived`, `tlsserver`). */
  profile?: string;
  autoRenew?: boolean;
  /** Hands-free validation from the start (a DNS provider credential the caller has checked is theirs). */
  automation?: Automation;
}

const VALIDATION_MESSAGES = {
  wildcardNeedsDns: '通配符域名只能用 DNS 验证：请改选“DNS 验证”',
  keyAndCsr: '请在“系统生成密钥”和“上传 CSR”中二选一',
  providerNeedsDns: '用 DNS 服务商密钥自动验证时，验证方式必须是“DNS 验证”',
  csrUnreadable: 'CSR 无法解析：请粘贴以 -----BEGIN CERTIFICATE REQUEST----- 开头的完整内容',
} as const;

/**
 * Checks a certificate request and records it: a certificate lineage (pending) and its first
 * order (due now). Contacts nobody; `advanceOrder` does the CA work. Every broken rule is reported
 * at once, and nothing is written unless all pass.
 */
export async function requestCertificate(deps: EngineDeps, request: CertificateRequest): Promise<{ certificate: CertificateDoc; order: OrderDoc }> {
  const violations: Violation[] = [];
  const caId: CaId | null = isCaId(request.caId) ? request.caId : null;
  const directoryUrl = caId ? deps.cas.directoryUrl(caId, request.directoryUrl?.trim() ?? null) : null;
  if (!caId || (caId !== 'custom' && !directoryUrl)) violations.push({ field: 'caId', rule: 'caUnavailable', message: CA_UNAVAILABLE_MESSAGE });
  const ca = caId ? CA_CATALOG[caId] : null;
  if (ca) {
    for (const v of checkCaInput(ca, { eab: request.eab ?? null, directoryUrl: request.directoryUrl ?? null })) {
      violations.push({ field: v.field, rule: v.rule, message: CA_INPUT_MESSAGES[v.rule] });
    }
  }

  const parsed = parseNames(request.names, { allowReservedNames: ca?.allowsReservedNames ?? false });
  const names = parsed.ok ? parsed.names.map((name) => name.ascii) : [];
  if (!parsed.ok) {
    for (const v of parsed.violations) {
      violations.push({ field: v.index === undefined ? 'names' : `names[${v.index}]`, rule: v.rule, message: describeNameViolation(v) });
    }
  } else if (request.validation === 'http-01' && parsed.names.some((name) => name.wildcard)) {
    violations.push({ field: 'validation', rule: 'wildcardNeedsDns', message: VALIDATION_MESSAGES.wildcardNeedsDns });
  }

  if (request.automation?.kind === 'dnsProvider' && request.validation !== 'dns-01') {
    violations.push({ field: 'validation', rule: 'providerNeedsDns', message: VALIDATION_MESSAGES.providerNeedsDns });
  }
  if (request.keyType && request.csrPem) violations.push({ field: 'csr', rule: 'keyAndCsr', message: VALIDATION_MESSAGES.keyAndCsr });
  if (request.csrPem && parsed.ok) {
    try {
      const info = await deps.keys.inspectCsr(request.csrPem);
      for (const v of checkCsr(info, names)) violations.push({ field: 'csr', rule: v.rule, message: describeCsrViolation(v) });
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      violations.push({ field: 'csr', rule: 'csrUnreadable', message: VALIDATION_MESSAGES.csrUnreadable });
    }
  }
  if (violations.length > 0 || !caId || !directoryUrl) throw new InputRejectedError(violations);

  const account = await findOrCreateAccountDoc(deps, { ownerId: request.ownerId, caId, directoryUrl, eab: request.eab ?? null });
  const now = deps.clock.now();
  const certificateId = deps.store.newId();
  const orderId = deps.store.newId();
  const keyType = request.csrPem ? null : (request.keyType ?? 'ec-p256');
  const certificate = await deps.store.collection<CertificateDoc>('certificates').insert({
    _id: certificateId,
    ownerId: request.ownerId,
    names,
    caId,
    accountId: account._id,
    keyType,
    validation: request.validation,
    profile: request.profile ?? null,
    status: 'pending',
    currentVersionId: null,
    currentOrderId: orderId,
    notBefore: null,
    notAfter: null,
    autoRenew: request.autoRenew ?? true,
    automation: request.automation ?? MANUAL,
    renewalFailures: 0,
    remindedDays: null,
    ...NOTHING_SCHEDULED,
    createdAt: now,
    updatedAt: now,
  });
  try {
    const order = await deps.store.collection<OrderDoc>('orders').insert(newOrder({ orderId, certificate, csrPem: request.csrPem ?? null, replaces: null, now }));
    deps.logger.info('certificate.requested', { certificateId, orderId, caId, names: names.length, validation: request.validation });
    return { certificate, order };
  } catch (error) {
    // Leave nothing half-written: a lineage without its order would never progress.
    await deps.store.collection<CertificateDoc>('certificates').delete(certificateId);
    throw error;
  }
}

/** A fresh order for a lineage, due at once. Used for first issuance and for renewals. */
export function newOrder(input: { orderId: string; certificate: CertificateDoc; csrPem: string | null; replaces: string | null; now: number }): OrderDoc & { _id: string } {
  const { certificate, now } = input;
  return {
    _id: input.orderId,
    version: 1,
    ownerId: certificate.ownerId,
    certificateId: certificate._id,
    caId: certificate.caId,
    accountId: certificate.accountId,
    names: certificate.names,
    validation: certificate.validation,
    keyType: certificate.keyType,
    csrPem: input.csrPem,
    privateKeySealed: null,
    profile: certificate.profile,
    replaces: input.replaces,
    state: 'created',
    stateChangedAt: now,
    attempts: 0,
    nextActionAt: now,
    acmeOrderUrl: null,
    finalizeUrl: null,
    certificateUrl: null,
    caExpiresAt: null,
    challenges: [],
    // Only automation that is set up and verified publishes; anything else waits for the user.
    automation: isAutomatic(certificate.automation) ? certificate.automation : MANUAL,
    published: [],
    selfCheck: null,
    lastError: null,
    issuedVersionId: null,
    createdAt: now,
    updatedAt: now,
  };
}
