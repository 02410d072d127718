/**
 * The export page, with real TDesign radios and inputs under miniprogram-simulate.
 * `wx.cloud.callFunction` is mocked with the `api` function's envelopes; the device module
 * (clipboard, download and share) is replaced.
 */
import type { CertificateDetail, CertificateVersionView, ExportResult } from '../../typings/api';
import { answer, apiFailure, deferred, mockCallFunction } from './support/cloud';
import type { CallFunctionMock, CallFunctionResult } from './support/cloud';
import { flushPromises, loadPage, textOf } from './support/page';
import type { LoadedPage } from './support/page';
import { manualAutomation, versionView } from './support/fixtures';

const mockDevice = { copyText: jest.fn<Promise<void>, [string]>(), shareFile: jest.fn<Promise<void>, [string, string]>() };
jest.mock('../../miniprogram/services/device', () => mockDevice);

interface ExportData {
  phase: string;
  format: string;
  password: string;
  passwordError: string;
  confirmationError: string;
  busy: boolean;
}
type ExportMethods = {
  onLoad(query: Record<string, string>): Promise<void>;
};
type ExportPage = LoadedPage<ExportData, ExportMethods>;

const NOW = Date.UTC(2026, 5, 15, 4, 0, 0);
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n';

function version(overrides: Partial<CertificateVersionView> = {}): CertificateVersionView {
  return versionView(NOW, {
    id: 'ver-1',
    serialNumber: '04a1',
    notBefore: NOW - 1000,
    notAfter: NOW + 90 * 86_400_000,
    issuer: 'CN=E6',
    dnsNames: ['example.com'],
    sha256: 'aa',
    spkiSha256: 'bb',
    issuedAt: NOW - 1000,
    ...overrides,
  });
}

function detail(overrides: Partial<CertificateDetail> = {}): CertificateDetail {
  return {
    id: 'cert-1',
    names: ['example.com'],
    displayNames: ['example.com'],
    caId: 'letsencrypt',
    caName: "Let's Encrypt",
    status: 'active',
    notAfter: NOW + 90 * 86_400_000,
    daysLeft: 90,
    expiryLevel: 'safe',
    autoRenew: true,
    automationKind: 'manual',
    automatic: false,
    currentOrderId: 'order-1',
    orderState: 'issued',
    keyType: 'ec-p256',
    validation: 'dns-01',
    renewAt: null,
    renewalFailures: 0,
    automation: manualAutomation(),
    endpoints: [],
    versions: [version()],
    ...overrides,
  };
}

function exportResult(overrides: Partial<ExportResult> = {}): ExportResult {
  return {
    format: 'fullchain',
    fileName: 'example.com.fullchain.pem',
    text: PEM,
    tempUrl: 'https://tcb.example/tmp/example.com.fullchain.pem?sign=1',
    tempUrlExpiresAt: NOW + 600_000,
    snippets: [
      { server: 'nginx', files: ['fullchain', 'privateKey'], config: 'ssl_certificate /etc/ssl/example.com.fullchain.pem;' },
      { server: 'apache', files: ['leaf', 'chain', 'privateKey'], config: 'SSLCertificateFile /etc/ssl/example.com.pem' },
      { server: 'iis', files: ['pfx'], config: 'Import-PfxCertificate -FilePath example.com.pfx' },
      { server: 'tomcat', files: ['pfx'], config: '<Certificate certificateKeystoreFile="conf/example.com.pfx" />' },
    ],
    ...overrides,
  };
}

function ok(data: unknown): CallFunctionResult {
  return answer({ ok: true, data });
}

let callFunction: CallFunctionMock;

function calls(): unknown[] {
  return callFunction.mock.calls.map(([param]) => param.data);
}

function open(): ExportPage {
  return loadPage<ExportData, ExportMethods>('pages/export/index');
}

async function openLoaded(data: CertificateDetail = detail()): Promise<ExportPage> {
  callFunction.mockResolvedValueOnce(ok(data));
  const page = open();
  await page.instance.onLoad({ id: data.id });
  return page;
}

async function tapButton(page: ExportPage, selector: string): Promise<void> {
  const inner = page.querySelector(selector)?.querySelector('.t-button');
  if (!inner) throw new Error(`${selector} is not rendered`);
  inner.dispatchEvent('tap');
  await flushPromises();
}

async function chooseFormat(page: ExportPage, format: string): Promise<void> {
  const radio = page.querySelector(`.format--${format}`)?.querySelector('.t-radio');
  if (!radio) throw new Error(`format ${format} is not rendered`);
  radio.dispatchEvent('tap');
  await flushPromises();
}

