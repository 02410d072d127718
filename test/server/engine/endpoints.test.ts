/**
 * Monitoring end to end: Pebble issues the certificate, a real TLS server on 127.0.0.1 serves what
 * the user deployed (the full chain, then the leaf only, then the old certificate after a renewal,
 * then the new one), and the endpoint's checks, history and notifications follow. The probe trusts
 * Pebble's root, and its resolver maps the certificate's name to 127.0.0.1.
 */
import { createServer, type Server } from 'node:tls';
import type { CertificateDoc } from '../../../server/domain/certificate';
import { parseEndpointTarget, type EndpointDoc } from '../../../server/domain/endpoint';
import type { NotificationDoc } from '../../../server/domain/notification';
import { dnsInstructions } from '../../../server/domain/order';
import { NodeTlsProbe } from '../../../server/adapters/probe/tls-probe';
import { createLocalEngine } from '../../../server/local/engine';
import { startPebbleStack, type PebbleStack } from '../../../server/local/pebble';
import { advanceOrder } from '../../../server/usecases/advance-order';
import type { EngineDeps } from '../../../server/usecases/engine';
import { addEndpoint, checkEndpoint, listOwnEndpoints } from '../../../server/usecases/endpoints';
import { exportCertificate } from '../../../server/usecases/export-certificate';
import { verifyOrder } from '../../../server/usecases/manage-orders';
import { requestCertificate } from '../../../server/usecases/request-certificate';
import { runSchedulerTick } from '../../../server/usecases/scheduler-tick';
import { openEngineStore, type EngineStore } from './support';

jest.setTimeout(120_000);

const OWNER = 'monitor-owner';
const NAME = 'deploy.example.test';
const DAY = 86_400_000;

let stack: PebbleStack;
let env: EngineStore;
let deps: EngineDeps;
let offset = 0;
let server: Server | null = null;
let port = 0;

beforeAll(async () => {
  stack = await startPebbleStack({ certificateValidityPeriod: 90 * 86_400, env: { PEBBLE_AUTHZREUSE: '100' } });
  env = await openEngineStore();
  const probe = new NodeTlsProbe({ policy: { allowLoopback: true }, resolve: async () => ['127.0.0.1'], trustPem: await stack.issuingRootPem() });
  deps = createLocalEngine({ stack, store: env.store, cipher: env.cipher, clock: { now: () => Date.now() + offset }, probe });
});
afterAll(async () => {
  await serve(null);
  await env.close();
  await stack.stop();
});

/** (Re)starts the user's web server on the same port with `cert` (PEM, in serving order) and `key`; null stops it. */
async function serve(files: { cert: string; key: string } | null): Promise<void> {
  const running = server;
  if (running) await new Promise<void>((resolve) => running.close(() => resolve()));
  server = null;
  if (!files) return;
  const next = createServer({ cert: files.cert, key: files.key });
  next.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => next.listen(port, '127.0.0.1', resolve));
  const address = next.address();
  port = typeof address === 'object' && address ? address.port : 0;
  server = next;
}

async function exported(certificateId: string) {
  const get = (format: 'fullchain' | 'leaf' | 'privateKey') => exportCertificate({ ...deps, files: undefined }, { ownerId: OWNER, certificateId, format }).then((r) => r.text ?? '');
  return { fullchain: await get('fullchain'), leaf: await get('leaf'), key: await get('privateKey') };
}

async function notices(): Promise<NotificationDoc[]> {
  const page = await env.store.collection<NotificationDoc>('notifications').listByOwner(OWNER, { limit: 50 });
  return page.items.filter((n) => n.kind === 'endpointChanged' || n.kind === 'endpointProblem');
}

function check(endpoint: EndpointDoc | null, id: string) {
  return endpoint?.last?.evaluation.checks.find((c) => c.id === id);
}

