/**
 * The home page, rendered by miniprogram-simulate with the real TDesign components (run
 * `npm run build:npm` first). WeChat's cloud servers cannot run here, so `wx.cloud.callFunction` is
 * mocked and answers with the envelopes the `api` function sends.
 */
import { apiFailure, deferred, mockCallFunction, pingOk, transportFailure } from './support/cloud';
import type { CallFunctionMock, CallFunctionResult } from './support/cloud';
import { flushPromises, loadPage, textOf } from './support/page';
import type { LoadedPage } from './support/page';

interface HomeData {
  connection: { status: string; busy: boolean };
}
type HomeMethods = {
  onLoad(query: Record<string, string>): Promise<void>;
};
type HomePage = LoadedPage<HomeData, HomeMethods>;

const OPEN_ID = 'oVnKa5Ed3Xc2Hq0gYtLmW9sBz7Pf';
const SHORT_OPEN_ID = 'oVnK…z7Pf';

function openHome(): HomePage {
  return loadPage<HomeData, HomeMethods>('pages/home/index');
}

/** Text of the cloud-connection block (the cell and its status tag). */
function connectionText(page: HomePage): string {
  const block = page.querySelector('.connection');
  if (!block?.dom) throw new Error('the connection block is not rendered');
  return block.dom.textContent;
}

/** Taps the 重试 button the way a finger does: on TDesign's inner button, whose handler emits `tap`. */
function tapRetry(page: HomePage): void {
  const inner = page.querySelector('#retry')?.querySelector('.t-button');
  if (!inner) throw new Error('the 重试 button is not rendered');
  inner.dispatchEvent('tap');
}

describe('home page', () => {
  let callFunction: CallFunctionMock;

  beforeEach(() => {
    callFunction = mockCallFunction();
  });

  test('shows the product and the four steps, each with a one-line explanation', () => {
    const page = openHome();

    const text = textOf(page);
    expect(text).toContain('证书管家');
    const steps = page.querySelectorAll('.step').map((step) => ({ title: step.data.title, content: step.data.content }));
    expect(steps.map((step) => step.title)).toEqual(['申请', '验证域名', '签发与导出', '监控与续期提醒']);
    for (const { title, content } of steps) {
      if (typeof content !== 'string' || content.trim() === '') throw new Error(`step ${String(title)} has no explanation`);
      expect(text).toContain(content);
    }
  });

  test('pings the api function on load and shows 已连接 with the short OPENID', async () => {
    const answer = deferred<CallFunctionResult>();
    callFunction.mockReturnValueOnce(answer.promise);
    const page = openHome();

    const loaded = page.instance.onLoad({});
    expect(callFunction).toHaveBeenCalledTimes(1);
    expect(callFunction).toHaveBeenCalledWith({ name: 'api', data: { action: 'ping' } });
    expect(connectionText(page)).toContain('连接中…');

    answer.resolve(pingOk({ openId: OPEN_ID, serverTime: 1_790_000_000_000 }));
    await loaded;

    const text = connectionText(page);
    expect(text).toContain('已连接');
    expect(text).toContain(SHORT_OPEN_ID);
    expect(text).not.toContain(OPEN_ID);
    expect(text).not.toContain('连接中…');
  });

  test('shows the function’s Chinese message when it answers ok:false', async () => {
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'UNAUTHENTICATED', message: '无法确认你的微信身份，请重新打开小程序' }));
    const page = openHome();

    await page.instance.onLoad({});

    const text = connectionText(page);
    expect(text).toContain('连接失败');
    expect(text).toContain('无法确认你的微信身份，请重新打开小程序');
    expect(text).not.toContain('已连接');
  });

  test('shows a network message when the call never reaches the function', async () => {
    callFunction.mockRejectedValueOnce(transportFailure());
    const page = openHome();

    await page.instance.onLoad({});

    expect(connectionText(page)).toContain('网络异常，请稍后重试');
  });

  test('重试 pings again, shows 连接中… while waiting, then the new result', async () => {
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' }));
    const page = openHome();
    await page.instance.onLoad({});
    expect(connectionText(page)).toContain('服务暂时不可用，请稍后重试');

    const second = deferred<CallFunctionResult>();
    callFunction.mockReturnValueOnce(second.promise);
    tapRetry(page);
    await flushPromises();

    expect(callFunction).toHaveBeenCalledTimes(2);
    expect(callFunction).toHaveBeenLastCalledWith({ name: 'api', data: { action: 'ping' } });
    expect(connectionText(page)).toContain('连接中…');
    expect(connectionText(page)).not.toContain('服务暂时不可用');

    // A second tap while the first retry is in flight does not start another ping.
    tapRetry(page);
    await flushPromises();
    expect(callFunction).toHaveBeenCalledTimes(2);

    second.resolve(pingOk({ openId: OPEN_ID, serverTime: 1_790_000_000_000 }));
    await flushPromises();

    expect(connectionText(page)).toContain('已连接');
    expect(connectionText(page)).toContain(SHORT_OPEN_ID);
    expect(page.data.connection.busy).toBe(false);
  });

  test('updates the view with one setData when the ping completes', async () => {
    const answer = deferred<CallFunctionResult>();
    callFunction.mockReturnValueOnce(answer.promise);
    const page = openHome();
    const setData = jest.spyOn(page.instance, 'setData');

    const loaded = page.instance.onLoad({});
    answer.resolve(pingOk({ openId: OPEN_ID, serverTime: 1_790_000_000_000 }));
    await loaded;

    expect(setData).toHaveBeenCalledTimes(1);
    expect(page.data.connection.status).toBe('connected');
  });
});