type DispatchWithDetail = { dispatchEvent(eventName: string, options: { detail: unknown }): void };

async function type(page: ExportPage, inputId: string, value: string): Promise<void> {
  const input = page.querySelector(`#${inputId}`)?.querySelector('.t-input__control');
  if (!input) throw new Error(`input ${inputId} is not rendered`);
  // j-component's dispatchEvent takes the event's detail as a second argument; support/page.ts types only the first.
  (input as unknown as DispatchWithDetail).dispatchEvent('input', { detail: { value } });
  await flushPromises();
}

function formatDisabled(page: ExportPage, format: string): unknown {
  return page.querySelector(`.format--${format}`)?.data.disabled;
}

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['setTimeout', 'nextTick', 'setImmediate', 'queueMicrotask'], now: NOW });
  callFunction = mockCallFunction();
  mockDevice.copyText.mockReset().mockResolvedValue(undefined);
  mockDevice.shareFile.mockReset().mockResolvedValue(undefined);
});

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('export page', () => {
  test('loads the certificate and shows a loading state meanwhile', async () => {
    const pending = deferred<CallFunctionResult>();
    callFunction.mockReturnValueOnce(pending.promise);
    const page = open();
    const loaded = page.instance.onLoad({ id: 'cert-1' });
    expect(calls()).toEqual([{ action: 'getCertificate', certificateId: 'cert-1' }]);
    expect(textOf(page)).toContain('正在加载证书…');

    pending.resolve(ok(detail()));
    await loaded;
    expect(page.data.phase).toBe('ready');
    expect(textOf(page)).toContain('完整证书链');
  });

  test('error: shows the message and 重试 loads again', async () => {
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'NOT_FOUND', message: '找不到这张证书' }));
    const page = open();
    await page.instance.onLoad({ id: 'cert-1' });
    expect(textOf(page)).toContain('找不到这张证书');

    callFunction.mockResolvedValueOnce(ok(detail()));
    await tapButton(page, '#retry');
    expect(page.data.phase).toBe('ready');
    expect(callFunction).toHaveBeenCalledTimes(2);
  });

  test('offers the five formats; all enabled when the key is ours', async () => {
    const page = await openLoaded();
    const labels = page.querySelectorAll('.format').map((node) => node.data.label);
    expect(labels).toEqual(['完整证书链', '仅证书', '中间证书', '私钥', 'PFX']);
    expect(formatDisabled(page, 'privateKey')).toBe(false);
    expect(formatDisabled(page, 'pfx')).toBe(false);
    expect(textOf(page)).not.toContain('私钥只在你手里');
  });

  test('private key and PFX are disabled, with the reason, when the user brought a CSR', async () => {
    const page = await openLoaded(detail({ keyType: null, versions: [version({ hasPrivateKey: false })] }));
    expect(formatDisabled(page, 'privateKey')).toBe(true);
    expect(formatDisabled(page, 'pfx')).toBe(true);
    expect(textOf(page)).toContain('私钥只在你手里');

    await chooseFormat(page, 'pfx');
    expect(page.data.format).toBe('fullchain');
  });

  test('a certificate without a version cannot be exported', async () => {
    const page = await openLoaded(detail({ status: 'pending', versions: [], notAfter: null, daysLeft: null, expiryLevel: 'none' }));
    expect(textOf(page)).toContain('还没有签发');
    expect(page.querySelector('#export')).toBeUndefined();
  });

  test('导出 fullchain: calls exportCertificate, then copy text, copy link, share file and snippets', async () => {
    const page = await openLoaded();
    callFunction.mockResolvedValueOnce(ok(exportResult()));
    await tapButton(page, '#export');

    expect(calls()[1]).toEqual({ action: 'exportCertificate', certificateId: 'cert-1', format: 'fullchain' });
    const text = textOf(page);
    expect(text).toContain('example.com.fullchain.pem');
    expect(text).toContain('BEGIN CERTIFICATE');
    expect(text).not.toContain('私钥一旦泄露');
    for (const server of ['Nginx', 'Apache', 'IIS', 'Tomcat']) expect(text).toContain(server);
    expect(text).toContain('ssl_certificate /etc/ssl/example.com.fullchain.pem;');

    await tapButton(page, '#copy-text');
    expect(mockDevice.copyText).toHaveBeenLastCalledWith(PEM);
    expect(textOf(page)).toContain('已复制');

    await tapButton(page, '#copy-link');
    expect(mockDevice.copyText).toHaveBeenLastCalledWith('https://tcb.example/tmp/example.com.fullchain.pem?sign=1');

    await tapButton(page, '#share-file');
    expect(mockDevice.shareFile).toHaveBeenCalledWith('https://tcb.example/tmp/example.com.fullchain.pem?sign=1', 'example.com.fullchain.pem');

    await tapButton(page, '.copy-snippet--apache');
    expect(mockDevice.copyText).toHaveBeenLastCalledWith('SSLCertificateFile /etc/ssl/example.com.pem');
    expect(callFunction).toHaveBeenCalledTimes(2);
  });

  test('without cloud storage there is no link: copy only, and it says why', async () => {
    const page = await openLoaded();
    callFunction.mockResolvedValueOnce(ok(exportResult({ tempUrl: null, tempUrlExpiresAt: null })));
    await tapButton(page, '#export');
    expect(page.querySelector('#share-file')).toBeUndefined();
    expect(page.querySelector('#copy-link')).toBeUndefined();
    expect(page.querySelector('#copy-text')).toBeDefined();
    expect(textOf(page)).toContain('未配置云存储');
  });

  test('a failed share is reported', async () => {
    const page = await openLoaded();
    callFunction.mockResolvedValueOnce(ok(exportResult()));
    await tapButton(page, '#export');
    mockDevice.shareFile.mockRejectedValueOnce(new Error('shareFileMessage:fail cancel'));
    await tapButton(page, '#share-file');
    expect(textOf(page)).toContain('发送失败');
  });

  test('导出 privateKey warns that the key must stay secret', async () => {
    const page = await openLoaded();
    await chooseFormat(page, 'privateKey');
    expect(page.data.format).toBe('privateKey');
    expect(textOf(page)).toContain('私钥一旦泄露');

    callFunction.mockResolvedValueOnce(
      ok(exportResult({ format: 'privateKey', fileName: 'example.com.key', text: '-----BEGIN PRIVATE KEY-----\n', snippets: [] })),
    );
    await tapButton(page, '#export');
    expect(calls()[1]).toEqual({ action: 'exportCertificate', certificateId: 'cert-1', format: 'privateKey' });
    expect(page.querySelectorAll('.secret-warning')).toHaveLength(2);
  });

  test('PFX: the password is checked inline (8–64 characters, typed twice) before anything is called', async () => {
    const page = await openLoaded();
    await chooseFormat(page, 'pfx');
    expect(page.querySelector('#password')).toBeDefined();

    // Nothing typed: 导出 asks for a password and calls nothing.
    await tapButton(page, '#export');
    expect(page.data.passwordError).toBe('请设置 PFX 密码');
    expect(callFunction).toHaveBeenCalledTimes(1);

    await type(page, 'password', 'short');
    expect(page.data.password).toBe('short');
    expect(page.data.passwordError).toBe('密码至少 8 个字符');
    expect(textOf(page)).toContain('密码至少 8 个字符');

    await type(page, 'password', 'x'.repeat(65));
    expect(page.data.passwordError).toBe('密码最多 64 个字符');

    await type(page, 'password', 'correct horse');
    expect(page.data.passwordError).toBe('');
    await type(page, 'confirmation', 'correct hors');
    expect(page.data.confirmationError).toBe('两次输入的密码不一致');
    await tapButton(page, '#export');
    expect(callFunction).toHaveBeenCalledTimes(1);

    await type(page, 'confirmation', 'correct horse');
    expect(page.data.confirmationError).toBe('');

    callFunction.mockResolvedValueOnce(ok(exportResult({ format: 'pfx', fileName: 'example.com.pfx', text: null })));
    await tapButton(page, '#export');
    expect(calls()[1]).toEqual({ action: 'exportCertificate', certificateId: 'cert-1', format: 'pfx', password: 'correct horse' });
    expect(page.querySelector('#copy-text')).toBeUndefined();
    expect(page.querySelector('#share-file')).toBeDefined();
    expect(textOf(page)).toContain('私钥一旦泄露');
  });

  test('a refused export is shown and the button works again', async () => {
    const page = await openLoaded();
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'CONFLICT', message: '证书已吊销，无法导出' }));
    await tapButton(page, '#export');
    expect(textOf(page)).toContain('导出失败：证书已吊销，无法导出');
    expect(page.data.busy).toBe(false);
  });
});
