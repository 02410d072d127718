/**
 * The certificate page's 自动验证 card, with the real TDesign radios and buttons under
 * miniprogram-simulate: the current method and whether renewals need a person; switching to a DNS
 * provider key, to CNAME delegation (records with copy buttons, then 检测), to the http-01 redirect
 * (a snippet per server, then 检测) or back to validating by hand; what each certificate can use.
 * `wx.cloud.callFunction` answers per action; the clipboard module is replaced.
 */
import type { ApiError, ApiRequest, AutomationView, CertificateDetail, CredentialView } from '../../typings/api';
import { formatDateTime } from '../../miniprogram/utils/certificate-view';
import { answer, apiFailure, deferred, mockCallFunction } from './support/cloud';
import type { CallFunctionMock, CallFunctionParam, CallFunctionResult } from './support/cloud';
import { DAY_MS, automationOptions, cnameAutomation, credentialView, manualAutomation, redirectAutomation, versionView } from './support/fixtures';
import { flushPromises, loadPage, textOf } from './support/page';
import type { LoadedPage, RenderedNode } from './support/page';

const mockDevice = { copyText: jest.fn<Promise<void>, [string]>(), shareFile: jest.fn<Promise<void>, [string, string]>() };
jest.mock('../../miniprogram/services/device', () => mockDevice);

interface CertificateData {
  phase: string;
  chooser: string;
  method: string;
  credentialId: string;
  snippetIndex: number;
}
type CertificateMethods = {
  onLoad(query: Record<string, string>): Promise<void>;
  onShow(): void;
};
type CertificatePage = LoadedPage<CertificateData, CertificateMethods>;

const NOW = Date.UTC(2026, 5, 15, 4, 0, 0);

function detail(overrides: Partial<CertificateDetail> = {}): CertificateDetail {
  const automation = overrides.automation ?? manualAutomation();
  return {
    id: 'cert-1',
    names: ['example.com', 'www.example.com'],
    displayNames: ['example.com', 'www.example.com'],
    caId: 'letsencrypt',
    caName: "Let's Encrypt",
    status: 'active',
    notAfter: NOW + 60 * DAY_MS,
    daysLeft: 60,
    expiryLevel: 'safe',
    autoRenew: true,
    automationKind: automation.kind,
    automatic: automation.automatic,
    currentOrderId: 'order-2',
    orderState: 'issued',
    keyType: 'ec-p256',
    validation: 'dns-01',
    renewAt: null,
    renewalFailures: 0,
    automation,
    endpoints: [],
    versions: [versionView(NOW)],
    ...overrides,
  };
}

function dnspodAutomation(overrides: Partial<AutomationView> = {}): AutomationView {
  return manualAutomation({
    kind: 'dnsProvider',
    automatic: true,
    label: 'DNS 服务商自动验证',
    credential: { id: 'cred-dnspod', label: '公司主账号', providerName: '腾讯云 DNSPod' },
    ...overrides,
  });
}

type Handler = (request: Record<string, unknown>) => unknown;

/** Answers each action with its handler's data, or with the `ApiError` it returns as `{ error }`. */
function serve(handlers: Partial<Record<string, Handler>>): void {
  callFunction.mockImplementation((param: CallFunctionParam): Promise<CallFunctionResult> => {
    const request = param.data as ApiRequest;
    const handler = handlers[request.action];
    if (!handler) return Promise.resolve(apiFailure({ code: 'INTERNAL', message: `no answer for ${request.action}` }));
    const data = handler(request as unknown as Record<string, unknown>);
    if (typeof data === 'object' && data !== null && 'error' in data) return Promise.resolve(apiFailure((data as { error: ApiError }).error));
    return Promise.resolve(answer({ ok: true, data }));
  });
}

function requests(action: string): unknown[] {
  return callFunction.mock.calls.map(([param]) => param.data as ApiRequest).filter((request) => request.action === action);
}

function actions(): string[] {
  return callFunction.mock.calls.map(([param]) => (param.data as ApiRequest).action);
}