test('what the server serves, checked against what CertKeeper issued, through a renewal', async () => {
  const { certificate, order } = await requestCertificate(deps, { ownerId: OWNER, names: [NAME], caId: 'pebble', validation: 'dns-01' });
  const placed = await advanceOrder(deps, order._id);
  for (const i of dnsInstructions(placed?.challenges ?? [])) for (const value of i.values) await stack.setTxt(i.recordName, value);
  expect((await verifyOrder(deps, OWNER, order._id)).state).toBe('issued');

  // Issuing made an endpoint for the name on port 443.
  const automatic = await listOwnEndpoints(deps, OWNER);
  expect(automatic.map((e) => [e.host, e.port, e.source, e.certificateId])).toEqual([[NAME, 443, 'certificate', certificate._id]]);

  // The user deploys the full chain on their server (here on a free port, so they add host:port).
  const first = await exported(certificate._id);
  await serve({ cert: first.fullchain, key: first.key });
  const endpoint = await addEndpoint(deps, OWNER, parseEndpointTarget(`${NAME}:${port}`, { allowReservedNames: true }), { source: 'manual' });
  const good = await checkEndpoint(deps, endpoint._id, { force: true });
  expect(good?.last?.evaluation).toMatchObject({ wechatReady: true, deployedIsIssued: true });
  for (const id of ['trusted', 'chainComplete', 'hostname', 'tls12', 'notExpired', 'deployedIsIssued']) expect(check(good, id)?.status).toBe('pass');
  expect(check(good, 'port')?.status).toBe('info');
  expect(good?.nextActionAt).toBeGreaterThan(deps.clock.now());
  expect(good?.nextActionAt).toBeLessThanOrEqual(deps.clock.now() + 6 * 3_600_000);

  // A mistake: only the leaf in ssl_certificate. Android cannot build the chain.
  await serve({ cert: first.leaf, key: first.key });
  const broken = await checkEndpoint(deps, endpoint._id, { force: true });
  expect(broken?.last?.evaluation.wechatReady).toBe(false);
  expect(check(broken, 'chainComplete')).toMatchObject({ status: 'fail', blocksWechat: true });
  expect(check(broken, 'chainComplete')?.fix).toContain('fullchain');
  expect((await notices()).map((n) => [n.kind, n.message.page])).toContainEqual(['endpointProblem', `pages/monitor/index?id=${endpoint._id}`]);
  expect(broken?.history.map((h) => h.verdict).slice(0, 2)).toEqual(['notReady', good?.last?.evaluation.verdict]);

  // Fixed again; then the certificate is renewed while the server keeps the old one.
  await serve({ cert: first.fullchain, key: first.key });
  await checkEndpoint(deps, endpoint._id, { force: true });
  const lineage = await env.store.collection<CertificateDoc>('certificates').get(certificate._id);
  if (!lineage) throw new Error('the certificate vanished');
  await env.store.collection<CertificateDoc>('certificates').update(lineage, { renewAt: deps.clock.now(), nextActionAt: deps.clock.now() });
  await runSchedulerTick(deps);
  expect((await env.store.collection<CertificateDoc>('certificates').get(certificate._id))?.currentVersionId).not.toBe(lineage.currentVersionId);

  const stale = await checkEndpoint(deps, endpoint._id, { force: true });
  expect(stale?.last?.evaluation.deployedIsIssued).toBe(false);
  expect(check(stale, 'deployedIsIssued')?.status).toBe('warn');
  expect(stale?.mismatchSince).not.toBeNull();
  const notDeployed = () => notices().then((list) => list.filter((n) => n.message.title.startsWith('服务器还在使用旧证书')));
  expect(await notDeployed()).toHaveLength(0);
  // A day later it is still the old one: the user is told, once.
  offset += DAY + 60_000;
  await checkEndpoint(deps, endpoint._id, { force: true });
  offset += 6 * 3_600_000;
  await checkEndpoint(deps, endpoint._id, { force: true });
  expect(await notDeployed()).toHaveLength(1);

  // Deployed: the new certificate is seen and matches.
  const second = await exported(certificate._id);
  await serve({ cert: second.fullchain, key: second.key });
  const deployed = await checkEndpoint(deps, endpoint._id, { force: true });
  expect(deployed?.last?.evaluation.deployedIsIssued).toBe(true);
  expect(deployed?.mismatchSince).toBeNull();
  expect((await notices()).some((n) => n.kind === 'endpointChanged' && n.message.title.startsWith('服务器换了证书'))).toBe(true);
});

test('endpoints are checked by the scheduler when due, not before', async () => {
  const target = parseEndpointTarget('unreachable.example.test:1', { allowReservedNames: true });
  const endpoint = await addEndpoint(deps, 'scheduler-owner', target, { source: 'manual' });
  const tick = await runSchedulerTick(deps);
  expect(tick.endpointsChecked).toBeGreaterThanOrEqual(1);
  const checked = await env.store.collection<EndpointDoc>('endpoints').get(endpoint._id);
  expect(checked?.last?.evaluation.verdict).toBe('unreachable');
  const again = await runSchedulerTick(deps);
  const unchanged = await env.store.collection<EndpointDoc>('endpoints').get(endpoint._id);
  expect(unchanged?.history).toHaveLength(1);
  expect(again.endpointsChecked).toBe(0);
});
