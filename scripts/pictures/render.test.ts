/**
 * Renders the README pictures, docs/pictures/*.png: each main page in a representative state,
 * loaded with miniprogram-simulate and the real TDesign components exactly as in the page tests,
 * serialised to HTML with TDesign's compiled WXSS and screenshot by headless Chromium (375 px wide,
 * 2× pixels). Run with `bash scripts/pictures/run.sh`; `npm run test:unit` never collects it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { answer, mockCallFunction } from '../../test/miniprogram/support/cloud';
import type { CallFunctionMock, CallFunctionParam } from '../../test/miniprogram/support/cloud';
import { MINIPROGRAM_ROOT, flushPromises, loadPage } from '../../test/miniprogram/support/page';
import type { LoadedPage, RenderedNode } from '../../test/miniprogram/support/page';
import { pngSize, screenshot } from './chromium';
import { pictureDocument, rpxToPx } from './html';
import {
  NOW,
  addedWebhook,
  awaitingOrder,
  cnameCertificate,
  cnameNotYet,
  credentialInput,
  doctorReport,
  fullchainExport,
  homeList,
  issuedCertificate,
  monitorList,
  notReadyMonitor,
  notificationHistory,
  offeredAutomation,
  reminderSettings,
  requestNames,
  savedCredentials,
  webhookInput,
} from './states';

// The clipboard and file sharing are never touched by these states, but the pages import them.
jest.mock('../../miniprogram/services/device', () => ({ copyText: jest.fn(), shareFile: jest.fn() }));

interface SimulateUtils {
  transformRpx: (css: string) => string;
}
interface SimulateWxss {
  compile: (wxss: string, options: { prefix: string }) => string;
}
// simulate turns 1 rpx into 1 px; the pictures are 375 px wide, where 1 rpx is 0.5 px. The property
// is replaced on the module object simulate itself calls, before any page is rendered.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- must be the very module object simulate uses
const simulateUtils = require('miniprogram-simulate/src/utils') as SimulateUtils;
simulateUtils.transformRpx = rpxToPx;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- simulate's own WXSS compiler, not exported
const simulateWxss = require('miniprogram-simulate/src/wxss') as SimulateWxss;

const REPO = path.resolve(__dirname, '../..');
const OUT_DIR = path.join(REPO, 'docs/pictures');
const HTML_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'certkeeper-pictures-'));

type Lifecycle = {
  onLoad(query: Record<string, string>): Promise<void>;
  onUnload?(): void;
  onNameChange(event: { detail: { value: string }; currentTarget: { dataset: { index: number } } }): void;
  onTargetInput(event: { detail: { value: string } }): void;
  onLabelInput(event: { detail: { value: string } }): void;
  onFieldInput(event: { detail: { value: string }; currentTarget: { dataset: { key?: string } } }): void;
};
type Page = LoadedPage<Record<string, unknown>, Lifecycle>;

function ok(data: unknown): ReturnType<typeof answer> {
  return answer({ ok: true, data });
}

/** Answers every `api` action from `answers` (an unknown action fails the picture). */
function serve(callFunction: CallFunctionMock, answers: Record<string, unknown>): void {
  callFunction.mockImplementation((param: CallFunctionParam) => {
    const action = (param.data as { action: string }).action;
    if (!(action in answers)) return Promise.reject(new Error(`no answer for ${action}`));
    return Promise.resolve(ok(answers[action]));
  });
}

function navigationTitle(pagePath: string): string {
  const read = (file: string): { navigationBarTitleText?: string; window?: { navigationBarTitleText?: string } } =>
    JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, file), 'utf8')) as never;
  return read(`${pagePath}.json`).navigationBarTitleText ?? read('app.json').window?.navigationBarTitleText ?? '';
}

/** Loads a page and returns it with the stylesheet simulate inserted for it (the newest `<style>`). */
function open(pagePath: string): { page: Page; css: string } {
  const before = new Set(document.head.querySelectorAll('style'));
  const page = loadPage<Record<string, unknown>, Lifecycle>(pagePath);
  const added = Array.from(document.head.querySelectorAll('style')).filter((style) => !before.has(style));
  // Rendering the same component set again replaces its style element instead of adding one.
  const css = (added.length > 0 ? added : Array.from(document.head.querySelectorAll('style')).slice(-1)).map((style) => style.textContent).join('\n');
  return { page, css };
}

