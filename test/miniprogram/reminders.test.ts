/**
 * The reminder settings page, rendered by miniprogram-simulate with the real TDesign components:
 * thresholds (add, remove, validate, save), WeChat subscriptions (the prompt with the configured
 * template ids, reporting, the banked count, the main switch), the user's channels (add with a
 * one-time webhook secret, field errors, test, remove) and the link to the history.
 * `wx.cloud.callFunction` answers per action; WeChat's subscription APIs are stand-ins.
 */
import type { ApiError, ApiRequest, ChannelView, UserSettings } from '../../typings/api';
import { answer, apiFailure, mockCallFunction } from './support/cloud';
import type { CallFunctionMock, CallFunctionParam, CallFunctionResult } from './support/cloud';
import { TEMPLATE_IDS, userSettings, wecomChannel } from './support/fixtures';
import { flushPromises, loadPage, textOf } from './support/page';
import type { LoadedPage, RenderedNode } from './support/page';

interface RemindersData {
  phase: string;
  days: number[];
  remindOnExpiry: boolean;
  dirty: boolean;
  secret: string;
  removeId: string;
  addType: string;
  targetPlaceholder: string;
}
type ValueEvent = { detail: { value: string } };
type RemindersMethods = {
  onLoad(): Promise<void>;
  onShow(): void;
  onSubscribe(): void;
  onDayInput(event: ValueEvent): void;
  onTargetInput(event: ValueEvent): void;
  onLabelInput(event: ValueEvent): void;
};
type RemindersPage = LoadedPage<RemindersData, RemindersMethods>;

const NOW = Date.UTC(2026, 5, 15, 4, 0, 0);

type Handler = (request: Record<string, unknown>) => unknown;

/** Answers each action with its handler's data, or with the `ApiError` it returns as `{ error }`. */
function serve(callFunction: CallFunctionMock, handlers: Partial<Record<string, Handler>>): void {
  callFunction.mockImplementation((param: CallFunctionParam): Promise<CallFunctionResult> => {
    const request = param.data as ApiRequest;
    const handler = handlers[request.action];
    if (!handler) return Promise.resolve(apiFailure({ code: 'INTERNAL', message: `no answer for ${request.action}` }));
    const data = handler(request as unknown as Record<string, unknown>);
    if (typeof data === 'object' && data !== null && 'error' in data) return Promise.resolve(apiFailure((data as { error: ApiError }).error));
    return Promise.resolve(answer({ ok: true, data }));
  });
}

function requests(callFunction: CallFunctionMock, action: string): unknown[] {
  return callFunction.mock.calls.map(([param]) => param.data as ApiRequest).filter((request) => request.action === action);
}

async function tap(node: RenderedNode | undefined, what: string, inner = '.t-button'): Promise<void> {
  const target = node?.querySelector(inner);
  if (!target) throw new Error(`${what} is not rendered`);
  target.dispatchEvent('tap');
  await flushPromises();
  await flushPromises();
}

function textAt(page: RemindersPage, selector: string): string {
  const node = page.querySelector(selector);
  return node ? textOf({ dom: node.dom }) : '';
}

/** What `wx.requestSubscribeMessage` receives and how the stand-in answers. */
type PromptOptions = {
  tmplIds: string[];
  success?: (result: Record<string, string>) => void;
  fail?: (error: { errMsg: string; errCode: number }) => void;
};
type SettingCallbacks = { success?: (result: { subscriptionsSetting: { mainSwitch: boolean } }) => void };

let callFunction: CallFunctionMock;
let requestSubscribeMessage: jest.Mock<void, [PromptOptions]>;
let getSetting: jest.Mock<void, [SettingCallbacks]>;
let openSetting: jest.Mock<void, [SettingCallbacks]>;
let setClipboardData: jest.Mock;
let navigateTo: jest.Mock;

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['setTimeout', 'nextTick', 'setImmediate', 'queueMicrotask'], now: NOW });
  callFunction = mockCallFunction();
  requestSubscribeMessage = jest.fn();
  getSetting = jest.fn((options: SettingCallbacks) => options.success?.({ subscriptionsSetting: { mainSwitch: true } }));
  openSetting = jest.fn((options: SettingCallbacks) => options.success?.({ subscriptionsSetting: { mainSwitch: true } }));
  setClipboardData = jest.fn((options: { success?: () => void }) => options.success?.());
  navigateTo = jest.fn();
  Object.assign(wx, { requestSubscribeMessage, getSetting, openSetting, setClipboardData, navigateTo });
});

