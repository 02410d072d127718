/**
 * The monitored servers list (服务器监控), rendered by miniprogram-simulate with the real TDesign
 * components: a verdict badge per server in its colour, the URL, days left, whether the latest
 * certificate is deployed, when it was checked; paging by cursor, pull-to-refresh, the empty and
 * error states, and the add form (success opens the check result, a refused address is shown next
 * to the input).
 */
import type { EndpointPage, EndpointSummary } from '../../typings/api';
import { formatDateTime } from '../../miniprogram/utils/certificate-view';
import { answer, apiFailure, deferred, mockCallFunction } from './support/cloud';
import type { CallFunctionMock, CallFunctionResult } from './support/cloud';
import { DAY_MS, endpointSummary, notReadyEndpoint } from './support/fixtures';
import { flushPromises, loadPage, textOf } from './support/page';
import type { LoadedPage, RenderedNode } from './support/page';

interface MonitorsData {
  phase: string;
  items: { id: string; link: string }[];
  hasMore: boolean;
  target: string;
  adding: boolean;
}
type MonitorsMethods = {
  onLoad(): Promise<void>;
  onShow(): void;
  onReachBottom(): Promise<void>;
  onPullDownRefresh(): Promise<void>;
  onTargetInput(event: { detail: { value: string } }): void;
};
type MonitorsPage = LoadedPage<MonitorsData, MonitorsMethods>;

const NOW = Date.UTC(2026, 5, 15, 4, 0, 0);

function pageOf(items: EndpointSummary[], nextCursor: string | null = null): CallFunctionResult {
  const data: EndpointPage = { items, nextCursor };
  return answer({ ok: true, data });
}

function ok(data: unknown): CallFunctionResult {
  return answer({ ok: true, data });
}

/** One server per verdict, newest first. */
function fleet(): EndpointSummary[] {
  return [
    endpointSummary(NOW),
    endpointSummary(NOW, {
      id: 'ep-api',
      host: 'api.example.cn',
      displayHost: 'api.example.cn',
      url: 'https://api.example.cn',
      verdict: 'notReady',
      wechatReady: false,
      summary: '小程序无法访问：证书链不完整',
      daysLeft: 70,
    }),
    endpointSummary(NOW, {
      id: 'ep-idn',
      host: 'xn--1jqs90m.xn--fiqs8s',
      displayHost: '证书.中国',
      port: 8443,
      url: 'https://xn--1jqs90m.xn--fiqs8s:8443',
      source: 'manual',
      certificateId: null,
      verdict: 'warning',
      summary: '小程序可以访问，但需要注意：证书即将到期',
      daysLeft: 5,
      deployedIsIssued: false,
    }),
    endpointSummary(NOW, {
      id: 'ep-down',
      host: 'old.example.cn',
      displayHost: 'old.example.cn',
      url: 'https://old.example.cn',
      verdict: 'unreachable',
      wechatReady: false,
      summary: '无法连接服务器：服务器连接失败',
      daysLeft: null,
      deployedIsIssued: null,
    }),
    endpointSummary(NOW, {
      id: 'ep-new',
      host: 'new.example.cn',
      displayHost: 'new.example.cn',
      url: 'https://new.example.cn',
      verdict: 'pending',
      wechatReady: null,
      summary: null,
      checkedAt: null,
      daysLeft: null,
      deployedIsIssued: null,
    }),
  ];
}

function sentRequests(callFunction: CallFunctionMock): unknown[] {
  return callFunction.mock.calls.map(([param]) => param.data);
}

async function tap(node: RenderedNode | undefined, what: string, inner = '.t-button'): Promise<void> {
  const target = inner === '' ? node : node?.querySelector(inner);
  if (!target) throw new Error(`${what} is not rendered`);
  target.dispatchEvent('tap');
  await flushPromises();
}

function rowTexts(page: MonitorsPage): string[] {
  return page.querySelectorAll('.item').map((node) => textOf({ dom: node.dom }));
}

