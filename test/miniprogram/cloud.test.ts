/**
 * `services/cloud.ts` and `services/system.ts` without a renderer. WeChat's cloud servers cannot run
 * here, so `wx.cloud.callFunction` is mocked and answers with the envelopes the `api` function sends.
 */
import { API_FUNCTION_NAME, ApiCallError, callApi } from '../../miniprogram/services/cloud';
import { ping } from '../../miniprogram/services/system';
import { answer, apiFailure, mockCallFunction, pingOk, transportFailure } from './support/cloud';
import type { CallFunctionMock } from './support/cloud';

const PING = { openId: 'oVnKa5Ed3Xc2Hq0gYtLmW9sBz7Pf', serverTime: 1_790_000_000_000, isAdmin: false };

/** Runs `call` and returns what it threw, failing the test if it resolved. */
async function rejectionOf(call: () => Promise<unknown>): Promise<ApiCallError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof ApiCallError) return error;
    throw new Error('expected an ApiCallError', { cause: error });
  }
  throw new Error('expected the call to fail, it succeeded');
}

describe('callApi', () => {
  let callFunction: CallFunctionMock;

  beforeEach(() => {
    callFunction = mockCallFunction();
  });

  test('sends the action to the api function and returns the unwrapped data', async () => {
    callFunction.mockResolvedValueOnce(pingOk(PING));

    await expect(callApi('ping', {})).resolves.toEqual(PING);
    expect(API_FUNCTION_NAME).toBe('api');
    expect(callFunction).toHaveBeenCalledTimes(1);
    expect(callFunction).toHaveBeenCalledWith({ name: 'api', data: { action: 'ping' } });
  });

  test('ping() is callApi("ping")', async () => {
    callFunction.mockResolvedValueOnce(pingOk(PING));

    await expect(ping()).resolves.toEqual(PING);
    expect(callFunction).toHaveBeenCalledWith({ name: 'api', data: { action: 'ping' } });
  });

  test('turns ok:false into an ApiCallError with the function’s code, message and field', async () => {
    callFunction.mockResolvedValueOnce(
      apiFailure({ code: 'INVALID_REQUEST', message: '请求格式不正确', field: 'action' }),
    );

    const error = await rejectionOf(() => callApi('ping', {}));

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ApiCallError');
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toBe('请求格式不正确');
    expect(error.field).toBe('action');
  });

  test('leaves field undefined when the function names none', async () => {
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'UNKNOWN_ACTION', message: '不支持的操作' }));

    const error = await rejectionOf(() => callApi('ping', {}));

    expect(error.code).toBe('UNKNOWN_ACTION');
    expect(error.field).toBeUndefined();
  });

  test('keeps the message of an error code this build does not know, as INTERNAL', async () => {
    callFunction.mockResolvedValueOnce(answer({ ok: false, error: { code: 'QUOTA_EXCEEDED', message: '本月额度已用完' } }));

    const error = await rejectionOf(() => callApi('ping', {}));

    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe('本月额度已用完');
  });

  test('falls back to a Chinese message when the function sends none', async () => {
    callFunction.mockResolvedValueOnce(answer({ ok: false, error: { code: 'INTERNAL', message: '  ' } }));

    const error = await rejectionOf(() => callApi('ping', {}));

    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe('服务暂时不可用，请稍后重试');
  });

  test('maps a transport failure to NETWORK with a Chinese message and keeps the cause', async () => {
    const failure = transportFailure('cloud.callFunction:fail request:fail timeout');
    callFunction.mockRejectedValueOnce(failure);

    const error = await rejectionOf(() => callApi('ping', {}));

    expect(error.code).toBe('NETWORK');
    expect(error.message).toBe('网络异常，请稍后重试');
    expect(error.cause).toBe(failure);
  });

  test.each([
    ['no result', undefined],
    ['a string result', 'Internal Server Error'],
    ['an envelope without ok', { data: PING }],
    ['ok:true without data', { ok: true }],
    ['ok:false without an error object', { ok: false, error: '出错了' }],
  ])('reports %s as BAD_RESPONSE', async (_case, result) => {
    callFunction.mockResolvedValueOnce(answer(result));

    const error = await rejectionOf(() => callApi('ping', {}));

    expect(error.code).toBe('BAD_RESPONSE');
    expect(error.message).toBe('服务返回了无法识别的结果，请稍后重试');
  });
});
