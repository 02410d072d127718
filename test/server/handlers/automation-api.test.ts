/**
 * DNS provider credentials and automation through the `api` function and the local runtime. The
 * DNSPod adapter talks to its loopback fake (the vendor's API cannot be reached here), which checks
 * every request's signature; CNAME delegation uses the local DNS zone; the http-01 redirect uses the
 * local acmehttp route.
 */
import { createDnspodProvider } from '../../../server/adapters/dns/dnspod';
import { LOCAL_DELEGATION_ZONE, startLocalRuntime, type LocalRuntime } from '../../../server/local/runtime';
import { startFakeDnspod, type FakeDnspod } from '../dns/support/fake-dnspod';
import { recordingLogger } from '../support/recording-logger';
import { useTempDir } from '../support/temp-dir';
import { apiClient } from './support';

jest.setTimeout(90_000);

const ALICE = 'o_alice_automation';
const MALLORY = 'o_mallory_automation';
const KEY = { secretId: 'AKIDalice0000000000000000000', secretKey: 'alicesecretkey00000000000000' };
let runtime: LocalRuntime;
const { call, ok } = apiClient(() => runtime);
let dnspod: FakeDnspod;
const logger = recordingLogger();
const tempDir = useTempDir('automation-api', 'all');

beforeAll(async () => {
  dnspod = await startFakeDnspod();
  dnspod.addKey(KEY);
  dnspod.addZone('alice.example.test');
  const local = (fields: Record<string, string>) => createDnspodProvider(fields, { endpoint: dnspod.endpoint });
  runtime = await startLocalRuntime({ dataDir: tempDir(), port: 0, logger, dnsProviders: { dnspod: local, alidns: local, cloudflare: local, huaweicloud: local } });
});
afterAll(async () => {
  await runtime.stop();
  await dnspod.close();
});

test('the providers on offer say what they need and how to give least privilege', async () => {
  const options = await ok(ALICE, { action: 'listDnsProviders' });
  expect(options.providers.map((p) => p.id)).toEqual(['dnspod', 'alidns', 'cloudflare', 'huaweicloud']);
  expect(options.providers[0]?.fields).toEqual([
    { key: 'secretId', label: 'SecretId', secret: false, placeholder: 'AKID…' },
    { key: 'secretKey', label: 'SecretKey', secret: true, placeholder: '' },
  ]);
  expect(options.delegationZone).toBe(LOCAL_DELEGATION_ZONE);
  expect(options.acmeHttpBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/acmehttp$/);
});