async function tap(node: RenderedNode | undefined, what: string, inner = '.t-button'): Promise<void> {
  const target = inner === '' ? node : node?.querySelector(inner);
  if (!target) throw new Error(`${what} is not rendered`);
  target.dispatchEvent('tap');
  await flushPromises();
  await flushPromises();
}

function textAt(page: CertificatePage, selector: string): string {
  const node = page.querySelector(selector);
  return node ? textOf({ dom: node.dom }) : '';
}

function badge(page: CertificatePage): { text: string; theme: unknown } {
  const tag = page.querySelector('.automation__badge');
  return { text: textOf({ dom: tag?.querySelector('.t-tag__text')?.dom }), theme: tag?.data.theme };
}

function radioLabels(page: CertificatePage, selector: string): unknown[] {
  return page.querySelectorAll(selector).map((node) => node.data.label);
}

async function pick(page: CertificatePage, selector: string): Promise<void> {
  await tap(page.querySelector(selector), selector, '.t-radio');
}

let callFunction: CallFunctionMock;
let navigateTo: jest.Mock;

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['setTimeout', 'nextTick', 'setImmediate', 'queueMicrotask'], now: NOW });
  callFunction = mockCallFunction();
  navigateTo = jest.fn();
  Object.assign(wx, { navigateTo });
  mockDevice.copyText.mockReset().mockResolvedValue(undefined);
});

afterEach(() => {
  jest.useRealTimers();
});

async function openPage(certificate: CertificateDetail, handlers: Partial<Record<string, Handler>> = {}): Promise<CertificatePage> {
  serve({
    getCertificate: () => certificate,
    listDnsProviders: () => automationOptions(),
    listCredentials: () => ({ items: [credentialView(NOW - DAY_MS)] }),
    ...handlers,
  });
  const page = loadPage<CertificateData, CertificateMethods>('pages/certificate/index');
  await page.instance.onLoad({ id: certificate.id });
  await flushPromises();
  return page;
}

async function openChooser(page: CertificatePage): Promise<void> {
  await tap(page.querySelector('#auto-change'), '设置自动验证');
  expect(page.data.chooser).toBe('open');
}

