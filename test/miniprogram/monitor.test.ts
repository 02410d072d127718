/**
 * The check result of one monitored server (pages/monitor/index?id=…, where notifications link),
 * rendered by miniprogram-simulate with the real TDesign components: the verdict, problems first
 * with their fixes, passed checks collapsed, information last, the served certificate, each
 * address with the TLS versions it accepts and its chain, the history, 立即检查 (with the rate
 * limit) and 删除监控. The clipboard module is replaced.
 */
import type { EndpointDetail } from '../../typings/api';
import { formatDateTime } from '../../miniprogram/utils/certificate-view';
import { answer, apiFailure, deferred, mockCallFunction, transportFailure } from './support/cloud';
import type { CallFunctionMock, CallFunctionResult } from './support/cloud';
import { CHAIN_FIX, SERVED_FINGERPRINT, endpointSummary, notReadyEndpoint } from './support/fixtures';
import { flushPromises, loadPage, textOf } from './support/page';
import type { LoadedPage, RenderedNode } from './support/page';

const mockDevice = { copyText: jest.fn<Promise<void>, [string]>(), shareFile: jest.fn<Promise<void>, [string, string]>() };
jest.mock('../../miniprogram/services/device', () => mockDevice);

interface MonitorData {
  phase: string;
  checking: boolean;
  removeOpen: boolean;
  passedOpen: boolean;
}
type MonitorMethods = {
  onLoad(query: Record<string, string>): Promise<void>;
};
type MonitorPage = LoadedPage<MonitorData, MonitorMethods>;

const NOW = Date.UTC(2026, 5, 15, 4, 0, 0);

function ok(data: unknown): CallFunctionResult {
  return answer({ ok: true, data });
}

function calls(): unknown[] {
  return callFunction.mock.calls.map(([param]) => param.data);
}

function open(): MonitorPage {
  return loadPage<MonitorData, MonitorMethods>('pages/monitor/index');
}

async function openLoaded(detail: EndpointDetail = notReadyEndpoint(NOW)): Promise<MonitorPage> {
  callFunction.mockResolvedValueOnce(ok(detail));
  const page = open();
  await page.instance.onLoad({ id: detail.id });
  return page;
}

async function tap(node: RenderedNode | undefined, what: string, inner = '.t-button'): Promise<void> {
  const target = inner === '' ? node : node?.querySelector(inner);
  if (!target) throw new Error(`${what} is not rendered`);
  target.dispatchEvent('tap');
  await flushPromises();
}

function text(node: RenderedNode | undefined): string {
  return textOf({ dom: node?.dom });
}

function tagText(tag: RenderedNode): string {
  return text(tag.querySelector('.t-tag__text'));
}

let callFunction: CallFunctionMock;
let navigateTo: jest.Mock;
let navigateBack: jest.Mock;
let redirectTo: jest.Mock;

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['setTimeout', 'nextTick', 'setImmediate', 'queueMicrotask'], now: NOW });
  callFunction = mockCallFunction();
  mockDevice.copyText.mockReset().mockResolvedValue(undefined);
  navigateTo = jest.fn();
  navigateBack = jest.fn();
  redirectTo = jest.fn();
  Object.assign(wx, { navigateTo, navigateBack, redirectTo });
});

afterEach(() => {
  jest.useRealTimers();
});

