/**
 * The monitoring actions of the `api` function through the local runtime: adding (with the
 * address rules and field errors), checking a real TLS server on 127.0.0.1, ownership, limits,
 * and the certificate detail's view of its servers. Names resolve at the local challtestsrv.
 */
import { startLocalRuntime, type LocalRuntime } from '../../../server/local/runtime';
import { recordingLogger } from '../support/recording-logger';
import { useTempDir } from '../support/temp-dir';
import { createLeaf, createTestPki, startTlsServer, type TestServer } from '../support/tls-servers';
import { apiClient } from './support';

jest.setTimeout(90_000);

const ALICE = 'o_alice_monitors';
const MALLORY = 'o_mallory_monitors';
let runtime: LocalRuntime;
const { call, ok } = apiClient(() => runtime);
let server: TestServer;
const tempDir = useTempDir('endpoints-api', 'all');

beforeAll(async () => {
  runtime = await startLocalRuntime({ dataDir: tempDir(), port: 0, logger: recordingLogger() });
  const pki = await createTestPki();
  server = await startTlsServer({ chain: [await createLeaf({ names: ['api.example.test'] }, pki.intermediate)] });
});
afterAll(async () => {
  await server.close();
  await runtime.stop();
});

test.each([
  ['http://api.example.test', 'httpsOnly'],
  ['*.example.test', 'wildcard'],
  ['api.example.test:70000', 'port'],
  ['https://user:pw@api.example.test', 'userinfo'],
  ['not a host', 'hostInvalid'],
])('%s is refused on the field target (%s)', async (target, rule) => {
  const response = await call(ALICE, { action: 'addEndpoint', target });
  expect(response).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', field: 'target' } });
  expect(response.ok ? [] : (response.error.violations ?? []).map((v) => v.rule)).toEqual([rule]);
});

test('adding checks the server at once: what it serves and why WeChat would refuse it', async () => {
  const detail = await ok(ALICE, { action: 'addEndpoint', target: `https://api.example.test:${server.port}/v1/ping` });
  expect(detail).toMatchObject({ host: 'api.example.test', port: server.port, url: `https://api.example.test:${server.port}`, source: 'manual', verdict: 'notReady', wechatReady: false });
  expect(detail.served?.dnsNames).toEqual(['api.example.test']);
  expect(detail.addresses.map((a) => [a.address, a.protocol, a.versions['TLSv1.2']])).toEqual([['127.0.0.1', 'TLSv1.3', true]]);
  // Not from a public CA, and only the leaf served.
  expect(detail.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(expect.arrayContaining(['chainComplete']));
  expect(detail.history).toHaveLength(1);

  expect(await call(ALICE, { action: 'addEndpoint', target: `api.example.test:${server.port}` })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  expect((await ok(ALICE, { action: 'listEndpoints' })).items.map((e) => e.id)).toEqual([detail.id]);
  const again = await ok(ALICE, { action: 'checkEndpoint', endpointId: detail.id });
  expect(again.history).toHaveLength(2);

  // Another user sees nothing of it.
  for (const request of [
    { action: 'getEndpoint', endpointId: detail.id },
    { action: 'checkEndpoint', endpointId: detail.id },
    { action: 'removeEndpoint', endpointId: detail.id },
  ] as const) {
    expect(await call(MALLORY, request)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  }
  expect((await ok(MALLORY, { action: 'listEndpoints' })).items).toEqual([]);
  expect(await ok(ALICE, { action: 'removeEndpoint', endpointId: detail.id })).toEqual({ deleted: true });
  expect(await call(ALICE, { action: 'getEndpoint', endpointId: detail.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
});

test('checks on demand are limited per user', async () => {
  const carol = 'o_carol_monitors';
  const detail = await ok(carol, { action: 'addEndpoint', target: `api.example.test:${server.port}` });
  for (let i = 0; i < 29; i++) await ok(carol, { action: 'checkEndpoint', endpointId: detail.id });
  expect(await call(carol, { action: 'checkEndpoint', endpointId: detail.id })).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
});

test('an issued certificate gets an endpoint per name, shown on its detail', async () => {
  const created = await ok(ALICE, { action: 'createRequest', names: ['site.example.test', '*.site.example.test'], caId: 'pebble', validation: 'dns-01' });
  for (const instruction of created.order.dnsInstructions) for (const value of instruction.values) await runtime.stack.setTxt(instruction.recordName, value);
  expect((await ok(ALICE, { action: 'verifyOrder', orderId: created.order.id })).state).toBe('issued');
  const detail = await ok(ALICE, { action: 'getCertificate', certificateId: created.certificateId });
  expect(detail.endpoints.map((e) => [e.url, e.source, e.verdict])).toEqual([['https://site.example.test', 'certificate', 'pending']]);
});
