/**
 * The outbox: dedupe, per-channel delivery with retries and give-up, WeChat credits, concurrency,
 * test messages. Channels are real (a webhook receiver on 127.0.0.1); WeChat is the double.
 */
import { checkChannelTarget } from '../../../server/domain/channels';
import { DELIVERY_RETRY_MS, type NotificationDoc } from '../../../server/domain/notification';
import { createLocalEngine } from '../../../server/local/engine';
import type { EngineDeps, SubscriptionTemplate } from '../../../server/usecases/engine';
import { deliverNotification, notify, testChannel } from '../../../server/usecases/notify';
import { runSchedulerTick } from '../../../server/usecases/scheduler-tick';
import { addChannel, getUser, removeChannel, updateSettings } from '../../../server/usecases/settings';
import { OpenApiDouble } from '../support/openapi-double';
import { recordingLogger } from '../support/recording-logger';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers';
import { openEngineStore, type EngineStore } from './support';

const RESULT: SubscriptionTemplate = { key: 'result', templateId: 'tmpl-result-0001', title: '证书状态通知', keywords: { thing1: 'domain', phrase2: 'status', date3: 'expiresOn' } };
const NOT_AFTER = Date.UTC(2027, 0, 10, 4);

let env: EngineStore;
let receiver: HttpReceiver;
beforeAll(async () => {
  env = await openEngineStore();
  receiver = await startHttpReceiver();
});
afterAll(async () => {
  await receiver.close();
  await env.close();
});

/** An engine whose CA parts are never used here (no CA is needed to notify). */
function engine(options: { templates?: SubscriptionTemplate[] } = {}) {
  let now = Date.UTC(2026, 11, 1, 4);
  const wechat = new OpenApiDouble();
  wechat.registerTemplate(RESULT.templateId, Object.keys(RESULT.keywords));
  const logger = recordingLogger();
  const deps: EngineDeps = createLocalEngine({
    stack: { directoryUrl: 'https://127.0.0.1:9/dir', caCertPem: '', dnsServer: '127.0.0.1:9', httpChallengePort: 9 },
    store: env.store,
    cipher: env.cipher,
    clock: { now: () => now },
    logger,
    delivery: { subscribe: wechat, templates: options.templates ?? [RESULT] },
  });
  return { deps, wechat, logger, later: (ms: number) => (now += ms) };
}

let sequence = 0;
async function withWebhook(deps: EngineDeps, ownerId: string, path = '/hook'): Promise<string> {
  const id = `ch-${++sequence}`;
  await addChannel(deps, ownerId, { id, type: 'webhook', label: '回调', ...checkChannelTarget('webhook', `${receiver.origin}${path}`, { allowLoopback: true }), secret: 'whsec_x' });
  return id;
}

function renewed(deps: EngineDeps, ownerId: string, certificateId = `cert-${ownerId}`) {
  return notify(deps, { ownerId, facts: { kind: 'renewed', certificateId, names: ['a.example.com'], notAfter: NOT_AFTER }, eventAt: NOT_AFTER - 90 * 86_400_000, detail: 'renewed' });
}

const hits = (path: string) => receiver.requests.filter((r) => r.path === path).length;

test('the same event makes one notification, however often it is reported', async () => {
  const { deps } = engine();
  const first = await renewed(deps, 'dedupe-owner');
  expect(first?.deliveries.map((d) => d.channel)).toEqual(['wechat']);
  expect(await renewed(deps, 'dedupe-owner')).toBeNull();
  const page = await env.store.collection<NotificationDoc>('notifications').listByOwner('dedupe-owner', { limit: 10 });
  expect(page.items).toHaveLength(1);
});

