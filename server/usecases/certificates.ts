import type { CertificateDoc, CertificateVersionDoc } from '../domain/certificate';
import { ConflictError } from '../domain/errors';
import type { OrderDoc } from '../domain/order';
import type { Page, Store } from '../ports/store';
import type { EngineDeps } from './engine';
import { cancelOrder, ownCertificate } from './manage-orders';

/** The owner's certificates, newest first. */
export function listCertificates(deps: { store: Store }, ownerId: string, page: { limit: number; cursor: string | null }): Promise<Page<CertificateDoc>> {
  return deps.store.collection<CertificateDoc>('certificates').listByOwner(ownerId, { limit: page.limit, after: page.cursor });
}

/** Every version of a lineage, newest first. */
export async function versionsOf(deps: { store: Store }, certificate: CertificateDoc): Promise<CertificateVersionDoc[]> {
  const versions: CertificateVersionDoc[] = [];
  const collection = deps.store.collection<CertificateVersionDoc>('certificateVersions');
  let after: string | null = null;
  do {
    const page: Page<CertificateVersionDoc> = await collection.listByOwner(certificate.ownerId, { limit: 100, after });
    versions.push(...page.items.filter((version) => version.certificateId === certificate._id));
    after = page.nextCursor;
  } while (after);
  return versions.sort((a, b) => b.createdAt - a.createdAt);
}

export async function getCertificate(deps: { store: Store }, ownerId: string, certificateId: string): Promise<{ certificate: CertificateDoc; versions: CertificateVersionDoc[]; order: OrderDoc | null }> {
  const certificate = await ownCertificate(deps, ownerId, certificateId);
  const order = certificate.currentOrderId ? await deps.store.collection<OrderDoc>('orders').get(certificate.currentOrderId) : null;
  return { certificate, versions: await versionsOf(deps, certificate), order };
}

/**
 * Deletes a certificate with its versions and orders. An order still being set up is cancelled
 * first; one whose CSR the CA already has is waited for (the certificate may be issued any moment).
 */
export async function deleteCertificate(deps: EngineDeps, ownerId: string, certificateId: string): Promise<void> {
  const certificate = await ownCertificate(deps, ownerId, certificateId);
  const orders = deps.store.collection<OrderDoc>('orders');
  const order = certificate.currentOrderId ? await orders.get(certificate.currentOrderId) : null;
  if (order?.state === 'finalizing') throw new ConflictError('orderFinalizing', '证书正在签发中，请等签发完成后再删除');
  if (order && ['created', 'awaitingUser', 'validating', 'ready'].includes(order.state)) await cancelOrder(deps, ownerId, order._id);
  for (const version of await versionsOf(deps, certificate)) {
    await deps.store.collection<CertificateVersionDoc>('certificateVersions').delete(version._id);
    await orders.delete(version.orderId);
  }
  if (order) await orders.delete(order._id);
  await deps.store.collection<CertificateDoc>('certificates').delete(certificate._id);
  deps.logger.info('certificate.deleted', { certificateId });
}
