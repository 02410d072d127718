/**
 * The home page: the certificate list, rendered by miniprogram-simulate with the real TDesign
 * components (run `npm run build:npm` first). `wx.cloud.callFunction` is mocked and answers with
 * the envelopes the `api` function sends.
 */
import type { CertificatePage, CertificateSummary } from '../../typings/api';
import { answer, apiFailure, deferred, mockCallFunction, transportFailure } from './support/cloud';
import type { CallFunctionMock, CallFunctionResult } from './support/cloud';
import { flushPromises, loadPage, textOf } from './support/page';
import type { LoadedPage } from './support/page';

interface CardData {
  id: string;
  url: string;
  expiryClass: string;
}
interface HomeData {
  phase: string;
  items: CardData[];
  hasMore: boolean;
}
type HomeMethods = {
  onLoad(query: Record<string, string>): Promise<void>;
  onShow(): void;
  onPullDownRefresh(): Promise<void>;
  onReachBottom(): Promise<void>;
};
type HomePage = LoadedPage<HomeData, HomeMethods>;

const DAY = 24 * 60 * 60 * 1000;

function summary(overrides: Partial<CertificateSummary> = {}): CertificateSummary {
  return {
    id: 'cert-1',
    names: ['example.com', 'www.example.com'],
    displayNames: ['example.com', 'www.example.com'],
    caId: 'letsencrypt',
    caName: "Let's Encrypt",
    status: 'active',
    notAfter: 1_790_000_000_000 + 60 * DAY,
    daysLeft: 60,
    expiryLevel: 'safe',
    autoRenew: true,
    automationKind: 'manual',
    automatic: false,
    currentOrderId: 'order-1',
    orderState: 'issued',
    ...overrides,
  };
}

function pageOf(items: CertificateSummary[], nextCursor: string | null = null): CallFunctionResult {
  const data: CertificatePage = { items, nextCursor };
  return answer({ ok: true, data });
}

function openHome(): HomePage {
  return loadPage<HomeData, HomeMethods>('pages/home/index');
}

function tapButton(page: HomePage, selector: string): void {
  const inner = page.querySelector(selector)?.querySelector('.t-button');
  if (!inner) throw new Error(`${selector} is not rendered`);
  inner.dispatchEvent('tap');
}

