/**
 * The certificate detail page, with real TDesign dialogs and radios under miniprogram-simulate.
 * `wx.cloud.callFunction` is mocked with the `api` function's envelopes; the device module
 * (clipboard) is replaced.
 */
import type { CertificateDetail, CertificateVersionView } from '../../typings/api';
import { answer, apiFailure, deferred, mockCallFunction, transportFailure } from './support/cloud';
import type { CallFunctionMock, CallFunctionResult } from './support/cloud';
import { flushPromises, loadPage, textOf } from './support/page';
import type { LoadedPage, RenderedNode } from './support/page';
import { endpointSummary, manualAutomation, notReadyEndpoint, versionView } from './support/fixtures';

const mockDevice = { copyText: jest.fn<Promise<void>, [string]>(), shareFile: jest.fn<Promise<void>, [string, string]>() };
jest.mock('../../miniprogram/services/device', () => mockDevice);

interface CertificateData {
  phase: string;
  revokeStep: string;
  deleteStep: string;
  revokeReason: string;
  busy: boolean;
}
type CertificateMethods = {
  onLoad(query: Record<string, string>): Promise<void>;
};
type CertificatePage = LoadedPage<CertificateData, CertificateMethods>;

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 5, 15, 4, 0, 0);

function version(overrides: Partial<CertificateVersionView> = {}): CertificateVersionView {
  return versionView(NOW, overrides);
}

function detail(overrides: Partial<CertificateDetail> = {}): CertificateDetail {
  return {
    id: 'cert-1',
    names: ['xn--fiqs8s.example', 'www.example.com'],
    displayNames: ['中国.example', 'www.example.com'],
    caId: 'letsencrypt',
    caName: "Let's Encrypt",
    status: 'active',
    notAfter: NOW + 60 * DAY,
    daysLeft: 60,
    expiryLevel: 'safe',
    autoRenew: true,
    automationKind: 'manual',
    automatic: false,
    currentOrderId: 'order-2',
    orderState: 'issued',
    keyType: 'ec-p256',
    validation: 'dns-01',
    renewAt: null,
    renewalFailures: 0,
    automation: manualAutomation(),
    endpoints: [],
    versions: [
      version(),
      version({
        id: 'ver-1',
        serialNumber: '03ffee',
        notBefore: NOW - 120 * DAY,
        notAfter: NOW - 30 * DAY,
        issuedAt: NOW - 120 * DAY,
        revokedAt: NOW - 40 * DAY,
        revocationReason: 'superseded',
      }),
    ],
    ...overrides,
  };
}

function ok(data: unknown): CallFunctionResult {
  return answer({ ok: true, data });
}

function open(): CertificatePage {
  return loadPage<CertificateData, CertificateMethods>('pages/certificate/index');
}

async function openLoaded(data: CertificateDetail = detail()): Promise<CertificatePage> {
  callFunction.mockResolvedValueOnce(ok(data));
  const page = open();
  await page.instance.onLoad({ id: data.id });
  return page;
}

/** Taps a TDesign button (found by id or class on the tag) the way a finger does. */
async function tapButton(scope: RenderedNode | CertificatePage, selector: string): Promise<void> {
  const inner = scope.querySelector(selector)?.querySelector('.t-button');
  if (!inner) throw new Error(`${selector} is not rendered`);
  inner.dispatchEvent('tap');
  await flushPromises();
}

function dialog(page: CertificatePage, id: string): RenderedNode {
  const node = page.querySelector(`#${id}`);
  if (!node) throw new Error(`dialog ${id} is not rendered`);
  return node;
}

/** Taps the dialog's confirm or cancel button. */
async function answerDialog(page: CertificatePage, id: string, button: 'confirm' | 'cancel'): Promise<void> {
  await tapButton(dialog(page, id), `.t-dialog__button--${button}`);
}

function isOpen(page: CertificatePage, id: string): boolean {
  return dialog(page, id).data.visible === true;
}

/** Picks a revocation reason by tapping its radio. */
async function pickReason(page: CertificatePage, reason: string): Promise<void> {
  const radio = page.querySelector(`.reason--${reason}`)?.querySelector('.t-radio');
  if (!radio) throw new Error(`reason ${reason} is not rendered`);
  radio.dispatchEvent('tap');
  await flushPromises();
}

function calls(): unknown[] {
  return callFunction.mock.calls.map(([param]) => param.data);
}

