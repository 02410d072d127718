/**
 * Hands-free validation against Pebble: a DNS provider publishes the records (the local DNS,
 * challtestsrv, stands in for the vendor's API — the vendor adapters are tested against their own
 * fakes), a CNAME delegation points `_acme-challenge` into the operator's zone, and nobody taps
 * anything from request to issued, at renewal too. Records are removed afterwards.
 */
import { Resolver } from 'node:dns/promises';
import type { CertificateDoc } from '../../../server/domain/certificate';
import type { NotificationDoc } from '../../../server/domain/notification';
import type { OrderDoc } from '../../../server/domain/order';
import { challtestsrvProvider } from '../../../server/local/challtestsrv-dns';
import { createLocalEngine } from '../../../server/local/engine';
import { startPebbleStack, type PebbleStack } from '../../../server/local/pebble';
import { DnsProviderError, type DnsProvider } from '../../../server/ports/dns-provider';
import { advanceOrder } from '../../../server/usecases/advance-order';
import { setAutomation, verifyAutomation } from '../../../server/usecases/automation';
import { addCredential } from '../../../server/usecases/credentials';
import type { EngineDeps } from '../../../server/usecases/engine';
import { requestCertificate } from '../../../server/usecases/request-certificate';
import { runSchedulerTick } from '../../../server/usecases/scheduler-tick';
import { recordingLogger } from '../support/recording-logger';
import { openEngineStore, type EngineStore } from './support';

jest.setTimeout(120_000);

const DELEGATION_ZONE = 'delegation.certkeeper.test';
const FIELDS = { secretId: 'AKIDlocalstandin0000000000', secretKey: 'localstandinsecret000000000000' };

let stack: PebbleStack;
let env: EngineStore;
let deps: EngineDeps;
/** What the "vendor" does: publish in challtestsrv, or refuse when the test says so. */
let refuse: DnsProviderError | null = null;
const logger = recordingLogger();

beforeAll(async () => {
  stack = await startPebbleStack({});
  env = await openEngineStore();
  const local = challtestsrvProvider(stack, 'example.test');
  const vendor: DnsProvider = {
    findZone: (fqdn) => (refuse ? Promise.reject(refuse) : local.findZone(fqdn)),
    createTxt: (fqdn, value) => (refuse ? Promise.reject(refuse) : local.createTxt(fqdn, value)),
    deleteTxt: (handle) => local.deleteTxt(handle),
    testConnection: () => local.testConnection(),
  };
  deps = createLocalEngine({
    stack,
    store: env.store,
    cipher: env.cipher,
    logger,
    dns: {
      providers: { dnspod: () => vendor, alidns: () => vendor, cloudflare: () => vendor, huaweicloud: () => vendor },
      delegation: { zone: DELEGATION_ZONE, provider: challtestsrvProvider(stack, DELEGATION_ZONE) },
    },
  });
});
afterAll(async () => {
  await env.close();
  await stack.stop();
});

async function txt(name: string): Promise<string[]> {
  const resolver = new Resolver();
  resolver.setServers([stack.dnsServer]);
  return (await resolver.resolveTxt(name).catch(() => [])).flat();
}

const lineage = (id: string) => env.store.collection<CertificateDoc>('certificates').get(id);

