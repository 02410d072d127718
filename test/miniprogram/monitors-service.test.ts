/**
 * `services/monitors.ts`: each function sends its action with the right payload through
 * `wx.cloud.callFunction` and returns the data; a refusal comes back as `ApiCallError`.
 */
import { ApiCallError } from '../../miniprogram/services/cloud';
import { addEndpoint, checkEndpoint, getEndpoint, listEndpoints, removeEndpoint } from '../../miniprogram/services/monitors';
import { answer, apiFailure, mockCallFunction } from './support/cloud';
import type { CallFunctionMock } from './support/cloud';

describe('monitors service', () => {
  let callFunction: CallFunctionMock;

  beforeEach(() => {
    callFunction = mockCallFunction();
    callFunction.mockResolvedValue(answer({ ok: true, data: { marker: true } }));
  });

  function sent(): unknown {
    return callFunction.mock.calls.at(-1)?.[0];
  }

  test('each action with its payload', async () => {
    await expect(listEndpoints()).resolves.toEqual({ marker: true });
    expect(sent()).toEqual({ name: 'api', data: { action: 'listEndpoints', limit: 20 } });

    await listEndpoints('c-2');
    expect(sent()).toEqual({ name: 'api', data: { action: 'listEndpoints', limit: 20, cursor: 'c-2' } });

    await getEndpoint('ep-1');
    expect(sent()).toEqual({ name: 'api', data: { action: 'getEndpoint', endpointId: 'ep-1' } });

    await addEndpoint('api.example.com:8443');
    expect(sent()).toEqual({ name: 'api', data: { action: 'addEndpoint', target: 'api.example.com:8443' } });

    await removeEndpoint('ep-1');
    expect(sent()).toEqual({ name: 'api', data: { action: 'removeEndpoint', endpointId: 'ep-1' } });

    await checkEndpoint('ep-1');
    expect(sent()).toEqual({ name: 'api', data: { action: 'checkEndpoint', endpointId: 'ep-1' } });
  });

  test('the rate limit arrives as RATE_LIMITED with the server’s message', async () => {
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'RATE_LIMITED', message: '操作太频繁，请在 3 分钟后再试' }));
    const error: unknown = await checkEndpoint('ep-1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiCallError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', message: '操作太频繁，请在 3 分钟后再试' });
  });
});
