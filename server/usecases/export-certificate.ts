import type { ExportFormat, ExportResult } from '../../typings/api';
import { secretContext } from '../domain/account';
import type { CertificateVersionDoc } from '../domain/certificate';
import { ConflictError, InputRejectedError, NotFoundError } from '../domain/errors';
import { exportFileName, serverSnippets, splitChain, validatePfxPassword } from '../domain/export';
import { PFX_PASSWORD_MESSAGES } from '../domain/export.messages.zh';
import type { FileStorage } from '../ports/files';
import type { StoredDoc } from '../ports/store';
import type { EngineDeps } from './engine';
import { ownCertificate } from './manage-orders';

/** How long a download link to an export lives. */
export const EXPORT_LINK_TTL_SECONDS = 600;

interface AuditEventDoc extends StoredDoc {
  ownerId: string;
  kind: 'keyExport';
  certificateId: string;
  versionId: string;
  format: ExportFormat;
  at: number;
}

/**
 * The current certificate in one format: PEM text for the clipboard and, where file storage is
 * configured, a short-lived download link; plus configuration snippets naming the files. Formats
 * holding the private key need a stored key, and each such export is recorded.
 */
export async function exportCertificate(
  deps: EngineDeps & { files: FileStorage | undefined },
  input: { ownerId: string; certificateId: string; format: ExportFormat; password?: string },
): Promise<ExportResult> {
  const certificate = await ownCertificate(deps, input.ownerId, input.certificateId);
  if (!certificate.currentVersionId) throw new ConflictError('nothingIssued', '这张证书还没有签发，暂时不能导出');
  const version = await deps.store.collection<CertificateVersionDoc>('certificateVersions').get(certificate.currentVersionId);
  if (!version) throw new NotFoundError(`certificate version ${certificate.currentVersionId}`);

  const withKey = input.format === 'privateKey' || input.format === 'pfx';
  if (withKey && !version.privateKeySealed) throw new ConflictError('noPrivateKey', '这张证书用的是你自己的 CSR，私钥不在证书管家里，无法导出私钥或 PFX');
  if (input.format === 'pfx') {
    const rule = validatePfxPassword(input.password ?? '');
    if (rule) throw new InputRejectedError([{ field: 'password', rule, message: PFX_PASSWORD_MESSAGES[rule] }]);
  }

  const parts = splitChain(version.chainPem);
  const privateKeyPem = withKey && version.privateKeySealed ? deps.cipher.decrypt(version.privateKeySealed, secretContext.orderKey(version.orderId)) : null;
  const fileName = exportFileName(certificate.names, input.format);
  let content: Buffer;
  let text: string | null = null;
  if (input.format === 'pfx') {
    if (!privateKeyPem) throw new Error('export: the private key is missing');
    content = Buffer.from(deps.keys.createPfx({ privateKeyPem, chainPem: parts.fullchain, password: input.password ?? '', friendlyName: certificate.names[0] ?? 'certificate' }));
  } else {
    text = input.format === 'privateKey' ? (privateKeyPem ?? '') : parts[input.format];
    content = Buffer.from(text, 'utf8');
  }

  if (withKey) {
    const now = deps.clock.now();
    await deps.store.collection<AuditEventDoc>('auditEvents').insert({
      ownerId: input.ownerId, kind: 'keyExport', certificateId: certificate._id, versionId: version._id, format: input.format, at: now,
    });
    deps.logger.info('certificate.key_exported', { certificateId: certificate._id, versionId: version._id, format: input.format });
  }
  const link = deps.files ? await deps.files.put(`exports/${input.ownerId}/${deps.store.newId()}/${fileName}`, content, EXPORT_LINK_TTL_SECONDS) : null;
  return {
    format: input.format,
    fileName,
    text,
    tempUrl: link?.url ?? null,
    tempUrlExpiresAt: link?.expiresAt ?? null,
    snippets: serverSnippets(certificate.names),
  };
}