test('a credential is tested against the provider before it is kept, stored sealed, shown masked, and only to its owner', async () => {
  const malformed = await call(ALICE, { action: 'addCredential', provider: 'dnspod', fields: { secretId: 'short', secretKey: KEY.secretKey } });
  expect(malformed).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', field: 'fields.secretId' } });
  const wrong = await call(ALICE, { action: 'addCredential', provider: 'dnspod', fields: { secretId: KEY.secretId, secretKey: 'wrongsecretkey0000000000000' } });
  expect(wrong).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', field: 'fields' } });
  expect(wrong.ok ? '' : wrong.error.message).toContain('密钥不正确');

  const added = await ok(ALICE, { action: 'addCredential', provider: 'dnspod', label: '生产', fields: KEY });
  expect(added).toMatchObject({ provider: 'dnspod', providerName: '腾讯云 DNSPod', label: '生产', masked: { secretId: 'AKID••••0000', secretKey: '••••••••' }, lastTest: { ok: true, zones: 1 }, usedBy: 0 });
  expect(JSON.stringify(await ok(ALICE, { action: 'listCredentials' }))).not.toContain(KEY.secretKey);
  expect(JSON.stringify(await runtime.store.collection('credentials').get(added.id))).not.toContain(KEY.secretKey);
  expect(JSON.stringify(logger.entries)).not.toContain(KEY.secretKey);

  expect((await ok(MALLORY, { action: 'listCredentials' })).items).toEqual([]);
  expect(await call(MALLORY, { action: 'testCredential', credentialId: added.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  expect(await call(MALLORY, { action: 'createRequest', names: ['x.example.test'], caId: 'pebble', validation: 'dns-01', automation: { kind: 'dnsProvider', credentialId: added.id } })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  expect((await ok(ALICE, { action: 'testCredential', credentialId: added.id })).lastTest.ok).toBe(true);
  // A key whose account does not hold the name is refused at once, not inside the order.
  const elsewhere = await call(ALICE, { action: 'createRequest', names: ['www.bob.example.test'], caId: 'pebble', validation: 'dns-01', automation: { kind: 'dnsProvider', credentialId: added.id } });
  expect(elsewhere).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', field: 'automation.credentialId' } });
});

test('a certificate is set to its DNS provider only where the key manages the zone; a used key cannot be removed', async () => {
  const credential = (await ok(ALICE, { action: 'listCredentials' })).items[0];
  if (!credential) throw new Error('no credential');
  const created = await ok(ALICE, { action: 'createRequest', names: ['www.alice.example.test'], caId: 'pebble', validation: 'dns-01' });
  const set = await ok(ALICE, { action: 'setAutomation', certificateId: created.certificateId, automation: { kind: 'dnsProvider', credentialId: credential.id } });
  expect(set).toMatchObject({ kind: 'dnsProvider', automatic: true, label: 'DNS 服务商自动验证', credential: { id: credential.id, label: '生产', providerName: '腾讯云 DNSPod' }, problem: null });

  const elsewhere = await ok(ALICE, { action: 'createRequest', names: ['other.example.test'], caId: 'pebble', validation: 'dns-01' });
  const refused = await call(ALICE, { action: 'setAutomation', certificateId: elsewhere.certificateId, automation: { kind: 'dnsProvider', credentialId: credential.id } });
  expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', field: 'automation.credentialId' } });

  const list = await ok(ALICE, { action: 'listCertificates' });
  expect(list.items.find((c) => c.id === created.certificateId)).toMatchObject({ automationKind: 'dnsProvider', automatic: true });
  expect(list.items.find((c) => c.id === elsewhere.certificateId)).toMatchObject({ automationKind: 'manual', automatic: false });
  expect((await ok(ALICE, { action: 'listCredentials' })).items[0]?.usedBy).toBe(1);
  expect(await call(ALICE, { action: 'removeCredential', credentialId: credential.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
});

test('CNAME delegation shows the exact record and becomes automatic once it is seen', async () => {
  const created = await ok(ALICE, { action: 'createRequest', names: ['cname.alice.example.test'], caId: 'pebble', validation: 'dns-01' });
  const set = await ok(ALICE, { action: 'setAutomation', certificateId: created.certificateId, automation: { kind: 'cnameDelegation' } });
  expect(set).toMatchObject({ kind: 'cnameDelegation', automatic: false, verifiedAt: null });
  const [record] = set.cnameRecords;
  expect(record).toMatchObject({ name: '_acme-challenge.cname.alice.example.test', type: 'CNAME' });
  expect(record?.value.endsWith(`.${LOCAL_DELEGATION_ZONE}`)).toBe(true);
  const early = await ok(ALICE, { action: 'verifyAutomation', certificateId: created.certificateId });
  expect(early.automatic).toBe(false);
  expect(early.problem).toContain(record?.value);

  await runtime.stack.setCname(record?.name ?? '', record?.value ?? '');
  const verified = await ok(ALICE, { action: 'verifyAutomation', certificateId: created.certificateId });
  expect(verified).toMatchObject({ automatic: true, problem: null, verifiedAt: expect.any(Number) as unknown });
  const detail = await ok(ALICE, { action: 'getCertificate', certificateId: created.certificateId });
  expect(detail.automation.automatic).toBe(true);
});

test('an http-01 certificate gets redirect snippets for its owner; wrong methods are refused', async () => {
  const created = await ok(ALICE, { action: 'createRequest', names: ['files.alice.example.test'], caId: 'pebble', validation: 'http-01' });
  const set = await ok(ALICE, { action: 'setAutomation', certificateId: created.certificateId, automation: { kind: 'httpRedirect' } });
  expect(set.httpSnippets.map((s) => s.server)).toEqual(['nginx', 'apache', 'caddy', 'iis']);
  expect(set.httpSnippets[0]?.code).toContain(`${String((await ok(ALICE, { action: 'listDnsProviders' })).acmeHttpBaseUrl)}/`);
  expect(await call(ALICE, { action: 'setAutomation', certificateId: created.certificateId, automation: { kind: 'cnameDelegation' } })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  expect(await call(ALICE, { action: 'setAutomation', certificateId: created.certificateId, automation: { kind: 'unknown' } as never })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
});
