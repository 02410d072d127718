/**
 * Stand-ins for `wx.cloud`. WeChat's cloud servers cannot run here, so tests answer
 * `wx.cloud.callFunction` themselves, with the envelopes the `api` function sends.
 */
import type { ApiError, ApiResponse, PingResult } from '../../../typings/api';

export interface CallFunctionParam {
  name: string;
  data?: unknown;
}

export interface CallFunctionResult {
  result: unknown;
  errMsg: string;
}

export type CallFunctionMock = jest.Mock<Promise<CallFunctionResult>, [CallFunctionParam]>;

/** Replaces `wx.cloud.callFunction` with a fresh mock and returns it; queue answers with `mockResolvedValueOnce` etc. */
export function mockCallFunction(): CallFunctionMock {
  const callFunction: CallFunctionMock = jest.fn();
  Object.assign(wx.cloud, { callFunction });
  return callFunction;
}

/** A successful call whose function answered `result`. */
export function answer(result: unknown): CallFunctionResult {
  return { result, errMsg: 'cloud.callFunction:ok' };
}

export function pingOk(data: PingResult): CallFunctionResult {
  const response: ApiResponse = { ok: true, data };
  return answer(response);
}

export function apiFailure(error: ApiError): CallFunctionResult {
  const response: ApiResponse = { ok: false, error };
  return answer(response);
}

/** How `wx.cloud.callFunction` rejects when the request never reaches the function. */
export function transportFailure(errMsg = 'cloud.callFunction:fail request:fail timeout'): Error & { errMsg: string; errCode: number } {
  return Object.assign(new Error(errMsg), { errMsg, errCode: -1 });
}

/** A promise the test settles by hand, to observe the page while a call is in flight. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (reason: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