describe('monitor page: the check result', () => {
  test('loads the server named in the query and shows a loading state meanwhile', async () => {
    const pending = deferred<CallFunctionResult>();
    callFunction.mockReturnValueOnce(pending.promise);
    const page = open();
    const loaded = page.instance.onLoad({ id: 'ep-api' });
    expect(calls()).toEqual([{ action: 'getEndpoint', endpointId: 'ep-api' }]);
    expect(textOf(page)).toContain('正在读取检查结果…');
    pending.resolve(ok(notReadyEndpoint(NOW)));
    await loaded;
    expect(page.data.phase).toBe('ready');
  });

  test('the verdict at the top: big and red, the summary, 小程序不可用, when it was checked', async () => {
    const page = await openLoaded();
    const hero = page.querySelector('.hero');
    expect(text(hero)).toContain('https://api.example.cn');
    expect(text(page.querySelector('.hero__verdict'))).toBe('不可用于小程序');
    expect(page.querySelector('.hero__verdict')?.dom?.getAttribute('style')).toContain('#d54941');
    expect(text(page.querySelector('.wechat'))).toBe('小程序不可用');
    expect(page.querySelector('.wechat')?.dom?.className).toContain('wechat--blocked');
    expect(text(hero)).toContain('小程序无法访问：证书链不完整');
    expect(text(hero)).toContain(`${formatDateTime(NOW)} 检查`);
  });

  test('problems come first, the one that blocks WeChat before the warning, each with explanation and fix', async () => {
    const page = await openLoaded();
    const problems = page.querySelectorAll('.problem');
    expect(problems).toHaveLength(2);

    // Plain views have no shadow root to search: their parts are found from the page, in order.
    const titles = page.querySelectorAll('.problem__title').map(text);
    const fixes = page.querySelectorAll('.fix').map(text);

    const chain = problems[0]!;
    expect(chain.dom?.className).toContain('problem--fail');
    expect(titles[0]).toBe('证书链完整');
    expect(text(chain)).toContain('导致小程序无法访问');
    expect(text(page.querySelectorAll('.problem__explanation')[0])).toContain('安卓手机不会下载缺少的中间证书');
    expect(fixes[0]).toBe(`怎么修复${CHAIN_FIX}`);
    expect(text(page.querySelectorAll('.check-detail')[0])).toContain('服务器发送了 1 张证书，缺少签发者');

    const legacy = problems[1]!;
    expect(legacy.dom?.className).toContain('problem--warn');
    expect(titles[1]).toBe('已关闭 TLS 1.0/1.1');
    expect(text(legacy)).toContain('建议处理');
    expect(fixes[1]).toContain('ssl_protocols TLSv1.2 TLSv1.3');
  });

  test('passed checks are collapsed into 已通过 N 项 and open on a tap', async () => {
    const page = await openLoaded();
    expect(text(page.querySelector('.passed-toggle'))).toBe('已通过 16 项');
    expect(page.querySelector('.passed-list')).toBeUndefined();
    expect(textOf(page)).not.toContain('域名能解析');

    await tap(page.querySelector('.passed-toggle'), '已通过', '');
    const items = page.querySelectorAll('.passed-item').map(text);
    expect(items).toHaveLength(16);
    expect(items[0]).toContain('使用 HTTPS');
    expect(items.find((item) => item.includes('域名能解析'))).toContain('解析到 203.0.113.10、2001:db8::10');

    await tap(page.querySelector('.passed-toggle'), '已通过', '');
    expect(page.querySelector('.passed-list')).toBeUndefined();
  });

  test('information comes last: the ICP reminder with what to do, undetermined rules collapsed', async () => {
    const page = await openLoaded();
    const notes = page.querySelectorAll('.note');
    expect(notes).toHaveLength(1);
    expect(text(notes[0])).toContain('域名已备案');
    expect(text(notes[0])).toContain('beian.miit.gov.cn');

    expect(text(page.querySelector('.undetermined-toggle'))).toBe('暂时无法判断 1 项');
    await tap(page.querySelector('.undetermined-toggle'), '暂时无法判断', '');
    expect(text(page.querySelector('.undetermined-item'))).toContain('证书受信任');

    // The order on the page: problems, passed, information, then the certificate.
    const all = textOf(page);
    expect(all.indexOf('需要处理')).toBeLessThan(all.indexOf('已通过 16 项'));
    expect(all.indexOf('已通过 16 项')).toBeLessThan(all.indexOf('其他提示'));
    expect(all.indexOf('其他提示')).toBeLessThan(all.indexOf('服务器返回的证书'));
  });

  test('the served certificate: subject, issuer, names, validity, days left, key, protocol, chain, fingerprint', async () => {
    const page = await openLoaded();
    const served = text(page.querySelector('.served'));
    expect(served).toContain('CN=api.example.cn');
    expect(served).toContain("C=US, O=Let's Encrypt, CN=E6");
    expect(served).toContain('证书剩余 70 天');
    expect(served).toContain('ECDSA P-256');
    expect(served).toContain('TLS 1.3');
    expect(served).toContain('服务器发送了 1 张');
    expect(text(page.querySelector('.fingerprint'))).toBe('3F:A2:19:0C…AA:00:BB:11');

    await tap(page.querySelector('.copy-fingerprint'), '复制');
    expect(mockDevice.copyText).toHaveBeenCalledWith(SERVED_FINGERPRINT.match(/../g)!.join(':'));
  });

  test('a failed copy says so', async () => {
    const page = await openLoaded();
    mockDevice.copyText.mockRejectedValueOnce(new Error('setClipboardData:fail'));
    await tap(page.querySelector('.copy-fingerprint'), '复制');
    expect(text(page.querySelector('.action-error'))).toBe('复制失败，请长按文字手动复制');
  });

  test('each address: what it negotiated, which TLS versions it accepts, and its chain leaf first', async () => {
    const page = await openLoaded();
    const addresses = page.querySelectorAll('.address');
    expect(addresses).toHaveLength(2);

    const v4 = addresses[0]!;
    expect(text(v4)).toContain('203.0.113.10');
    expect(text(v4)).toContain('证书校验未通过');
    expect(text(v4)).toContain('协商 TLS 1.3 · TLS_AES_256_GCM_SHA384');
    // Four tags per address, in address order.
    const tags = page.querySelectorAll('.version').map((tag) => [tagText(tag), tag.data.theme]);
    // Still accepting TLS 1.0/1.1 is amber; TLS 1.2/1.3 accepted is green.
    expect(tags.slice(0, 4)).toEqual([
      ['TLS 1.0 ✓', 'warning'],
      ['TLS 1.1 ✓', 'warning'],
      ['TLS 1.2 ✓', 'success'],
      ['TLS 1.3 ✓', 'success'],
    ]);
    expect(tags.slice(4)).toEqual([
      ['TLS 1.0 ✗', 'default'],
      ['TLS 1.1 ✗', 'default'],
      ['TLS 1.2 ✓', 'success'],
      ['TLS 1.3 ✓', 'success'],
    ]);

    expect(text(v4)).toContain('返回的证书链（1 张）');
    const chain = page.querySelectorAll('.chain-item').map(text);
    expect(chain).toHaveLength(2);
    expect(chain[0]).toContain('服务器证书');
    expect(chain[0]).toContain('CN=api.example.cn');
    expect(chain[0]).toContain("签发者 C=US, O=Let's Encrypt, CN=E6");
    expect(chain[0]).toContain('ECDSA P-256 · ecdsa-with-SHA384');
  });

  test('an address that could not be reached shows why; a full chain is listed leaf to root', async () => {
    const detail = notReadyEndpoint(NOW);
    const page = await openLoaded({
      ...detail,
      addresses: [
        {
          address: '198.51.100.7',
          protocol: null,
          cipher: null,
          versions: { TLSv1: null, 'TLSv1.1': null, 'TLSv1.2': null, 'TLSv1.3': null },
          trusted: false,
          fingerprintSha256: null,
          chain: [],
          failure: 'timeout: connect ETIMEDOUT 198.51.100.7:443',
        },
        {
          ...detail.addresses[1]!,
          trusted: true,
          versions: { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': true },
          chain: [
            detail.addresses[1]!.chain[0]!,
            { subject: "C=US, O=Let's Encrypt, CN=E6", issuer: 'C=US, O=Internet Security Research Group, CN=ISRG Root X1', notAfter: NOW + 400 * 86_400_000, keyType: 'ec', keyBits: 384, signatureAlgorithm: 'sha256WithRSAEncryption' },
          ],
        },
      ],
    });
    const [down, up] = page.querySelectorAll('.address');
    expect(text(down)).toContain('连接失败');
    expect(text(page.querySelector('.address__failure'))).toBe('连接超时：connect ETIMEDOUT 198.51.100.7:443');
    const versions = page.querySelectorAll('.version');
    expect(versions.slice(0, 4).map(tagText)).toEqual(['TLS 1.0 ?', 'TLS 1.1 ?', 'TLS 1.2 ?', 'TLS 1.3 ?']);

    expect(text(up)).toContain('证书校验通过');
    // TLS 1.2 refused is red: older phones cannot connect.
    expect(versions[6]?.data.theme).toBe('danger');
    const chain = page.querySelectorAll('.chain-item').map(text);
    expect(chain).toHaveLength(2);
    expect(chain[0]).toContain('服务器证书');
    expect(chain[1]).toContain('第 2 张');
    expect(chain[1]).toContain("C=US, O=Let's Encrypt, CN=E6");
    expect(chain[1]).toContain('ECDSA P-384');
  });

  test('history: time, verdict and certificate of recent checks; the next scheduled check', async () => {
    const page = await openLoaded();
    const rows = page.querySelectorAll('.history__row').map(text);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain(formatDateTime(NOW));
    expect(rows[0]).toContain('不可用于小程序');
    expect(rows[0]).toContain('3F:A2:19:0C…AA:00:BB:11');
    expect(rows[2]).toContain('有风险');
    expect(rows[2]).toContain('8B:0C:4D:2E');
    expect(text(page.querySelector('.next-check'))).toBe(formatDateTime(NOW + 6 * 3_600_000));
  });

  test('查看证书 opens the certificate; a server added by hand has no such link', async () => {
    const page = await openLoaded();
    await tap(page.querySelector('#open-certificate'), '查看证书', '.t-cell');
    expect(navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/certificate/index?id=cert-api' }));

    const manual = await openLoaded(notReadyEndpoint(NOW, { source: 'manual', certificateId: null }));
    expect(manual.querySelector('#open-certificate')).toBeUndefined();
  });

  test('a server never checked says so and has nothing to list yet', async () => {
    const page = await openLoaded({
      ...endpointSummary(NOW, { verdict: 'pending', wechatReady: null, summary: null, checkedAt: null, daysLeft: null, deployedIsIssued: null }),
      checks: [],
      served: null,
      addresses: [],
      history: [],
      nextCheckAt: null,
    });
    expect(text(page.querySelector('.hero__verdict'))).toBe('检查中');
    expect(page.querySelector('.wechat')).toBeUndefined();
    expect(textOf(page)).toContain('还没有检查过这个服务器');
    expect(textOf(page)).toContain('等待首次检查');
    expect(page.querySelector('.problem')).toBeUndefined();
    expect(page.querySelector('.served')).toBeUndefined();
    expect(textOf(page)).toContain('还没有检查记录');
    expect(text(page.querySelector('.next-check'))).toBe('暂无计划');
  });

  test('error: the function’s message and 重试; without an id nothing is called', async () => {
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'NOT_FOUND', message: '找不到这个服务器' }));
    const page = open();
    await page.instance.onLoad({ id: 'ep-gone' });
    expect(page.data.phase).toBe('error');
    expect(text(page.querySelector('.load-error'))).toBe('找不到这个服务器');

    callFunction.mockResolvedValueOnce(ok(notReadyEndpoint(NOW)));
    await tap(page.querySelector('#retry'), '重试');
    await flushPromises();
    expect(page.data.phase).toBe('ready');

    callFunction.mockClear();
    const missing = open();
    await missing.instance.onLoad({});
    expect(callFunction).not.toHaveBeenCalled();
    expect(textOf(missing)).toContain('缺少服务器编号');
  });
});

