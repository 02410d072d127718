/**
 * The whole life of a certificate with the clock moved forward an hour at a time: Pebble issues
 * 90-day certificates, the scheduler tick runs (three at once), and reminders go out through a
 * real webhook receiver on loopback and the WeChat double (WeChat's servers cannot run here).
 */
import { checkChannelTarget } from '../../../server/domain/channels';
import { renewalDueAt, type CertificateDoc } from '../../../server/domain/certificate';
import type { NotificationDoc } from '../../../server/domain/notification';
import { dnsInstructions } from '../../../server/domain/order';
import { DAY_MS } from '../../../server/domain/reminders';
import { verifyWebhookSignature } from '../../../server/adapters/notify/webhook';
import { createLocalEngine } from '../../../server/local/engine';
import { startPebbleStack, type PebbleStack } from '../../../server/local/pebble';
import { advanceOrder } from '../../../server/usecases/advance-order';
import type { EngineDeps, SubscriptionTemplate } from '../../../server/usecases/engine';
import { verifyOrder } from '../../../server/usecases/manage-orders';
import { requestCertificate } from '../../../server/usecases/request-certificate';
import { runSchedulerTick } from '../../../server/usecases/scheduler-tick';
import { addChannel, bankSubscriptions, getUser } from '../../../server/usecases/settings';
import { startFaultProxyFor } from '../support/fault-proxy';
import { OpenApiDouble } from '../support/openapi-double';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers';
import { openEngineStore, type EngineStore } from './support';

jest.setTimeout(180_000);

const HOUR = 3_600_000;
const TEMPLATES: SubscriptionTemplate[] = [
  { key: 'expiry', templateId: 'tmpl-expiry-0001', title: '证书到期提醒', keywords: { thing1: 'domain', date2: 'expiresOn', phrase3: 'status', thing4: 'note' } },
  { key: 'result', templateId: 'tmpl-result-0001', title: '证书状态通知', keywords: { character_string1: 'domain', phrase2: 'status', date3: 'expiresOn', thing4: 'note' } },
  { key: 'action', templateId: 'tmpl-action-0001', title: '待处理提醒', keywords: { thing1: 'domain', thing2: 'note', time3: 'time' } },
];

let stack: PebbleStack;
let env: EngineStore;
let receiver: HttpReceiver;
beforeAll(async () => {
  // Authorizations are reused, so a renewal needs nobody (as with a DNS provider or a recent validation).
  stack = await startPebbleStack({ certificateValidityPeriod: 90 * 86_400, env: { PEBBLE_AUTHZREUSE: '100' } });
  env = await openEngineStore();
  receiver = await startHttpReceiver();
});
afterAll(async () => {
  await receiver.close();
  await env.close();
  await stack.stop();
});

function engine(directoryUrl?: string) {
  let offset = 0;
  const wechat = new OpenApiDouble();
  for (const t of TEMPLATES) wechat.registerTemplate(t.templateId, Object.keys(t.keywords));
  const deps = createLocalEngine({
    stack,
    store: env.store,
    cipher: env.cipher,
    clock: { now: () => Date.now() + offset },
    ...(directoryUrl ? { directoryUrl } : {}),
    delivery: { subscribe: wechat, templates: TEMPLATES },
  });
  return { deps, wechat, later: (ms: number) => (offset += ms), backToRealTime: () => (offset = 0) };
}

async function issue(deps: EngineDeps, ownerId: string, name: string, autoRenew: boolean): Promise<CertificateDoc> {
  const { certificate, order } = await requestCertificate(deps, { ownerId, names: [name], caId: 'pebble', validation: 'dns-01', autoRenew });
  const placed = await advanceOrder(deps, order._id);
  for (const instruction of dnsInstructions(placed?.challenges ?? [])) for (const value of instruction.values) await stack.setTxt(instruction.recordName, value);
  expect((await verifyOrder(deps, ownerId, order._id)).state).toBe('issued');
  const issued = await lineage(certificate._id);
  if (!issued) throw new Error('the certificate vanished');
  return issued;
}

