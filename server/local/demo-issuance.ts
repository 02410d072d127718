/**
 * The guided demo of the local runtime: one certificate for a demo domain, through the same use
 * cases the `api` function runs, against the local Pebble CA, printing each step a user goes
 * through. Publishing the TXT records is the user's part; here the demo does it in the local DNS.
 */
import type { CertificateDoc, CertificateVersionDoc } from '../domain/certificate';
import { dnsInstructions } from '../domain/order';
import { advanceOrder } from '../usecases/advance-order';
import type { EngineDeps } from '../usecases/engine';
import { verifyOrder } from '../usecases/manage-orders';
import { requestCertificate } from '../usecases/request-certificate';
import type { PebbleStack } from './pebble';

export interface DemoResult {
  certificateId: string;
  versionId: string;
  serialNumber: string;
  notAfter: number;
  daysLeft: number;
}

const DAY_MS = 86_400_000;
const STEPS = 6;

export async function runDemoIssuance(input: {
  deps: EngineDeps;
  stack: Pick<PebbleStack, 'directoryUrl' | 'setTxt' | 'clearTxt'>;
  ownerId: string;
  names: string[];
  say: (line: string) => void;
}): Promise<DemoResult> {
  const { deps, stack, ownerId, names, say } = input;
  const step = (n: number, text: string) => say(`[${n}/${STEPS}] ${text}`);
  step(1, `Local CA ready: ${stack.directoryUrl} (Pebble, loopback only)`);

  const { certificate, order } = await requestCertificate(deps, { ownerId, names, caId: 'pebble', validation: 'dns-01', keyType: 'ec-p256' });
  step(2, `Requested certificates/${certificate._id} for ${names.join(', ')} (ECDSA P-256, DNS validation)`);

  const placed = await advanceOrder(deps, order._id);
  if (placed?.state !== 'awaitingUser') throw new Error(`demo: the order is ${placed?.state ?? 'gone'}, not waiting for DNS records`);
  const instructions = dnsInstructions(placed.challenges);
  for (const instruction of instructions) {
    step(3, `Add TXT ${instruction.recordName} with ${instruction.values.length} value(s): ${instruction.values.join(' , ')}`);
  }

  for (const instruction of instructions) for (const value of instruction.values) await stack.setTxt(instruction.recordName, value);
  step(4, 'Records published (in the local DNS); "verify" tapped: self-check, then the CA validates');
  const issued = await verifyOrder(deps, ownerId, order._id);
  for (const instruction of instructions) await stack.clearTxt(instruction.recordName);
  if (issued.state !== 'issued' || !issued.issuedVersionId) {
    throw new Error(`demo: the order ended ${issued.state}: ${issued.lastError?.detail ?? 'no detail'}`);
  }

  const version = await deps.store.collection<CertificateVersionDoc>('certificateVersions').get(issued.issuedVersionId);
  const lineage = await deps.store.collection<CertificateDoc>('certificates').get(certificate._id);
  if (!version || !lineage) throw new Error('demo: the issued certificate is not in the store');
  const { leaf } = version;
  step(5, `Issued serial ${leaf.serialNumber} by ${leaf.issuerCommonName ?? leaf.issuer}, valid until ${new Date(leaf.notAfter).toISOString()}; chain of ${version.chainLength} ${version.chainOrdered ? 'in order' : 'OUT OF ORDER'}`);

  const daysLeft = Math.floor((leaf.notAfter - deps.clock.now()) / DAY_MS);
  const renewal = lineage.nextActionAt === null ? 'no renewal scheduled' : `renewal due ${new Date(lineage.nextActionAt).toISOString()}`;
  step(6, `Stored certificateVersions/${version._id}; private key encrypted (${version.privateKeySealed?.split('.').slice(0, 2).join('.') ?? 'none'}…); ${daysLeft} days left, ${renewal}`);
  return { certificateId: certificate._id, versionId: version._id, serialNumber: leaf.serialNumber, notAfter: leaf.notAfter, daysLeft };
}
