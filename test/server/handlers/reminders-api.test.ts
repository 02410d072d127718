/**
 * The reminder actions of the `api` function through the local runtime: banking WeChat
 * subscriptions, adding, testing and removing channels (a real webhook receiver on 127.0.0.1),
 * the notification history, and what another user can see of it. WeChat is the double.
 */
import { verifyWebhookSignature } from '../../../server/adapters/notify/webhook';
import { startLocalRuntime, type LocalRuntime } from '../../../server/local/runtime';
import type { SubscriptionTemplate } from '../../../server/usecases/engine';
import { runSchedulerTick } from '../../../server/usecases/scheduler-tick';
import { OpenApiDouble } from '../support/openapi-double';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers';
import { recordingLogger } from '../support/recording-logger';
import { useTempDir } from '../support/temp-dir';
import { apiClient } from './support';

jest.setTimeout(90_000);

const ALICE = 'o_alice_reminders';
const MALLORY = 'o_mallory_reminders';
const TEMPLATES: SubscriptionTemplate[] = [
  { key: 'expiry', templateId: 'tmpl-expiry-0001', title: '证书到期提醒', keywords: { thing1: 'domain', date2: 'expiresOn' } },
  { key: 'result', templateId: 'tmpl-result-0001', title: '证书状态通知', keywords: { thing1: 'domain', phrase2: 'status' } },
];
const wechat = new OpenApiDouble();
let runtime: LocalRuntime;
const { call, ok } = apiClient(() => runtime);
let receiver: HttpReceiver;
const tempDir = useTempDir('reminders-api', 'all');

beforeAll(async () => {
  for (const t of TEMPLATES) wechat.registerTemplate(t.templateId, Object.keys(t.keywords));
  receiver = await startHttpReceiver();
  runtime = await startLocalRuntime({ dataDir: tempDir(), port: 0, logger: recordingLogger(), delivery: { subscribe: wechat, templates: TEMPLATES } });
});
afterAll(async () => {
  await runtime.stop();
  await receiver.close();
});

test('subscribing banks one reminder per accepted template; unknown templates are ignored', async () => {
  const before = await ok(ALICE, { action: 'getSettings' });
  expect(before.wechat).toEqual({ templates: TEMPLATES.map((t) => ({ key: t.key, templateId: t.templateId, title: t.title, credits: 0 })), banked: 0 });
  const results = { 'tmpl-expiry-0001': 'accept', 'tmpl-result-0001': 'reject', 'tmpl-forged-0001': 'accept' };
  await ok(ALICE, { action: 'reportSubscription', results });
  const after = await ok(ALICE, { action: 'reportSubscription', results: { 'tmpl-expiry-0001': 'acceptWithAlert', 'tmpl-result-0001': 'accept' } });
  expect(after.wechat.templates.map((t) => t.credits)).toEqual([2, 1]);
  expect(after.wechat.banked).toBe(3);
  expect((await ok(MALLORY, { action: 'getSettings' })).wechat.banked).toBe(0);
});