describe('certificate page: 自动验证', () => {
  test('a certificate validated by hand says renewals need a person, and reads nothing else until asked', async () => {
    const page = await openPage(detail());
    expect(actions()).toEqual(['getCertificate']);
    expect(badge(page)).toEqual({ text: '需人工', theme: 'warning' });
    const card = textAt(page, '.automation');
    expect(card).toContain('自动验证');
    expect(card).toContain('手动验证');
    expect(card).toContain('每次签发和续期，都要你按提示添加 TXT 记录');
    expect(card).toContain('设置自动验证');
    expect(page.querySelector('#auto-verify')).toBeUndefined();
  });

  test('a DNS provider key: automatic, naming the provider and the key', async () => {
    const page = await openPage(detail({ automation: dnspodAutomation() }));
    expect(badge(page)).toEqual({ text: '自动', theme: 'success' });
    const card = textAt(page, '.automation');
    expect(card).toContain('DNS 服务商自动验证');
    expect(card).toContain('用 腾讯云 DNSPod 的密钥“公司主账号”自动添加和删除 TXT 记录');
    expect(card).toContain('更改验证方式');
  });

  test('DNS 服务商: the chooser offers the DNS methods and the saved keys; 确定 sets the key and the card turns automatic', async () => {
    const second = credentialView(NOW, { id: 'cred-ali', provider: 'alidns', providerName: '阿里云 云解析 DNS', label: '阿里云 云解析 DNS' });
    const failing = credentialView(NOW, { id: 'cred-cf', provider: 'cloudflare', providerName: 'Cloudflare', label: '测试号', lastTest: { ok: false, at: NOW, message: '连接失败：密钥不正确', zones: null } });
    const page = await openPage(detail(), {
      listCredentials: () => ({ items: [failing, credentialView(NOW - DAY_MS), second] }),
      setAutomation: () => dnspodAutomation(),
    });
    await openChooser(page);
    expect(actions()).toEqual(['getCertificate', 'listDnsProviders', 'listCredentials']);
    expect(radioLabels(page, '.method')).toEqual(['DNS 服务商密钥', 'CNAME 委托', '手动验证（当前）']);
    expect(page.data.method).toBe('dnsProvider');
    expect(radioLabels(page, '.credential')).toEqual(['Cloudflare · 测试号', '腾讯云 DNSPod · 公司主账号', '阿里云 云解析 DNS']);
    // The first key that last worked is picked for the user.
    expect(page.data.credentialId).toBe('cred-dnspod');
    expect(textAt(page, '.credentials')).toContain('上次测试失败：连接失败：密钥不正确');

    await pick(page, '.credential--cred-ali');
    expect(page.data.credentialId).toBe('cred-ali');
    await tap(page.querySelector('#auto-apply'), '确定');
    expect(requests('setAutomation')).toEqual([
      { action: 'setAutomation', certificateId: 'cert-1', automation: { kind: 'dnsProvider', credentialId: 'cred-ali' } },
    ]);
    expect(page.data.chooser).toBe('closed');
    expect(badge(page)).toEqual({ text: '自动', theme: 'success' });
    expect(textAt(page, '.auto-message')).toBe('已改为DNS 服务商自动验证');
  });

  test('DNS 服务商: a key whose account lacks the zone is refused under the key picker, the chooser kept', async () => {
    const page = await openPage(detail(), {
      setAutomation: () => ({
        error: {
          code: 'INVALID_REQUEST',
          message: '请求不符合要求',
          field: 'automation.credentialId',
          violations: [{ field: 'automation.credentialId', rule: 'zoneNotFound', message: '这组密钥的账号下找不到 example.com 所在的解析区域' }],
        },
      }),
    });
    await openChooser(page);
    await tap(page.querySelector('#auto-apply'), '确定');
    expect(textAt(page, '.credential-error')).toBe('这组密钥的账号下找不到 example.com 所在的解析区域');
    expect(page.data.chooser).toBe('open');
    expect(badge(page).text).toBe('需人工');
    expect(page.querySelector('.apply-error')).toBeUndefined();
  });

  test('DNS 服务商 without saved keys links to adding one; coming back offers the new key', async () => {
    let items: CredentialView[] = [];
    const page = await openPage(detail(), { listCredentials: () => ({ items }) });
    await openChooser(page);
    expect(textAt(page, '.credentials')).toContain('还没有保存 DNS 服务商密钥');
    expect(page.querySelector('#auto-apply')?.data.disabled).toBe(true);

    await tap(page.querySelector('#add-credential'), '添加 DNS 服务商密钥');
    expect(navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/credentials/index?add=1' }));

    items = [credentialView(NOW)];
    page.instance.onShow();
    page.instance.onShow();
    await flushPromises();
    expect(requests('listCredentials')).toHaveLength(2);
    expect(radioLabels(page, '.credential')).toEqual(['腾讯云 DNSPod · 公司主账号']);
    expect(page.data.credentialId).toBe('cred-dnspod');
    expect(page.querySelector('#auto-apply')?.data.disabled).toBe(false);
  });

  test('CNAME 委托: set, then each record with copy buttons, then 检测 until it works', async () => {
    let verified: AutomationView = cnameAutomation({ problem: '还没有检测到 CNAME 记录：请在 DNS 中添加 _acme-challenge.www.example.com → cert1-1.acme.certkeeper.cn（记录类型 CNAME），生效后再检测。已有同名 TXT 记录的，请先删除' });
    const page = await openPage(detail(), { setAutomation: () => cnameAutomation(), verifyAutomation: () => verified });
    await openChooser(page);
    await pick(page, '.method--cnameDelegation');
    expect(page.data.method).toBe('cnameDelegation');
    expect(page.querySelector('.credentials')).toBeUndefined();
    await tap(page.querySelector('#auto-apply'), '确定');
    expect(requests('setAutomation')).toEqual([{ action: 'setAutomation', certificateId: 'cert-1', automation: { kind: 'cnameDelegation' } }]);

    // Not trusted until seen working.
    expect(badge(page)).toEqual({ text: '需人工', theme: 'warning' });
    expect(textAt(page, '.automation')).toContain('CNAME 委托自动验证');
    expect(textAt(page, '.automation')).toContain('只需添加一次');
    expect(textAt(page, '.cname-host-note')).toContain('_acme-challenge.www');
    const records = page.querySelectorAll('.cname__record').map((node) => textOf({ dom: node.dom }));
    expect(records).toHaveLength(2);
    expect(records[0]).toContain('_acme-challenge.example.com');
    expect(records[0]).toContain('CNAME');
    expect(records[0]).toContain('cert1-0.acme.certkeeper.cn');
    expect(records[1]).toContain('_acme-challenge.www.example.com');

    await tap(page.querySelectorAll('.copy-cname-name')[1], '复制主机记录');
    expect(mockDevice.copyText).toHaveBeenLastCalledWith('_acme-challenge.www.example.com');
    await tap(page.querySelectorAll('.copy-cname-value')[0], '复制记录值');
    expect(mockDevice.copyText).toHaveBeenLastCalledWith('cert1-0.acme.certkeeper.cn');

    // 检测 before the records are there: the server's explanation, still 需人工.
    await tap(page.querySelector('#auto-verify'), '检测');
    expect(requests('verifyAutomation')).toEqual([{ action: 'verifyAutomation', certificateId: 'cert-1' }]);
    expect(textAt(page, '.auto-problem')).toContain('还没有检测到 CNAME 记录');
    expect(badge(page).text).toBe('需人工');

    verified = cnameAutomation({ automatic: true, verifiedAt: NOW });
    await tap(page.querySelector('#auto-verify'), '检测');
    expect(page.querySelector('.auto-problem')).toBeUndefined();
    expect(badge(page)).toEqual({ text: '自动', theme: 'success' });
    expect(textAt(page, '.auto-message')).toBe('检测通过：以后签发和续期都会自动完成验证');
    expect(textAt(page, '.automation')).toContain(`CNAME 记录已生效（${formatDateTime(NOW)} 检测通过）`);
  });

  test('检测 shows progress, and a refused check (rate limit) is said in the card', async () => {
    const pending = deferred<CallFunctionResult>();
    const page = await openPage(detail({ automation: cnameAutomation() }));
    callFunction.mockImplementationOnce(() => pending.promise);
    await tap(page.querySelector('#auto-verify'), '检测');
    expect(page.querySelector('#auto-verify')?.data.loading).toBe(true);
    expect(textAt(page, '.automation')).toContain('正在检测…');
    pending.resolve(apiFailure({ code: 'RATE_LIMITED', message: '操作太频繁，请在 1 分钟后再试' }));
    await flushPromises();
    expect(textAt(page, '.auto-problem')).toBe('检测失败：操作太频繁，请在 1 分钟后再试');
    expect(page.querySelector('#auto-verify')?.data.loading).toBe(false);
  });

  test('CNAME 委托 is not offered when the deployment has no delegation zone', async () => {
    const page = await openPage(detail(), { listDnsProviders: () => automationOptions({ delegationZone: null }) });
    await openChooser(page);
    expect(radioLabels(page, '.method')).toEqual(['DNS 服务商密钥', '手动验证（当前）']);
  });

  test('文件验证重定向 (http-01): set, a snippet per server in tabs with copy, then 检测', async () => {
    const page = await openPage(detail({ validation: 'http-01' }), {
      setAutomation: () => redirectAutomation(),
      verifyAutomation: () => redirectAutomation({ automatic: true, verifiedAt: NOW }),
    });
    expect(textAt(page, '.automation')).toContain('在网站上放置验证文件');
    await openChooser(page);
    expect(radioLabels(page, '.method')).toEqual(['文件验证重定向', '手动验证（当前）']);
    expect(page.data.method).toBe('httpRedirect');
    expect(textAt(page, '.method-note')).toContain('DNS 服务商密钥和 CNAME 委托只适用于 DNS 验证的证书');

    await tap(page.querySelector('#auto-apply'), '确定');
    expect(requests('setAutomation')).toEqual([{ action: 'setAutomation', certificateId: 'cert-1', automation: { kind: 'httpRedirect' } }]);
    expect(badge(page).text).toBe('需人工');
    expect(page.querySelectorAll('.segment').map((node) => textOf({ dom: node.dom }))).toEqual(['Nginx', 'Apache']);
    expect(page.querySelector('.segment--nginx')?.dom?.className).toContain('segment--active');
    expect(textAt(page, '.snippets')).toContain('return 302 https://env-1a2b.service.tcloudbase.com/acmehttp/');
    expect(textAt(page, '.snippets')).not.toContain('RedirectMatch');

    await tap(page.querySelector('.segment--apache'), 'Apache', '');
    expect(page.data.snippetIndex).toBe(1);
    expect(textAt(page, '.snippets')).toContain('RedirectMatch 302');
    expect(textAt(page, '.snippets')).toContain('放进 80 端口的 VirtualHost');
    await tap(page.querySelector('.copy-snippet'), '复制配置');
    expect(mockDevice.copyText).toHaveBeenLastCalledWith(expect.stringMatching(/^RedirectMatch 302 \^\/\\\.well-known/));

    await tap(page.querySelector('#auto-verify'), '检测');
    expect(badge(page)).toEqual({ text: '自动', theme: 'success' });
    expect(textAt(page, '.automation')).toContain(`重定向已生效（${formatDateTime(NOW)} 检测通过）`);
  });

  test('an http-01 certificate without the redirect offered can only be validated by hand', async () => {
    const page = await openPage(detail({ validation: 'http-01' }), { listDnsProviders: () => automationOptions({ acmeHttpBaseUrl: null }) });
    await openChooser(page);
    expect(radioLabels(page, '.method')).toEqual(['手动验证（当前）']);
  });

  test('a wildcard certificate says it needs DNS to renew by itself', async () => {
    const page = await openPage(detail({ names: ['*.example.com', 'example.com'], displayNames: ['*.example.com', 'example.com'] }));
    expect(textAt(page, '.auto-wildcard')).toBe('通配符证书只能使用 DNS 验证：要自动续期，请使用 DNS 服务商密钥或 CNAME 委托。');
  });

  test('改为手动验证 from a DNS provider key', async () => {
    const page = await openPage(detail({ automation: dnspodAutomation() }), { setAutomation: () => manualAutomation() });
    await openChooser(page);
    expect(radioLabels(page, '.method')).toEqual(['DNS 服务商密钥（当前）', 'CNAME 委托', '手动验证']);
    expect(page.data.method).toBe('dnsProvider');
    await pick(page, '.method--manual');
    await tap(page.querySelector('#auto-apply'), '确定');
    expect(requests('setAutomation')).toEqual([{ action: 'setAutomation', certificateId: 'cert-1', automation: { kind: 'manual' } }]);
    expect(badge(page)).toEqual({ text: '需人工', theme: 'warning' });
    expect(textAt(page, '.automation')).toContain('设置自动验证');
  });

  test('a refusal that is not about the key is shown under the chooser', async () => {
    const page = await openPage(detail(), {
      setAutomation: () => ({ error: { code: 'CONFLICT', message: '证书正在被修改，请稍后再试' } }),
    });
    await openChooser(page);
    await pick(page, '.method--cnameDelegation');
    await tap(page.querySelector('#auto-apply'), '确定');
    expect(textAt(page, '.apply-error')).toBe('设置失败：证书正在被修改，请稍后再试');
    expect(page.data.chooser).toBe('open');
  });

  test('取消 closes the chooser without a call; a failed read can be tried again', async () => {
    let fail = true;
    const page = await openPage(detail(), {
      listDnsProviders: () => (fail ? { error: { code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' } } : automationOptions()),
    });
    await tap(page.querySelector('#auto-change'), '设置自动验证');
    expect(textAt(page, '.chooser-error')).toBe('读取失败：服务暂时不可用，请稍后重试');

    fail = false;
    await openChooser(page);
    await tap(page.querySelector('#auto-cancel'), '取消');
    expect(page.data.chooser).toBe('closed');
    expect(requests('setAutomation')).toEqual([]);
  });

  test('revoked certificates have no 自动验证 card', async () => {
    const page = await openPage(detail({ status: 'revoked', versions: [versionView(NOW, { revokedAt: NOW, revocationReason: 'superseded' })] }));
    expect(page.querySelector('.automation')).toBeUndefined();
  });
});
