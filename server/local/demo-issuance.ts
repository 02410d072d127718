/**
 * The guided demo of the local runtime: through the same HTTP interface a client uses, it
 * requests a certificate for a demo domain, shows the instructions, publishes them (the user's
 * part; here through the dev endpoint into the local DNS), verifies, waits for issuance, lists
 * and exports the certificate, printing each step.
 */
import type { ApiAction, ApiActions, ApiRequest, OrderView } from '../../typings/api';
import type { LocalApiServer } from './http-api';

export interface DemoResult {
  certificateId: string;
  serialNumber: string;
  daysLeft: number | null;
  fullchainPem: string;
}

const STEPS = 7;

export async function runDemo(input: { api: LocalApiServer; ownerId: string; names: string[]; say: (line: string) => void }): Promise<DemoResult> {
  const { api, ownerId, names, say } = input;
  const step = (n: number, text: string) => say(`[${n}/${STEPS}] ${text}`);
  const call = async <A extends ApiAction>(request: ApiRequest<A>): Promise<ApiActions[A]['response']> => {
    const response = await api.call(request, ownerId);
    if (!response.ok) throw new Error(`demo: ${request.action} failed: ${response.error.code} ${response.error.message}`);
    return response.data;
  };

  const created = await call<'createRequest'>({ action: 'createRequest', names, caId: 'pebble', validation: 'dns-01', keyType: 'ec-p256' });
  step(1, `Requested ${names.join(', ')} from the local CA (ECDSA P-256, DNS validation): order ${created.order.id}`);

  for (const instruction of created.order.dnsInstructions) {
    step(2, `Add a TXT record ${instruction.recordName} with ${instruction.values.length} value(s): ${instruction.values.join(' , ')}`);
  }
  for (const instruction of created.order.dnsInstructions) {
    for (const value of instruction.values) await api.dev('/dev/txt', { name: instruction.recordName, value });
  }
  step(3, 'Records published (through the dev endpoint into the local DNS)');

  let order: OrderView = await call<'verifyOrder'>({ action: 'verifyOrder', orderId: created.order.id });
  step(4, `Verify tapped: self-check ${order.selfCheck?.ok ? 'passed' : 'failed'}, order is ${order.state}`);
  for (let wait = 250; order.state !== 'issued' && order.state !== 'invalid' && wait < 8_000; wait *= 2) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    order = await call<'getOrder'>({ action: 'getOrder', orderId: order.id });
  }
  if (order.state !== 'issued') throw new Error(`demo: the order ended ${order.state}: ${order.lastError?.explanation ?? ''}`);

  const detail = await call<'getCertificate'>({ action: 'getCertificate', certificateId: created.certificateId });
  const [version] = detail.versions;
  if (!version) throw new Error('demo: issued, but no version is listed');
  step(5, `Issued serial ${version.serialNumber} by ${version.issuerCommonName ?? version.issuer}, valid until ${new Date(version.notAfter).toISOString()}, ${detail.daysLeft ?? '?'} days left`);

  const list = await call<'listCertificates'>({ action: 'listCertificates' });
  step(6, `Certificate list: ${list.items.map((item) => `${item.displayNames.join(', ')} [${item.status}, ${item.expiryLevel}, ${item.daysLeft ?? '-'} days]`).join('; ')}`);

  const exported = await call<'exportCertificate'>({ action: 'exportCertificate', certificateId: created.certificateId, format: 'fullchain' });
  const pfx = await call<'exportCertificate'>({ action: 'exportCertificate', certificateId: created.certificateId, format: 'pfx', password: 'demo-password-1' });
  step(7, `Exported ${exported.fileName} (${exported.text?.length ?? 0} characters, link ${exported.tempUrl ?? 'none'}) and ${pfx.fileName} (link ${pfx.tempUrl ?? 'none'}); nginx: ${exported.snippets.find((s) => s.server === 'nginx')?.files.join(' + ') ?? '-'}`);
  return { certificateId: created.certificateId, serialNumber: version.serialNumber, daysLeft: detail.daysLeft, fullchainPem: exported.text ?? '' };
}