describe('monitors page (服务器监控)', () => {
  let callFunction: CallFunctionMock;
  let navigateTo: jest.Mock;
  let stopPullDownRefresh: jest.Mock;

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['setTimeout', 'nextTick', 'setImmediate', 'queueMicrotask'], now: NOW });
    callFunction = mockCallFunction();
    navigateTo = jest.fn();
    stopPullDownRefresh = jest.fn();
    Object.assign(wx, { navigateTo, stopPullDownRefresh });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  async function openWith(first: CallFunctionResult): Promise<MonitorsPage> {
    callFunction.mockResolvedValueOnce(first);
    const page = loadPage<MonitorsData, MonitorsMethods>('pages/monitors/index');
    await page.instance.onLoad();
    await flushPromises();
    return page;
  }

  test('asks for the first page and shows a loading state meanwhile', async () => {
    const pending = deferred<CallFunctionResult>();
    callFunction.mockReturnValueOnce(pending.promise);
    const page = loadPage<MonitorsData, MonitorsMethods>('pages/monitors/index');
    const loaded = page.instance.onLoad();
    expect(sentRequests(callFunction)).toEqual([{ action: 'listEndpoints', limit: 20 }]);
    expect(textOf(page)).toContain('正在加载监控的服务器…');
    pending.resolve(pageOf(fleet()));
    await loaded;
    expect(page.data.phase).toBe('list');
  });

  test('each server shows its verdict badge in colour, URL, days left, deployment and check time', async () => {
    const page = await openWith(pageOf(fleet()));
    const rows = rowTexts(page);
    expect(rows).toHaveLength(5);

    expect(page.querySelectorAll('.verdict').map((tag) => [textOf({ dom: tag.querySelector('.t-tag__text')?.dom }), tag.data.theme])).toEqual([
      ['可用于小程序', 'success'],
      ['不可用于小程序', 'danger'],
      ['有风险', 'warning'],
      ['连不上', 'danger'],
      ['检查中', 'primary'],
    ]);

    expect(rows[0]).toContain('https://www.example.cn');
    expect(rows[0]).toContain('证书剩余 60 天');
    expect(rows[0]).toContain('已部署最新证书');
    expect(rows[0]).toContain(`${formatDateTime(NOW - 3_600_000)} 检查`);

    expect(rows[1]).toContain('小程序无法访问：证书链不完整');

    // An IDN on a custom port: the Unicode host with the port; 5 days left in the critical colour.
    expect(rows[2]).toContain('https://证书.中国:8443');
    expect(rows[2]).not.toContain('xn--');
    expect(rows[2]).toContain('证书剩余 5 天');
    expect(rows[2]).toContain('未部署最新证书');
    const days = page.querySelectorAll('.days').map((node) => node.dom?.getAttribute('style') ?? '');
    expect(days[2]).toContain('#d54941');
    expect(days[0]).toContain('#2ba471');

    // Unknown facts are left out rather than guessed.
    expect(rows[3]).not.toContain('证书剩余');
    expect(rows[3]).not.toContain('部署');
    expect(rows[4]).toContain('等待首次检查');
  });

  test('a tap opens the check result of that server', async () => {
    const page = await openWith(pageOf(fleet()));
    await tap(page.querySelectorAll('.item')[1], '服务器', '');
    expect(navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/monitor/index?id=ep-api' }));
  });

  test('加载更多 asks for the next page with the cursor and appends it; reaching the bottom too', async () => {
    const page = await openWith(pageOf(fleet().slice(0, 2), 'cur-2'));
    expect(page.data.hasMore).toBe(true);

    callFunction.mockResolvedValueOnce(pageOf(fleet().slice(2, 4), 'cur-3'));
    await tap(page.querySelector('#load-more'), '加载更多');
    await flushPromises();
    callFunction.mockResolvedValueOnce(pageOf(fleet().slice(4)));
    await page.instance.onReachBottom();

    expect(sentRequests(callFunction)).toEqual([
      { action: 'listEndpoints', limit: 20 },
      { action: 'listEndpoints', limit: 20, cursor: 'cur-2' },
      { action: 'listEndpoints', limit: 20, cursor: 'cur-3' },
    ]);
    expect(page.data.items.map((item) => item.id)).toEqual(['ep-www', 'ep-api', 'ep-idn', 'ep-down', 'ep-new']);
    expect(textOf(page)).toContain('没有更多了');

    await page.instance.onReachBottom();
    expect(callFunction).toHaveBeenCalledTimes(3);
  });

  test('a failed next page offers a retry', async () => {
    const page = await openWith(pageOf(fleet().slice(0, 2), 'cur-2'));
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' }));
    await page.instance.onReachBottom();
    expect(textOf(page)).toContain('加载失败，点此重试');

    callFunction.mockResolvedValueOnce(pageOf(fleet().slice(2)));
    await tap(page.querySelector('.load-more-failed'), '重试', '');
    await flushPromises();
    expect(page.data.items).toHaveLength(5);
  });

  test('empty: explains what monitoring checks', async () => {
    const page = await openWith(pageOf([]));
    expect(page.data.phase).toBe('empty');
    const text = textOf(page);
    expect(text).toContain('还没有监控的服务器');
    expect(text).toContain('检查服务器实际返回的证书，是否满足小程序 wx.request 的要求');
    // The add form is there to start with.
    expect(page.querySelector('#add')).toBeDefined();
    expect(page.querySelector('.target-input')?.data.placeholder).toBe('api.example.com 或 api.example.com:8443');
  });

  test('a load failure shows the message and 重试 loads again', async () => {
    const page = await openWith(apiFailure({ code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' }));
    expect(page.data.phase).toBe('error');
    expect(page.querySelector('.load-error')?.dom?.textContent).toBe('服务暂时不可用，请稍后重试');

    callFunction.mockResolvedValueOnce(pageOf(fleet()));
    await tap(page.querySelector('#retry'), '重试');
    await flushPromises();
    expect(page.data.phase).toBe('list');
  });

  test('pull-down refresh reloads the first page; a failed refresh keeps the list', async () => {
    const page = await openWith(pageOf(fleet().slice(1)));
    callFunction.mockResolvedValueOnce(pageOf(fleet()));
    await page.instance.onPullDownRefresh();
    expect(page.data.items.map((item) => item.id)[0]).toBe('ep-www');
    expect(stopPullDownRefresh).toHaveBeenCalledTimes(1);

    callFunction.mockResolvedValueOnce(apiFailure({ code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' }));
    await page.instance.onPullDownRefresh();
    expect(page.data.items).toHaveLength(5);
    expect(page.querySelector('.refresh-error')?.dom?.textContent).toBe('刷新失败：服务暂时不可用，请稍后重试');
  });

  test('coming back to the page refreshes the list', async () => {
    const page = await openWith(pageOf(fleet()));
    page.instance.onShow();
    expect(callFunction).toHaveBeenCalledTimes(1);

    callFunction.mockResolvedValueOnce(pageOf(fleet().slice(1)));
    page.instance.onShow();
    await flushPromises();
    expect(callFunction).toHaveBeenCalledTimes(2);
    expect(page.data.items).toHaveLength(4);
  });

  test('添加: sends the typed address, shows progress, then lists it and opens its check result', async () => {
    const page = await openWith(pageOf([endpointSummary(NOW)]));
    page.instance.onTargetInput({ detail: { value: '  https://api.example.cn/health ' } });

    const pending = deferred<CallFunctionResult>();
    callFunction.mockReturnValueOnce(pending.promise);
    await tap(page.querySelector('#add'), '添加');
    expect(sentRequests(callFunction)[1]).toEqual({ action: 'addEndpoint', target: 'https://api.example.cn/health' });
    expect(page.data.adding).toBe(true);
    expect(page.querySelector('#add')?.data.loading).toBe(true);
    expect(textOf(page)).toContain('正在连接服务器并检查证书');
    expect(navigateTo).not.toHaveBeenCalled();

    pending.resolve(ok(notReadyEndpoint(NOW, { source: 'manual', certificateId: null })));
    await flushPromises();
    expect(navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/monitor/index?id=ep-api' }));
    expect(page.data.items.map((item) => item.id)).toEqual(['ep-api', 'ep-www']);
    expect(rowTexts(page)[0]).toContain('不可用于小程序');
    expect(page.data.target).toBe('');
    expect(page.data.adding).toBe(false);
  });

  test('添加 from the empty state leaves it for the list', async () => {
    const page = await openWith(pageOf([]));
    page.instance.onTargetInput({ detail: { value: 'api.example.cn' } });
    callFunction.mockResolvedValueOnce(ok(notReadyEndpoint(NOW)));
    await tap(page.querySelector('#add'), '添加');
    await flushPromises();
    expect(page.data.phase).toBe('list');
    expect(page.querySelectorAll('.item')).toHaveLength(1);
  });

  test('添加: the server’s refusal of the address is shown next to the input, and typing clears it', async () => {
    const page = await openWith(pageOf(fleet()));
    page.instance.onTargetInput({ detail: { value: 'http://api.example.cn' } });
    callFunction.mockResolvedValueOnce(
      apiFailure({ code: 'INVALID_REQUEST', message: '只能检查 https 地址：小程序的服务器域名必须使用 https', field: 'target' }),
    );
    await tap(page.querySelector('#add'), '添加');
    await flushPromises();

    expect(page.querySelector('.target-error')?.dom?.textContent).toBe('只能检查 https 地址：小程序的服务器域名必须使用 https');
    expect(page.querySelector('.target-input')?.data.status).toBe('error');
    expect(page.querySelector('.add-error')).toBeUndefined();
    expect(navigateTo).not.toHaveBeenCalled();
    expect(page.data.target).toBe('http://api.example.cn');

    page.instance.onTargetInput({ detail: { value: 'https://api.example.cn' } });
    await flushPromises();
    expect(page.querySelector('.target-error')).toBeUndefined();
  });

  test('添加: a refusal listed as a violation on target is placed the same way', async () => {
    const page = await openWith(pageOf(fleet()));
    page.instance.onTargetInput({ detail: { value: '*.example.cn' } });
    callFunction.mockResolvedValueOnce(
      apiFailure({
        code: 'INVALID_REQUEST',
        message: '请求不符合要求',
        violations: [{ field: 'target', rule: 'wildcard', message: '通配符域名无法直接检查，请填写具体的域名，例如 api.example.com' }],
      }),
    );
    await tap(page.querySelector('#add'), '添加');
    await flushPromises();
    expect(page.querySelector('.target-error')?.dom?.textContent).toBe('通配符域名无法直接检查，请填写具体的域名，例如 api.example.com');
  });

  test('添加: other refusals (already monitored, rate limit) are shown under the form', async () => {
    const page = await openWith(pageOf(fleet()));
    page.instance.onTargetInput({ detail: { value: 'www.example.cn' } });
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'CONFLICT', message: '这个地址已经在监控列表中了' }));
    await tap(page.querySelector('#add'), '添加');
    await flushPromises();
    expect(page.querySelector('.add-error')?.dom?.textContent).toBe('添加失败：这个地址已经在监控列表中了');
    expect(page.querySelector('.target-error')).toBeUndefined();
    expect(page.data.items).toHaveLength(5);
  });

  test('添加 with nothing typed asks for an address and sends nothing', async () => {
    const page = await openWith(pageOf(fleet()));
    page.instance.onTargetInput({ detail: { value: '   ' } });
    await tap(page.querySelector('#add'), '添加');
    expect(callFunction).toHaveBeenCalledTimes(1);
    expect(page.querySelector('.target-error')?.dom?.textContent).toContain('请填写要检查的域名');
  });

  test('days left turns amber within 30 days and red once expired', async () => {
    const page = await openWith(
      pageOf([
        endpointSummary(NOW, { id: 'a', daysLeft: 20 }),
        endpointSummary(NOW, { id: 'b', daysLeft: -2, verdict: 'notReady', checkedAt: NOW - 2 * DAY_MS }),
      ]),
    );
    const rows = rowTexts(page);
    expect(rows[0]).toContain('证书剩余 20 天');
    expect(rows[1]).toContain('证书已过期 2 天');
    const days = page.querySelectorAll('.days').map((node) => node.dom?.getAttribute('style') ?? '');
    expect(days[0]).toContain('#e37318');
    expect(days[1]).toContain('#c9353f');
  });
});
