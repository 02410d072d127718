/**
 * `services/reminders.ts`: each action sends its payload through `wx.cloud.callFunction`, and
 * `topUpReminders` asks WeChat inside the tap, then reports exactly what WeChat answered.
 */
import {
  addChannel,
  getSettings,
  listNotifications,
  removeChannel,
  reportSubscription,
  testChannel,
  topUpReminders,
  updateSettings,
} from '../../miniprogram/services/reminders';
import { ApiCallError } from '../../miniprogram/services/cloud';
import { answer, apiFailure, mockCallFunction } from './support/cloud';
import type { CallFunctionMock } from './support/cloud';
import { userSettings } from './support/fixtures';

type PromptOptions = {
  tmplIds: string[];
  success?: (result: Record<string, string>) => void;
  fail?: (error: { errMsg: string; errCode: number }) => void;
};

describe('reminders service', () => {
  let callFunction: CallFunctionMock;

  beforeEach(() => {
    callFunction = mockCallFunction();
    callFunction.mockResolvedValue(answer({ ok: true, data: { marker: true } }));
  });

  function sent(): unknown {
    return callFunction.mock.calls.at(-1)?.[0];
  }

  test('each action with its payload', async () => {
    await expect(getSettings()).resolves.toEqual({ marker: true });
    expect(sent()).toEqual({ name: 'api', data: { action: 'getSettings' } });

    await updateSettings({ reminderDays: [30, 7], remindOnExpiry: false });
    expect(sent()).toEqual({ name: 'api', data: { action: 'updateSettings', reminderDays: [30, 7], remindOnExpiry: false } });

    await reportSubscription({ 'tmpl-a': 'accept' });
    expect(sent()).toEqual({ name: 'api', data: { action: 'reportSubscription', results: { 'tmpl-a': 'accept' } } });

    await addChannel({ type: 'webhook', target: 'https://example.com/hook', label: '监控' });
    expect(sent()).toEqual({ name: 'api', data: { action: 'addChannel', type: 'webhook', target: 'https://example.com/hook', label: '监控' } });

    await removeChannel('ch-1');
    expect(sent()).toEqual({ name: 'api', data: { action: 'removeChannel', channelId: 'ch-1' } });

    await testChannel('wechat');
    expect(sent()).toEqual({ name: 'api', data: { action: 'testChannel', channelId: 'wechat' } });

    await listNotifications();
    expect(sent()).toEqual({ name: 'api', data: { action: 'listNotifications', limit: 20 } });

    await listNotifications('cur-2');
    expect(sent()).toEqual({ name: 'api', data: { action: 'listNotifications', limit: 20, cursor: 'cur-2' } });
  });

  test('topUpReminders asks WeChat before anything is awaited, then reports the answer', async () => {
    const settings = userSettings();
    callFunction.mockResolvedValue(answer({ ok: true, data: settings }));
    const requestSubscribeMessage = jest.fn((options: PromptOptions) =>
      options.success?.({ errMsg: 'requestSubscribeMessage:ok', 'tmpl-a': 'accept', 'tmpl-b': 'reject' }),
    );
    Object.assign(wx, { requestSubscribeMessage });

    const pending = topUpReminders(['tmpl-a', 'tmpl-b']);
    expect(requestSubscribeMessage).toHaveBeenCalledTimes(1);
    expect(callFunction).not.toHaveBeenCalled();

    await expect(pending).resolves.toEqual({ kind: 'subscribed', accepted: 1, settings });
    expect(sent()).toEqual({ name: 'api', data: { action: 'reportSubscription', results: { 'tmpl-a': 'accept', 'tmpl-b': 'reject' } } });
  });

  test('topUpReminders: nothing accepted is "declined", still reported', async () => {
    const settings = userSettings();
    callFunction.mockResolvedValue(answer({ ok: true, data: settings }));
    Object.assign(wx, {
      requestSubscribeMessage: (options: PromptOptions) => options.success?.({ errMsg: 'requestSubscribeMessage:ok', 'tmpl-a': 'reject', 'tmpl-b': 'ban' }),
    });
    await expect(topUpReminders(['tmpl-a', 'tmpl-b'])).resolves.toEqual({ kind: 'declined', settings });
    expect(sent()).toEqual({ name: 'api', data: { action: 'reportSubscription', results: { 'tmpl-a': 'reject', 'tmpl-b': 'ban' } } });
  });

  test('topUpReminders: a platform failure reports nothing', async () => {
    Object.assign(wx, { requestSubscribeMessage: (options: PromptOptions) => options.fail?.({ errMsg: 'requestSubscribeMessage:fail', errCode: 20004 }) });
    await expect(topUpReminders(['tmpl-a'])).resolves.toEqual({
      kind: 'failed',
      failure: { reason: 'mainSwitchOff', errCode: 20004, errMsg: 'requestSubscribeMessage:fail' },
    });
    expect(callFunction).not.toHaveBeenCalled();
  });

  test('topUpReminders rejects with the server error when reporting fails', async () => {
    callFunction.mockResolvedValue(apiFailure({ code: 'RATE_LIMITED', message: '操作太频繁，请稍后再试' }));
    Object.assign(wx, { requestSubscribeMessage: (options: PromptOptions) => options.success?.({ errMsg: 'requestSubscribeMessage:ok', 'tmpl-a': 'accept' }) });
    const outcome = topUpReminders(['tmpl-a']);
    await expect(outcome).rejects.toBeInstanceOf(ApiCallError);
    await expect(outcome).rejects.toThrow('操作太频繁，请稍后再试');
  });
});
