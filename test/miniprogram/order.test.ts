/**
 * The validation page, rendered by miniprogram-simulate with the real TDesign components: what to
 * publish per name with copy buttons, self-check results, verify, cancel, polling with backoff that
 * stops while the page is hidden, and the issued state. Timers are jest's fake ones.
 */
import type { OrderView } from '../../typings/api';
import { answer, apiFailure, mockCallFunction } from './support/cloud';
import type { CallFunctionMock, CallFunctionParam } from './support/cloud';
import { TEMPLATE_IDS, userSettings } from './support/fixtures';
import { loadPage, textOf } from './support/page';
import type { LoadedPage, RenderedNode } from './support/page';

interface OrderData {
  loading: boolean;
  order: { state: string; progressCurrent: number } | null;
}
type OrderMethods = {
  onLoad(query: Record<string, string | undefined>): Promise<void>;
  onShow(): void;
  onHide(): void;
  onUnload(): void;
};
type OrderPage = LoadedPage<OrderData, OrderMethods>;

const NOW = Date.UTC(2026, 4, 1, 2, 0, 0);

function baseOrder(patch: Partial<OrderView> = {}): OrderView {
  return {
    id: 'ord1',
    certificateId: 'cert1',
    state: 'awaitingUser',
    progress: 'waitingForRecords',
    names: ['example.com', '*.example.com'],
    displayNames: ['example.com', '*.example.com'],
    validation: 'dns-01',
    dnsInstructions: [
      { recordName: '_acme-challenge.example.com', type: 'TXT', values: ['txt-value-apex', 'txt-value-wild'], names: ['example.com', '*.example.com'] },
    ],
    httpInstructions: [],
    selfCheck: null,
    lastError: null,
    nextActionAt: null,
    caExpiresAt: NOW + 7 * 86_400_000,
    ...patch,
  };
}

function ok(data: unknown): ReturnType<typeof answer> {
  return answer({ ok: true, data });
}

/** Answers every action with `orders[action]` (the last one repeats). */
function serve(callFunction: CallFunctionMock, orders: Partial<Record<string, OrderView>>): void {
  callFunction.mockImplementation((param: CallFunctionParam) => {
    const action = (param.data as { action: string }).action;
    const order = orders[action];
    if (!order) return Promise.resolve(apiFailure({ code: 'INTERNAL', message: `no answer for ${action}` }));
    return Promise.resolve(ok(order));
  });
}

function actionsCalled(callFunction: CallFunctionMock): string[] {
  return callFunction.mock.calls.map(([param]) => (param.data as { action: string }).action);
}

/** Lets the mocked answers, simulate's event delivery and the page's setData run (no timer moves). */
async function settle(): Promise<void> {
  await jest.advanceTimersByTimeAsync(0);
}

async function tap(node: RenderedNode | undefined, what: string): Promise<void> {
  const inner = node?.querySelector('.t-button');
  if (!inner) throw new Error(`${what} is not rendered`);
  inner.dispatchEvent('tap');
  await settle();
}

async function openOrder(callFunction: CallFunctionMock, order: OrderView): Promise<OrderPage> {
  serve(callFunction, { getOrder: order });
  const page = loadPage<OrderData, OrderMethods>('pages/order/index');
  await page.instance.onLoad({ id: order.id });
  await settle();
  return page;
}

