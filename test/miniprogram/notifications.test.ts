/**
 * The notification history, rendered by miniprogram-simulate with the real TDesign components:
 * newest first, each channel's delivery status in its colour with the reason, paging by cursor,
 * the empty and error states, and a tap opening the page the notification points to.
 */
import type { NotificationPage, NotificationView } from '../../typings/api';
import { answer, apiFailure, deferred, mockCallFunction } from './support/cloud';
import type { CallFunctionMock, CallFunctionResult } from './support/cloud';
import { formatDateTime } from '../../miniprogram/utils/certificate-view';
import { DAY_MS, notificationView } from './support/fixtures';
import { flushPromises, loadPage, textOf } from './support/page';
import type { LoadedPage, RenderedNode } from './support/page';

interface NotificationsData {
  phase: string;
  items: { id: string; url: string }[];
  hasMore: boolean;
}
type NotificationsMethods = {
  onLoad(): Promise<void>;
  onReachBottom(): Promise<void>;
  onPullDownRefresh(): Promise<void>;
};
type NotificationsPage = LoadedPage<NotificationsData, NotificationsMethods>;

const NOW = Date.UTC(2026, 5, 15, 4, 0, 0);

function pageOf(items: NotificationView[], nextCursor: string | null = null): CallFunctionResult {
  const data: NotificationPage = { items, nextCursor };
  return answer({ ok: true, data });
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

function itemText(page: NotificationsPage, index: number): string {
  return textOf({ dom: page.querySelector(`.item--${String(index)}`)?.dom });
}

/** One notification per delivery status, newest first. */
function mixedHistory(): NotificationView[] {
  return [
    notificationView(NOW - 60_000, {
      id: 'n-3',
      kind: 'renewalFailed',
      title: '证书续期失败：shop.example.cn',
      lines: ['原因：DNS 记录未找到', '下次重试：06-15 14:00'],
      page: 'pages/certificate/index?id=cert-shop',
      deliveries: [
        { channel: 'wechat', label: '微信', status: 'skipped', detail: '没有可用的微信提醒次数，请在提醒设置中订阅', at: NOW - 60_000, attempts: 0 },
        { channel: 'wecom', label: '运维群', status: 'failed', detail: '机器人地址无效（errcode 93000）', at: NOW - 30_000, attempts: 6 },
        { channel: 'email', label: '值班邮箱', status: 'pending', detail: null, at: NOW - 50_000, attempts: 2 },
        { channel: 'webhook', label: '监控平台', status: 'sent', detail: null, at: NOW - 59_000, attempts: 1 },
      ],
    }),
    notificationView(NOW - 2 * DAY_MS, { id: 'n-2', kind: 'renewed', title: '证书已续期：example.com' }),
  ];
}

describe('notifications page', () => {
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

  async function openWith(first: CallFunctionResult): Promise<NotificationsPage> {
    callFunction.mockResolvedValueOnce(first);
    const page = loadPage<NotificationsData, NotificationsMethods>('pages/notifications/index');
    await page.instance.onLoad();
    await flushPromises();
    return page;
  }

  test('asks for the first page and shows a loading state meanwhile', async () => {
    const pending = deferred<CallFunctionResult>();
    callFunction.mockReturnValueOnce(pending.promise);
    const page = loadPage<NotificationsData, NotificationsMethods>('pages/notifications/index');
    const loaded = page.instance.onLoad();
    expect(sentRequests(callFunction)).toEqual([{ action: 'listNotifications', limit: 20 }]);
    expect(textOf(page)).toContain('正在加载通知…');
    pending.resolve(pageOf(mixedHistory()));
    await loaded;
    expect(page.data.phase).toBe('list');
  });

  test('each item shows kind, title, lines and time; each channel its label and status in colour', async () => {
    const page = await openWith(pageOf(mixedHistory()));
    expect(page.data.items.map((item) => item.id)).toEqual(['n-3', 'n-2']);

    const first = itemText(page, 0);
    expect(first).toContain('续期失败');
    expect(first).toContain('证书续期失败：shop.example.cn');
    expect(first).toContain('原因：DNS 记录未找到');
    expect(first).toContain('下次重试：06-15 14:00');
    expect(first).toContain(formatDateTime(NOW - 60_000));

    const deliveries = page.querySelectorAll('.delivery').slice(0, 4).map((node) => ({
      text: textOf({ dom: node.dom }),
      className: node.dom?.className ?? '',
    }));
    expect(deliveries[0]?.text).toBe('微信未发送没有可用的微信提醒次数，请在提醒设置中订阅');
    expect(deliveries[1]?.text).toBe('运维群失败机器人地址无效（errcode 93000）');
    expect(deliveries[2]?.text).toBe('值班邮箱发送中已尝试 2 次，稍后重试');
    expect(deliveries[3]?.text).toBe('监控平台已发送');
    expect(deliveries.map((delivery) => /delivery--(\w+)/.exec(delivery.className)?.[1])).toEqual(['skipped', 'failed', 'pending', 'sent']);

    // The status tags carry the colours: grey, red, blue, green.
    const themes = page.querySelectorAll('.delivery__status').slice(0, 4).map((tag) => tag.data.theme);
    expect(themes).toEqual(['default', 'danger', 'primary', 'success']);
    expect(page.querySelector('.delivery__detail--failed')?.dom?.textContent).toBe('机器人地址无效（errcode 93000）');

    const second = itemText(page, 1);
    expect(second).toContain('续期成功');
    expect(second).toContain('微信已发送');
  });

  test('a tap opens the page the notification points to, as an absolute path', async () => {
    const page = await openWith(pageOf(mixedHistory()));
    await tap(page.querySelector('.item--0'), '通知', '');
    expect(navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/certificate/index?id=cert-shop' }));

    const test = await openWith(pageOf([notificationView(NOW, { id: 'n-t', kind: 'test', page: '/pages/reminders/index' })]));
    await tap(test.querySelector('.item--0'), '测试消息', '');
    expect(navigateTo).toHaveBeenLastCalledWith(expect.objectContaining({ url: '/pages/reminders/index' }));
  });

  test('加载更多 asks for the next page with the cursor and appends it', async () => {
    const page = await openWith(pageOf(mixedHistory(), 'cur-2'));
    expect(page.data.hasMore).toBe(true);
    expect(textOf(page)).not.toContain('没有更多了');

    callFunction.mockResolvedValueOnce(pageOf([notificationView(NOW - 9 * DAY_MS, { id: 'n-1', title: '证书还有 30 天到期：old.example.com' })]));
    await tap(page.querySelector('#load-more'), '加载更多');
    await flushPromises();

    expect(sentRequests(callFunction)).toEqual([
      { action: 'listNotifications', limit: 20 },
      { action: 'listNotifications', limit: 20, cursor: 'cur-2' },
    ]);
    expect(page.data.items.map((item) => item.id)).toEqual(['n-3', 'n-2', 'n-1']);
    expect(itemText(page, 2)).toContain('old.example.com');
    expect(page.querySelector('#load-more')).toBeUndefined();
    expect(textOf(page)).toContain('没有更多了');
  });

  test('reaching the bottom loads the next page too; a failed page offers a retry', async () => {
    const page = await openWith(pageOf(mixedHistory(), 'cur-2'));
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' }));
    await page.instance.onReachBottom();
    expect(textOf(page)).toContain('加载失败，点此重试');

    callFunction.mockResolvedValueOnce(pageOf([notificationView(NOW - 9 * DAY_MS, { id: 'n-1' })]));
    await tap(page.querySelector('.load-more-failed'), '重试', '');
    await flushPromises();
    expect(page.data.items.map((item) => item.id)).toEqual(['n-3', 'n-2', 'n-1']);
  });

  test('empty: says what will appear and links to the reminder settings', async () => {
    const page = await openWith(pageOf([]));
    expect(page.data.phase).toBe('empty');
    expect(textOf(page)).toContain('还没有通知');
    await tap(page.querySelector('#to-settings'), '提醒设置');
    expect(navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/reminders/index' }));
  });

  test('a load failure shows the message and 重试 loads again', async () => {
    const page = await openWith(apiFailure({ code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' }));
    expect(page.data.phase).toBe('error');
    expect(page.querySelector('.load-error')?.dom?.textContent).toBe('服务暂时不可用，请稍后重试');

    callFunction.mockResolvedValueOnce(pageOf(mixedHistory()));
    await tap(page.querySelector('#retry'), '重试');
    await flushPromises();
    expect(page.data.phase).toBe('list');
  });

  test('pull-down refresh reloads the first page', async () => {
    const page = await openWith(pageOf(mixedHistory().slice(1)));
    callFunction.mockResolvedValueOnce(pageOf(mixedHistory()));
    await page.instance.onPullDownRefresh();
    expect(page.data.items.map((item) => item.id)).toEqual(['n-3', 'n-2']);
    expect(stopPullDownRefresh).toHaveBeenCalledTimes(1);
  });
});
