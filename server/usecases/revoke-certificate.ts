import { NOTHING_SCHEDULED, REVOCATION_REASONS, type CertificateDoc, type CertificateVersionDoc, type RevocationReason } from '../domain/certificate';
import { ConflictError, NotFoundError } from '../domain/errors';
import { AcmeError } from '../ports/acme';
import type { EngineDeps } from './engine';
import { openSession } from './ensure-account';
import { lineageEvent } from './lifecycle';
import { ownCertificate } from './manage-orders';

/**
 * Revokes the lineage's current certificate at the CA (RFC 8555 §7.6, signed by the account key)
 * with an RFC 5280 reason, records it on the version, and marks the lineage revoked so nothing
 * renews it. A certificate the CA already considers revoked is recorded as revoked too.
 */
export async function revokeCertificate(
  deps: EngineDeps,
  input: { ownerId: string; certificateId: string; reason: RevocationReason },
): Promise<CertificateVersionDoc> {
  const lineage = await ownCertificate(deps, input.ownerId, input.certificateId);
  if (!lineage.currentVersionId) throw new ConflictError('nothingIssued', '这张证书还没有签发，无需吊销');
  const versions = deps.store.collection<CertificateVersionDoc>('certificateVersions');
  const version = await versions.get(lineage.currentVersionId);
  if (!version) throw new NotFoundError(`certificate version ${lineage.currentVersionId}`);
  if (version.revokedAt !== null) throw new ConflictError('alreadyRevoked', '这张证书已经吊销');

  const session = await openSession(deps, lineage.accountId);
  try {
    await deps.acme.revoke(session, leafPem(version.chainPem), REVOCATION_REASONS[input.reason]);
  } catch (error) {
    if (!(error instanceof AcmeError && error.kind === 'alreadyRevoked')) throw error;
  }
  const now = deps.clock.now();
  const revoked = (await versions.update(version, { revokedAt: now, revocationReason: input.reason })) ?? version;
  await markRevoked(deps, lineage, now);
  if (lineage.notAfter !== null) {
    await lineageEvent(deps, lineage, { kind: 'revoked', certificateId: lineage._id, names: lineage.names, notAfter: lineage.notAfter, reason: input.reason }, now);
  }
  deps.logger.info('certificate.revoked', { certificateId: lineage._id, versionId: version._id, reason: input.reason });
  return revoked;
}

async function markRevoked(deps: EngineDeps, lineage: CertificateDoc, now: number): Promise<void> {
  const certificates = deps.store.collection<CertificateDoc>('certificates');
  let current: CertificateDoc | null = lineage;
  for (let attempt = 0; current && attempt < 5; attempt++) {
    if (await certificates.update(current, { status: 'revoked', ...NOTHING_SCHEDULED, updatedAt: now })) return;
    current = await certificates.get(lineage._id);
  }
}

/** The first certificate of a PEM chain. */
export function leafPem(chainPem: string): string {
  const end = '-----END CERTIFICATE-----';
  const at = chainPem.indexOf(end);
  if (at < 0) throw new Error('chain holds no certificate');
  return `${chainPem.slice(chainPem.indexOf('-----BEGIN CERTIFICATE-----'), at + end.length)}\n`;
}
