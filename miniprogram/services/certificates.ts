/**
 * Certificate actions of the `api` function, one typed function each. Pages import these instead
 * of naming actions themselves, so tests can replace the module and the payload shape lives here.
 */
import type {
  CertificateDetail,
  CertificatePage,
  ExportInput,
  ExportResult,
  RevocationReason,
} from '../../typings/api';
import { callApi } from './cloud';

/** One page of the caller's certificates, newest first; pass the previous page's `nextCursor` for the next. */
export function listCertificates(cursor?: string | null): Promise<CertificatePage> {
  return callApi('listCertificates', cursor ? { cursor } : {});
}

export function getCertificate(certificateId: string): Promise<CertificateDetail> {
  return callApi('getCertificate', { certificateId });
}

export function exportCertificate(input: ExportInput): Promise<ExportResult> {
  return callApi('exportCertificate', input);
}

/** Revokes the current version at the CA; answers with the certificate as it now is. */
export function revokeCertificate(certificateId: string, reason: RevocationReason): Promise<CertificateDetail> {
  return callApi('revokeCertificate', { certificateId, reason });
}

export function deleteCertificate(certificateId: string): Promise<{ deleted: true }> {
  return callApi('deleteCertificate', { certificateId });
}