const lineage = (id: string) => env.store.collection<CertificateDoc>('certificates').get(id);

async function notificationsOf(ownerId: string): Promise<NotificationDoc[]> {
  const page = await env.store.collection<NotificationDoc>('notifications').listByOwner(ownerId, { limit: 100 });
  return page.items.reverse(); // oldest first
}

/** Moves the clock an hour at a time until `until` (or `stop` says so), running three ticks at once each hour. */
async function travel(deps: EngineDeps, later: (ms: number) => void, until: number, stop: () => Promise<boolean> = async () => false): Promise<void> {
  while (deps.clock.now() < until) {
    later(HOUR);
    await Promise.all([runSchedulerTick(deps), runSchedulerTick(deps), runSchedulerTick(deps)]);
    if (await stop()) return;
  }
}

test('a certificate that does not renew itself: each reminder once, in order, through every channel, in the daytime', async () => {
  const owner = 'life-manual';
  const { deps, wechat, later } = engine();
  const hook = checkChannelTarget('webhook', `${receiver.origin}/hooks/certs`, { allowLoopback: true });
  await addChannel(deps, owner, { id: 'ops-hook', type: 'webhook', label: '运维群', ...hook, secret: 'whsec_life' });
  // The user tapped "subscribe" three times, accepting the expiry template each time.
  const expiry = TEMPLATES[0]?.templateId ?? '';
  for (let i = 0; i < 3; i++) await bankSubscriptions(deps, owner, { [expiry]: 'accept', 'tmpl-unknown': 'accept' }, TEMPLATES.map((t) => t.templateId));
  wechat.setCredits(owner, expiry, 3);
  expect((await getUser(deps, owner)).credits).toEqual({ [expiry]: 3 });

  const certificate = await issue(deps, owner, 'life.example.test', false);
  const notAfter = certificate.notAfter ?? 0;
  const before = receiver.requests.length;
  await travel(deps, later, notAfter + 2 * DAY_MS);

  const sent = await notificationsOf(owner);
  expect(sent.map((n) => [n.kind, n.message.daysLeft])).toEqual([
    ['expiry', 30],
    ['expiry', 14],
    ['expiry', 7],
    ['expiry', 3],
    ['expiry', 1],
    ['expiry', 0],
  ]);
  for (const n of sent) {
    const hourInChina = new Date(n.createdAt + 8 * HOUR).getUTCHours();
    expect(hourInChina >= 9 && hourInChina < 21).toBe(true);
    expect(n.message.page).toBe(`pages/certificate/index?id=${certificate._id}`);
  }
  expect(sent.at(-1)?.message.title).toBe('证书今天到期：life.example.test');

  // The webhook got each one exactly once, signed.
  const hooks = receiver.requests.slice(before);
  expect(hooks.map((r) => r.headers['x-certkeeper-id'])).toEqual(sent.map((n) => n._id));
  for (const request of hooks) {
    const timestamp = String(request.headers['x-certkeeper-timestamp']);
    const signature = String(request.headers['x-certkeeper-signature']);
    expect(verifyWebhookSignature({ secret: 'whsec_life', timestamp, body: request.body, signature, nowSeconds: Number(timestamp) })).toBe(true);
  }
  // WeChat: the three banked credits carried the first three; the rest were skipped, not lost silently.
  expect(wechat.sent.map((m) => m.data.thing1?.value)).toEqual(['life.example.test', 'life.example.test', 'life.example.test']);
  expect(wechat.sent[0]?.data.phrase3?.value).toBe('即将到期');
  expect((await getUser(deps, owner)).credits[expiry]).toBe(0);
  expect(sent.map((n) => n.deliveries.find((d) => d.channel === 'wechat')?.status)).toEqual(['sent', 'sent', 'sent', 'skipped', 'skipped', 'skipped']);
  expect(sent.every((n) => n.deliveries.find((d) => d.channel === 'webhook')?.status === 'sent' && n.nextActionAt === null)).toBe(true);
});