describe('order page', () => {
  let callFunction: CallFunctionMock;
  let setClipboardData: jest.Mock;
  let navigateTo: jest.Mock;
  let showModal: jest.Mock;

  beforeEach(() => {
    jest.useFakeTimers({ now: NOW });
    callFunction = mockCallFunction();
    setClipboardData = jest.fn((options: { success?: () => void }) => options.success?.());
    navigateTo = jest.fn();
    showModal = jest.fn((options: { success?: (result: { confirm: boolean; cancel: boolean }) => void }) => options.success?.({ confirm: true, cancel: false }));
    Object.assign(wx, { setClipboardData, navigateTo, showModal });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  test('loads the order named in the query', async () => {
    const page = await openOrder(callFunction, baseOrder());
    expect(callFunction).toHaveBeenCalledWith({ name: 'api', data: { action: 'getOrder', orderId: 'ord1' } });
    expect(page.data.loading).toBe(false);
    expect(textOf(page)).toContain('等待你添加验证记录');
    expect(page.data.order?.progressCurrent).toBe(1);
  });

  test('dns-01: shows the full record name, TXT, both values of a shared name, each with a copy button', async () => {
    const page = await openOrder(callFunction, baseOrder());
    const text = textOf(page);
    expect(text).toContain('_acme-challenge.example.com');
    expect(text).toContain('部分 DNS 服务商只需填写 _acme-challenge 前缀');
    expect(text).toContain('TXT');
    expect(text).toContain('txt-value-apex');
    expect(text).toContain('txt-value-wild');
    expect(text).toContain('需要添加两条 TXT 记录');
    expect(text).toContain('example.com、*.example.com');

    await tap(page.querySelector('.copy-host'), '复制主机记录');
    expect(setClipboardData).toHaveBeenLastCalledWith(expect.objectContaining({ data: '_acme-challenge.example.com' }));
    const values = page.querySelectorAll('.copy-value');
    expect(values).toHaveLength(2);
    await tap(values[0], '复制记录值 1');
    expect(setClipboardData).toHaveBeenLastCalledWith(expect.objectContaining({ data: 'txt-value-apex' }));
    await tap(values[1], '复制记录值 2');
    expect(setClipboardData).toHaveBeenLastCalledWith(expect.objectContaining({ data: 'txt-value-wild' }));
  });

  test('http-01: shows URL, path and content, each with a copy button', async () => {
    const order = baseOrder({
      names: ['www.example.com'],
      displayNames: ['www.example.com'],
      validation: 'http-01',
      dnsInstructions: [],
      httpInstructions: [
        { name: 'www.example.com', url: 'http://www.example.com/.well-known/acme-challenge/tok1', path: '/.well-known/acme-challenge/tok1', content: 'tok1.thumbprint' },
      ],
    });
    const page = await openOrder(callFunction, order);
    expect(textOf(page)).toContain('http://www.example.com/.well-known/acme-challenge/tok1');

    await tap(page.querySelector('.copy-url'), '复制地址');
    expect(setClipboardData).toHaveBeenLastCalledWith(expect.objectContaining({ data: 'http://www.example.com/.well-known/acme-challenge/tok1' }));
    await tap(page.querySelector('.copy-path'), '复制路径');
    expect(setClipboardData).toHaveBeenLastCalledWith(expect.objectContaining({ data: '/.well-known/acme-challenge/tok1' }));
    await tap(page.querySelector('.copy-content'), '复制内容');
    expect(setClipboardData).toHaveBeenLastCalledWith(expect.objectContaining({ data: 'tok1.thumbprint' }));
  });

  test('shows the latest self-check with reason and fix, and the last error with its fix', async () => {
    const order = baseOrder({
      selfCheck: {
        at: NOW - 60_000,
        ok: false,
        items: [
          {
            target: '_acme-challenge.example.com',
            names: ['example.com', '*.example.com'],
            ok: false,
            reason: '只找到了两条记录中的一条',
            fix: '请再添加一条 TXT 记录，值为缺少的那个',
            missingValues: ['txt-value-wild'],
          },
        ],
      },
      lastError: { kind: 'dns', explanation: 'CA 查询 TXT 记录时没有找到正确的值', fix: '确认记录已生效后再提交', identifier: 'example.com', at: NOW - 120_000 },
    });
    const page = await openOrder(callFunction, order);
    const text = textOf(page);
    expect(text).toContain('最近一次自检');
    expect(text).toContain('未通过');
    expect(text).toContain('只找到了两条记录中的一条');
    expect(text).toContain('怎么办：请再添加一条 TXT 记录，值为缺少的那个');
    expect(text).toContain('CA 查询 TXT 记录时没有找到正确的值');
    expect(text).toContain('怎么办：确认记录已生效后再提交');
  });

  test('自检并提交 calls verifyOrder and shows the new state', async () => {
    const page = await openOrder(callFunction, baseOrder());
    serve(callFunction, { verifyOrder: baseOrder({ state: 'validating', progress: 'caValidating', dnsInstructions: [] }) });

    await tap(page.querySelector('#verify'), '自检并提交');

    expect(callFunction).toHaveBeenLastCalledWith({ name: 'api', data: { action: 'verifyOrder', orderId: 'ord1' } });
    expect(page.data.order?.state).toBe('validating');
    expect(textOf(page)).toContain('CA 正在验证');
    expect(page.querySelector('#verify')).toBeUndefined();
  });

  test('a failed verify shows the server message', async () => {
    const page = await openOrder(callFunction, baseOrder());
    callFunction.mockImplementation(() => Promise.resolve(apiFailure({ code: 'RATE_LIMITED', message: '操作太频繁，请稍后再试' })));
    await tap(page.querySelector('#verify'), '自检并提交');
    expect(page.querySelector('.action-error')?.dom?.textContent).toBe('操作太频繁，请稍后再试');
  });

  test('polls with backoff while the CA works, stops on hide, resumes on show', async () => {
    const validating = baseOrder({ state: 'validating', progress: 'caValidating', dnsInstructions: [] });
    const page = await openOrder(callFunction, validating);
    expect(actionsCalled(callFunction)).toEqual(['getOrder']);

    await jest.advanceTimersByTimeAsync(1_999);
    expect(callFunction).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(callFunction).toHaveBeenCalledTimes(2);
    // Same state: the wait doubles (4 s, then 8 s).
    await jest.advanceTimersByTimeAsync(3_999);
    expect(callFunction).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(callFunction).toHaveBeenCalledTimes(3);
    await jest.advanceTimersByTimeAsync(8_000);
    expect(callFunction).toHaveBeenCalledTimes(4);

    page.instance.onHide();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(callFunction).toHaveBeenCalledTimes(4);

    page.instance.onShow();
    await settle();
    expect(callFunction).toHaveBeenCalledTimes(5);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(callFunction).toHaveBeenCalledTimes(6);

    page.instance.onUnload();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(callFunction).toHaveBeenCalledTimes(6);
    expect(actionsCalled(callFunction).every((action) => action === 'getOrder')).toBe(true);
  });

  test('the wait never exceeds 30 s', async () => {
    await openOrder(callFunction, baseOrder({ state: 'finalizing', progress: 'issuing', dnsInstructions: [] }));
    await jest.advanceTimersByTimeAsync(2_000 + 4_000 + 8_000 + 16_000);
    expect(callFunction).toHaveBeenCalledTimes(5);
    await jest.advanceTimersByTimeAsync(29_999);
    expect(callFunction).toHaveBeenCalledTimes(5);
    await jest.advanceTimersByTimeAsync(1);
    expect(callFunction).toHaveBeenCalledTimes(6);
  });

  test('while waiting for records, polls only when the automatic re-check is near', async () => {
    await openOrder(callFunction, baseOrder({ nextActionAt: null }));
    await jest.advanceTimersByTimeAsync(120_000);
    expect(callFunction).toHaveBeenCalledTimes(1);

    callFunction.mockClear();
    await openOrder(callFunction, baseOrder({ nextActionAt: Date.now() + 10_000 }));
    await jest.advanceTimersByTimeAsync(2_000);
    expect(callFunction).toHaveBeenCalledTimes(2);
  });

  test('stops polling when the order is issued and offers the certificate and export', async () => {
    const page = await openOrder(callFunction, baseOrder({ state: 'finalizing', progress: 'issuing', dnsInstructions: [] }));
    serve(callFunction, { getOrder: baseOrder({ state: 'issued', progress: 'issued', dnsInstructions: [], certificateId: 'cert 9' }) });
    await jest.advanceTimersByTimeAsync(2_000);
    expect(page.data.order?.state).toBe('issued');
    expect(textOf(page)).toContain('证书已签发');
    const calls = callFunction.mock.calls.length;
    await jest.advanceTimersByTimeAsync(120_000);
    expect(callFunction).toHaveBeenCalledTimes(calls);

    await tap(page.querySelector('#to-certificate'), '查看证书');
    expect(navigateTo).toHaveBeenLastCalledWith(expect.objectContaining({ url: '/pages/certificate/index?id=cert%209' }));
    await tap(page.querySelector('#to-export'), '导出证书');
    expect(navigateTo).toHaveBeenLastCalledWith(expect.objectContaining({ url: '/pages/export/index?id=cert%209' }));
    expect(page.querySelector('#cancel')).toBeUndefined();
  });

  test('取消申请 asks first, and cancels only when confirmed', async () => {
    const page = await openOrder(callFunction, baseOrder());
    showModal.mockImplementationOnce((options: { success?: (result: { confirm: boolean; cancel: boolean }) => void }) => options.success?.({ confirm: false, cancel: true }));
    await tap(page.querySelector('#cancel'), '取消申请');
    expect(showModal).toHaveBeenCalledTimes(1);
    expect(actionsCalled(callFunction)).toEqual(['getOrder']);

    serve(callFunction, { cancelOrder: baseOrder({ state: 'cancelled', progress: null, dnsInstructions: [] }) });
    await tap(page.querySelector('#cancel'), '取消申请');
    expect(callFunction).toHaveBeenLastCalledWith({ name: 'api', data: { action: 'cancelOrder', orderId: 'ord1' } });
    expect(textOf(page)).toContain('你已取消这次申请');
    expect(page.querySelector('#cancel')).toBeUndefined();
    expect(page.querySelector('#verify')).toBeUndefined();
  });

  test('a load failure shows the message and 重试 loads again', async () => {
    callFunction.mockImplementationOnce(() => Promise.resolve(apiFailure({ code: 'NOT_FOUND', message: '找不到这次申请' })));
    const page = loadPage<OrderData, OrderMethods>('pages/order/index');
    await page.instance.onLoad({ id: 'ord1' });
    await settle();
    expect(page.querySelector('.load-error')?.dom?.textContent).toBe('找不到这次申请');

    serve(callFunction, { getOrder: baseOrder() });
    await tap(page.querySelector('#retry'), '重试');
    expect(textOf(page)).toContain('_acme-challenge.example.com');
  });
});

describe('order page: 开启到期提醒 right after the request', () => {
  let callFunction: CallFunctionMock;
  let requestSubscribeMessage: jest.Mock<void, [PromptOptions]>;
  let openSetting: jest.Mock;

  type PromptOptions = {
    tmplIds: string[];
    success?: (result: Record<string, string>) => void;
    fail?: (error: { errMsg: string; errCode: number }) => void;
  };

  beforeEach(() => {
    jest.useFakeTimers({ now: NOW });
    callFunction = mockCallFunction();
    requestSubscribeMessage = jest.fn();
    openSetting = jest.fn((options: { success?: (result: { subscriptionsSetting: { mainSwitch: boolean } }) => void }) =>
      options.success?.({ subscriptionsSetting: { mainSwitch: true } }),
    );
    Object.assign(wx, { requestSubscribeMessage, openSetting });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  /** Answers getOrder with `order` and the other actions with `data[action]`. */
  function serveAll(data: Record<string, unknown>): void {
    callFunction.mockImplementation((param: CallFunctionParam) => {
      const action = (param.data as { action: string }).action;
      if (!(action in data)) return Promise.resolve(apiFailure({ code: 'INTERNAL', message: `no answer for ${action}` }));
      return Promise.resolve(ok(data[action]));
    });
  }

  async function openCreated(query: Record<string, string>): Promise<OrderPage> {
    const page = loadPage<OrderData, OrderMethods>('pages/order/index');
    await page.instance.onLoad(query);
    await settle();
    return page;
  }

  function offerText(page: OrderPage): string {
    return textOf({ dom: page.querySelector('.reminder-offer')?.dom });
  }

  test('offers it with the banked count; the tap asks for the configured templates and reports the answer', async () => {
    const after = userSettings();
    after.wechat = { ...after.wechat, banked: 4 };
    serveAll({ getOrder: baseOrder(), getSettings: userSettings(), reportSubscription: after });
    requestSubscribeMessage.mockImplementation((options) =>
      options.success?.({ errMsg: 'requestSubscribeMessage:ok', [TEMPLATE_IDS.expiry]: 'accept', [TEMPLATE_IDS.result]: 'reject', [TEMPLATE_IDS.action]: 'reject' }),
    );
    const page = await openCreated({ id: 'ord1', created: '1' });
    expect(offerText(page)).toContain('开启到期提醒');
    expect(offerText(page)).toContain('已存 3 条提醒');
    expect(offerText(page)).toContain('每订阅一次可以收到一条提醒');
    expect(requestSubscribeMessage).not.toHaveBeenCalled();

    await tap(page.querySelector('#enable-reminders'), '开启');

    expect(requestSubscribeMessage).toHaveBeenCalledTimes(1);
    expect(requestSubscribeMessage.mock.calls[0]?.[0].tmplIds).toEqual([TEMPLATE_IDS.expiry, TEMPLATE_IDS.result, TEMPLATE_IDS.action]);
    const reports = callFunction.mock.calls.map(([param]) => param.data as { action: string }).filter((data) => data.action === 'reportSubscription');
    expect(reports).toEqual([
      { action: 'reportSubscription', results: { [TEMPLATE_IDS.expiry]: 'accept', [TEMPLATE_IDS.result]: 'reject', [TEMPLATE_IDS.action]: 'reject' } },
    ]);
    expect(offerText(page)).toContain('已开启，新增 1 条提醒');
    expect(offerText(page)).toContain('已存 4 条提醒');
  });

  test('main switch off: says so and offers WeChat settings', async () => {
    serveAll({ getOrder: baseOrder(), getSettings: userSettings() });
    requestSubscribeMessage.mockImplementation((options) => options.fail?.({ errMsg: 'requestSubscribeMessage:fail', errCode: 20004 }));
    const page = await openCreated({ id: 'ord1', created: '1' });
    await tap(page.querySelector('#enable-reminders'), '开启');
    expect(offerText(page)).toContain('你关闭了“接收订阅消息”');
    await tap(page.querySelector('#reminder-settings'), '去设置');
    expect(openSetting).toHaveBeenCalledTimes(1);
    expect(page.querySelector('#reminder-settings')).toBeUndefined();
  });

  test('not offered when opened any other way, nor when WeChat reminders are not configured', async () => {
    serveAll({ getOrder: baseOrder(), getSettings: userSettings() });
    const plain = await openCreated({ id: 'ord1' });
    expect(plain.querySelector('.reminder-offer')).toBeUndefined();
    expect(actionsCalled(callFunction)).toEqual(['getOrder']);

    serveAll({ getOrder: baseOrder(), getSettings: userSettings({ wechat: { templates: [], banked: 0 } }) });
    const unconfigured = await openCreated({ id: 'ord1', created: '1' });
    expect(unconfigured.querySelector('.reminder-offer')).toBeUndefined();
    expect(textOf(unconfigured)).toContain('_acme-challenge.example.com');
  });
});