let callFunction: CallFunctionMock;

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['setTimeout', 'nextTick', 'setImmediate', 'queueMicrotask'], now: NOW });
  callFunction = mockCallFunction();
  mockDevice.copyText.mockReset().mockResolvedValue(undefined);
});

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('certificate page', () => {
  test('loads the certificate named in the query and shows a loading state meanwhile', async () => {
    const pending = deferred<CallFunctionResult>();
    callFunction.mockReturnValueOnce(pending.promise);
    const page = open();

    const loaded = page.instance.onLoad({ id: 'cert-1' });
    expect(calls()).toEqual([{ action: 'getCertificate', certificateId: 'cert-1' }]);
    expect(textOf(page)).toContain('正在加载证书…');

    pending.resolve(ok(detail()));
    await loaded;
    expect(page.data.phase).toBe('ready');
    expect(textOf(page)).not.toContain('正在加载证书…');
  });

  test('populated: names, status, validity, issuer, serial, fingerprints, key type, chain and versions', async () => {
    const page = await openLoaded();
    const text = textOf(page);

    expect(text).toContain('中国.example');
    expect(text).not.toContain('xn--');
    expect(text).toContain('www.example.com');
    expect(text).toContain('有效');
    expect(text).toContain('剩余 60 天');
    expect(text).toContain('共 90 天');
    expect(text).toContain('E6');
    expect(text).toContain('04a1b2c3d4e5f6');
    expect(text).toContain('A1:B2:C3:D4…6D:7E:8F:90');
    expect(text).toContain('0F:1E:2D:3C…C3:D2:E1:F0');
    expect(text).toContain('ECDSA P-256');
    expect(text).toContain('共 2 张');
    expect(text).not.toContain('证书链顺序与标准不符');
    expect(text).toContain("Let's Encrypt");

    // 60 of 90 days left: the bar shows two thirds, in the safe colour.
    const bar = page.querySelector('.validity__bar');
    expect(bar?.data.percentage).toBe(66);
    expect(bar?.data.color).toBe('#2ba471');

    // Newest first; the older version is marked revoked with its reason.
    const versions = page.querySelectorAll('.version').map((node) => textOf({ dom: node.dom }));
    expect(versions).toHaveLength(2);
    expect(versions[0]).toContain('当前');
    expect(versions[0]).not.toContain('已吊销');
    expect(versions[1]).toContain('03ffee');
    expect(versions[1]).toContain('已吊销（已被替换）');

    // Renewal is shown but not yet available.
    expect(page.querySelector('#renew')?.data.disabled).toBe(true);
  });

  test('says when it renews next, or that renewals keep failing, or that it does not renew', async () => {
    const renewAt = Date.UTC(2026, 7, 1, 4, 0, 0);
    expect(textOf(await openLoaded(detail({ renewAt })))).toContain('已开启，2026-08-01 起续期');
    expect(textOf(await openLoaded(detail({ renewAt, renewalFailures: 3 })))).toContain('已开启，已连续 3 次续期失败，将继续重试');
    expect(textOf(await openLoaded(detail({ autoRenew: false })))).toContain('未开启');
  });

  test('warns when the chain is out of order', async () => {
    const page = await openLoaded(detail({ versions: [version({ chainOrdered: false, chainLength: 3 })] }));
    expect(textOf(page)).toContain('证书链顺序与标准不符');
    expect(textOf(page)).toContain('共 3 张');
  });

  test('a certificate without a version yet says so and links to its order', async () => {
    const page = await openLoaded(
      detail({ status: 'pending', versions: [], notAfter: null, daysLeft: null, expiryLevel: 'none', currentOrderId: 'order-7' }),
    );
    expect(textOf(page)).toContain('尚未签发');
    expect(textOf(page)).toContain('申请中');
    expect(page.querySelector('#export')?.data.disabled).toBe(true);
    expect(page.querySelector('#revoke')).toBeUndefined();

    const navigateTo = jest.spyOn(wx, 'navigateTo');
    await tapButton(page, '#view-order');
    expect(navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/order/index?id=order-7' }));
  });

  test('error: shows the function’s message and 重试 loads again', async () => {
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'NOT_FOUND', message: '找不到这张证书' }));
    const page = open();
    await page.instance.onLoad({ id: 'cert-1' });

    expect(page.data.phase).toBe('error');
    expect(textOf(page)).toContain('证书加载失败');
    expect(textOf(page)).toContain('找不到这张证书');

    callFunction.mockResolvedValueOnce(ok(detail()));
    await tapButton(page, '#retry');
    expect(calls()).toEqual([
      { action: 'getCertificate', certificateId: 'cert-1' },
      { action: 'getCertificate', certificateId: 'cert-1' },
    ]);
    expect(page.data.phase).toBe('ready');
  });

  test('error: without an id nothing is called', async () => {
    const page = open();
    await page.instance.onLoad({});
    expect(callFunction).not.toHaveBeenCalled();
    expect(textOf(page)).toContain('缺少证书编号');
  });

  test('copy buttons put the full fingerprint on the clipboard', async () => {
    const page = await openLoaded();
    await tapButton(page, '.copy--sha256');
    expect(mockDevice.copyText).toHaveBeenLastCalledWith(
      'A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90:A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90',
    );
    await tapButton(page, '.copy--spki');
    expect(mockDevice.copyText).toHaveBeenLastCalledWith(expect.stringMatching(/^0F:1E:2D:3C:.*:E1:F0$/));
    await tapButton(page, '.copy--serial');
    expect(mockDevice.copyText).toHaveBeenLastCalledWith('04a1b2c3d4e5f6');
    expect(callFunction).toHaveBeenCalledTimes(1);
  });

  test('导出 opens the export page for this certificate', async () => {
    const page = await openLoaded();
    const navigateTo = jest.spyOn(wx, 'navigateTo');
    await tapButton(page, '#export');
    expect(navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/export/index?id=cert-1' }));
  });

  test('吊销: reason, then a second confirmation, then revokeCertificate with that reason', async () => {
    const page = await openLoaded();

    await tapButton(page, '#revoke');
    expect(isOpen(page, 'revoke-reason')).toBe(true);
    expect(page.querySelectorAll('.reason').map((node) => node.data.label)).toEqual([
      '未指定',
      '密钥泄露',
      '信息变更',
      '已被替换',
      '停止使用',
    ]);
    await pickReason(page, 'keyCompromise');
    expect(page.data.revokeReason).toBe('keyCompromise');

    await answerDialog(page, 'revoke-reason', 'confirm');
    expect(isOpen(page, 'revoke-reason')).toBe(false);
    expect(isOpen(page, 'revoke-confirm')).toBe(true);
    expect(callFunction).toHaveBeenCalledTimes(1);

    const revoked = detail({
      status: 'revoked',
      versions: [version({ revokedAt: NOW, revocationReason: 'keyCompromise' })],
    });
    callFunction.mockResolvedValueOnce(ok(revoked));
    await answerDialog(page, 'revoke-confirm', 'confirm');

    expect(calls()[1]).toEqual({ action: 'revokeCertificate', certificateId: 'cert-1', reason: 'keyCompromise' });
    expect(isOpen(page, 'revoke-confirm')).toBe(false);
    const text = textOf(page);
    expect(text).toContain('已吊销（密钥泄露）');
    expect(page.querySelector('#revoke')).toBeUndefined();
    expect(page.querySelector('#export')?.data.disabled).toBe(true);
  });

  test('吊销: cancelling at the second step calls nothing', async () => {
    const page = await openLoaded();
    await tapButton(page, '#revoke');
    await answerDialog(page, 'revoke-reason', 'confirm');
    await answerDialog(page, 'revoke-confirm', 'cancel');

    expect(isOpen(page, 'revoke-confirm')).toBe(false);
    expect(page.data.revokeStep).toBe('none');
    expect(callFunction).toHaveBeenCalledTimes(1);
  });

  test('吊销: cancelling the reason calls nothing', async () => {
    const page = await openLoaded();
    await tapButton(page, '#revoke');
    await answerDialog(page, 'revoke-reason', 'cancel');
    expect(page.data.revokeStep).toBe('none');
    expect(callFunction).toHaveBeenCalledTimes(1);
  });

  test('吊销: the default reason is 未指定, and a refusal is shown', async () => {
    const page = await openLoaded();
    await tapButton(page, '#revoke');
    await answerDialog(page, 'revoke-reason', 'confirm');
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'CA_ERROR', message: '证书颁发机构拒绝了吊销请求' }));
    await answerDialog(page, 'revoke-confirm', 'confirm');

    expect(calls()[1]).toEqual({ action: 'revokeCertificate', certificateId: 'cert-1', reason: 'unspecified' });
    expect(textOf(page)).toContain('吊销失败：证书颁发机构拒绝了吊销请求');
    expect(page.data.busy).toBe(false);
    expect(page.querySelector('#revoke')).toBeDefined();
  });

  test('删除: two confirmations, then deleteCertificate, then back', async () => {
    const page = await openLoaded();
    const navigateBack = jest.spyOn(wx, 'navigateBack');

    await tapButton(page, '#delete');
    expect(isOpen(page, 'delete-first')).toBe(true);
    await answerDialog(page, 'delete-first', 'confirm');
    expect(isOpen(page, 'delete-second')).toBe(true);
    expect(callFunction).toHaveBeenCalledTimes(1);

    const pending = deferred<CallFunctionResult>();
    callFunction.mockReturnValueOnce(pending.promise);
    await answerDialog(page, 'delete-second', 'confirm');
    expect(calls()[1]).toEqual({ action: 'deleteCertificate', certificateId: 'cert-1' });
    expect(navigateBack).not.toHaveBeenCalled();

    pending.resolve(ok({ deleted: true }));
    await flushPromises();
    expect(navigateBack).toHaveBeenCalledTimes(1);
  });

  test('删除: cancelling at the second step calls nothing', async () => {
    const page = await openLoaded();
    const navigateBack = jest.spyOn(wx, 'navigateBack');
    await tapButton(page, '#delete');
    await answerDialog(page, 'delete-first', 'confirm');
    await answerDialog(page, 'delete-second', 'cancel');

    expect(page.data.deleteStep).toBe('none');
    expect(callFunction).toHaveBeenCalledTimes(1);
    expect(navigateBack).not.toHaveBeenCalled();
  });

  test('删除: a failure stays on the page and says why', async () => {
    const page = await openLoaded();
    const navigateBack = jest.spyOn(wx, 'navigateBack');
    await tapButton(page, '#delete');
    await answerDialog(page, 'delete-first', 'confirm');
    callFunction.mockRejectedValueOnce(transportFailure());
    await answerDialog(page, 'delete-second', 'confirm');

    expect(textOf(page)).toContain('删除失败：网络异常，请稍后重试');
    expect(navigateBack).not.toHaveBeenCalled();
  });
});