describe('monitor page: 立即检查', () => {
  test('shows progress while checking, then the fresh result', async () => {
    const page = await openLoaded();
    const pending = deferred<CallFunctionResult>();
    callFunction.mockReturnValueOnce(pending.promise);
    await tap(page.querySelector('#check'), '立即检查');

    expect(calls()[1]).toEqual({ action: 'checkEndpoint', endpointId: 'ep-api' });
    expect(page.data.checking).toBe(true);
    expect(page.querySelector('#check')?.data.loading).toBe(true);
    expect(textOf(page)).toContain('正在连接服务器检查');

    // A second tap while checking sends nothing.
    await tap(page.querySelector('#check'), '立即检查');
    expect(callFunction).toHaveBeenCalledTimes(2);

    const fixed = notReadyEndpoint(NOW, {
      verdict: 'warning',
      wechatReady: true,
      summary: '小程序可以访问，但需要注意：仍接受 TLS 1.0/1.1',
      checks: notReadyEndpoint(NOW).checks.map((check) =>
        check.id === 'chainComplete' ? { ...check, status: 'pass' as const, blocksWechat: false, fix: null, detail: null } : check,
      ),
    });
    pending.resolve(ok(fixed));
    await flushPromises();

    expect(page.data.checking).toBe(false);
    expect(text(page.querySelector('.hero__verdict'))).toBe('有风险');
    expect(text(page.querySelector('.wechat'))).toBe('小程序可用');
    expect(page.querySelectorAll('.problem')).toHaveLength(1);
    expect(text(page.querySelector('.passed-toggle'))).toBe('已通过 17 项');
    expect(text(page.querySelector('.check-message'))).toBe('已重新检查');
  });

  test('the rate limit’s message is shown under the button and the result stays', async () => {
    const page = await openLoaded();
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'RATE_LIMITED', message: '操作太频繁，请在 12 分钟后再试' }));
    await tap(page.querySelector('#check'), '立即检查');
    await flushPromises();

    expect(text(page.querySelector('.check-error'))).toBe('操作太频繁，请在 12 分钟后再试');
    expect(text(page.querySelector('.hero__verdict'))).toBe('不可用于小程序');
    expect(page.data.checking).toBe(false);
  });

  test('other failures say the check failed', async () => {
    const page = await openLoaded();
    callFunction.mockRejectedValueOnce(transportFailure());
    await tap(page.querySelector('#check'), '立即检查');
    await flushPromises();
    expect(text(page.querySelector('.check-error'))).toBe('检查失败：网络异常，请稍后重试');
  });
});