test('a certificate that renews itself is quiet: no expiry reminder, one "renewed" notice with the new date', async () => {
  const owner = 'life-auto';
  const { deps, wechat, later, backToRealTime } = engine();
  const result = TEMPLATES[1]?.templateId ?? '';
  await bankSubscriptions(deps, owner, { [result]: 'accept' }, [result]);
  wechat.setCredits(owner, result, 1);
  const certificate = await issue(deps, owner, 'quiet.example.test', true);
  const renewAt = certificate.renewAt ?? 0;
  expect(renewAt).toBe(renewalDueAt(certificate.notBefore ?? 0, certificate.notAfter ?? 0));
  expect(Math.round(((certificate.notAfter ?? 0) - renewAt) / DAY_MS)).toBe(30);
  // Two months pass without a word, though the 30-day threshold is reached on the way.
  await travel(deps, later, renewAt - HOUR);
  expect(await notificationsOf(owner)).toEqual([]);

  // Pebble lives in real time (its orders expire and its certificates start then), so the
  // renewal runs back at the CA's time: the lineage is made due now, as it was two months on.
  backToRealTime();
  const due = await lineage(certificate._id);
  if (!due) throw new Error('the certificate vanished');
  await env.store.collection<CertificateDoc>('certificates').update(due, { renewAt: deps.clock.now(), nextActionAt: deps.clock.now() });
  await Promise.all([runSchedulerTick(deps), runSchedulerTick(deps), runSchedulerTick(deps)]);

  const renewed = await lineage(certificate._id);
  expect(renewed?.currentVersionId).not.toBe(certificate.currentVersionId);
  const sent = await notificationsOf(owner);
  expect(sent.map((n) => n.kind)).toEqual(['renewed']);
  expect(sent[0]?.message.notAfter).toBe(renewed?.notAfter);
  expect(sent[0]?.message.title).toBe('证书已自动续期：quiet.example.test');
  expect(wechat.sent).toHaveLength(1);
  expect(wechat.sent[0]).toMatchObject({ templateId: result, page: `pages/certificate/index?id=${certificate._id}`, data: { phrase2: { value: '续期成功' } } });
  // The new certificate is scheduled afresh: renewal at a third of its life left, quiet until then.
  expect(renewed).toMatchObject({ renewAt: renewalDueAt(renewed?.notBefore ?? 0, renewed?.notAfter ?? 0), remindedDays: null, renewalFailures: 0 });
});

test('a renewal that keeps failing: the user hears why (1st, 2nd, 4th… failure) and the reminders resume', async () => {
  const proxy = await startFaultProxyFor(stack);
  try {
    const owner = 'life-failing';
    const { deps, later } = engine(proxy.directoryUrl);
    const certificate = await issue(deps, owner, 'failing.example.test', true);
    proxy.respondWith(
      { method: 'POST', path: /order-plz/ },
      { status: 400, headers: { 'Content-Type': 'application/problem+json' }, body: { type: 'urn:ietf:params:acme:error:rejectedIdentifier', detail: 'policy forbids this name' } },
      Infinity,
    );
    await travel(deps, later, (certificate.notAfter ?? 0) + DAY_MS);

    const sent = await notificationsOf(owner);
    const failures = sent.filter((n) => n.kind === 'renewalFailed');
    const reminders = sent.filter((n) => n.kind === 'expiry');
    const final = await lineage(certificate._id);
    expect(final).toMatchObject({ status: 'active', currentVersionId: certificate.currentVersionId });
    expect(final?.renewalFailures).toBeGreaterThan(16);
    expect(failures).toHaveLength(Math.floor(Math.log2(final?.renewalFailures ?? 1)) + 1);
    expect(failures[0]?.message.lines[0]).toContain('拒绝为这个域名签发');
    // The first failure came at the renewal time (30 days left) and stood for the 30-day reminder.
    expect(reminders.map((n) => n.message.daysLeft)).toEqual([14, 7, 3, 1, 0]);
    expect(new Set(sent.map((n) => n._id)).size).toBe(sent.length);
  } finally {
    await proxy.close();
  }
});