describe('certificate page: 服务器部署情况', () => {
  function endpointTexts(page: CertificatePage): string[] {
    return page.querySelectorAll('.endpoint').map((node) => textOf({ dom: node.dom }));
  }

  test('lists what each server of the certificate serves: URL, verdict badge, days left, deployed or not', async () => {
    const { checks: _checks, served: _served, addresses: _addresses, history: _history, nextCheckAt: _next, ...apiSummary } = notReadyEndpoint(NOW, { certificateId: 'cert-1' });
    const page = await openLoaded(
      detail({
        endpoints: [
          endpointSummary(NOW),
          apiSummary,
          endpointSummary(NOW, { id: 'ep-old', host: 'old.example.com', displayHost: 'old.example.com', url: 'https://old.example.com', verdict: 'warning', daysLeft: 12, deployedIsIssued: false }),
        ],
      }),
    );
    expect(textOf(page)).toContain('服务器部署情况');
    const rows = endpointTexts(page);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain('https://www.example.cn');
    expect(rows[0]).toContain('可用于小程序');
    expect(rows[0]).toContain('证书剩余 60 天');
    expect(rows[0]).toContain('已部署最新证书');
    expect(rows[1]).toContain('https://api.example.cn');
    expect(rows[1]).toContain('不可用于小程序');
    expect(rows[2]).toContain('有风险');
    expect(rows[2]).toContain('未部署最新证书');
    expect(page.querySelectorAll('.endpoint__verdict').map((tag) => tag.data.theme)).toEqual(['success', 'danger', 'warning']);
    expect(page.querySelector('.endpoints-empty')).toBeUndefined();
    expect(page.querySelector('.wildcard-hint')).toBeUndefined();
  });

  test('a tap opens that server’s check result', async () => {
    const page = await openLoaded(detail({ endpoints: [endpointSummary(NOW, { id: 'ep-api' })] }));
    const navigateTo = jest.spyOn(wx, 'navigateTo');
    page.querySelectorAll('.endpoint')[0]!.dispatchEvent('tap');
    await flushPromises();
    expect(navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/monitor/index?id=ep-api' }));
  });

  test('a server not checked yet shows when it will be', async () => {
    const page = await openLoaded(
      detail({ endpoints: [endpointSummary(NOW, { verdict: 'pending', wechatReady: null, summary: null, checkedAt: null, daysLeft: null, deployedIsIssued: null })] }),
    );
    const rows = endpointTexts(page);
    expect(rows[0]).toContain('检查中');
    expect(rows[0]).toContain('等待首次检查');
  });

  test('none yet: a short line, which differs before the first issuance', async () => {
    const issued = await openLoaded(detail());
    expect(textOf({ dom: issued.querySelector('.endpoints-empty')?.dom })).toBe('还没有检查使用这张证书的服务器。');

    const pending = await openLoaded(detail({ status: 'pending', versions: [], notAfter: null, daysLeft: null, expiryLevel: 'none' }));
    expect(textOf({ dom: pending.querySelector('.endpoints-empty')?.dom })).toContain('证书签发后，会自动检查');
  });

  test('a wildcard certificate explains that specific hosts can be added in 服务器监控', async () => {
    const page = await openLoaded(detail({ names: ['*.example.com', 'example.com'], displayNames: ['*.example.com', 'example.com'] }));
    const hint = textOf({ dom: page.querySelector('.wildcard-hint')?.dom });
    expect(hint).toContain('*.example.com');
    expect(hint).toContain('服务器监控');
    expect(hint).toContain('api.example.com');

    const navigateTo = jest.spyOn(wx, 'navigateTo');
    await tapButton(page, '#open-monitors');
    expect(navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/monitors/index' }));
  });
});
