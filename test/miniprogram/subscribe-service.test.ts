/**
 * `services/subscribe.ts` over stand-ins for WeChat's subscription APIs: the prompt's answer per
 * template (without `errMsg`), the main-switch failure, the subscription settings and the
 * settings page.
 */
import {
  MAIN_SWITCH_OFF_ERR_CODE,
  acceptedCount,
  openSettings,
  requestSubscriptions,
  subscriptionSwitchOn,
} from '../../miniprogram/services/subscribe';

type Callbacks<T, E = { errMsg: string; errCode?: number }> = { success?: (result: T) => void; fail?: (error: E) => void };
type PromptOptions = { tmplIds: string[] } & Callbacks<Record<string, string>>;

function install(api: Record<string, unknown>): void {
  Object.assign(wx, api);
}

describe('subscribe service', () => {
  test('requestSubscriptions asks for the ids and answers per template, without errMsg', async () => {
    const requestSubscribeMessage = jest.fn((options: PromptOptions) =>
      options.success?.({ errMsg: 'requestSubscribeMessage:ok', 'tmpl-a': 'accept', 'tmpl-b': 'reject' }),
    );
    install({ requestSubscribeMessage });

    await expect(requestSubscriptions(['tmpl-a', 'tmpl-b'])).resolves.toEqual({ ok: true, results: { 'tmpl-a': 'accept', 'tmpl-b': 'reject' } });
    expect(requestSubscribeMessage).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['tmpl-a', 'tmpl-b'] }));
  });

  test('requestSubscriptions calls WeChat synchronously, inside the caller (a tap handler)', () => {
    const requestSubscribeMessage = jest.fn();
    install({ requestSubscribeMessage });
    void requestSubscriptions(['tmpl-a']);
    expect(requestSubscribeMessage).toHaveBeenCalledTimes(1);
  });

  test('requestSubscriptions passes at most three templates', async () => {
    const requestSubscribeMessage = jest.fn((options: PromptOptions) => options.success?.({ errMsg: 'requestSubscribeMessage:ok' }));
    install({ requestSubscribeMessage });
    await requestSubscriptions(['a', 'b', 'c', 'd']);
    expect(requestSubscribeMessage).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['a', 'b', 'c'] }));
  });

  test('requestSubscriptions with no templates answers without asking', async () => {
    const requestSubscribeMessage = jest.fn();
    install({ requestSubscribeMessage });
    await expect(requestSubscriptions([])).resolves.toEqual({ ok: true, results: {} });
    expect(requestSubscribeMessage).not.toHaveBeenCalled();
  });

  test('errCode 20004 is the main switch being off; other codes are errors', async () => {
    install({
      requestSubscribeMessage: (options: PromptOptions) =>
        options.fail?.({ errMsg: 'requestSubscribeMessage:fail main switch is off', errCode: MAIN_SWITCH_OFF_ERR_CODE }),
    });
    await expect(requestSubscriptions(['a'])).resolves.toEqual({
      ok: false,
      failure: { reason: 'mainSwitchOff', errCode: 20004, errMsg: 'requestSubscribeMessage:fail main switch is off' },
    });

    install({ requestSubscribeMessage: (options: PromptOptions) => options.fail?.({ errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.', errCode: 10005 }) });
    await expect(requestSubscriptions(['a'])).resolves.toEqual({
      ok: false,
      failure: { reason: 'error', errCode: 10005, errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.' },
    });

    install({ requestSubscribeMessage: (options: PromptOptions) => options.fail?.({ errMsg: 'requestSubscribeMessage:fail' }) });
    await expect(requestSubscriptions(['a'])).resolves.toEqual({ ok: false, failure: { reason: 'error', errCode: null, errMsg: 'requestSubscribeMessage:fail' } });
  });

  test('acceptedCount counts accept and its variants, nothing else', () => {
    expect(acceptedCount({ a: 'accept', b: 'reject', c: 'ban', d: 'filter' })).toBe(1);
    expect(acceptedCount({ a: 'acceptWithAudio', b: 'acceptWithAlert', c: 'accept' })).toBe(3);
    expect(acceptedCount({})).toBe(0);
  });

  test('subscriptionSwitchOn reads mainSwitch with withSubscriptions', async () => {
    const getSetting = jest.fn((options: { withSubscriptions?: boolean } & Callbacks<{ subscriptionsSetting?: { mainSwitch: boolean } }>) =>
      options.success?.({ subscriptionsSetting: { mainSwitch: false } }),
    );
    install({ getSetting });
    await expect(subscriptionSwitchOn()).resolves.toBe(false);
    expect(getSetting).toHaveBeenCalledWith(expect.objectContaining({ withSubscriptions: true }));

    install({ getSetting: (options: Callbacks<{ subscriptionsSetting: { mainSwitch: boolean } }>) => options.success?.({ subscriptionsSetting: { mainSwitch: true } }) });
    await expect(subscriptionSwitchOn()).resolves.toBe(true);
  });

  test('subscriptionSwitchOn is null when WeChat cannot tell', async () => {
    install({ getSetting: (options: Callbacks<Record<string, unknown>>) => options.success?.({ authSetting: {} }) });
    await expect(subscriptionSwitchOn()).resolves.toBeNull();
    install({ getSetting: (options: Callbacks<unknown>) => options.fail?.({ errMsg: 'getSetting:fail' }) });
    await expect(subscriptionSwitchOn()).resolves.toBeNull();
  });

  test('openSettings opens the settings page and answers with the switch afterwards', async () => {
    const openSetting = jest.fn((options: { withSubscriptions?: boolean } & Callbacks<{ subscriptionsSetting: { mainSwitch: boolean } }>) =>
      options.success?.({ subscriptionsSetting: { mainSwitch: true } }),
    );
    install({ openSetting });
    await expect(openSettings()).resolves.toBe(true);
    expect(openSetting).toHaveBeenCalledWith(expect.objectContaining({ withSubscriptions: true }));

    install({ openSetting: (options: Callbacks<unknown>) => options.fail?.({ errMsg: 'openSetting:fail' }) });
    await expect(openSettings()).resolves.toBeNull();
  });
});
