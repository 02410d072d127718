/**
 * Renewal through the scheduler tick against Pebble issuing short-lived (2-minute) certificates,
 * with the clock moved forward instead of waiting.
 */
import { renewalDueAt, type CertificateDoc, type CertificateVersionDoc } from '../../../server/domain/certificate';
import type { NotificationDoc } from '../../../server/domain/notification';
import { dnsInstructions, type OrderDoc } from '../../../server/domain/order';
import { createLocalEngine } from '../../../server/local/engine';
import { startPebbleStack, type PebbleStack } from '../../../server/local/pebble';
import { advanceOrder } from '../../../server/usecases/advance-order';
import { verifyOrder } from '../../../server/usecases/manage-orders';
import { requestCertificate } from '../../../server/usecases/request-certificate';
import { runSchedulerTick } from '../../../server/usecases/scheduler-tick';
import { startFaultProxyFor } from '../support/fault-proxy';
import { openEngineStore, type EngineStore } from './support';

jest.setTimeout(60_000);

let stack: PebbleStack;
let env: EngineStore;
beforeAll(async () => {
  stack = await startPebbleStack({ certificateValidityPeriod: 120 });
  env = await openEngineStore();
});
afterAll(async () => {
  await env.close();
  await stack.stop();
});

function engine() {
  let offset = 0;
  const deps = createLocalEngine({ stack, store: env.store, cipher: env.cipher, clock: { now: () => Date.now() + offset } });
  return { deps, later: (ms: number) => (offset += ms) };
}

async function publish(order: OrderDoc | null): Promise<void> {
  for (const instruction of dnsInstructions(order?.challenges ?? [])) for (const value of instruction.values) await stack.setTxt(instruction.recordName, value);
}

async function issue(deps: ReturnType<typeof engine>['deps'], ownerId: string, name: string) {
  const { certificate, order } = await requestCertificate(deps, { ownerId, names: [name], caId: 'pebble', validation: 'dns-01' });
  await publish(await advanceOrder(deps, order._id));
  expect((await verifyOrder(deps, ownerId, order._id)).state).toBe('issued');
  return certificate._id;
}

const lineageOf = (id: string) => env.store.collection<CertificateDoc>('certificates').get(id);

test('a short-lived certificate is renewed at half its lifetime: new order, new key, new version', async () => {
  const { deps, later } = engine();
  const certificateId = await issue(deps, 'renew-owner', 'renew.example.test');
  const first = await lineageOf(certificateId);
  // Under 10 days of lifetime: renewal is due with half of it left.
  expect(first?.renewAt).toBe(renewalDueAt(first?.notBefore ?? 0, first?.notAfter ?? 0));
  expect(first?.nextActionAt).toBe(first?.renewAt);
  expect((first?.notAfter ?? 0) - (first?.nextActionAt ?? 0)).toBeGreaterThanOrEqual(59_000);

  expect(await runSchedulerTick(deps)).toMatchObject({ renewalsStarted: 0 });
  later(61_000);
  const tick = await runSchedulerTick(deps);
  expect(tick.renewalsStarted).toBe(1);
  const renewing = await lineageOf(certificateId);
  const renewal = await env.store.collection<OrderDoc>('orders').get(renewing?.currentOrderId ?? '');
  expect(renewal?.names).toEqual(['renew.example.test']);
  expect(renewal?._id).not.toBe(first?.currentOrderId);
  // A CA that reuses the valid authorization (PEBBLE_AUTHZREUSE) issues at once; otherwise manual
  // DNS waits for the user, who publishes the new values, and the next due tick completes it.
  if (renewal?.state !== 'issued') {
    expect(renewing).toMatchObject({ status: 'active', currentVersionId: first?.currentVersionId, renewAt: null });
    expect(renewal?.state).toBe('awaitingUser');
    // The user is told what to do, with a link straight to the validation page.
    const waiting = await notificationsOf('renew-owner');
    expect(waiting.map((n) => [n.kind, n.message.page])).toEqual([['actionNeeded', `pages/order/index?id=${renewal?._id ?? ''}`]]);
    expect(waiting[0]?.message.title).toBe('续期需要你添加 DNS TXT 记录：renew.example.test');
    await publish(renewal);
    later(31_000);
    await runSchedulerTick(deps);
  }
  const renewed = await lineageOf(certificateId);
  expect(renewed?.currentVersionId).not.toBe(first?.currentVersionId);
  expect(renewed).toMatchObject({ status: 'active', renewalFailures: 0 });
  const versions = (await env.store.collection<CertificateVersionDoc>('certificateVersions').listByOwner('renew-owner', { limit: 10 })).items;
  expect(versions).toHaveLength(2);
  expect(versions[0]?.leaf.spkiSha256).not.toBe(versions[1]?.leaf.spkiSha256);
  const notices = (await notificationsOf('renew-owner')).filter((n) => n.kind === 'renewed');
  expect(notices.map((n) => n.message.notAfter)).toEqual([renewed?.notAfter]);
});

async function notificationsOf(ownerId: string): Promise<NotificationDoc[]> {
  return (await env.store.collection<NotificationDoc>('notifications').listByOwner(ownerId, { limit: 10 })).items;
}

test('three ticks at once start exactly one renewal', async () => {
  const { deps, later } = engine();
  const certificateId = await issue(deps, 'race-owner', 'race.example.test');
  later(61_000);
  // Other tests' certificates share the store, so count this certificate's orders: the first and one renewal.
  await Promise.all([runSchedulerTick(deps), runSchedulerTick(deps), runSchedulerTick(deps)]);
  const orders = await env.store.collection<OrderDoc>('orders').listByOwner('race-owner', { limit: 10 });
  expect(orders.items.filter((o) => o.certificateId === certificateId)).toHaveLength(2);
});