test('a server error is retried with back-off; a refusal fails at once with the reason in Chinese', async () => {
  const { deps, later } = engine();
  await withWebhook(deps, 'retry-owner', '/retry');
  receiver.answerNext({ status: 503, body: 'busy' });
  const doc = await renewed(deps, 'retry-owner');
  const first = await deliverNotification(deps, doc?._id ?? '');
  const hook = first?.deliveries.find((d) => d.channel === 'webhook');
  expect(hook).toMatchObject({ status: 'pending', attempts: 1, error: { code: 'http_503' } });
  expect(hook?.error?.message).toContain('HTTP 503');
  expect(first?.nextActionAt).toBe(deps.clock.now() + DELIVERY_RETRY_MS[0]);
  // Not before its time, then delivered.
  await runSchedulerTick(deps);
  expect(hits('/retry')).toBe(1);
  later(DELIVERY_RETRY_MS[0]);
  await runSchedulerTick(deps);
  const done = await env.store.collection<NotificationDoc>('notifications').get(doc?._id ?? '');
  expect(done?.deliveries.find((d) => d.channel === 'webhook')).toMatchObject({ status: 'sent', attempts: 2, error: null });
  expect(done?.nextActionAt).toBeNull();
  expect(hits('/retry')).toBe(2);

  await withWebhook(deps, 'refused-owner', '/refused');
  receiver.answerNext({ status: 404, body: 'no such hook' });
  const refused = await deliverNotification(deps, (await renewed(deps, 'refused-owner'))?._id ?? '');
  expect(refused?.deliveries.find((d) => d.channel === 'webhook')).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'http_404', message: '对方服务器拒绝了请求（HTTP 404），请检查地址是否正确' } });
  expect(refused?.nextActionAt).toBeNull();
});

test('a channel that never answers is given up after the last retry, and says so', async () => {
  const { deps, later } = engine();
  await withWebhook(deps, 'giveup-owner', '/down');
  receiver.answerNext(...Array.from({ length: DELIVERY_RETRY_MS.length + 1 }, () => ({ status: 500, body: 'down' })));
  const doc = await renewed(deps, 'giveup-owner');
  for (let i = 0; i <= DELIVERY_RETRY_MS.length; i++) {
    await deliverNotification(deps, doc?._id ?? '');
    later(DELIVERY_RETRY_MS[i] ?? 0);
  }
  const final = await env.store.collection<NotificationDoc>('notifications').get(doc?._id ?? '');
  const hook = final?.deliveries.find((d) => d.channel === 'webhook');
  expect(hook).toMatchObject({ status: 'failed', attempts: DELIVERY_RETRY_MS.length + 1 });
  expect(hook?.error?.message).toContain('已停止重试');
  expect(final?.nextActionAt).toBeNull();
  expect(hits('/down')).toBe(DELIVERY_RETRY_MS.length + 1);
});

test('three deliveries at once send once; a channel removed meanwhile is skipped', async () => {
  const { deps } = engine();
  const first = await withWebhook(deps, 'race-owner', '/race');
  const second = await withWebhook(deps, 'race-owner', '/race-removed');
  const doc = await renewed(deps, 'race-owner');
  await removeChannel(deps, 'race-owner', second);
  await Promise.all([deliverNotification(deps, doc?._id ?? ''), deliverNotification(deps, doc?._id ?? ''), deliverNotification(deps, doc?._id ?? '')]);
  const final = await env.store.collection<NotificationDoc>('notifications').get(doc?._id ?? '');
  expect(final?.deliveries.map((d) => [d.channelId, d.status])).toEqual([
    ['wechat', 'skipped'],
    [first, 'sent'],
    [second, 'skipped'],
  ]);
  expect(final?.deliveries[2]?.error?.message).toBe('这个通知渠道已删除');
  expect(hits('/race')).toBe(1);
  expect(hits('/race-removed')).toBe(0);
});