test('with a DNS provider key, a wildcard certificate is issued and renewed without anyone, and its records are removed', async () => {
  const owner = 'auto-provider-owner';
  const credential = await addCredential(deps, owner, { provider: 'dnspod', label: '主账号', fields: FIELDS });
  const stored = JSON.stringify(await env.store.collection('credentials').get(credential._id));
  expect(stored).not.toContain(FIELDS.secretKey);
  expect(credential.masked).toEqual({ secretId: 'AKID••••0000', secretKey: '••••••••' });

  const { certificate, order } = await requestCertificate(deps, {
    ownerId: owner,
    names: ['auto.example.test', '*.auto.example.test'],
    caId: 'pebble',
    validation: 'dns-01',
    automation: { kind: 'dnsProvider', credentialId: credential._id, provider: 'dnspod' },
  });
  // Placing, publishing, the self-check at the authoritative server, submission, issuance: all in the engine.
  let current = await advanceOrder(deps, order._id);
  for (let i = 0; i < 20 && current?.state !== 'issued'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await runSchedulerTick(deps);
    current = await env.store.collection<OrderDoc>('orders').get(order._id);
  }
  expect(current).toMatchObject({ state: 'issued', published: [] });
  expect(await txt('_acme-challenge.auto.example.test')).toEqual([]);
  const notices = (await env.store.collection<NotificationDoc>('notifications').listByOwner(owner, { limit: 10 })).items;
  expect(notices.map((n) => n.kind)).toEqual(['issued']);

  // Renewal: due now, and it goes through on its own as well, with no "needs your action".
  const issued = await lineage(certificate._id);
  if (!issued) throw new Error('the certificate vanished');
  await env.store.collection<CertificateDoc>('certificates').update(issued, { renewAt: Date.now(), nextActionAt: Date.now() });
  for (let i = 0; i < 20 && (await lineage(certificate._id))?.currentVersionId === issued.currentVersionId; i++) {
    await runSchedulerTick(deps);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  expect((await lineage(certificate._id))?.currentVersionId).not.toBe(issued.currentVersionId);
  const after = (await env.store.collection<NotificationDoc>('notifications').listByOwner(owner, { limit: 10 })).items.map((n) => n.kind);
  expect(after).toContain('renewed');
  expect(after).not.toContain('actionNeeded');
});

test('a provider that refuses the key fails the order with the reason and the fix; nothing is left behind', async () => {
  const owner = 'auto-refused-owner';
  const credential = await addCredential(deps, owner, { provider: 'dnspod', label: undefined, fields: FIELDS });
  refuse = new DnsProviderError('badCredentials', 'AuthFailure.SecretIdNotFound', 'AuthFailure.SecretIdNotFound');
  try {
    const { order } = await requestCertificate(deps, { ownerId: owner, names: ['refused.example.test'], caId: 'pebble', validation: 'dns-01', automation: { kind: 'dnsProvider', credentialId: credential._id, provider: 'dnspod' } });
    const failed = await advanceOrder(deps, order._id);
    expect(failed).toMatchObject({ state: 'invalid', lastError: { kind: 'automationFailed' }, published: [] });
  } finally {
    refuse = null;
  }
});

test('CNAME delegation: set up once, verified, then the waiting order completes by itself', async () => {
  const owner = 'auto-cname-owner';
  const { certificate, order } = await requestCertificate(deps, { ownerId: owner, names: ['cname.example.test', '*.cname.example.test'], caId: 'pebble', validation: 'dns-01' });
  expect((await advanceOrder(deps, order._id))?.state).toBe('awaitingUser');

  const set = await setAutomation(deps, owner, certificate._id, { kind: 'cnameDelegation' });
  expect(set.certificate.automation).toEqual({ kind: 'cnameDelegation', targets: { 'cname.example.test': expect.stringMatching(new RegExp(`\\.${DELEGATION_ZONE.replace(/\./g, '\\.')}$`)) as unknown }, verifiedAt: null });
  const target = set.certificate.automation.kind === 'cnameDelegation' ? (set.certificate.automation.targets['cname.example.test'] ?? '') : '';

  // Before the CNAME exists the check says exactly what to add.
  const early = await verifyAutomation(deps, owner, certificate._id);
  expect(early.problem).toContain(`_acme-challenge.cname.example.test → ${target}`);
  expect(early.certificate.automation).toMatchObject({ verifiedAt: null });

  await stack.setCname('_acme-challenge.cname.example.test', target);
  const verified = await verifyAutomation(deps, owner, certificate._id);
  expect(verified.problem).toBeNull();
  expect(verified.certificate.automation).toMatchObject({ kind: 'cnameDelegation', verifiedAt: expect.any(Number) as unknown });

  // The order that was waiting for the user now publishes in the delegation zone and completes.
  let current = await advanceOrder(deps, order._id);
  for (let i = 0; i < 20 && current?.state !== 'issued'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await runSchedulerTick(deps);
    current = await env.store.collection<OrderDoc>('orders').get(order._id);
  }
  expect(current).toMatchObject({ state: 'issued', published: [] });
  expect(await txt(target)).toEqual([]);
  await expect(setAutomation(deps, 'someone-else', certificate._id, { kind: 'manual' })).rejects.toThrow('not found');
});