test('a failed renewal keeps the certificate and retries later with back-off', async () => {
  const proxy = await startFaultProxyFor(stack);
  try {
    let offset = 0;
    const deps = createLocalEngine({ stack, store: env.store, cipher: env.cipher, clock: { now: () => Date.now() + offset }, directoryUrl: proxy.directoryUrl });
    const certificateId = await issue(deps, 'fail-owner', 'fail.example.test');
    const lineage = await lineageOf(certificateId);
    // The CA refuses the renewal order outright.
    proxy.respondWith(
      { method: 'POST', path: /order-plz/ },
      { status: 400, headers: { 'Content-Type': 'application/problem+json' }, body: { type: 'urn:ietf:params:acme:error:rejectedIdentifier', detail: 'policy forbids issuing for this name' } },
      Infinity,
    );
    offset += 61_000;
    await runSchedulerTick(deps);
    const after = await lineageOf(certificateId);
    const failed = await env.store.collection<OrderDoc>('orders').get(after?.currentOrderId ?? '');
    expect(failed).toMatchObject({ state: 'invalid', lastError: { kind: 'rejectedIdentifier' } });
    expect(after).toMatchObject({ status: 'active', currentVersionId: lineage?.currentVersionId, renewalFailures: 1 });
    // Close to expiry (2-minute certificates), the emergency floor caps the wait at an hour.
    expect((after?.renewAt ?? 0) - deps.clock.now()).toBeLessThanOrEqual(3_600_000);
    expect((after?.renewAt ?? 0) - deps.clock.now()).toBeGreaterThan(3_500_000);
  } finally {
    await proxy.close();
  }
});

test('with ARI the CA’s window decides when to renew, and the renewal names the certificate it replaces', async () => {
  const { deps: base, later } = engine();
  const real = base.acme;
  const sent: object[] = [];
  const windows: { certificateId: string; start: number; end: number }[] = [];
  // Pebble 2.4 has no ARI: the real gateway with a directory that advertises it and a window the
  // test controls (the HTTP side of renewalInfo is tested against a loopback RFC 9773 server).
  const acme = Object.assign(Object.create(real) as typeof real, {
    directory: async (endpoint: Parameters<typeof real.directory>[0]) => ({ ...(await real.directory(endpoint)), renewalInfo: 'https://127.0.0.1:1/renewal-info' }),
    renewalInfo: async (_endpoint: unknown, _url: string, certificateId: string) => {
      const now = base.clock.now();
      windows.push({ certificateId, start: now + 20_000, end: now + 30_000 });
      return { start: now + 20_000, end: now + 30_000, explanationUrl: null, retryAfterMs: 21_600_000 };
    },
    createOrder: (session: Parameters<typeof real.createOrder>[0], request: Parameters<typeof real.createOrder>[1]) => {
      sent.push(request);
      return real.createOrder(session, request);
    },
  });
  const deps = { ...base, acme, random: () => 0.5 };
  const certificateId = await issue(deps, 'ari-owner', 'ari.example.test');
  const lineage = await lineageOf(certificateId);
  const [window] = windows;
  // Half-way through the window (random 0.5), well before the ratio's 60 s.
  expect(lineage?.nextActionAt).toBe((window?.start ?? 0) + 5_000);
  later(26_000);
  await runSchedulerTick(deps);
  const renewal = await env.store.collection<OrderDoc>('orders').get((await lineageOf(certificateId))?.currentOrderId ?? '');
  expect(renewal?.replaces).toBe(window?.certificateId);
  expect(window?.certificateId).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  expect(sent.at(-1)).toEqual({ names: ['ari.example.test'], replaces: window?.certificateId });
});

test('the CA’s renewal window is asked again when its Retry-After has passed, and a moved window moves the renewal', async () => {
  const { deps: base } = engine();
  const real = base.acme;
  let window = { start: 0, end: 0, explanationUrl: null, retryAfterMs: 21_600_000 as number | null };
  const acme = Object.assign(Object.create(real) as typeof real, {
    directory: async (endpoint: Parameters<typeof real.directory>[0]) => ({ ...(await real.directory(endpoint)), renewalInfo: 'https://127.0.0.1:1/renewal-info' }),
    renewalInfo: async () => window,
  });
  const deps = { ...base, acme, random: () => 0.5 };
  const now = () => deps.clock.now();
  window = { start: now() + 50_000, end: now() + 54_000, explanationUrl: null, retryAfterMs: 21_600_000 };
  const certificateId = await issue(deps, 'ari-poll-owner', 'ari-poll.example.test');
  const first = await lineageOf(certificateId);
  expect(first?.renewAt).toBe(window.start + 2_000);
  // Asked again after the CA's Retry-After (6 h), not before.
  expect((first?.ariCheckAt ?? 0) - now()).toBeGreaterThan(21_600_000 - 5_000);
  expect(first?.ariCheckAt).toBeLessThanOrEqual(now() + 21_600_000);

  // Six hours on (stood in for by making the check due): the CA moved the window earlier, e.g.
  // because the certificate will be revoked; without Retry-After the next ask is in 12 h.
  await env.store.collection<CertificateDoc>('certificates').update(first as CertificateDoc, { ariCheckAt: now(), nextActionAt: now() });
  window = { start: now() + 10_000, end: now() + 12_000, explanationUrl: null, retryAfterMs: null };
  const tick = await runSchedulerTick(deps);
  expect(tick.renewalsStarted).toBe(0);
  const moved = await lineageOf(certificateId);
  expect(moved?.renewAt).toBe(window.start + 1_000);
  expect(moved?.nextActionAt).toBe(moved?.renewAt);
  expect((moved?.ariCheckAt ?? 0) - now()).toBeGreaterThan(12 * 3_600_000 - 5_000);
});