test('WeChat: a banked credit is taken per message; none left means skipped; WeChat’s 43101 zeroes the count', async () => {
  const { deps, wechat } = engine();
  const owner = 'credit-owner';
  const credits = async () => (await getUser(deps, owner)).credits[RESULT.templateId] ?? 0;
  await updateSettings(deps, owner, {});
  const bank = async (n: number) => {
    const { changeUser } = await import('../../../server/usecases/settings');
    await changeUser(deps, owner, (user) => ({ credits: { ...user.credits, [RESULT.templateId]: n } }));
  };

  await bank(1);
  wechat.setCredits(owner, RESULT.templateId, 1);
  const sent = await deliverNotification(deps, (await renewed(deps, owner, 'c-1'))?._id ?? '');
  expect(sent?.deliveries[0]).toMatchObject({ channel: 'wechat', status: 'sent' });
  expect(wechat.sent.at(-1)).toMatchObject({ touser: owner, templateId: RESULT.templateId, data: { thing1: { value: 'a.example.com' }, phrase2: { value: '续期成功' }, date3: { value: '2027年01月10日' } } });
  expect(await credits()).toBe(0);

  const none = await deliverNotification(deps, (await renewed(deps, owner, 'c-2'))?._id ?? '');
  expect(none?.deliveries[0]).toMatchObject({ status: 'skipped', error: { code: 'no_credit' } });
  expect(wechat.sent).toHaveLength(1);

  // Our count says 2 but WeChat has none (the user cancelled): trust WeChat.
  await bank(2);
  const refused = await deliverNotification(deps, (await renewed(deps, owner, 'c-3'))?._id ?? '');
  expect(refused?.deliveries[0]).toMatchObject({ status: 'skipped', error: { code: 'no_credit' } });
  expect(await credits()).toBe(0);

  // Data WeChat rejects (the template has other keywords now): failed for good, the credit given back.
  await bank(1);
  wechat.setCredits(owner, RESULT.templateId, 1);
  wechat.registerTemplate(RESULT.templateId, ['thing9']);
  const rejected = await deliverNotification(deps, (await renewed(deps, owner, 'c-4'))?._id ?? '');
  expect(rejected?.deliveries[0]).toMatchObject({ status: 'failed', error: { code: 'wechat_47003' } });
  expect(await credits()).toBe(1);
});

test('WeChat not configured: no WeChat delivery is recorded at all, and a test message says why', async () => {
  const { deps } = engine({ templates: [] });
  const doc = await renewed(deps, 'unconfigured-owner');
  expect(doc?.deliveries).toEqual([]);
  expect(await testChannel(deps, 'unconfigured-owner', 'wechat')).toEqual({ ok: false, message: '运营方没有配置这类微信订阅消息' });
});

test('a test message goes out now and is recorded on the channel; secrets never reach the log', async () => {
  const { deps, logger } = engine();
  const owner = 'test-owner';
  const channelId = await withWebhook(deps, owner, '/test-message');
  expect(await testChannel(deps, owner, channelId)).toEqual({ ok: true, message: '测试消息已发出，请查看是否收到' });
  const request = receiver.requests.filter((r) => r.path === '/test-message').at(-1);
  expect(JSON.parse(request?.body ?? '{}')).toMatchObject({ kind: 'test', title: '证书管家测试消息' });
  expect((await getUser(deps, owner)).channels[0]?.lastTest).toMatchObject({ ok: true, message: null });

  receiver.answerNext({ status: 410, body: 'gone' });
  const failed = await testChannel(deps, owner, channelId);
  expect(failed.ok).toBe(false);
  expect(failed.message).toContain('HTTP 410');
  expect((await getUser(deps, owner)).channels[0]?.lastTest).toMatchObject({ ok: false, message: failed.message });

  const wechat = await testChannel(deps, owner, 'wechat');
  expect(wechat).toEqual({ ok: false, message: '微信提醒次数已用完，请在“提醒设置”中订阅' });
  await expect(testChannel(deps, owner, 'no-such-channel')).rejects.toThrow('not found');
  // The address is kept sealed (its masked form has no query), the signing secret only sealed.
  const stored = JSON.stringify(await env.store.collection('users').get(`user-${owner}`));
  expect(stored).not.toContain('whsec_x');
  expect(JSON.stringify(await getUser(deps, owner))).toContain('"targetSealed":"ck1.');
  expect(JSON.stringify(logger.entries)).not.toContain('whsec_x');
  expect(JSON.stringify(logger.entries)).not.toContain(receiver.origin);
});