const appCss = rpxToPx(simulateWxss.compile(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'app.wxss'), 'utf8'), { prefix: 'main' }));

/** Writes the page's HTML and screenshots it to docs/pictures/<name>.png. */
function picture(name: string, pagePath: string, page: Page, css: string): string {
  if (!page.dom) throw new Error(`${pagePath} rendered nothing`);
  const htmlFile = path.join(HTML_DIR, `${name}.html`);
  fs.writeFileSync(htmlFile, pictureDocument({ title: navigationTitle(pagePath), body: page.dom, pageCss: css, appCss }));
  const pngFile = path.join(OUT_DIR, `${name}.png`);
  screenshot(htmlFile, pngFile);
  return pngFile;
}

async function tap(node: RenderedNode | undefined, what: string): Promise<void> {
  const inner = node?.querySelector('.t-button');
  if (!inner) throw new Error(`${what} is not rendered`);
  inner.dispatchEvent('tap');
  await flushPromises();
}

function expectPicture(pngFile: string): void {
  const { width, height } = pngSize(pngFile);
  expect(width).toBe(750);
  expect(height).toBeGreaterThanOrEqual(2 * 667);
}

describe('README pictures', () => {
  let callFunction: CallFunctionMock;

  beforeAll(() => {
    fs.mkdirSync(OUT_DIR, { recursive: true });
  });

  beforeEach(() => {
    // Only Date is fixed: simulate and the pages still need real timers.
    jest.useFakeTimers({ now: NOW, doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask'] });
    callFunction = mockCallFunction();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  afterAll(() => {
    fs.rmSync(HTML_DIR, { recursive: true, force: true });
  });

  beforeEach(() => {
    // The reminder page reads the subscription switch; WeChat's settings answer "on".
    Object.assign(wx, {
      getSetting: (options: { success?: (result: { subscriptionsSetting: { mainSwitch: boolean } }) => void }) =>
        options.success?.({ subscriptionsSetting: { mainSwitch: true } }),
    });
  });

  test('home: four certificates (safe by hand, safe and automatic, warning, pending)', async () => {
    serve(callFunction, { listCertificates: homeList });
    const { page, css } = open('pages/home/index');
    await page.instance.onLoad({});
    expect(page.querySelectorAll('.cert')).toHaveLength(4);
    expectPicture(picture('home', 'pages/home/index', page, css));
  });

  test('request: first step, a valid wildcard and an invalid name with its error', async () => {
    const { page, css } = open('pages/request/index');
    await tap(page.querySelector('#add-name'), '添加域名');
    page.instance.onNameChange({ detail: { value: requestNames.wildcard }, currentTarget: { dataset: { index: 0 } } });
    page.instance.onNameChange({ detail: { value: requestNames.invalid }, currentTarget: { dataset: { index: 1 } } });
    await flushPromises();
    expect(page.querySelectorAll('.name-error')).toHaveLength(1);
    expectPicture(picture('request', 'pages/request/index', page, css));
  });

  test('order: awaiting the user, dns-01 apex + wildcard, a failed self-check', async () => {
    serve(callFunction, { getOrder: awaitingOrder });
    const { page, css } = open('pages/order/index');
    await page.instance.onLoad({ id: awaitingOrder.id });
    await flushPromises();
    expect(page.querySelectorAll('.copy-value')).toHaveLength(2);
    const pngFile = picture('order', 'pages/order/index', page, css);
    page.instance.onUnload?.();
    expectPicture(pngFile);
  });

  test('certificate: an issued certificate with one version', async () => {
    serve(callFunction, { getCertificate: issuedCertificate });
    const { page, css } = open('pages/certificate/index');
    await page.instance.onLoad({ id: issuedCertificate.id });
    expect(page.data.phase).toBe('ready');
    expectPicture(picture('certificate', 'pages/certificate/index', page, css));
  });

  test('export: after a fullchain export, with the nginx snippet', async () => {
    serve(callFunction, { getCertificate: issuedCertificate, exportCertificate: fullchainExport });
    const { page, css } = open('pages/export/index');
    await page.instance.onLoad({ id: issuedCertificate.id });
    await tap(page.querySelector('#export'), '导出');
    expect(page.querySelector('.snippet--nginx')).toBeDefined();
    expectPicture(picture('export', 'pages/export/index', page, css));
  });

  test('reminders: thresholds, banked WeChat reminders, two channels, a webhook just added with its secret', async () => {
    serve(callFunction, { getSettings: reminderSettings, addChannel: addedWebhook });
    const { page, css } = open('pages/reminders/index');
    await page.instance.onLoad({});
    await tap(page.querySelector('#open-add'), '添加通知渠道');
    const webhook = page.querySelector('.type--webhook')?.querySelector('.t-radio');
    if (!webhook) throw new Error('Webhook type is not rendered');
    webhook.dispatchEvent('tap');
    await flushPromises();
    page.instance.onTargetInput({ detail: { value: webhookInput.target } });
    page.instance.onLabelInput({ detail: { value: webhookInput.label } });
    await tap(page.querySelector('#add-channel'), '添加');
    expect(page.querySelector('.secret')).toBeDefined();
    expect(page.querySelectorAll('.channel')).toHaveLength(3);
    expectPicture(picture('reminders', 'pages/reminders/index', page, css));
  });

  test('notifications: a failed renewal with every delivery status, a renewal, an expiry reminder', async () => {
    serve(callFunction, { listNotifications: notificationHistory });
    const { page, css } = open('pages/notifications/index');
    await page.instance.onLoad({});
    expect(page.querySelectorAll('.item')).toHaveLength(3);
    expectPicture(picture('notifications', 'pages/notifications/index', page, css));
  });

  test('monitors: one server per verdict, the newest not checked yet', async () => {
    serve(callFunction, { listEndpoints: monitorList });
    const { page, css } = open('pages/monitors/index');
    await page.instance.onLoad({});
    expect(page.querySelectorAll('.item')).toHaveLength(5);
    expectPicture(picture('monitors', 'pages/monitors/index', page, css));
  });

  test('monitor: a server not ready for WeChat, its intermediate certificate missing', async () => {
    serve(callFunction, { getEndpoint: notReadyMonitor });
    const { page, css } = open('pages/monitor/index');
    await page.instance.onLoad({ id: notReadyMonitor.id });
    expect(page.querySelectorAll('.problem')).toHaveLength(2);
    expectPicture(picture('monitor', 'pages/monitor/index', page, css));
  });

  test('credentials: two saved keys, the add form with an Alibaba Cloud key typed', async () => {
    serve(callFunction, { listDnsProviders: offeredAutomation, listCredentials: { items: savedCredentials } });
    const { page, css } = open('pages/credentials/index');
    await page.instance.onLoad({ add: '1' });
    const radio = page.querySelector(`.provider--${credentialInput.provider}`)?.querySelector('.t-radio');
    if (!radio) throw new Error('the provider radio is not rendered');
    radio.dispatchEvent('tap');
    await flushPromises();
    for (const [key, value] of Object.entries(credentialInput.fields)) page.instance.onFieldInput({ detail: { value }, currentTarget: { dataset: { key } } });
    page.instance.onLabelInput({ detail: { value: credentialInput.label } });
    await flushPromises();
    expect(page.querySelectorAll('.credential')).toHaveLength(2);
    expect(page.querySelector('.advice')).toBeDefined();
    expectPicture(picture('credentials', 'pages/credentials/index', page, css));
  });

  test('admin: 运维检查 of a deployment just initialised, one CA out of reach, indexes and rules for the console', async () => {
    serve(callFunction, { doctor: doctorReport });
    const { page, css } = open('pages/admin/index');
    await page.instance.onLoad({});
    expect(page.querySelectorAll('.item')).toHaveLength(doctorReport.items.length);
    expect(page.querySelector('#bootstrap')).toBeDefined();
    expectPicture(picture('admin', 'pages/admin/index', page, css));
  });

  test('automation: a wildcard certificate set up for CNAME delegation, 检测 before the record exists', async () => {
    serve(callFunction, { getCertificate: cnameCertificate, verifyAutomation: cnameNotYet });
    const { page, css } = open('pages/certificate/index');
    await page.instance.onLoad({ id: cnameCertificate.id });
    await tap(page.querySelector('#auto-verify'), '检测');
    expect(page.querySelector('.auto-problem')).toBeDefined();
    expect(page.querySelectorAll('.cname__record')).toHaveLength(1);
    expectPicture(picture('automation', 'pages/certificate/index', page, css));
  });
});