test('a webhook channel: the secret is shown once, test messages are signed with it, the history of tests is kept', async () => {
  const added = await ok(ALICE, { action: 'addChannel', type: 'webhook', label: '运维平台', target: `${receiver.origin}/certkeeper?token=s3cr3t` });
  expect(added.signingSecret).toMatch(/^whsec_/);
  const channel = added.settings.channels.find((c) => c.id === added.channelId);
  expect(channel).toMatchObject({ type: 'webhook', label: '运维平台', target: `${receiver.origin}/certkeeper`, lastTest: null });
  const settings = JSON.stringify(await ok(ALICE, { action: 'getSettings' }));
  expect(settings).not.toContain(added.signingSecret ?? 'missing');
  expect(settings).not.toContain('s3cr3t');

  const tested = await ok(ALICE, { action: 'testChannel', channelId: added.channelId });
  expect(tested).toMatchObject({ channelId: added.channelId, ok: true, message: '测试消息已发出，请查看是否收到' });
  expect(tested.settings.channels.find((c) => c.id === added.channelId)?.lastTest).toMatchObject({ ok: true, message: null });
  const request = receiver.requests.at(-1);
  expect(request?.query).toEqual({ token: 's3cr3t' });
  const timestamp = String(request?.headers['x-certkeeper-timestamp']);
  const signature = String(request?.headers['x-certkeeper-signature']);
  expect(verifyWebhookSignature({ secret: added.signingSecret ?? '', timestamp, body: request?.body ?? '', signature, nowSeconds: Number(timestamp) })).toBe(true);

  // WeChat test: uses one banked reminder of the results template. Our count says one is left,
  // but WeChat has none (43101): WeChat is right, and the count goes to zero.
  expect(await ok(ALICE, { action: 'testChannel', channelId: 'wechat' })).toMatchObject({ ok: false, message: expect.stringContaining('次数已用完') as unknown });
  expect((await ok(ALICE, { action: 'getSettings' })).wechat.templates.find((t) => t.key === 'result')?.credits).toBe(0);
  await ok(ALICE, { action: 'reportSubscription', results: { 'tmpl-result-0001': 'accept' } });
  wechat.setCredits(ALICE, 'tmpl-result-0001', 1);
  const viaWechat = await ok(ALICE, { action: 'testChannel', channelId: 'wechat' });
  expect(viaWechat.ok).toBe(true);
  expect(viaWechat.settings.wechat.templates.find((t) => t.key === 'result')?.credits).toBe(0);
  expect(wechat.sent.at(-1)).toMatchObject({ touser: ALICE, templateId: 'tmpl-result-0001', page: 'pages/reminders/index' });

  // Mallory can neither test nor remove Alice's channel.
  expect(await call(MALLORY, { action: 'testChannel', channelId: added.channelId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  expect(await call(MALLORY, { action: 'removeChannel', channelId: added.channelId })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  const removed = await ok(ALICE, { action: 'removeChannel', channelId: added.channelId });
  expect(removed.channels).toEqual([]);
});

test('bad destinations are refused with the field and the rule, in Chinese; at most five channels', async () => {
  const wrongHost = await call(ALICE, { action: 'addChannel', type: 'wecom', target: 'https://example.com/cgi-bin/webhook/send?key=abcdefgh12' });
  expect(wrongHost).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', field: 'target' } });
  expect(wrongHost.ok ? '' : wrongHost.error.message).toContain('企业微信群机器人');
  const metadata = await call(ALICE, { action: 'addChannel', type: 'webhook', target: 'https://169.254.169.254/latest' });
  expect(metadata).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', field: 'target' } });
  expect(await call(ALICE, { action: 'addChannel', type: 'email', target: '张三 <a@b.com>' })).toMatchObject({ ok: false, error: { field: 'target' } });
  expect(await call(ALICE, { action: 'addChannel', type: 'sms' as 'email', target: '13800000000' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', field: 'type' } });

  for (let i = 0; i < 5; i++) await ok(ALICE, { action: 'addChannel', type: 'email', target: `ops${i}@example.com` });
  const sixth = await call(ALICE, { action: 'addChannel', type: 'email', target: 'ops6@example.com' });
  expect(sixth).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  const settings = await ok(ALICE, { action: 'getSettings' });
  expect(settings.channels.map((c) => [c.label, c.target])).toContainEqual(['电子邮件', 'o•••@example.com']);
  for (const channel of settings.channels) await ok(ALICE, { action: 'removeChannel', channelId: channel.id });
});

test('the history: a revoked certificate is reported, with what happened on each channel; only to its owner', async () => {
  const created = await ok(ALICE, { action: 'createRequest', names: ['history.example.test'], caId: 'pebble', validation: 'dns-01' });
  for (const instruction of created.order.dnsInstructions) for (const value of instruction.values) await runtime.stack.setTxt(instruction.recordName, value);
  expect((await ok(ALICE, { action: 'verifyOrder', orderId: created.order.id })).state).toBe('issued');
  await ok(ALICE, { action: 'revokeCertificate', certificateId: created.certificateId, reason: 'keyCompromise' });
  await runSchedulerTick(runtime.engine);

  const page = await ok(ALICE, { action: 'listNotifications' });
  const revoked = page.items.find((n) => n.kind === 'revoked');
  expect(revoked).toMatchObject({ certificateId: created.certificateId, names: ['history.example.test'], title: '证书已吊销：history.example.test', page: `pages/certificate/index?id=${created.certificateId}` });
  expect(revoked?.lines[0]).toBe('吊销原因：私钥泄露');
  expect(revoked?.deliveries).toEqual([{ channel: 'wechat', label: '微信', status: 'skipped', detail: '微信提醒次数已用完，请在“提醒设置”中订阅', at: expect.any(Number) as unknown, attempts: 1 }]);
  expect((await ok(MALLORY, { action: 'listNotifications' })).items).toEqual([]);
  expect(await call(ALICE, { action: 'listNotifications', limit: 0 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', field: 'limit' } });
});

test('test messages are rate-limited per user', async () => {
  const carol = 'o_carol_reminders';
  const added = await ok(carol, { action: 'addChannel', type: 'webhook', target: `${receiver.origin}/limit` });
  for (let i = 0; i < 10; i++) await ok(carol, { action: 'testChannel', channelId: added.channelId });
  expect(await call(carol, { action: 'testChannel', channelId: added.channelId })).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  expect(receiver.requests.filter((r) => r.path === '/limit')).toHaveLength(10);
});