describe('monitor page: 删除监控', () => {
  function dialog(page: MonitorPage): RenderedNode {
    const node = page.querySelector('#remove-confirm');
    if (!node) throw new Error('dialog is not rendered');
    return node;
  }

  async function answerDialog(page: MonitorPage, button: 'confirm' | 'cancel'): Promise<void> {
    await tap(dialog(page).querySelector(`.t-dialog__button--${button}`), button);
  }

  test('asks first; cancelling calls nothing', async () => {
    const page = await openLoaded();
    await tap(page.querySelector('#remove'), '删除监控');
    expect(dialog(page).data.visible).toBe(true);
    expect(dialog(page).data.content).toBe('删除后不再检查 https://api.example.cn，也不会再收到它的变化提醒。');

    await answerDialog(page, 'cancel');
    expect(dialog(page).data.visible).toBe(false);
    expect(callFunction).toHaveBeenCalledTimes(1);
    expect(navigateBack).not.toHaveBeenCalled();
  });

  test('confirmed: removeEndpoint, then back to the list', async () => {
    const page = await openLoaded();
    await tap(page.querySelector('#remove'), '删除监控');
    const pending = deferred<CallFunctionResult>();
    callFunction.mockReturnValueOnce(pending.promise);
    await answerDialog(page, 'confirm');

    expect(calls()[1]).toEqual({ action: 'removeEndpoint', endpointId: 'ep-api' });
    expect(page.querySelector('#remove')?.data.loading).toBe(true);
    expect(navigateBack).not.toHaveBeenCalled();

    pending.resolve(ok({ deleted: true }));
    await flushPromises();
    expect(navigateBack).toHaveBeenCalledTimes(1);
  });

  test('opened from a notification (nothing to go back to), it opens the list instead', async () => {
    navigateBack.mockImplementation((options: { fail?: () => void }) => options.fail?.());
    const page = await openLoaded();
    await tap(page.querySelector('#remove'), '删除监控');
    callFunction.mockResolvedValueOnce(ok({ deleted: true }));
    await answerDialog(page, 'confirm');
    await flushPromises();
    expect(redirectTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/monitors/index' }));
  });

  test('a failure stays on the page and says why', async () => {
    const page = await openLoaded();
    await tap(page.querySelector('#remove'), '删除监控');
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'NOT_FOUND', message: '找不到这个服务器' }));
    await answerDialog(page, 'confirm');
    await flushPromises();
    expect(text(page.querySelector('.action-error'))).toBe('删除失败：找不到这个服务器');
    expect(navigateBack).not.toHaveBeenCalled();
  });
});