afterEach(() => {
  jest.useRealTimers();
});

async function openPage(settings: UserSettings = userSettings(), handlers: Partial<Record<string, Handler>> = {}): Promise<RemindersPage> {
  serve(callFunction, { getSettings: () => settings, ...handlers });
  const page = loadPage<RemindersData, RemindersMethods>('pages/reminders/index');
  await page.instance.onLoad();
  await flushPromises();
  return page;
}

function chips(page: RemindersPage): string[] {
  return page.querySelectorAll('.day').map((node) => textOf({ dom: node.querySelector('.t-tag__text')?.dom }));
}

async function removeDay(page: RemindersPage, days: number): Promise<void> {
  const index = page.data.days.indexOf(days);
  await tap(page.querySelectorAll('.remove-day')[index], `删除 ${String(days)} 天`, '.t-icon');
}

async function addDay(page: RemindersPage, value: string): Promise<void> {
  page.instance.onDayInput({ detail: { value } });
  await tap(page.querySelector('#add-day'), '添加天数');
}

describe('reminders page: thresholds', () => {
  test('shows the stored thresholds as chips, the on-expiry switch and a summary', async () => {
    const page = await openPage();
    expect(callFunction).toHaveBeenCalledWith({ name: 'api', data: { action: 'getSettings' } });
    expect(page.data.phase).toBe('ready');
    expect(chips(page)).toEqual(['30 天', '14 天', '7 天', '3 天', '1 天']);
    expect(page.querySelector('.expiry-switch')?.data.value).toBe(true);
    expect(textAt(page, '.summary')).toBe('到期前 30、14、7、3、1 天和到期当天提醒');
    expect(page.querySelector('#save')?.data.disabled).toBe(true);
  });

  test('adds a day in order, removes one, toggles the switch, and saves exactly that', async () => {
    const saved = userSettings({ reminderDays: [45, 30, 14, 7, 3], remindOnExpiry: false });
    const page = await openPage(userSettings(), { updateSettings: () => saved });

    await addDay(page, ' 45 ');
    expect(chips(page)).toEqual(['45 天', '30 天', '14 天', '7 天', '3 天', '1 天']);
    await removeDay(page, 1);
    expect(page.data.days).toEqual([45, 30, 14, 7, 3]);

    await tap(page.querySelector('.expiry-switch'), '到期当天提醒', '.t-switch');
    expect(page.data.remindOnExpiry).toBe(false);
    expect(textAt(page, '.summary')).toBe('到期前 45、30、14、7、3 天提醒');
    expect(page.querySelector('#save')?.data.disabled).toBe(false);

    await tap(page.querySelector('#save'), '保存');
    expect(requests(callFunction, 'updateSettings')).toEqual([{ action: 'updateSettings', reminderDays: [45, 30, 14, 7, 3], remindOnExpiry: false }]);
    expect(textAt(page, '.save-message')).toBe('已保存');
    expect(page.data.dirty).toBe(false);
    expect(page.querySelector('#save')?.data.disabled).toBe(true);
  });

  test('refuses days outside 1–365, fractions, duplicates and an eleventh value, next to the field', async () => {
    const page = await openPage();
    const cases: [string, string][] = [
      ['', '请填写天数'],
      ['0', '天数必须在 1 到 365 之间'],
      ['366', '天数必须在 1 到 365 之间'],
      ['2.5', '请填写 1 到 365 之间的整数'],
      ['-3', '请填写 1 到 365 之间的整数'],
      ['7', '已经有 7 天了'],
    ];
    for (const [input, message] of cases) {
      await addDay(page, input);
      expect(textAt(page, '.day-error')).toBe(message);
    }
    expect(page.data.days).toEqual([30, 14, 7, 3, 1]);

    // Typing again clears the error.
    page.instance.onDayInput({ detail: { value: '6' } });
    await flushPromises();
    expect(page.querySelector('.day-error')).toBeUndefined();

    for (const days of ['60', '45', '21', '10', '5']) await addDay(page, days);
    expect(page.data.days).toHaveLength(10);
    await addDay(page, '2');
    expect(textAt(page, '.day-error')).toBe('最多设置 10 个提醒时间，请先删除一个');
    expect(page.data.days).toHaveLength(10);
  });

  test('with no days and the switch off, warns that nothing will be sent', async () => {
    const page = await openPage(userSettings({ reminderDays: [7], remindOnExpiry: false }));
    await removeDay(page, 7);
    expect(textAt(page, '.summary')).toContain('不会发送任何到期提醒');
    expect(textOf(page)).toContain('还没有设置提前提醒的天数');
  });

  test('a server refusal is shown next to the field it names', async () => {
    const page = await openPage(userSettings(), {
      updateSettings: () => ({
        error: {
          code: 'INVALID_REQUEST',
          message: '请求有误',
          violations: [{ field: 'reminderDays[0]', rule: 'maxValue', message: '提醒天数不能超过 365 天' }],
        },
      }),
    });
    await addDay(page, '90');
    await tap(page.querySelector('#save'), '保存');
    expect(textAt(page, '.day-error')).toBe('提醒天数不能超过 365 天');
    expect(page.querySelector('.save-error')).toBeUndefined();

    serve(callFunction, { updateSettings: () => ({ error: { code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' } }) });
    await tap(page.querySelector('#save'), '保存');
    expect(textAt(page, '.save-error')).toBe('保存失败：服务暂时不可用，请稍后重试');
  });
});

describe('reminders page: WeChat subscriptions', () => {
  test('shows the banked total and each template with its count, and explains one-time subscriptions', async () => {
    const page = await openPage();
    expect(textAt(page, '.banked')).toContain('3 条');
    expect(textAt(page, '.template--expiry')).toBe('证书到期提醒2 条');
    expect(textAt(page, '.template--result')).toBe('证书续期结果通知1 条');
    expect(textAt(page, '.template--action')).toBe('待处理事项提醒0 条');
    expect(textAt(page, '.explanation')).toContain('每订阅一次，只能给你发一条');
    expect(page.querySelector('.wechat-notice')).toBeUndefined();
  });

  test('订阅提醒 asks for the configured templates, reports the answer and shows the new count', async () => {
    requestSubscribeMessage.mockImplementation((options) =>
      options.success?.({
        errMsg: 'requestSubscribeMessage:ok',
        [TEMPLATE_IDS.expiry]: 'accept',
        [TEMPLATE_IDS.result]: 'accept',
        [TEMPLATE_IDS.action]: 'reject',
      }),
    );
    const after = userSettings();
    after.wechat = { ...after.wechat, banked: 5, templates: after.wechat.templates.map((t) => ({ ...t, credits: t.key === 'action' ? 0 : t.credits + 1 })) };
    const page = await openPage(userSettings(), { reportSubscription: () => after });

    await tap(page.querySelector('#subscribe'), '订阅提醒');

    expect(requestSubscribeMessage).toHaveBeenCalledTimes(1);
    expect(requestSubscribeMessage.mock.calls[0]?.[0].tmplIds).toEqual([TEMPLATE_IDS.expiry, TEMPLATE_IDS.result, TEMPLATE_IDS.action]);
    expect(requests(callFunction, 'reportSubscription')).toEqual([
      { action: 'reportSubscription', results: { [TEMPLATE_IDS.expiry]: 'accept', [TEMPLATE_IDS.result]: 'accept', [TEMPLATE_IDS.action]: 'reject' } },
    ]);
    expect(textAt(page, '.banked')).toContain('5 条');
    expect(textAt(page, '.template--expiry')).toBe('证书到期提醒3 条');
    expect(textAt(page, '.wechat-message')).toBe('订阅成功，新增 2 条提醒');
  });

  test('the prompt is shown synchronously inside the tap handler, before anything is awaited', async () => {
    const page = await openPage(userSettings(), { reportSubscription: () => userSettings() });
    page.instance.onSubscribe();
    expect(requestSubscribeMessage).toHaveBeenCalledTimes(1);
    // A second tap while the first is under way asks nothing more.
    page.instance.onSubscribe();
    expect(requestSubscribeMessage).toHaveBeenCalledTimes(1);
  });

  test('coming back from WeChat settings re-checks the switch', async () => {
    getSetting.mockImplementation((options) => options.success?.({ subscriptionsSetting: { mainSwitch: false } }));
    const page = await openPage();
    page.instance.onShow();
    expect(textAt(page, '.wechat-notice')).toContain('你关闭了“接收订阅消息”');

    getSetting.mockImplementation((options) => options.success?.({ subscriptionsSetting: { mainSwitch: true } }));
    page.instance.onShow();
    await flushPromises();
    expect(page.querySelector('.wechat-notice')).toBeUndefined();
  });

  test('main switch off: explains it and 去设置 opens WeChat settings', async () => {
    requestSubscribeMessage.mockImplementation((options) => options.fail?.({ errMsg: 'requestSubscribeMessage:fail main switch is off', errCode: 20004 }));
    const page = await openPage();

    await tap(page.querySelector('#subscribe'), '订阅提醒');
    expect(requests(callFunction, 'reportSubscription')).toEqual([]);
    expect(textAt(page, '.wechat-notice')).toContain('你关闭了“接收订阅消息”');

    await tap(page.querySelector('#open-settings'), '去设置');
    expect(openSetting).toHaveBeenCalledWith(expect.objectContaining({ withSubscriptions: true }));
    expect(page.querySelector('.wechat-notice')).toBeUndefined();
    expect(textAt(page, '.wechat-message')).toBe('已打开订阅消息，请再点一次「订阅提醒」。');
  });

  test('the switch already off on load is explained before any tap', async () => {
    getSetting.mockImplementation((options) => options.success?.({ subscriptionsSetting: { mainSwitch: false } }));
    const page = await openPage();
    expect(getSetting).toHaveBeenCalledWith(expect.objectContaining({ withSubscriptions: true }));
    expect(textAt(page, '.wechat-notice')).toContain('你关闭了“接收订阅消息”');
    expect(page.querySelector('#open-settings')).toBeDefined();
  });

  test('everything rejected or banned: says so and offers the settings page', async () => {
    requestSubscribeMessage.mockImplementation((options) =>
      options.success?.({
        errMsg: 'requestSubscribeMessage:ok',
        [TEMPLATE_IDS.expiry]: 'reject',
        [TEMPLATE_IDS.result]: 'ban',
        [TEMPLATE_IDS.action]: 'reject',
      }),
    );
    const page = await openPage(userSettings(), { reportSubscription: () => userSettings() });
    await tap(page.querySelector('#subscribe'), '订阅提醒');
    expect(requests(callFunction, 'reportSubscription')).toHaveLength(1);
    expect(textAt(page, '.wechat-notice')).toContain('这次没有订阅成功');
    await tap(page.querySelector('#open-settings'), '去设置');
    expect(openSetting).toHaveBeenCalledTimes(1);
  });

  test('other platform failures show the code', async () => {
    requestSubscribeMessage.mockImplementation((options) => options.fail?.({ errMsg: 'requestSubscribeMessage:fail', errCode: 10002 }));
    const page = await openPage();
    await tap(page.querySelector('#subscribe'), '订阅提醒');
    expect(textAt(page, '.wechat-message')).toBe('微信暂时无法发起订阅（错误码 10002），请稍后重试。');
  });

  test('no templates configured: says the operator has not set WeChat reminders up, nothing to subscribe', async () => {
    const page = await openPage(userSettings({ wechat: { templates: [], banked: 0 } }));
    expect(textAt(page, '.not-configured')).toContain('运营方还没有配置微信订阅消息');
    expect(page.querySelector('#subscribe')).toBeUndefined();
    expect(page.querySelector('#test-wechat')).toBeUndefined();
  });

  test('发送测试消息 for WeChat uses channel id "wechat" and shows the answer; disabled with nothing banked', async () => {
    const after = userSettings();
    after.wechat = { ...after.wechat, banked: 2 };
    const page = await openPage(userSettings(), {
      testChannel: (request) => ({ channelId: request.channelId, ok: true, message: '测试消息已发送，请在微信服务通知里查看', settings: after }),
    });
    await tap(page.querySelector('#test-wechat'), '发送测试消息');
    expect(requests(callFunction, 'testChannel')).toEqual([{ action: 'testChannel', channelId: 'wechat' }]);
    expect(textAt(page, '.test-note--wechat')).toBe('测试消息已发送，请在微信服务通知里查看');
    expect(textAt(page, '.banked')).toContain('2 条');

    const empty = await openPage(userSettings({ wechat: { ...userSettings().wechat, banked: 0 } }));
    expect(empty.querySelector('#test-wechat')?.data.disabled).toBe(true);
    expect(textAt(empty, '.no-banked')).toContain('现在没有可用的微信提醒');
  });
});

describe('reminders page: channels', () => {
  const webhook: ChannelView = {
    id: 'ch-hook',
    type: 'webhook',
    label: '监控平台',
    target: 'https://example.com/hooks/••••',
    createdAt: NOW,
    lastTest: null,
  };

  test('lists each channel with its type, label, masked target and last test', async () => {
    const failed = wecomChannel(NOW - 3_600_000, {
      id: 'ch-mail',
      type: 'email',
      label: '值班邮箱',
      target: 'o••@example.com',
      lastTest: { ok: false, at: NOW - 3_600_000, message: '邮件服务器拒收：地址不存在' },
    });
    const page = await openPage(userSettings({ channels: [wecomChannel(NOW - 60_000), failed] }));
    const first = textAt(page, '.channel--ch-wecom');
    expect(first).toContain('企业微信群机器人');
    expect(first).toContain('运维群');
    expect(first).toContain('qyapi.weixin.qq.com/…key=••••3f2a');
    expect(first).toContain('上次测试成功');
    const second = textAt(page, '.channel--ch-mail');
    expect(second).toContain('电子邮件');
    expect(second).toContain('上次测试失败');
    expect(second).toContain('邮件服务器拒收：地址不存在');
  });

  test('adding a webhook: type-specific placeholder, exact payload, and the signing secret shown once with a copy button', async () => {
    const page = await openPage(userSettings(), {
      addChannel: () => ({ settings: userSettings({ channels: [webhook] }), channelId: 'ch-hook', signingSecret: 'whsec_3kT9aZ0qLm' }),
    });
    expect(textOf(page)).toContain('还没有添加其他通知渠道');
    await tap(page.querySelector('#open-add'), '添加通知渠道');
    expect(page.data.targetPlaceholder).toContain('qyapi.weixin.qq.com');

    await tap(page.querySelector('.type--webhook'), 'Webhook', '.t-radio');
    expect(page.data.addType).toBe('webhook');
    expect(page.data.targetPlaceholder).toBe('https://example.com/hooks/certkeeper');
    expect(textAt(page, '.target-hint')).toContain('签名密钥');

    page.instance.onTargetInput({ detail: { value: ' https://example.com/hooks/certkeeper ' } });
    page.instance.onLabelInput({ detail: { value: '监控平台' } });
    await tap(page.querySelector('#add-channel'), '添加');

    expect(requests(callFunction, 'addChannel')).toEqual([
      { action: 'addChannel', type: 'webhook', target: 'https://example.com/hooks/certkeeper', label: '监控平台' },
    ]);
    expect(textAt(page, '.channel--ch-hook')).toContain('监控平台');
    const secret = textAt(page, '.secret');
    expect(secret).toContain('whsec_3kT9aZ0qLm');
    expect(secret).toContain('只显示这一次');
    expect(secret).toContain('X-CertKeeper-Signature');
    expect(secret).toContain('HMAC-SHA256(密钥, "<timestamp>.<body>")');
    expect(page.querySelector('.add-form')).toBeUndefined();

    await tap(page.querySelector('#copy-secret'), '复制密钥');
    expect(setClipboardData).toHaveBeenCalledWith(expect.objectContaining({ data: 'whsec_3kT9aZ0qLm' }));

    await tap(page.querySelector('#dismiss-secret'), '我已保存');
    expect(page.querySelector('.secret')).toBeUndefined();
    expect(page.data.secret).toBe('');
    expect(textOf(page)).not.toContain('whsec_3kT9aZ0qLm');
  });

  test('other types get no secret; the label is left out when empty', async () => {
    const page = await openPage(userSettings(), {
      addChannel: () => ({ settings: userSettings({ channels: [wecomChannel(NOW)] }), channelId: 'ch-wecom', signingSecret: null }),
    });
    await tap(page.querySelector('#open-add'), '添加通知渠道');
    page.instance.onTargetInput({ detail: { value: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc' } });
    await tap(page.querySelector('#add-channel'), '添加');
    expect(requests(callFunction, 'addChannel')).toEqual([{ action: 'addChannel', type: 'wecom', target: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc' }]);
    expect(page.querySelector('.secret')).toBeUndefined();
  });

  test('field errors: checked here first, then the server’s shown next to its field', async () => {
    const page = await openPage(userSettings(), {
      addChannel: () => ({
        error: { code: 'INVALID_REQUEST', message: '请求有误', field: 'target', violations: [{ field: 'target', rule: 'email', message: '邮箱域名没有邮件服务器（MX 记录）' }] },
      }),
    });
    await tap(page.querySelector('#open-add'), '添加通知渠道');
    await tap(page.querySelector('.type--email'), '电子邮件', '.t-radio');

    await tap(page.querySelector('#add-channel'), '添加');
    expect(textAt(page, '.target-error')).toBe('请填写邮箱地址');
    page.instance.onTargetInput({ detail: { value: 'not-an-address' } });
    await tap(page.querySelector('#add-channel'), '添加');
    expect(textAt(page, '.target-error')).toBe('这不是有效的邮箱地址');
    expect(requests(callFunction, 'addChannel')).toEqual([]);

    page.instance.onTargetInput({ detail: { value: 'ops@example.invalid' } });
    await tap(page.querySelector('#add-channel'), '添加');
    expect(requests(callFunction, 'addChannel')).toHaveLength(1);
    expect(textAt(page, '.target-error')).toBe('邮箱域名没有邮件服务器（MX 记录）');
    expect(page.querySelector('.add-error')).toBeUndefined();
    expect(page.querySelector('.add-form')).toBeDefined();

    await tap(page.querySelector('.type--webhook'), 'Webhook', '.t-radio');
    page.instance.onTargetInput({ detail: { value: 'http://example.com/hook' } });
    await tap(page.querySelector('#add-channel'), '添加');
    expect(textAt(page, '.target-error')).toBe('地址必须以 https:// 开头');
  });

  test('发送测试消息 on a channel sends its id and shows the answer under it', async () => {
    const tested = wecomChannel(NOW, { lastTest: { ok: false, at: NOW, message: '机器人地址无效（errcode 93000）' } });
    const page = await openPage(userSettings({ channels: [wecomChannel(NOW - 60_000)] }), {
      testChannel: (request) => ({ channelId: request.channelId, ok: false, message: '机器人地址无效（errcode 93000）', settings: userSettings({ channels: [tested] }) }),
    });
    await tap(page.querySelector('.test-channel'), '发送测试消息');
    expect(requests(callFunction, 'testChannel')).toEqual([{ action: 'testChannel', channelId: 'ch-wecom' }]);
    expect(textAt(page, '.channel--ch-wecom')).toContain('机器人地址无效（errcode 93000）');
    expect(page.querySelector('.test-note')?.dom?.className).toContain('error-text');
  });

  test('删除 asks first, removes only when confirmed', async () => {
    const page = await openPage(userSettings({ channels: [wecomChannel(NOW)] }), { removeChannel: () => userSettings() });
    await tap(page.querySelector('.remove-channel'), '删除');
    const dialog = page.querySelector('#remove-confirm');
    expect(dialog?.data.visible).toBe(true);
    expect(dialog?.data.content).toBe('删除后不再向“运维群”发送提醒。');

    await tap(dialog?.querySelector('.t-dialog__button--cancel'), '取消');
    expect(page.querySelector('#remove-confirm')?.data.visible).toBe(false);
    expect(requests(callFunction, 'removeChannel')).toEqual([]);

    await tap(page.querySelector('.remove-channel'), '删除');
    await tap(page.querySelector('#remove-confirm')?.querySelector('.t-dialog__button--confirm'), '确认删除');
    expect(requests(callFunction, 'removeChannel')).toEqual([{ action: 'removeChannel', channelId: 'ch-wecom' }]);
    expect(page.querySelector('.channel--ch-wecom')).toBeUndefined();
    expect(textOf(page)).toContain('还没有添加其他通知渠道');
  });
});

describe('reminders page: loading and navigation', () => {
  test('a load failure shows the message and 重试 loads again', async () => {
    serve(callFunction, { getSettings: () => ({ error: { code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' } }) });
    const page = loadPage<RemindersData, RemindersMethods>('pages/reminders/index');
    await page.instance.onLoad();
    expect(page.data.phase).toBe('error');
    expect(textAt(page, '.load-error')).toBe('服务暂时不可用，请稍后重试');

    serve(callFunction, { getSettings: () => userSettings() });
    await tap(page.querySelector('#retry'), '重试');
    expect(page.data.phase).toBe('ready');
  });

  test('通知记录 opens the history', async () => {
    const page = await openPage();
    await tap(page.querySelector('#open-history'), '通知记录', '.t-cell');
    expect(navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/notifications/index' }));
  });
});