describe('home page (certificate list)', () => {
  let callFunction: CallFunctionMock;

  beforeEach(() => {
    callFunction = mockCallFunction();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  test('asks for the first page on load and shows a loading state meanwhile', async () => {
    const pending = deferred<CallFunctionResult>();
    callFunction.mockReturnValueOnce(pending.promise);
    const page = openHome();

    const loaded = page.instance.onLoad({});
    expect(callFunction).toHaveBeenCalledWith({ name: 'api', data: { action: 'listCertificates' } });
    expect(textOf(page)).toContain('正在加载证书…');

    pending.resolve(pageOf([summary()]));
    await loaded;
    expect(textOf(page)).not.toContain('正在加载证书…');
  });

  test('empty: explains the four steps and 申请证书 opens the request page', async () => {
    callFunction.mockResolvedValueOnce(pageOf([]));
    const page = openHome();
    await page.instance.onLoad({});

    const text = textOf(page);
    expect(text).toContain('还没有证书');
    const steps = page.querySelectorAll('.step').map((step) => step.data.title);
    expect(steps).toEqual(['申请', '验证域名', '签发与导出', '监控与续期提醒']);

    const navigateTo = jest.spyOn(wx, 'navigateTo');
    tapButton(page, '#request');
    await flushPromises();
    expect(navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/request/index' }));
  });

  test('populated: one card per certificate with names, status, days left, auto-renew and CA', async () => {
    callFunction.mockResolvedValueOnce(
      pageOf([
        summary(),
        summary({
          id: 'cert-2',
          names: ['xn--fiqs8s.example'],
          displayNames: ['中国.example'],
          caName: 'ZeroSSL',
          daysLeft: 20,
          expiryLevel: 'warning',
          autoRenew: false,
        }),
        summary({ id: 'cert-3', names: ['a.test'], displayNames: ['a.test'], daysLeft: 5, expiryLevel: 'critical' }),
        summary({ id: 'cert-4', names: ['old.test'], displayNames: ['old.test'], daysLeft: -3, expiryLevel: 'expired', status: 'active' }),
        summary({ id: 'cert-5', names: ['r.test'], displayNames: ['r.test'], status: 'revoked' }),
      ]),
    );
    const page = openHome();
    await page.instance.onLoad({});

    const cards = page.querySelectorAll('.cert');
    expect(cards).toHaveLength(5);
    const first = textOf({ dom: cards[0]!.dom });
    expect(first).toContain('example.com');
    expect(first).toContain('等 2 个域名');
    expect(first).toContain('www.example.com');
    expect(first).toContain('有效');
    expect(first).toContain('剩余 60 天');
    expect(first).toContain('自动续期');
    expect(first).toContain("Let's Encrypt");

    const second = textOf({ dom: cards[1]!.dom });
    expect(second).toContain('中国.example');
    expect(second).not.toContain('xn--');
    expect(second).toContain('剩余 20 天');
    expect(second).not.toContain('自动续期');
    expect(second).toContain('ZeroSSL');

    expect(textOf({ dom: cards[3]!.dom })).toContain('已过期 3 天');
    expect(textOf({ dom: cards[4]!.dom })).toContain('已吊销');

    // The days-left indicator is coloured by level.
    const levels = page.querySelectorAll('.expiry').map((indicator) => indicator.dom?.className ?? '');
    expect(levels[0]).toContain('expiry--safe');
    expect(levels[1]).toContain('expiry--warning');
    expect(levels[2]).toContain('expiry--critical');
    expect(levels[3]).toContain('expiry--expired');
  });

  test('tapping a card opens the certificate, or the order while the first one is under way', async () => {
    callFunction.mockResolvedValueOnce(
      pageOf([
        summary(),
        summary({ id: 'cert-2', status: 'pending', notAfter: null, daysLeft: null, expiryLevel: 'none', currentOrderId: 'order-9', orderState: 'awaitingUser' }),
      ]),
    );
    const page = openHome();
    await page.instance.onLoad({});
    expect(textOf(page)).toContain('尚未签发');
    expect(textOf(page)).toContain('申请中');

    const navigateTo = jest.spyOn(wx, 'navigateTo');
    const cards = page.querySelectorAll('.cert');
    cards[0]!.dispatchEvent('tap');
    await flushPromises();
    expect(navigateTo).toHaveBeenLastCalledWith(expect.objectContaining({ url: '/pages/certificate/index?id=cert-1' }));
    cards[1]!.dispatchEvent('tap');
    await flushPromises();
    expect(navigateTo).toHaveBeenLastCalledWith(expect.objectContaining({ url: '/pages/order/index?id=order-9' }));
  });

  test('error: shows the function’s message, and 重试 loads again', async () => {
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' }));
    const page = openHome();
    await page.instance.onLoad({});

    expect(page.data.phase).toBe('error');
    expect(textOf(page)).toContain('证书列表加载失败');
    expect(textOf(page)).toContain('服务暂时不可用，请稍后重试');

    callFunction.mockResolvedValueOnce(pageOf([summary()]));
    tapButton(page, '#retry');
    await flushPromises();

    expect(callFunction).toHaveBeenCalledTimes(2);
    expect(page.data.phase).toBe('list');
    expect(page.querySelectorAll('.cert')).toHaveLength(1);
  });

  test('error: a transport failure shows the network message', async () => {
    callFunction.mockRejectedValueOnce(transportFailure());
    const page = openHome();
    await page.instance.onLoad({});
    expect(textOf(page)).toContain('网络异常，请稍后重试');
  });

  test('pull-to-refresh reloads the first page and stops the refresh animation', async () => {
    callFunction.mockResolvedValueOnce(pageOf([summary()]));
    const page = openHome();
    await page.instance.onLoad({});
    const stop = jest.spyOn(wx, 'stopPullDownRefresh');

    callFunction.mockResolvedValueOnce(pageOf([summary({ id: 'cert-new', displayNames: ['new.test'], names: ['new.test'] }), summary()]));
    await page.instance.onPullDownRefresh();

    expect(callFunction).toHaveBeenLastCalledWith({ name: 'api', data: { action: 'listCertificates' } });
    expect(page.data.items.map((item) => item.id)).toEqual(['cert-new', 'cert-1']);
    expect(stop).toHaveBeenCalled();
  });

  test('a failed refresh keeps the list and says so', async () => {
    callFunction.mockResolvedValueOnce(pageOf([summary()]));
    const page = openHome();
    await page.instance.onLoad({});

    callFunction.mockRejectedValueOnce(transportFailure());
    await page.instance.onPullDownRefresh();

    expect(page.data.phase).toBe('list');
    expect(page.querySelectorAll('.cert')).toHaveLength(1);
    expect(textOf(page)).toContain('刷新失败：网络异常，请稍后重试');
  });

  test('reaching the bottom loads the next page with nextCursor and appends it, once per page', async () => {
    callFunction.mockResolvedValueOnce(pageOf([summary()], 'cursor-2'));
    const page = openHome();
    await page.instance.onLoad({});
    expect(page.data.hasMore).toBe(true);

    const next = deferred<CallFunctionResult>();
    callFunction.mockReturnValueOnce(next.promise);
    const loading = page.instance.onReachBottom();
    expect(callFunction).toHaveBeenLastCalledWith({ name: 'api', data: { action: 'listCertificates', cursor: 'cursor-2' } });
    expect(textOf(page)).toContain('加载中…');

    // A second reach-bottom while the page is loading asks for nothing.
    await page.instance.onReachBottom();
    expect(callFunction).toHaveBeenCalledTimes(2);

    next.resolve(pageOf([summary({ id: 'cert-2' })], null));
    await loading;
    expect(page.data.items.map((item) => item.id)).toEqual(['cert-1', 'cert-2']);
    expect(textOf(page)).toContain('没有更多了');

    // Last page reached: no more calls.
    await page.instance.onReachBottom();
    expect(callFunction).toHaveBeenCalledTimes(2);
  });

  test('a failed next page can be retried from the footer', async () => {
    callFunction.mockResolvedValueOnce(pageOf([summary()], 'cursor-2'));
    const page = openHome();
    await page.instance.onLoad({});

    callFunction.mockRejectedValueOnce(transportFailure());
    await page.instance.onReachBottom();
    expect(textOf(page)).toContain('加载失败，点此重试');

    callFunction.mockResolvedValueOnce(pageOf([summary({ id: 'cert-2' })], null));
    page.querySelector('.footer__text--link')!.dispatchEvent('tap');
    await flushPromises();
    expect(callFunction).toHaveBeenLastCalledWith({ name: 'api', data: { action: 'listCertificates', cursor: 'cursor-2' } });
    expect(page.data.items.map((item) => item.id)).toEqual(['cert-1', 'cert-2']);
  });

  test('coming back to the page refreshes the list', async () => {
    callFunction.mockResolvedValueOnce(pageOf([summary()]));
    const page = openHome();
    await page.instance.onLoad({});
    page.instance.onShow();
    expect(callFunction).toHaveBeenCalledTimes(1);

    callFunction.mockResolvedValueOnce(pageOf([]));
    page.instance.onShow();
    await flushPromises();
    expect(callFunction).toHaveBeenCalledTimes(2);
    expect(page.data.phase).toBe('empty');
  });

  test('updates the view with one setData when the first page arrives', async () => {
    const pending = deferred<CallFunctionResult>();
    callFunction.mockReturnValueOnce(pending.promise);
    const page = openHome();
    const setData = jest.spyOn(page.instance, 'setData');

    const loaded = page.instance.onLoad({});
    pending.resolve(pageOf([summary()]));
    await loaded;

    expect(setData).toHaveBeenCalledTimes(1);
  });

  test('each certificate that still gets orders says whether its validation is automatic', async () => {
    callFunction.mockResolvedValueOnce(
      pageOf([
        summary({ automationKind: 'dnsProvider', automatic: true }),
        summary({ id: 'cert-2', automationKind: 'cnameDelegation', automatic: false }),
        summary({ id: 'cert-3', status: 'pending', notAfter: null, daysLeft: null, expiryLevel: 'none', orderState: 'awaitingUser' }),
        summary({ id: 'cert-4', status: 'revoked', automationKind: 'dnsProvider', automatic: true }),
      ]),
    );
    const page = openHome();
    await page.instance.onLoad({});

    const tags = page.querySelectorAll('.cert__validation').map((tag) => [textOf({ dom: tag.querySelector('.t-tag__text')?.dom }), tag.data.theme]);
    expect(tags).toEqual([
      ['自动验证', 'success'],
      ['需人工验证', 'warning'],
      ['需人工验证', 'warning'],
    ]);
    const cards = page.querySelectorAll('.cert').map((card) => textOf({ dom: card.dom }));
    expect(cards[0]).toContain('自动验证');
    expect(cards[1]).toContain('需人工验证');
    // A revoked certificate gets no more orders: nothing to validate.
    expect(cards[3]).not.toContain('验证');
  });

  test('DNS 服务商密钥 opens the keys page', async () => {
    callFunction.mockResolvedValueOnce(pageOf([summary()]));
    const page = openHome();
    await page.instance.onLoad({});
    const navigateTo = jest.spyOn(wx, 'navigateTo');
    expect(textOf(page)).toContain('DNS 服务商密钥');
    page.querySelector('#open-credentials')?.querySelector('.t-cell')?.dispatchEvent('tap');
    await flushPromises();
    expect(navigateTo).toHaveBeenLastCalledWith(expect.objectContaining({ url: '/pages/credentials/index' }));
  });

  test('服务器监控, 提醒设置 and 通知记录 open their pages, with or without certificates', async () => {
    callFunction.mockResolvedValueOnce(pageOf([summary()]));
    const page = openHome();
    await page.instance.onLoad({});
    const navigateTo = jest.spyOn(wx, 'navigateTo');

    page.querySelector('#open-monitors')?.querySelector('.t-cell')?.dispatchEvent('tap');
    await flushPromises();
    expect(navigateTo).toHaveBeenLastCalledWith(expect.objectContaining({ url: '/pages/monitors/index' }));

    page.querySelector('#open-reminders')?.querySelector('.t-cell')?.dispatchEvent('tap');
    await flushPromises();
    expect(navigateTo).toHaveBeenLastCalledWith(expect.objectContaining({ url: '/pages/reminders/index' }));
    page.querySelector('#open-history')?.querySelector('.t-cell')?.dispatchEvent('tap');
    await flushPromises();
    expect(navigateTo).toHaveBeenLastCalledWith(expect.objectContaining({ url: '/pages/notifications/index' }));

    callFunction.mockResolvedValueOnce(pageOf([]));
    const empty = openHome();
    await empty.instance.onLoad({});
    expect(empty.querySelector('#open-reminders')).toBeDefined();
    expect(textOf(empty)).toContain('提醒设置');
    expect(textOf(empty)).toContain('服务器监控');
  });
});
